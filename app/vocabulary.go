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
}

// License is a license an item may be published under.
type License struct {
	ID   int    `json:"value"`
	Name string `json:"name"`
	URL  string `json:"url"`
	SPDX string `json:"spdx"`
}

// Category is a node of the subject classification tree.
type Category struct {
	ID         int64  `json:"id"`
	ParentID   int64  `json:"parent_id"`
	Title      string `json:"title"`
	Path       string `json:"path"`
	SourceID   string `json:"source_id"`
	TaxonomyID int64  `json:"taxonomy_id"`
}
