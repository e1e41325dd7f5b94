package app

import (
	"strings"
	"time"
	"unicode/utf8"
)

// ItemStatus is where an item is in its life.
type ItemStatus string

// Item statuses. A published item may also carry an unpublished draft of its
// next version; Item.DraftChanged says so.
const (
	StatusDraft     ItemStatus = "draft"
	StatusPending   ItemStatus = "pending" // never published, submitted for review
	StatusPublished ItemStatus = "public"
	StatusWithdrawn ItemStatus = "withdrawn"
)

// CurationPending is the curation status of an item whose draft awaits
// review (Figshare's curation_status "pending"); reviewers of its group
// may then read the draft.
const CurationPending = "pending"

// Item is a research output (Figshare: article). Its editable state is Draft;
// every publish freezes Draft and its files into a new immutable Version.
type Item struct {
	ID             int64
	AccountID      int64
	GroupID        int64
	Status         ItemStatus
	CurationStatus string
	Version        int // latest published version; 0 before the first publish
	DraftChanged   bool
	Draft          Metadata
	Created        time.Time
	Modified       time.Time
	Published      time.Time // first publication; zero before it
	WithdrawReason string
	// Embargo and Confidentiality apply to the item as it is now, to every
	// published version, and change without a new version.
	Embargo         Embargo
	Confidentiality Confidentiality
}

// IsPublic reports whether the item has a published version visible to all.
func (it *Item) IsPublic() bool { return it.Status == StatusPublished && it.Version > 0 }

// Metadata is the descriptive record of an item, shared by drafts and
// versions. Field names follow Figshare's article schema.
type Metadata struct {
	Title            string            `json:"title"`
	Description      string            `json:"description"`
	ItemType         int               `json:"defined_type"`
	Authors          []Author          `json:"authors"`
	Categories       []int64           `json:"categories"`
	Keywords         []string          `json:"keywords"`
	License          int               `json:"license"`
	References       []string          `json:"references"`
	Funding          string            `json:"funding"`
	FundingList      []Funding         `json:"funding_list"`
	RelatedMaterials []RelatedMaterial `json:"related_materials"`
	CustomFields     map[string]string `json:"custom_fields"`
	Timeline         Timeline          `json:"timeline"`
	DOI              string            `json:"doi"`
	Handle           string            `json:"handle"`
	ResourceDOI      string            `json:"resource_doi"`
	ResourceTitle    string            `json:"resource_title"`
	Language         string            `json:"language"`
	IsMetadataRecord bool              `json:"is_metadata_record"`
	MetadataReason   string            `json:"metadata_reason"`
	DownloadDisabled bool              `json:"download_disabled"`
	// Supplementary and ThumbFileID belong to a published version and may
	// change without a new one (Figshare's article_version_update and
	// update_thumb); a draft does not carry them into the next version.
	Supplementary []SupplementaryField `json:"supplementary_fields,omitempty"`
	ThumbFileID   int64                `json:"thumb_file_id,omitempty"`
}

// SupplementaryField is one name and value a depositor adds to a published
// version.
type SupplementaryField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// VersionAmendment is what may change in a published version without a new
// one; nil leaves a part as it is.
type VersionAmendment struct {
	Supplementary *[]SupplementaryField
	ThumbFileID   *int64 // a file of the version
}

// MaxSupplementaryFields bounds a version's supplementary fields.
const MaxSupplementaryFields = 50

// ValidateSupplementary checks supplementary fields before they are stored.
func ValidateSupplementary(fs []SupplementaryField) error {
	if len(fs) > MaxSupplementaryFields {
		return Errorf(EUNPROCESSABLE, "at most %d supplementary_fields", MaxSupplementaryFields)
	}
	for i, f := range fs {
		if strings.TrimSpace(f.Name) == "" {
			return Errorf(EUNPROCESSABLE, "supplementary_fields[%d] needs a name", i)
		}
		for _, t := range []string{f.Name, f.Value} {
			if !utf8.ValidString(t) || len(t) > MaxShortTextLen || strings.ContainsRune(t, 0) {
				return Errorf(EUNPROCESSABLE, "supplementary_fields[%d]: name and value must be text of at most %d bytes", i, MaxShortTextLen)
			}
		}
	}
	return nil
}

