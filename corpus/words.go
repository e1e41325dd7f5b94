package corpus

import (
	"fmt"
	"strings"
	"unicode"

	"carrel/app"
)

// The word model: topic words for each broad field, matched against the
// title of a category's root, plus the words of the category's own title.
// Vocabularies are functions, not globals, so nothing can change them
// between runs.

// topicWords returns the topic words of a root field by its title.
func topicWords(rootTitle string) []string {
	t := strings.ToLower(rootTitle)
	for _, f := range fields() {
		for _, key := range f.keys {
			if strings.Contains(t, key) {
				return f.words
			}
		}
	}
	return []string{"framework", "analysis", "method", "evidence", "variation", "practice", "outcome", "pattern"}
}

type field struct {
	keys  []string
	words []string
}

func fields() []field {
	return []field{
		{[]string{"agricultur", "veterinar", "food"}, []string{"crop", "soil", "livestock", "irrigation", "yield", "pasture", "fertiliser", "grazing", "wheat", "dairy"}},
		{[]string{"biolog", "ecolog"}, []string{"biodiversity", "habitat", "species", "pollinator", "genome", "allele", "phenotype", "predation", "wetland", "invasive"}},
		{[]string{"biomedical", "clinical"}, []string{"patient", "biomarker", "tumour", "cardiac", "trial", "antibody", "inflammation", "diagnosis", "imaging", "therapy"}},
		{[]string{"built environment", "design"}, []string{"housing", "façade", "daylight", "urban", "timber", "retrofit", "ventilation", "streetscape", "prototype", "heritage"}},
		{[]string{"chemi"}, []string{"catalyst", "polymer", "spectroscopy", "synthesis", "ligand", "crystal", "solvent", "electrode", "oxidation", "nanoparticle"}},
		{[]string{"commerce", "management", "tourism"}, []string{"supply", "retail", "leadership", "visitor", "marketing", "governance", "logistics", "startup", "accounting", "hospitality"}},
		{[]string{"creative", "arts", "writing"}, []string{"performance", "poetry", "sculpture", "film", "improvisation", "choreography", "novel", "soundscape", "exhibition", "craft"}},
		{[]string{"earth"}, []string{"sediment", "glacier", "seismic", "mineral", "aquifer", "volcanic", "erosion", "isotope", "permafrost", "basin"}},
		{[]string{"economic"}, []string{"inflation", "labour", "trade", "productivity", "wages", "tariff", "household", "auction", "credit", "welfare"}},
		{[]string{"education"}, []string{"curriculum", "literacy", "classroom", "assessment", "teacher", "numeracy", "inclusion", "pedagogy", "enrolment", "mentoring"}},
		{[]string{"engineering"}, []string{"alloy", "fatigue", "turbine", "circuit", "battery", "corrosion", "sensor", "bridge", "composite", "inverter"}},
		{[]string{"environment"}, []string{"pollution", "restoration", "carbon", "wildfire", "microplastic", "catchment", "emission", "conservation", "drought", "remediation"}},
		{[]string{"health"}, []string{"cohort", "incidence", "vaccination", "nutrition", "obesity", "screening", "wellbeing", "mortality", "nursing", "prevalence"}},
		{[]string{"history", "heritage", "archaeolog"}, []string{"archive", "manuscript", "excavation", "empire", "medieval", "colonial", "pottery", "letters", "monument", "chronicle"}},
		{[]string{"human society", "society"}, []string{"migration", "inequality", "policy", "gender", "community", "citizenship", "religion", "ageing", "violence", "poverty"}},
		{[]string{"indigenous"}, []string{"country", "language", "knowledge", "sovereignty", "kinship", "land", "elders", "custodianship", "songlines", "community"}},
		{[]string{"information", "computing"}, []string{"neural", "classifier", "embedding", "transformer", "compiler", "concurrency", "database", "latency", "encryption", "clustering"}},
		{[]string{"language", "communication", "culture"}, []string{"dialect", "syntax", "phonology", "bilingual", "corpus", "discourse", "translation", "media", "prosody", "lexicon"}},
		{[]string{"law", "legal"}, []string{"court", "contract", "rights", "regulation", "treaty", "liability", "sentencing", "privacy", "tribunal", "statute"}},
		{[]string{"mathemat"}, []string{"manifold", "graph", "stochastic", "topology", "algebra", "estimator", "lattice", "optimisation", "prime", "bayesian"}},
		{[]string{"philosophy", "religio"}, []string{"ethics", "metaphysics", "scripture", "virtue", "epistemology", "ritual", "consciousness", "justice", "theology", "logic"}},
		{[]string{"physic"}, []string{"quantum", "laser", "plasma", "photon", "superconductor", "galaxy", "spectrum", "neutrino", "magnetism", "optics"}},
		{[]string{"psycholog"}, []string{"memory", "attention", "anxiety", "cognition", "perception", "motivation", "personality", "emotion", "sleep", "decision"}},
	}
}

