package stats

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
)

// counterRobots is COUNTER's list of robot and crawler user-agent
// patterns (github.com/atmire/COUNTER-Robots, MIT licence; see
// counter/LICENSE). Point stats.robots_file at a newer copy to update it
// without a new release.
//
//go:embed counter/COUNTER_Robots_list.json
var counterRobots []byte

// Robots tells robots and crawlers from readers by their user agent, using
// COUNTER's patterns (case-insensitive regular expressions).
type Robots struct {
	re       *regexp.Regexp
	Patterns int      // how many patterns are in use
	Skipped  []string // patterns Go's regexp syntax cannot express
	mu       sync.Mutex
	seen     map[string]bool // user agents already judged
}

// LoadRobots reads the robots list from file, or the embedded copy when
// file is empty.
func LoadRobots(file string) (*Robots, error) {
	data := counterRobots
	if file != "" {
		var err error
		if data, err = os.ReadFile(file); err != nil {
			return nil, fmt.Errorf("stats: robots list: %w", err)
		}
	}
	var list []struct {
		Pattern string `json:"pattern"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("stats: robots list %s: %w", orEmbedded(file), err)
	}
	r := &Robots{seen: map[string]bool{}}
	var good []string
	for _, p := range list {
		if p.Pattern == "" {
			continue
		}
		if _, err := regexp.Compile(p.Pattern); err != nil {
			r.Skipped = append(r.Skipped, p.Pattern)
			continue
		}
		good = append(good, "(?:"+p.Pattern+")")
	}
	if len(good) == 0 {
		return nil, fmt.Errorf("stats: robots list %s has no usable patterns", orEmbedded(file))
	}
	re, err := regexp.Compile("(?i)" + strings.Join(good, "|"))
	if err != nil {
		return nil, fmt.Errorf("stats: robots list %s: %w", orEmbedded(file), err)
	}
	r.re, r.Patterns = re, len(good)
	return r, nil
}

func orEmbedded(file string) string {
	if file == "" {
		return "(embedded)"
	}
	return file
}

// maxSeen bounds the cache of judged user agents; it is emptied when full.
const maxSeen = 10000

// IsRobot reports whether the user agent matches a robot pattern. An empty
// user agent is a robot too (COUNTER's list says so with ^.?$).
func (r *Robots) IsRobot(userAgent string) bool {
	r.mu.Lock()
	robot, ok := r.seen[userAgent]
	r.mu.Unlock()
	if ok {
		return robot
	}
	robot = r.re.MatchString(userAgent)
	r.mu.Lock()
	if len(r.seen) >= maxSeen {
		clear(r.seen)
	}
	r.seen[userAgent] = robot
	r.mu.Unlock()
	return robot
}
