package web

import (
	"strconv"
	"strings"

	"carrel/app"
)

// catGroup is a top-level category and the categories under it: one
// <optgroup> of the category picker.
type catGroup struct {
	Label   string
	Options []catOption
}

// catOption is one category in the picker: its title, after the titles of
// the categories above it below the top level (which is the group's label).
type catOption struct {
	ID       int64
	Label    string
	Selected bool
}

// categoryPicker groups the categories on offer under their top-level
// category, in tree order. Retired categories are offered only where
// already chosen. The submitted values stay the categories' ids.
func categoryPicker(cats []app.Category, chosen []int64) []catGroup {
	picked := map[int64]bool{}
	for _, id := range chosen {
		picked[id] = true
	}
	titles := make(map[string]string, len(cats))
	for _, c := range cats {
		titles[strconv.FormatInt(c.ID, 10)] = c.Title
	}
	var groups []catGroup
	for _, c := range cats {
		if c.Retired && !picked[c.ID] {
			continue
		}
		var chain []string
		for id := range strings.SplitSeq(strings.Trim(c.Path, "/"), "/") {
			if t, ok := titles[id]; ok {
				chain = append(chain, t)
			} else if id != "" {
				chain = append(chain, id)
			}
		}
		if len(chain) == 0 {
			chain = []string{c.Title}
		}
		top, label := chain[0], c.Title
		if len(chain) > 1 {
			label = strings.Join(chain[1:], " › ")
		}
		if len(groups) == 0 || groups[len(groups)-1].Label != top {
			groups = append(groups, catGroup{Label: top})
		}
		g := &groups[len(groups)-1]
		g.Options = append(g.Options, catOption{ID: c.ID, Label: label, Selected: picked[c.ID]})
	}
	return groups
}
