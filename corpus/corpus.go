// Package corpus makes realistic synthetic repository items for
// development, tests and benchmarks: titles and descriptions from a small
// word model of each research field, authors (recurring, most with valid
// ORCID iDs), categories from the caller's classification tree, keywords,
// licenses, item types, funding, references, dates over 15 years and a few
// small files. The same seed and vocabulary always give the same items.
//
// It depends only on package app, so that the catalog's seeding command and
// the search index's tests share one generator.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"carrel/app"
)

// Vocabulary is what generated items may refer to; ids must exist wherever
// the items are stored.
type Vocabulary struct {
	ItemTypes  []app.ItemType
	Licenses   []app.License
	Categories []app.Category // a tree: ParentID 0 for roots, Path "/root/.../id"
}

// Item is one generated item.
type Item struct {
	N        int64 // position in the sequence, from 1
	Owner    int   // index of the owning account, 0 to Options.Owners-1
	Group    int   // index of the group, 0 to Options.Groups-1
	Metadata app.Metadata
	Files    []File
	Created  time.Time
	Modified time.Time
	// Published is when the item was first published; zero for a draft.
	Published time.Time
	// Embargoed and Confidential mark the few items the access tests hide;
	// they apply only where the store supports them.
	Embargoed, Confidential bool

	Views, Downloads, Shares int64
}

// File is a small generated file; Content gives its bytes.
type File struct {
	Name string
	Size int
	seed uint64
}

// Options shape a corpus; zero values take the defaults.
type Options struct {
	Owners       int // accounts owning items; default 200
	Groups       int // groups; default 20 (see GroupNames)
	MaxFiles     int // files per item, 1 to MaxFiles; default 3; -1 for none
	DraftPercent int // items left unpublished; default 10
}

func (o Options) withDefaults() Options {
	if o.Owners <= 0 {
		o.Owners = 200
	}
	if o.Groups <= 0 {
		o.Groups = 20
	}
	if o.MaxFiles == 0 {
		o.MaxFiles = 3
	}
	if o.DraftPercent == 0 {
		o.DraftPercent = 10
	}
	return o
}

// Epoch is the latest date the generator uses; fixed, so that corpora do
// not depend on when they are made. Dates go back 15 years from it.
func Epoch() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }

// Generator yields items one at a time; it is not safe for concurrent use.
type Generator struct {
	r      *rand.Rand
	opt    Options
	n      int64
	types  []typeFiles
	lics   []app.License
	leaves []leaf
	people []person
}

type typeFiles struct {
	app.ItemType
	exts []string
}

// leaf is a category items are filed under, with its ancestors' ids and the
// words of its field.
type leaf struct {
	ids   []int64 // the leaf first, then its ancestors
	title string
	words []string // topic words of its root field plus its own title's words
}

type person struct {
	name, orcid string
}

// New returns a generator of items over v, reproducible from seed. It
// panics if v has no item type, license or category, which is a
// programming error.
func New(seed int64, v Vocabulary, opt Options) *Generator {
	if len(v.Licenses) == 0 || len(v.Categories) == 0 {
		panic("corpus: the vocabulary needs item types, licenses and categories")
	}
	g := &Generator{
		r:   rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
		opt: opt.withDefaults(),
	}
	for _, t := range v.ItemTypes {
		if !t.Selectable {
			continue
		}
		for range typeWeight(t.StringID) {
			g.types = append(g.types, typeFiles{t, extensionsFor(t.StringID)})
		}
	}
	if len(g.types) == 0 {
		panic("corpus: the vocabulary needs item types, licenses and categories")
	}
	g.lics = v.Licenses
	g.leaves = leaves(v.Categories)
	for range 40 + g.opt.Owners*5 {
		p := person{name: pick(g.r, firstNames()) + " " + pick(g.r, lastNames())}
		if g.r.IntN(3) > 0 {
			p.orcid = ORCID(g.r)
		}
		g.people = append(g.people, p)
	}
	return g
}

// leaves returns the categories without children, with their ancestors and
// words; each root's field words come from the topic model.
func leaves(cats []app.Category) []leaf {
	byID := make(map[int64]app.Category, len(cats))
	parent := make(map[int64]bool, len(cats))
	for _, c := range cats {
		byID[c.ID] = c
		parent[c.ParentID] = true
	}
	var out []leaf
	for _, c := range cats {
		if parent[c.ID] {
			continue
		}
		l := leaf{title: c.Title}
		root := c
		for at, depth := c, 0; depth < 16; depth++ {
			l.ids = append(l.ids, at.ID)
			root = at
			p, ok := byID[at.ParentID]
			if !ok {
				break
			}
			at = p
		}
		l.words = append(topicWords(root.Title), titleWords(c.Title)...)
		out = append(out, l)
	}
	return out
}