// Author is a contributor named on an item. ID is stable across items when
// the same person is referenced by id; AccountID links a Carrel account.
type Author struct {
	ID        int64  `json:"id"`
	FullName  string `json:"full_name"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	ORCID     string `json:"orcid_id"`
	AccountID int64  `json:"account_id,omitempty"`
}

// URLName is the author's name as Figshare writes it in URLs.
func (a Author) URLName() string {
	return strings.Join(strings.Fields(a.FullName), "_")
}

// Funding is one grant that supported the work.
type Funding struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	GrantCode string `json:"grant_code"`
	Funder    string `json:"funder_name"`
	URL       string `json:"url"`
}

// RelatedMaterial is a related identifier with a DataCite relation type.
type RelatedMaterial struct {
	ID             int64  `json:"id"`
	Identifier     string `json:"identifier"`
	IdentifierType string `json:"identifier_type"`
	Relation       string `json:"relation"`
	Title          string `json:"title"`
	IsLinkout      bool   `json:"is_linkout"`
}

// Timeline holds the publisher dates Figshare carries beside its own.
type Timeline struct {
	FirstOnline          string `json:"firstOnline,omitempty"`
	PublisherPublication string `json:"publisherPublication,omitempty"`
	PublisherAcceptance  string `json:"publisherAcceptance,omitempty"`
}

// Version is an immutable published snapshot of an item.
type Version struct {
	ItemID    int64
	Number    int
	Metadata  Metadata
	Files     []File
	Published time.Time
}

// Size is the total size of the version's files.
func (v *Version) Size() int64 {
	var n int64
	for _, f := range v.Files {
		n += f.Size
	}
	return n
}

// Limits on metadata, so that one record cannot exhaust the catalog.
const (
	MaxTitleLen       = 1000
	MaxDescriptionLen = 100_000
	MaxListLen        = 500
	MaxShortTextLen   = 2000
)

// Validate checks what must hold for any draft: lengths, list sizes, and
// valid UTF-8. It does not require the fields publishing needs.
func (m *Metadata) Validate() error {
	if n := utf8.RuneCountInString(m.Title); n > MaxTitleLen {
		return Errorf(EINVALID, "title is longer than %d characters", MaxTitleLen)
	}
	if len(m.Description) > MaxDescriptionLen {
		return Errorf(EINVALID, "description is longer than %d bytes", MaxDescriptionLen)
	}
	lists := map[string]int{"authors": len(m.Authors), "categories": len(m.Categories), "keywords": len(m.Keywords),
		"references": len(m.References), "funding_list": len(m.FundingList), "related_materials": len(m.RelatedMaterials),
		"custom_fields": len(m.CustomFields)}
	for name, n := range lists {
		if n > MaxListLen {
			return Errorf(EINVALID, "%s has more than %d entries", name, MaxListLen)
		}
	}
	texts := append(append([]string{m.Title, m.Description, m.Funding, m.DOI, m.Handle, m.ResourceDOI, m.ResourceTitle,
		m.Language, m.MetadataReason}, m.Keywords...), m.References...)
	for _, a := range m.Authors {
		texts = append(texts, a.FullName, a.FirstName, a.LastName, a.ORCID)
		if a.ORCID != "" && !ValidORCID(a.ORCID) {
			return Errorf(EINVALID, "author %q has an invalid ORCID iD %q", a.FullName, a.ORCID)
		}
	}
	for _, t := range texts {
		if !utf8.ValidString(t) || strings.ContainsRune(t, 0) {
			return Errorf(EINVALID, "text fields must be valid UTF-8 without NUL characters")
		}
	}
	for _, k := range m.Keywords {
		if len(k) > MaxShortTextLen {
			return Errorf(EINVALID, "keyword is longer than %d bytes", MaxShortTextLen)
		}
	}
	return nil
}

// MissingForPublish names the fields a draft still needs before it can be
// published, in a fixed order; empty when it is complete.
func (m *Metadata) MissingForPublish() []string {
	var missing []string
	if strings.TrimSpace(m.Title) == "" {
		missing = append(missing, "title")
	}
	if len(m.Authors) == 0 {
		missing = append(missing, "authors")
	}
	if m.License == 0 {
		missing = append(missing, "license")
	}
	if m.ItemType == 0 {
		missing = append(missing, "defined_type")
	}
	return missing
}

// ValidORCID reports whether s is an ORCID iD (0000-0002-1825-0097 form, or
// the https://orcid.org/ URL of one) with a correct ISO 7064 check digit.
func ValidORCID(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://orcid.org/"), "http://orcid.org/")
	if len(s) != 19 {
		return false
	}
	total := 0
	var digits []byte
	for i := 0; i < 19; i++ {
		c := s[i]
		if i == 4 || i == 9 || i == 14 {
			if c != '-' {
				return false
			}
			continue
		}
		digits = append(digits, c)
	}
	for i, c := range digits[:15] {
		_ = i
		if c < '0' || c > '9' {
			return false
		}
		total = (total + int(c-'0')) * 2
	}
	check := (12 - total%11) % 11
	want := byte('0' + check)
	if check == 10 {
		want = 'X'
	}
	return digits[15] == want
}

// NormalizeORCID returns the bare 16-character form of a valid ORCID iD.
func NormalizeORCID(s string) string {
	return strings.TrimPrefix(strings.TrimPrefix(s, "https://orcid.org/"), "http://orcid.org/")
}

// VersionRef names one published version of an item.
type VersionRef struct {
	ItemID int64
	Number int
}
