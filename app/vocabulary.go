package app

// ItemType is one of Figshare's item types (dataset, figure, thesis...).
type ItemType struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	StringID    string `json:"string_id"`
	Icon        string `json:"icon"`
	Description string `json:"public_description"`
	Selectable  bool   `json:"is_selectable"`
	URLName     string `json:"url_name"`
	Retired     bool   `json:"-"` // kept on items that have it, not offered for new ones
}

// License is a license an item may be published under.
type License struct {
	ID   int    `json:"value"`
	Name string `json:"name"`
	URL  string `json:"url"`
	SPDX string `json:"spdx"`
	// Retired licenses stay on the items that have them but are not
	// offered for new ones.
	Retired bool `json:"-"`
}

// Category is a node of the subject classification tree.
type Category struct {
	ID         int64  `json:"id"`
	ParentID   int64  `json:"parent_id"`
	Title      string `json:"title"`
	Path       string `json:"path"`
	SourceID   string `json:"source_id"`
	TaxonomyID int64  `json:"taxonomy_id"`
	Retired    bool   `json:"-"` // kept on items that have it, not offered for new ones
}

// LocalVocabularyID is the first id of the terms an institution adds: far
// above those of the vocabularies Carrel ships, so a new release never
// takes an id an institution's term already has.
const LocalVocabularyID = 1000000

// IsRetired reports whether the item type is no longer offered.
func (t ItemType) IsRetired() bool { return t.Retired }

// IsRetired reports whether the license is no longer offered.
func (l License) IsRetired() bool { return l.Retired }

// IsRetired reports whether the category is no longer offered.
func (c Category) IsRetired() bool { return c.Retired }

// Offered leaves out the retired terms of a vocabulary: lists and pickers
// offer only what may be chosen for a new item.
func Offered[T interface{ IsRetired() bool }](all []T) []T {
	out := make([]T, 0, len(all))
	for _, t := range all {
		if !t.IsRetired() {
			out = append(out, t)
		}
	}
	return out
}
