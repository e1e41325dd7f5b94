package search

import (
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// builder turns a parsed expression into a Bleve query. Terms that analyse
// to nothing (stop words, punctuation) are dropped rather than matching
// nothing, so "the climate" finds what "climate" finds.
type builder struct {
	mapping mapping.IndexMapping
}

// build returns nil when the expression has no term left after analysis.
func (b builder) build(e expr) query.Query {
	switch e := e.(type) {
	case term:
		return b.term(e)
	case andExpr:
		var must, mustNot []query.Query
		for _, k := range e.kids {
			if n, ok := k.(notExpr); ok {
				if q := b.build(n.kid); q != nil {
					mustNot = append(mustNot, q)
				}
				continue
			}
			if q := b.build(k); q != nil {
				must = append(must, q)
			}
		}
		return boolean(must, mustNot)
	case orExpr:
		var alts []query.Query
		for _, k := range e.kids {
			if q := b.build(k); q != nil {
				alts = append(alts, q)
			}
		}
		if len(alts) == 0 {
			return nil
		}
		return bleve.NewDisjunctionQuery(alts...)
	case notExpr:
		q := b.build(e.kid)
		if q == nil {
			return nil
		}
		return boolean(nil, []query.Query{q})
	}
	return nil
}

// boolean is must AND NOT mustNot; with no must clause it is everything
// except mustNot.
func boolean(must, mustNot []query.Query) query.Query {
	if len(must) == 0 && len(mustNot) == 0 {
		return nil
	}
	if len(mustNot) == 0 && len(must) == 1 {
		return must[0]
	}
	bq := bleve.NewBooleanQuery()
	if len(must) == 0 {
		must = []query.Query{bleve.NewMatchAllQuery()}
	}
	bq.AddMust(must...)
	bq.AddMustNot(mustNot...)
	return bq
}

// term builds the query for one word or phrase.
func (b builder) term(t term) query.Query {
	switch t.field {
	case "":
		var alts []query.Query
		for _, f := range textFields() {
			if q := b.text(f.field, en.AnalyzerName, t); q != nil {
				q.(query.BoostableQuery).SetBoost(f.boost)
				alts = append(alts, q)
			}
		}
		if doi := normalizeDOI(t.text); strings.HasPrefix(doi, "10.") && strings.Contains(doi, "/") {
			alts = append(alts, termQuery(fDOI, doi))
		}
		if len(alts) == 0 {
			return nil
		}
		return bleve.NewDisjunctionQuery(alts...)
	case "title":
		return b.text(fTitle, en.AnalyzerName, t)
	case "description":
		return b.text(fDescription, en.AnalyzerName, t)
	case "tag":
		return b.text(fKeywords, en.AnalyzerName, t)
	case "author":
		return b.text(fAuthors, en.AnalyzerName, t)
	case "category":
		if isID(t.text) {
			return termQuery(fCategory, t.text)
		}
		return b.text(fCategories, en.AnalyzerName, t)
	case "orcid":
		return termQuery(fORCID, normalizeORCID(t.text))
	case "doi":
		return termQuery(fDOI, normalizeDOI(t.text))
	case "handle":
		return termQuery(fHandle, normalizeHandle(t.text))
	case "extension":
		return termQuery(fExtension, normalizeExtension(t.text))
	case "item_type":
		return b.named(fItemType, fItemTypeName, t)
	case "licence", "license":
		return b.named(fLicense, fLicenseName, t)
	case "group":
		return b.named(fGroup, fGroupName, t)
	}
	return nil
}

// named matches a vocabulary entry by id or, for anything but a number, by
// its name word for word.
func (b builder) named(idField, nameField string, t term) query.Query {
	if isID(t.text) {
		return termQuery(idField, t.text)
	}
	return b.text(nameField, standard.Name, term{text: t.text, phrase: true})
}

// text matches a word (all of its tokens) or a phrase in one analysed
// field, or returns nil when the analyser leaves no token.
func (b builder) text(field, analyzer string, t term) query.Query {
	a := b.mapping.AnalyzerNamed(analyzer)
	var tokens analysis.TokenStream
	if a != nil {
		if tokens = a.Analyze([]byte(t.text)); len(tokens) == 0 {
			return nil
		}
	}
	if len(tokens) == 1 {
		// One token, as most words are: the term itself, which Bleve
		// searches without the conjunction a match query wraps it in and
		// can merge with other terms' postings when nothing is scored.
		return termQuery(field, string(tokens[0].Term))
	}
	if t.phrase {
		q := bleve.NewMatchPhraseQuery(t.text)
		q.SetField(field)
		return q
	}
	q := bleve.NewMatchQuery(t.text)
	q.SetField(field)
	q.SetOperator(query.MatchQueryOperatorAnd)
	return q
}

func isID(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n > 0
}
