package formats

import "strings"

// related is one related identifier in DataCite's terms.
type related struct {
	ID       string // the identifier; DOIs bare
	Type     string // DataCite relatedIdentifierType
	Relation string // DataCite relationType
	Title    string
}

// relatedIDs collects what the version relates to: its concept DOI (all
// versions), the published resource it supplements, related materials, and
// references that are DOIs or URLs. Free-text references, which have no
// identifier, appear only where a format takes plain citations. Duplicates
// (same identifier and relation) are dropped.
func (r *Record) relatedIDs() []related {
	var out []related
	seen := map[string]bool{}
	add := func(x related) {
		key := strings.ToLower(x.ID) + "|" + x.Relation
		if x.ID == "" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, x)
	}
	m := r.meta()
	for _, v := range r.HasVersions {
		if isDOI(v) {
			add(related{ID: bareDOI(v), Type: "DOI", Relation: "HasVersion"})
		}
	}
	if c := r.conceptDOI(); c != "" && isDOI(c) && !strings.EqualFold(c, r.doi()) {
		add(related{ID: c, Type: "DOI", Relation: "IsVersionOf"})
	}
	if d := bareDOI(m.ResourceDOI); isDOI(d) {
		add(related{ID: d, Type: "DOI", Relation: "IsSupplementTo", Title: oneLine(m.ResourceTitle)})
	}
	for _, rm := range m.RelatedMaterials {
		if x, ok := relatedMaterial(rm.Identifier, rm.IdentifierType, rm.Relation); ok {
			x.Title = oneLine(rm.Title)
			add(x)
		}
	}
	for _, ref := range m.References {
		if x, ok := identify(ref); ok {
			x.Relation = "References"
			add(x)
		}
	}
	return out
}

// relatedMaterial checks a related material against DataCite's vocabularies;
// a missing or unknown relation is read as "References".
func relatedMaterial(id, idType, relation string) (related, bool) {
	id = strings.TrimSpace(id)
	rel := canonical(relationTypes, relation)
	if rel == "" {
		rel = "References"
	}
	typ := canonical(relatedTypes, idType)
	switch {
	case typ == "DOI" || (typ == "" && isDOI(id)):
		if !isDOI(id) {
			return related{}, false
		}
		return related{ID: bareDOI(id), Type: "DOI", Relation: rel}, true
	case typ == "" && isURL(id):
		return related{ID: id, Type: "URL", Relation: rel}, true
	case typ == "" || id == "":
		return related{}, false
	}
	return related{ID: id, Type: typ, Relation: rel}, true
}

// identify reads a reference as a DOI or URL, if it is one.
func identify(ref string) (related, bool) {
	ref = strings.TrimSpace(ref)
	switch {
	case isDOI(ref):
		return related{ID: bareDOI(ref), Type: "DOI"}, true
	case isURL(ref):
		return related{ID: ref, Type: "URL"}, true
	}
	return related{}, false
}

// link is the resolvable URL of a related identifier, "" when it has none.
func (x related) link() string {
	switch x.Type {
	case "DOI":
		return doiURL(x.ID)
	case "URL", "PURL", "w3id":
		if isURL(x.ID) {
			return x.ID
		}
	}
	return ""
}
