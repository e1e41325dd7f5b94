package api

import (
	"encoding/json"
	"strconv"
	"strings"

	"carrel/app"
)

// articleInput is Figshare's ArticleCreate/ArticleUpdate. Pointer fields
// tell "absent" (keep) from "empty" (clear) on update.
type articleInput struct {
	Title                *string                `json:"title"`
	Description          *string                `json:"description"`
	IsMetadataRecord     *bool                  `json:"is_metadata_record"`
	MetadataReason       *string                `json:"metadata_reason"`
	Tags                 *[]string              `json:"tags"`
	Keywords             *[]string              `json:"keywords"`
	References           *[]string              `json:"references"`
	RelatedMaterials     *[]app.RelatedMaterial `json:"related_materials"`
	Categories           *[]int64               `json:"categories"`
	CategoriesBySourceID *[]string              `json:"categories_by_source_id"`
	Authors              *[]authorInput         `json:"authors"`
	CustomFields         *map[string]any        `json:"custom_fields"`
	CustomFieldsList     *[]customFieldInput    `json:"custom_fields_list"`
	DefinedType          *json.RawMessage       `json:"defined_type"`
	Funding              *string                `json:"funding"`
	FundingList          *[]app.Funding         `json:"funding_list"`
	License              *int                   `json:"license"`
	DOI                  *string                `json:"doi"`
	Handle               *string                `json:"handle"`
	ResourceDOI          *string                `json:"resource_doi"`
	ResourceTitle        *string                `json:"resource_title"`
	Timeline             *app.Timeline          `json:"timeline"`
	GroupID              *int64                 `json:"group_id"`
	DownloadDisabled     *bool                  `json:"download_disabled"`
	Language             *string                `json:"language"`
}

// authorInput names an author by id, or by name (and optionally ORCID).
type authorInput struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	ORCID     string `json:"orcid_id"`
	Email     string `json:"email"`
}

type customFieldInput struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// apply merges the input into md, resolving vocabulary names. Every
// problem is reported as EUNPROCESSABLE or EINVALID naming the field.
func (in *articleInput) apply(md *app.Metadata, v *vocabulary) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&md.Title, in.Title)
	if in.Description != nil {
		md.Description = *in.Description
	}
	set(&md.MetadataReason, in.MetadataReason)
	set(&md.Funding, in.Funding)
	set(&md.DOI, in.DOI)
	set(&md.Handle, in.Handle)
	set(&md.ResourceDOI, in.ResourceDOI)
	set(&md.ResourceTitle, in.ResourceTitle)
	set(&md.Language, in.Language)
	if in.IsMetadataRecord != nil {
		md.IsMetadataRecord = *in.IsMetadataRecord
	}
	if in.DownloadDisabled != nil {
		md.DownloadDisabled = *in.DownloadDisabled
	}
	if in.Keywords != nil {
		md.Keywords = cleanList(*in.Keywords)
	} else if in.Tags != nil {
		md.Keywords = cleanList(*in.Tags)
	}
	if in.References != nil {
		md.References = cleanList(*in.References)
	}
	if in.RelatedMaterials != nil {
		md.RelatedMaterials = *in.RelatedMaterials
	}
	if in.FundingList != nil {
		md.FundingList = *in.FundingList
	}
	if in.Timeline != nil {
		md.Timeline = *in.Timeline
	}
	if in.License != nil {
		if _, ok := v.licenses[*in.License]; !ok && *in.License != 0 {
			return app.Errorf(app.EUNPROCESSABLE, "license %d does not exist; see GET /v2/licenses", *in.License)
		}
		md.License = *in.License
	}
	if in.DefinedType != nil {
		t, err := itemTypeOf(*in.DefinedType, v)
		if err != nil {
			return err
		}
		md.ItemType = t
	}
	if in.Categories != nil {
		md.Categories = append([]int64{}, *in.Categories...)
	}
	if in.CategoriesBySourceID != nil {
		md.Categories = md.Categories[:0]
		for _, src := range *in.CategoriesBySourceID {
			id, ok := v.categoryBySource(src)
			if !ok {
				return app.Errorf(app.EUNPROCESSABLE, "no category has source id %q", src)
			}
			md.Categories = append(md.Categories, id)
		}
	}
	if in.Authors != nil {
		md.Authors = md.Authors[:0]
		for _, a := range *in.Authors {
			if a.ORCID != "" && !app.ValidORCID(a.ORCID) {
				return app.Errorf(app.EUNPROCESSABLE, "author %q has an invalid orcid_id %q", a.Name, a.ORCID)
			}
			md.Authors = append(md.Authors, app.Author{ID: a.ID, FullName: a.Name, FirstName: a.FirstName, LastName: a.LastName,
				ORCID: a.ORCID})
		}
	}
	if in.CustomFields != nil || in.CustomFieldsList != nil {
		md.CustomFields = map[string]string{}
		for k, val := range deref(in.CustomFields) {
			md.CustomFields[k] = customValue(val)
		}
		for _, f := range deref(in.CustomFieldsList) {
			md.CustomFields[f.Name] = customValue(f.Value)
		}
	}
	return md.Validate()
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func customValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// itemTypeOf accepts defined_type as Figshare's string name or as an id.
func itemTypeOf(raw json.RawMessage, v *vocabulary) (int, error) {
	var name string
	if err := json.Unmarshal(raw, &name); err == nil {
		if n, err := strconv.Atoi(name); err == nil {
			if _, ok := v.types[n]; ok {
				return n, nil
			}
		}
		if t, ok := v.typeByName[strings.ToLower(strings.TrimSpace(name))]; ok {
			return t.ID, nil
		}
		return 0, app.Errorf(app.EUNPROCESSABLE, "defined_type %q is not an item type; see GET /v2/item_types", name)
	}
	var id int
	if err := json.Unmarshal(raw, &id); err == nil {
		if _, ok := v.types[id]; ok {
			return id, nil
		}
		return 0, app.Errorf(app.EUNPROCESSABLE, "defined_type %d is not an item type; see GET /v2/item_types", id)
	}
	return 0, app.Errorf(app.EUNPROCESSABLE, "defined_type must be a string such as \"dataset\"")
}

// categoryBySource finds a category by its scheme code (e.g. FoR "3101").
func (v *vocabulary) categoryBySource(src string) (int64, bool) {
	for _, c := range v.lists.categories {
		if c.SourceID == src {
			return c.ID, true
		}
	}
	return 0, false
}

// cleanList trims entries and drops empty ones and duplicates.
func cleanList(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
