package oai

import (
	"bytes"
	"context"
	"net/url"
	"strconv"

	"carrel/app"
)

// vocabulary is the catalog's item types, licenses and categories by id.
type vocabulary struct {
	typeList   []app.ItemType
	catList    []app.Category
	types      map[int]app.ItemType
	licenses   map[int]app.License
	categories map[int64]app.Category
}

// vocabulary returns the cached vocabularies, loading them on first use.
// They change only when the catalog loads new ones at start, and a provider
// lives no longer than that process.
func (p *Provider) vocabulary(ctx context.Context) (*vocabulary, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.vocab != nil {
		return p.vocab, nil
	}
	types, err := p.cat.ItemTypes(ctx)
	if err != nil {
		return nil, err
	}
	licenses, err := p.cat.Licenses(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := p.cat.Categories(ctx)
	if err != nil {
		return nil, err
	}
	v := &vocabulary{typeList: types, catList: cats, types: map[int]app.ItemType{}, licenses: map[int]app.License{},
		categories: map[int64]app.Category{}}
	for _, t := range types {
		v.types[t.ID] = t
	}
	for _, l := range licenses {
		v.licenses[l.ID] = l
	}
	for _, c := range cats {
		v.categories[c.ID] = c
	}
	p.vocab = v
	return v, nil
}

// listSets lists every set in one response: the groups and months that
// have items, and every item type and category. Carrel never issues a
// resumption token for ListSets, so any token is a bad one.
func (p *Provider) listSets(ctx context.Context, b *bytes.Buffer, args url.Values) error {
	if _, ok := args["resumptionToken"]; ok {
		return fail(badResumptionToken, "ListSets is answered in one response; there is nothing to resume")
	}
	voc, err := p.vocabulary(ctx)
	if err != nil {
		return err
	}
	groups, months, err := p.cat.HarvestGroupsAndMonths(ctx)
	if err != nil {
		return err
	}
	if len(groups)+len(voc.typeList)+len(voc.catList)+len(months) == 0 {
		return fail(noSetHierarchy, "this repository has no sets")
	}
	set := func(spec, name string) {
		b.WriteString("<set>\n")
		element(b, "setSpec", spec)
		element(b, "setName", name)
		b.WriteString("</set>\n")
	}
	b.WriteString("<ListSets>\n")
	for _, g := range groups {
		id := strconv.FormatInt(g, 10)
		set("portal_"+id, "Portal "+id)
	}
	for _, t := range voc.typeList {
		set("item_type_"+strconv.Itoa(t.ID), t.Name)
	}
	for _, c := range voc.catList {
		set("category_"+strconv.FormatInt(c.ID, 10), c.Title)
	}
	for _, m := range months {
		set(monthSet(m), m.Format("January 2006"))
	}
	b.WriteString("</ListSets>\n")
	return nil
}
