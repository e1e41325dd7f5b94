package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// SyntheticDocuments returns n made-up but realistic item documents: titles
// and descriptions from a research vocabulary, authors with ORCID iDs,
// categories with ancestors, keywords, licenses, files and 15 years of
// dates. The same seed always gives the same documents; item ids are 1..n.
func SyntheticDocuments(seed int64, n int) []Document {
	docs := make([]Document, 0, n)
	_ = SyntheticFeed(seed, n)(func(d Document) error {
		docs = append(docs, d)
		return nil
	})
	return docs
}

// SyntheticFeed yields the same documents as SyntheticDocuments one at a
// time, in the shape Rebuild takes, so that large corpora need not be held
// in memory.
func SyntheticFeed(seed int64, n int) func(yield func(Document) error) error {
	return func(yield func(Document) error) error {
		g := newCorpus(seed)
		for i := 1; i <= n; i++ {
			if err := yield(g.document(int64(i))); err != nil {
				return err
			}
		}
		return nil
	}
}

// syntheticEpoch is the latest date the generator uses; fixed, so that
// corpora do not depend on when they are made.
const syntheticEpoch = 1735689600 // 2025-01-01T00:00:00Z

type synthCategory struct {
	id, parent int64
	title      string
	words      []string
}

type synthCorpus struct {
	r          *rand.Rand
	categories []synthCategory
	firstNames []string
	lastNames  []string
}

func newCorpus(seed int64) *synthCorpus {
	return &synthCorpus{
		r: rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
		categories: []synthCategory{
			{1, 0, "Biological sciences", nil},
			{11, 1, "Ecology", []string{"biodiversity", "habitat", "species", "pollinator", "forest", "wetland", "invasive", "predation"}},
			{12, 1, "Genetics", []string{"genome", "sequencing", "allele", "expression", "CRISPR", "mutation", "transcriptome", "phenotype"}},
			{2, 0, "Earth sciences", nil},
			{21, 2, "Climate science", []string{"climate", "temperature", "precipitation", "carbon", "warming", "drought", "monsoon", "aerosol"}},
			{22, 2, "Oceanography", []string{"ocean", "salinity", "coral", "current", "acidification", "plankton", "sediment", "tide"}},
			{3, 0, "Engineering", nil},
			{31, 3, "Materials engineering", []string{"alloy", "polymer", "fatigue", "composite", "corrosion", "nanoparticle", "ceramic", "graphene"}},
			{32, 3, "Electrical engineering", []string{"circuit", "antenna", "battery", "semiconductor", "grid", "inverter", "sensor", "signal"}},
			{4, 0, "Health sciences", nil},
			{41, 4, "Epidemiology", []string{"cohort", "incidence", "vaccination", "outbreak", "mortality", "prevalence", "transmission", "screening"}},
			{42, 4, "Public health", []string{"nutrition", "obesity", "smoking", "inequality", "policy", "wellbeing", "access", "intervention"}},
			{5, 0, "Humanities", nil},
			{51, 5, "History", []string{"archive", "manuscript", "empire", "medieval", "colonial", "migration", "revolution", "letters"}},
			{52, 5, "Linguistics", []string{"corpus", "dialect", "syntax", "phonology", "bilingual", "morphology", "lexicon", "prosody"}},
			{6, 0, "Information and computing sciences", nil},
			{61, 6, "Machine learning", []string{"neural", "classifier", "embedding", "transformer", "regression", "clustering", "benchmark", "inference"}},
			{62, 6, "Software engineering", []string{"compiler", "testing", "refactoring", "repository", "concurrency", "verification", "latency", "workflow"}},
		},
		firstNames: []string{"Amara", "Wei", "Sofia", "Liam", "Priya", "Mateo", "Yuki", "Olga", "Kwame", "Fatima", "Noah",
			"Ingrid", "Rahul", "Chloe", "Tariq", "Elena", "Hiroshi", "Zanele", "Lucas", "Aisha", "Niamh", "Diego", "Mei", "Jonas"},
		lastNames: []string{"Okafor", "Zhang", "Rossi", "Murphy", "Sharma", "Garcia", "Tanaka", "Ivanova", "Mensah", "Haddad",
			"Smith", "Lindqvist", "Patel", "Dubois", "Rahman", "Popescu", "Nakamura", "Dlamini", "Silva", "Bello", "Kelly",
			"Fernandez", "Chen", "Weber", "Novak", "Andersen", "Kowalski", "Moreau", "Ali", "Brown"},
	}
}

// Vocabularies of the generator; functions, not globals, so that nothing
// can change them between runs.
func synthItemTypes() []struct {
	id   int
	name string
	exts []string
} {
	return []struct {
		id   int
		name string
		exts []string
	}{
		{1, "figure", []string{"png", "tif", "svg"}}, {2, "media", []string{"mp4", "wav"}},
		{3, "dataset", []string{"csv", "xlsx", "nc", "json", "zip"}}, {5, "poster", []string{"pdf"}},
		{6, "journal contribution", []string{"pdf", "docx"}}, {7, "presentation", []string{"pptx", "pdf"}},
		{8, "thesis", []string{"pdf"}}, {9, "software", []string{"zip", "py", "r", "tar.gz"}},
		{12, "preprint", []string{"pdf"}}, {18, "report", []string{"pdf", "docx"}},
	}
}

