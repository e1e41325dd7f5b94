package search

import (
	"strconv"
	"strings"

	"carrel/app"
	"carrel/corpus"
)

// SyntheticDocuments returns n documents made from the shared corpus
// generator over its small vocabulary, the same for the same seed; item ids
// are 1..n.
func SyntheticDocuments(seed int64, n int) []Document {
	docs := make([]Document, 0, n)
	_ = SyntheticFeed(seed, n)(func(d Document) error {
		docs = append(docs, d)
		return nil
	})
	return docs
}

// SyntheticFeed yields the same documents as SyntheticDocuments one at a
// time, in the shape Rebuild takes.
func SyntheticFeed(seed int64, n int) func(yield func(Document) error) error {
	return func(yield func(Document) error) error {
		v := corpus.SmallVocabulary()
		g := corpus.New(seed, v, corpus.Options{Owners: 500})
		for range n {
			if err := yield(documentOf(g.Next(), v)); err != nil {
				return err
			}
		}
		return nil
	}
}

// documentOf is what the catalog would index for a generated item.
func documentOf(it corpus.Item, v corpus.Vocabulary) Document {
	md := it.Metadata
	d := Document{ItemID: it.N, OwnerID: int64(it.Owner) + 1, GroupID: int64(it.Group) + 1, InstitutionID: 1,
		Public: !it.Published.IsZero(), Embargoed: it.Embargoed, Confidential: it.Confidential,
		Title: md.Title, Description: md.Description, Keywords: md.Keywords, References: md.References,
		ItemType: md.ItemType, License: md.License, Created: it.Created, Modified: it.Modified, Published: it.Published,
		Views: it.Views, Downloads: it.Downloads, Shares: it.Shares}
	if d.Public {
		d.Version = 1
		d.DOI = "10.5072/carrel." + strconv.FormatInt(it.N, 10)
	}
	for _, a := range md.Authors {
		d.Authors = append(d.Authors, a.FullName)
		if a.ORCID != "" {
			d.ORCIDs = append(d.ORCIDs, a.ORCID)
		}
	}
	for _, f := range md.FundingList {
		d.Funding = append(d.Funding, f.Title+" "+f.Funder+" "+f.GrantCode)
	}
	for _, f := range it.Files {
		d.FileNames = append(d.FileNames, f.Name)
	}
	for _, t := range v.ItemTypes {
		if t.ID == md.ItemType {
			d.ItemTypeName = t.Name
		}
	}
	for _, l := range v.Licenses {
		if l.ID == md.License {
			d.LicenseName = l.Name
		}
	}
	byID := map[int64]app.Category{}
	for _, c := range v.Categories {
		byID[c.ID] = c
	}
	seen := map[int64]bool{}
	for _, id := range md.Categories {
		d.Categories = append(d.Categories, byID[id].Title)
		for _, p := range strings.Split(strings.Trim(byID[id].Path, "/"), "/") {
			if n, err := strconv.ParseInt(p, 10, 64); err == nil && !seen[n] {
				seen[n] = true
				d.CategoryIDs = append(d.CategoryIDs, n)
			}
		}
	}
	return d
}