// Next returns the next item.
func (g *Generator) Next() Item {
	g.n++
	r := g.r
	lf := g.leaves[r.IntN(len(g.leaves))]
	other := g.leaves[r.IntN(len(g.leaves))]
	typ := g.types[r.IntN(len(g.types))]
	w1, w2, w3 := pick(r, lf.words), pick(r, lf.words), pick(r, other.words)
	method, place := pick(r, methods()), pick(r, places())

	it := Item{N: g.n, Owner: r.IntN(g.opt.Owners), Group: r.IntN(g.opt.Groups)}
	md := &it.Metadata
	md.Title = g.title(w1, w2, method, place, lf.title)
	md.Description = g.description(typ.Name, method, place, w1, w2, w3, other.title)
	md.ItemType = typ.ID
	md.License = g.lics[r.IntN(len(g.lics))].ID
	md.Categories = []int64{lf.ids[0]}
	if r.IntN(4) == 0 {
		md.Categories = append(md.Categories, other.ids[0])
	}
	md.Keywords = unique([]string{w1, w2, w3, strings.ToLower(method)})
	for range 1 + r.IntN(5) {
		p := g.people[r.IntN(len(g.people))]
		md.Authors = append(md.Authors, app.Author{FullName: p.name, ORCID: p.orcid})
	}
	md.References = []string{fmt.Sprintf("https://doi.org/10.%d/%s.%d", 1000+r.IntN(9000), strings.ToLower(w3), r.IntN(100000))}
	if r.IntN(3) > 0 {
		md.FundingList = []app.Funding{{Title: strings.ToUpper(w1[:1]) + w1[1:] + " and " + w2 + " programme",
			Funder: pick(r, funders()), GrantCode: fmt.Sprintf("%s-%06d", strings.ToUpper(w2[:min(3, len(w2))]), r.IntN(1000000))}}
	}
	if g.opt.MaxFiles > 0 {
		for k := range 1 + r.IntN(g.opt.MaxFiles) {
			ext := typ.exts[r.IntN(len(typ.exts))]
			name := fmt.Sprintf("%s_%s_%d.%s", strings.ToLower(w1), strings.ReplaceAll(strings.ToLower(method), " ", "_"), k+1, ext)
			it.Files = append(it.Files, File{Name: name, Size: 64 + r.IntN(4000), seed: r.Uint64()})
		}
	}
	it.Created = Epoch().Add(-time.Duration(r.Int64N(15*365*24*3600)) * time.Second)
	it.Modified = it.Created.Add(time.Duration(r.Int64N(90*24*3600)) * time.Second)
	if r.IntN(100) >= g.opt.DraftPercent {
		it.Published = it.Modified
		it.Embargoed = r.IntN(40) == 0
		it.Confidential = r.IntN(50) == 0
		it.Views = r.Int64N(5000)
		it.Downloads = min(r.Int64N(1000), it.Views)
		it.Shares = r.Int64N(50)
	}
	return it
}

// title varies its shape so that titles do not all read alike.
func (g *Generator) title(w1, w2, method, place, field string) string {
	m := strings.ToUpper(method[:1]) + method[1:]
	switch g.r.IntN(5) {
	case 0:
		return fmt.Sprintf("%s of %s and %s in %s", m, w1, w2, place)
	case 1:
		return fmt.Sprintf("%s: %s %s across %s", field, w1, method, place)
	case 2:
		return fmt.Sprintf("How %s shapes %s: %s from %s", w1, w2, method, place)
	case 3:
		return fmt.Sprintf("%s %s for %s research (%d–%d)", m, w1, strings.ToLower(field), 2005+g.r.IntN(12), 2017+g.r.IntN(8))
	}
	return fmt.Sprintf("Supporting data: %s %s in %s", w1, w2, place)
}

// description strings together a few sentences from templates.
func (g *Generator) description(kind, method, place, w1, w2, w3, otherField string) string {
	r := g.r
	sentences := []string{
		fmt.Sprintf("This %s contains %s of <strong>%s</strong> collected in %s between %d and %d.", kind, method, w1, place, 2000+r.IntN(20), 2020+r.IntN(5)),
		fmt.Sprintf("We relate %s to %s and discuss the implications for %s.", w2, w3, strings.ToLower(otherField)),
		fmt.Sprintf("Records were cleaned, checked against %s baselines and documented in a README.", w2),
		fmt.Sprintf("The %s were gathered by %d teams using a shared protocol for %s.", method, 2+r.IntN(9), w1),
		fmt.Sprintf("Results suggest that %s varies strongly with %s.", w1, w3),
		fmt.Sprintf("Code to reproduce every figure is included, with notes on %s.", w2),
	}
	r.Shuffle(len(sentences)-1, func(i, j int) { sentences[i+1], sentences[j+1] = sentences[j+1], sentences[i+1] })
	k := 2 + r.IntN(3)
	return "<p>" + strings.Join(sentences[:k], " ") + "</p><p>Funded in part by the " + pick(r, funders()) + ".</p>"
}

// Content returns the file's bytes: a small CSV or text body, the same every
// time.
func (f File) Content() []byte {
	r := rand.New(rand.NewPCG(f.seed, uint64(f.Size)))
	var b strings.Builder
	b.WriteString("# " + f.Name + "\nsite,date,value,quality\n")
	for b.Len() < f.Size {
		fmt.Fprintf(&b, "S%03d,%d-%02d-%02d,%.4f,%s\n", r.IntN(500), 2005+r.IntN(20), 1+r.IntN(12), 1+r.IntN(28),
			r.Float64()*100, []string{"good", "fair", "suspect"}[r.IntN(3)])
	}
	return []byte(b.String()[:f.Size])
}

// ORCID makes a random ORCID iD with a valid check character (ISO 7064
// MOD 11-2).
func ORCID(r *rand.Rand) string {
	digits := make([]byte, 15)
	total := 0
	for i := range digits {
		digits[i] = byte('0' + r.IntN(10))
		total = (total + int(digits[i]-'0')) * 2
	}
	check := byte('0' + (12-total%11)%11)
	if (12-total%11)%11 == 10 {
		check = 'X'
	}
	s := string(digits) + string(check)
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

func unique(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
