package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	_ "github.com/mattn/go-sqlite3"

	"carrel/app"
)

// query is one query of the mix, in Carrel's syntax and in FTS5's.
type query struct {
	kind     string
	text     string // Carrel (Figshare) syntax
	fts      string // FTS5 MATCH expression; "" matches every row
	itemType int    // a filter both engines apply; 0 for none
	since    int    // with itemType: published in or after this year; 0 for none
}

type mix []query

// kinds describes the mix: how many queries of each kind.
func (m mix) kinds() string {
	count := map[string]int{}
	for _, q := range m {
		count[q.kind]++
	}
	var parts []string
	for k, n := range count {
		parts = append(parts, fmt.Sprintf("%d %s", n, k))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// queryMix makes n queries from words of the corpus itself (a sample of
// published items), so that they match what a reader would look for:
// single words, two words, phrases, author names, title prefixes, OR, NOT,
// and browsing everything filtered by item type. The same catalog gives
// the same mix.
func queryMix(catalogPath string, n int) (mix, error) {
	db, err := sql.Open("sqlite3", "file:"+catalogPath+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.Query(`SELECT v.metadata FROM items i JOIN versions v ON v.item_id = i.id AND v.version = i.version
		WHERE i.status = 'public' ORDER BY i.id LIMIT 2000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var sample []app.Metadata
	for rows.Next() {
		var body string
		var md app.Metadata
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		if json.Unmarshal([]byte(body), &md) == nil {
			sample = append(sample, md)
		}
	}
	if len(sample) == 0 {
		return nil, fmt.Errorf("no published items in %s", catalogPath)
	}
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		md := sample[r.IntN(len(sample))]
		if len(md.Keywords) > 0 && r.IntN(2) == 0 {
			return strings.Fields(md.Keywords[r.IntN(len(md.Keywords))])[0]
		}
		ws := words(md.Title)
		return ws[r.IntN(len(ws))]
	}
	var m mix
	seen := map[query]bool{}
	for tries := 0; len(m) < n && tries < 100*n; tries++ {
		var q query
		switch k := r.IntN(20); {
		case k < 6:
			w := word()
			q = query{kind: "one word", text: w, fts: quote(w)}
		case k < 9:
			a, b := word(), word()
			q = query{kind: "two words", text: a + " " + b, fts: quote(a) + " AND " + quote(b)}
		case k < 11:
			ws := words(sample[r.IntN(len(sample))].Title)
			if len(ws) < 2 {
				continue
			}
			i := r.IntN(len(ws) - 1)
			p := ws[i] + " " + ws[i+1]
			q = query{kind: "phrase", text: `"` + p + `"`, fts: quote(p)}
		case k < 13:
			md := sample[r.IntN(len(sample))]
			name := md.Authors[r.IntN(len(md.Authors))].FullName
			last := name[strings.LastIndex(name, " ")+1:]
			q = query{kind: "author", text: ":author: " + last, fts: "authors : " + quote(last)}
		case k < 15:
			w := word()
			q = query{kind: "title", text: ":title: " + w, fts: "title : " + quote(w)}
		case k < 17:
			a, b := word(), word()
			q = query{kind: "OR", text: a + " OR " + b, fts: quote(a) + " OR " + quote(b)}
		case k < 18:
			a, b := word(), word()
			if a == b {
				continue
			}
			q = query{kind: "NOT", text: a + " NOT " + b, fts: quote(a) + " NOT " + quote(b)}
		default:
			q = query{kind: "browse by item type and year", itemType: sample[r.IntN(len(sample))].ItemType,
				since: 2010 + r.IntN(16)}
		}
		if seen[q] {
			continue // each query of the mix is sent once per run, so none is answered from a cache
		}
		seen[q] = true
		m = append(m, q)
	}
	return m, nil
}

// countItems returns how many items a catalog holds.
func countItems(catalogPath string) (int, error) {
	db, err := sql.Open("sqlite3", "file:"+catalogPath+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT count(*) FROM items`).Scan(&n)
	return n, err
}

// words are the searchable words of a title: letters only, no stop words.
func words(s string) []string {
	stop := map[string]bool{"of": true, "and": true, "in": true, "the": true, "for": true, "from": true, "to": true, "a": true,
		"how": true, "across": true, "data": true, "supporting": true}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) > 2 && !stop[w] {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		out = []string{"data"}
	}
	return out
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// latencies are the outcome of a latency run.
type latencies struct {
	n        int
	p50, p99 time.Duration
	max      time.Duration
	qps      float64
}

// runClients sends the queries of the mix from clients goroutines for d and
// measures every query's latency. With once, each query is sent at most
// once and the run ends early when the mix is used up; otherwise the mix is
// sent round-robin, again and again.
func runClients(ctx context.Context, clients int, d time.Duration, m mix, once bool, do func(context.Context, query) error) (latencies, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var mu sync.Mutex
	var all []time.Duration
	var wg sync.WaitGroup
	var next atomic.Int64
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			var mine []time.Duration
			for i := c * 37; time.Since(start) < d && ctx.Err() == nil; i++ {
				if once {
					if i = int(next.Add(1) - 1); i >= len(m) {
						break
					}
				}
				t := time.Now()
				if err := do(ctx, m[i%len(m)]); err != nil {
					cancel(fmt.Errorf("query %q: %w", m[i%len(m)].text, err))
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return latencies{}, err
	}
	took := time.Since(start)
	slices.Sort(all)
	if len(all) == 0 {
		return latencies{}, fmt.Errorf("no query finished in %s", d)
	}
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	return latencies{n: len(all), p50: pct(0.50), p99: pct(0.99), max: all[len(all)-1],
		qps: float64(len(all)) / took.Seconds()}, nil
}