// titleWords returns the distinctive words of a category title.
func titleWords(title string) []string {
	stop := map[string]bool{"and": true, "the": true, "of": true, "for": true, "incl": true, "excl": true, "other": true,
		"not": true, "elsewhere": true, "classified": true, "with": true, "in": true, "to": true, "on": true}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		w = strings.Trim(w, "-")
		if len(w) >= 4 && !stop[w] {
			out = append(out, w)
		}
	}
	return out
}

func methods() []string {
	return []string{"measurements", "observations", "simulations", "survey responses", "interviews", "model outputs",
		"time series", "field samples", "experiments", "images", "annotations", "transcripts", "maps", "code"}
}

func places() []string {
	return []string{"the Arctic", "East Africa", "the Amazon basin", "Scandinavia", "South Asia", "the Sahel",
		"coastal Chile", "the Great Barrier Reef", "the Alps", "urban Europe", "the Pacific Northwest", "Patagonia",
		"New Zealand", "the Murray–Darling basin", "West Java", "the Scottish Highlands", "Lagos", "the Andes"}
}

func funders() []string {
	return []string{"Australian Research Council", "National Science Foundation", "Wellcome Trust", "UKRI", "ERC",
		"Horizon Europe", "NHMRC", "Marsden Fund", "Gates Foundation", "DFG"}
}

func firstNames() []string {
	return []string{"Amara", "Wei", "Sofia", "Liam", "Priya", "Mateo", "Yuki", "Olga", "Kwame", "Fatima", "Noah",
		"Ingrid", "Rahul", "Chloe", "Tariq", "Elena", "Hiroshi", "Zanele", "Lucas", "Aisha", "Niamh", "Diego", "Mei",
		"Jonas", "Aroha", "Siddharth", "Hannah", "Oluwaseun", "Marta", "Tomás", "Leilani", "Giulia", "Arjun", "Freya"}
}

func lastNames() []string {
	return []string{"Okafor", "Zhang", "Rossi", "Murphy", "Sharma", "Garcia", "Tanaka", "Ivanova", "Mensah", "Haddad",
		"Smith", "Lindqvist", "Patel", "Dubois", "Rahman", "Popescu", "Nakamura", "Dlamini", "Silva", "Bello", "Kelly",
		"Fernandez", "Chen", "Weber", "Novak", "Andersen", "Kowalski", "Moreau", "Ali", "Brown", "Ngata", "Walker",
		"Nguyen", "Kim", "O'Brien", "Schmidt", "Adeyemi", "Costa", "Jensen", "Thompson"}
}

// typeWeight is how often items of a type occur relative to each other, so
// that datasets and figures dominate as in real repositories.
func typeWeight(stringID string) int {
	switch stringID {
	case "dataset":
		return 8
	case "figure", "journal_contribution":
		return 4
	case "media", "code", "thesis", "preprint", "poster", "presentation", "report":
		return 2
	}
	return 1
}