func synthLicenses() []struct {
	id   int
	name string
} {
	return []struct {
		id   int
		name string
	}{{1, "CC BY 4.0"}, {2, "CC0"}, {3, "MIT"}, {7, "Apache 2.0"}, {10, "CC BY-NC 4.0"}, {11, "CC BY-SA 4.0"}}
}

func synthMethods() []string {
	return []string{"measurements", "observations", "simulations", "survey", "interviews", "model outputs",
		"time series", "field samples", "experiments", "images", "annotations", "code"}
}

func synthPlaces() []string {
	return []string{"the Arctic", "East Africa", "the Amazon basin", "Scandinavia", "South Asia", "the Sahel",
		"coastal Chile", "the Great Barrier Reef", "the Alps", "urban Europe", "the Pacific Northwest", "Patagonia"}
}

func (c *synthCorpus) pick(xs []string) string { return xs[c.r.IntN(len(xs))] }

func (c *synthCorpus) document(id int64) Document {
	r := c.r
	leafs := c.categories[:0:0]
	for _, cat := range c.categories {
		if cat.parent != 0 {
			leafs = append(leafs, cat)
		}
	}
	cat := leafs[r.IntN(len(leafs))]
	cat2 := leafs[r.IntN(len(leafs))]
	it := synthItemTypes()[r.IntN(len(synthItemTypes()))]
	lic := synthLicenses()[r.IntN(len(synthLicenses()))]
	w1, w2, w3 := c.pick(cat.words), c.pick(cat.words), c.pick(cat2.words)
	place := c.pick(synthPlaces())
	method := c.pick(synthMethods())

	title := fmt.Sprintf("%s of %s and %s in %s", strings.ToUpper(method[:1])+method[1:], w1, w2, place)
	desc := fmt.Sprintf("<p>This %s contains %s of <strong>%s</strong> collected in %s between %d and %d. "+
		"We relate %s to %s and discuss implications for %s.</p><p>Funded in part by the %s programme.</p>",
		it.name, method, w1, place, 2000+r.IntN(20), 2020+r.IntN(5), w2, w3, strings.ToLower(cat2.title), c.pick(cat.words))

	var authors, orcids []string
	for range 1 + r.IntN(5) {
		authors = append(authors, c.pick(c.firstNames)+" "+c.pick(c.lastNames))
		if r.IntN(3) > 0 {
			orcids = append(orcids, syntheticORCID(r))
		}
	}
	var files []string
	for k := range 1 + r.IntN(4) {
		files = append(files, fmt.Sprintf("%s_%s_%d.%s", w1, strings.ReplaceAll(strings.ToLower(method), " ", "_"), k+1,
			it.exts[r.IntN(len(it.exts))]))
	}
	created := time.Unix(syntheticEpoch, 0).UTC().Add(-time.Duration(r.Int64N(15*365*24)) * time.Hour)
	modified := created.Add(time.Duration(r.Int64N(24*90)) * time.Hour)
	d := Document{
		ItemID: id, OwnerID: 1 + r.Int64N(500), GroupID: 1 + r.Int64N(20), InstitutionID: 1,
		Public: r.IntN(10) < 8, Embargoed: r.IntN(40) == 0, Confidential: r.IntN(50) == 0,
		Title: title, Description: desc, Keywords: []string{w1, w2, w3},
		Authors: authors, ORCIDs: orcids,
		Categories:  []string{cat.title, c.categories[parentIndex(c.categories, cat.parent)].title},
		CategoryIDs: []int64{cat.id, cat.parent}, ItemType: it.id, ItemTypeName: it.name,
		License: lic.id, LicenseName: lic.name,
		References: []string{fmt.Sprintf("https://doi.org/10.1000/%s.%d", w3, r.IntN(100000))},
		Funding:    []string{c.pick([]string{"Horizon Europe", "National Science Foundation", "Wellcome Trust", "UKRI", "ERC"})},
		FileNames:  files, Created: created, Modified: modified,
		Views: r.Int64N(5000), Downloads: r.Int64N(1000), Shares: r.Int64N(50),
	}
	d.Downloads = min(d.Downloads, d.Views)
	if d.Public {
		d.Published = modified
		d.Version = 1 + r.IntN(3)
		d.DOI = fmt.Sprintf("10.5072/carrel.%d.v%d", id, d.Version)
	}
	return d
}

func parentIndex(cats []synthCategory, id int64) int {
	for i, c := range cats {
		if c.id == id {
			return i
		}
	}
	return 0
}

// syntheticORCID makes a random ORCID iD with a valid check character.
func syntheticORCID(r *rand.Rand) string {
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
