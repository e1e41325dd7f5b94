package search

import (
	"context"
	"errors"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"
)

// collect runs q on the generation's current snapshot, or, when q is nil,
// collects what passes the filters fs.
func (ix *Index) collect(ctx context.Context, g *generation, q query.Query, fs []filter, p plan) (*collected, error) {
	snap, err := g.snapshot()
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	ix.columns.tidy(snap)
	if q == nil {
		return ix.columns.collectFiltered(ctx, snap, fs, p)
	}
	return ix.columns.collect(ctx, snap, q, ix.mapping, p)
}

// snapshot opens the generation's current snapshot, which the caller
// closes.
func (g *generation) snapshot() (*scorch.IndexSnapshot, error) {
	adv, err := g.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, errors.New("the search index is not a scorch index")
	}
	return snap, nil
}

// highlight adds snippets to hits, which q found: Bleve highlights the
// page's items only, in a second search limited to them.
func (ix *Index) highlight(ctx context.Context, g *generation, q query.Query, hits []Hit) error {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = docID(h.ItemID)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(query.NewDocIDQuery(ids), q), len(ids), 0, false)
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	for _, f := range highlightFields() {
		req.Highlight.AddField(f)
	}
	res, err := g.idx.SearchInContext(ctx, req)
	if err != nil {
		return err
	}
	byID := map[string]*Hit{}
	for i := range hits {
		byID[ids[i]] = &hits[i]
	}
	for _, m := range res.Hits {
		h := byID[m.ID]
		if h == nil || len(m.Fragments) == 0 {
			continue
		}
		h.Snippets = make(map[string][]string, len(m.Fragments))
		for f, frags := range m.Fragments {
			h.Snippets[f] = frags
		}
	}
	return nil
}