// extensionsFor returns the file extensions typical of an item type.
func extensionsFor(stringID string) []string {
	switch stringID {
	case "figure":
		return []string{"png", "tif", "svg", "jpg"}
	case "media":
		return []string{"mp4", "wav", "mp3"}
	case "dataset":
		return []string{"csv", "xlsx", "nc", "json", "zip", "tsv", "h5"}
	case "code", "workflow", "model":
		return []string{"zip", "py", "r", "tar.gz", "ipynb"}
	case "presentation":
		return []string{"pptx", "pdf"}
	case "journal_contribution", "report", "chapter":
		return []string{"pdf", "docx"}
	}
	return []string{"pdf", "txt"}
}

// SmallVocabulary is a vocabulary of a few item types, licenses and a
// two-level category tree, for tests that have no catalog; its ids match
// those the catalog seeds.
func SmallVocabulary() Vocabulary {
	cat := func(id, parent int64, title, path string) app.Category {
		return app.Category{ID: id, ParentID: parent, Title: title, Path: path, TaxonomyID: 1}
	}
	return Vocabulary{
		ItemTypes: []app.ItemType{
			{ID: 1, Name: "figure", StringID: "figure", Selectable: true},
			{ID: 3, Name: "dataset", StringID: "dataset", Selectable: true},
			{ID: 6, Name: "journal contribution", StringID: "journal_contribution", Selectable: true},
			{ID: 8, Name: "thesis", StringID: "thesis", Selectable: true},
			{ID: 9, Name: "software", StringID: "code", Selectable: true},
			{ID: 18, Name: "report", StringID: "report", Selectable: true},
		},
		Licenses: []app.License{{ID: 1, Name: "CC BY 4.0"}, {ID: 2, Name: "CC0"}, {ID: 3, Name: "MIT"},
			{ID: 7, Name: "Apache 2.0"}, {ID: 10, Name: "CC BY-NC 4.0"}},
		Categories: []app.Category{
			cat(31, 0, "Biological sciences", "/31"), cat(3103, 31, "Ecology", "/31/3103"), cat(3105, 31, "Genetics", "/31/3105"),
			cat(37, 0, "Earth sciences", "/37"), cat(3702, 37, "Climate change science", "/37/3702"),
			cat(3708, 37, "Oceanography", "/37/3708"),
			cat(40, 0, "Engineering", "/40"), cat(4016, 40, "Materials engineering", "/40/4016"),
			cat(4008, 40, "Electrical engineering", "/40/4008"),
			cat(43, 0, "History, heritage and archaeology", "/43"), cat(4303, 43, "Historical studies", "/43/4303"),
			cat(46, 0, "Information and computing sciences", "/46"), cat(4611, 46, "Machine learning", "/46/4611"),
			cat(4612, 46, "Software engineering", "/46/4612"),
		},
	}
}

// GroupNames returns n group names, faculty then department ("Faculty of
// Science", "School of Physics"), to name the groups items are deposited
// in: the faculty of group i is FacultyOf(i).
func GroupNames(n int) []string {
	faculties := []string{"Faculty of Science", "Faculty of Engineering", "Faculty of Medicine and Health",
		"Faculty of Arts and Social Sciences", "Faculty of Business and Law"}
	schools := []string{"School of Physics", "School of Civil Engineering", "School of Public Health",
		"School of History", "Law School", "School of Chemistry", "School of Computer Science", "School of Nursing",
		"School of Languages", "Business School"}
	out := make([]string, n)
	for i := range out {
		if i < len(faculties) {
			out[i] = faculties[i]
			continue
		}
		k := i - len(faculties)
		out[i] = schools[k%len(schools)]
		if k >= len(schools) {
			out[i] += fmt.Sprintf(" %d", k/len(schools)+1)
		}
	}
	return out
}

// FacultyOf is the index of the faculty a group belongs to, or -1 for a
// faculty itself.
func FacultyOf(i int) int {
	if i < 5 {
		return -1
	}
	return (i - 5) % 5
}
