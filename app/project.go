package app

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Project is a collaborative space (Figshare: project): an owner and
// collaborators deposit items into it and keep notes; once every item in it
// is public the owner may publish it.
type Project struct {
	ID        int64
	AccountID int64 // the owner
	GroupID   int64
	Meta      ProjectMetadata
	Members   []ProjectMember // collaborators other than the owner
	Created   time.Time
	Modified  time.Time
	Published time.Time // zero until published
}

// IsPublic reports whether the project has been published.
func (p *Project) IsPublic() bool { return !p.Published.IsZero() }

// ProjectMetadata is a project's descriptive record, in Figshare's field
// names.
type ProjectMetadata struct {
	Title        string            `json:"title"`
	Description  string            `json:"description"`
	Funding      string            `json:"funding"`
	FundingList  []Funding         `json:"funding_list"`
	CustomFields map[string]string `json:"custom_fields"`
}

// Validate checks a project's metadata before it is stored.
func (m *ProjectMetadata) Validate() error {
	if n := utf8.RuneCountInString(strings.TrimSpace(m.Title)); n < 3 || n > MaxTitleLen {
		return Errorf(EUNPROCESSABLE, "title must be 3 to %d characters", MaxTitleLen)
	}
	if len(m.Description) > MaxDescriptionLen {
		return Errorf(EINVALID, "description is longer than %d bytes", MaxDescriptionLen)
	}
	if len(m.FundingList) > MaxListLen || len(m.CustomFields) > MaxListLen {
		return Errorf(EINVALID, "funding_list and custom_fields hold at most %d entries", MaxListLen)
	}
	for _, t := range []string{m.Title, m.Description, m.Funding} {
		if !utf8.ValidString(t) || strings.ContainsRune(t, 0) {
			return Errorf(EINVALID, "text fields must be valid UTF-8 without NUL characters")
		}
	}
	return nil
}

// Project roles. The owner is not a member row; collaborators are.
const (
	ProjectOwner        = "owner"
	ProjectCollaborator = "collaborator"
	ProjectViewer       = "viewer"
)

// ProjectMember is an account taking part in a project with a role.
type ProjectMember struct {
	AccountID int64
	Name      string
	Role      string // collaborator or viewer
	Joined    time.Time
}

// ProjectNote is a note kept in a project.
type ProjectNote struct {
	ID        int64
	ProjectID int64
	AccountID int64
	UserName  string
	Text      string
	Created   time.Time
	Modified  time.Time
}

// MaxNoteLen bounds one project note.
const MaxNoteLen = 100_000

// ProjectRole is the actor's role in the project: owner, collaborator,
// viewer, or "" for someone outside it. Administrators act as owners.
func ProjectRole(a Actor, p *Project) string {
	if a.Anonymous() {
		return ""
	}
	if a.AccountID == p.AccountID || a.Admin {
		return ProjectOwner
	}
	for _, m := range p.Members {
		if m.AccountID == a.AccountID {
			return m.Role
		}
	}
	return ""
}

// CanSeeProjectPrivate reports whether the actor may see the project's
// private side: its notes, its collaborators and its items' drafts. Every
// member may; others are told it does not exist.
func CanSeeProjectPrivate(a Actor, p *Project) bool { return ProjectRole(a, p) != "" }

// CanEditProject reports whether the actor may change the project's
// metadata, write notes and deposit items in it: the owner and
// collaborators, never viewers.
func CanEditProject(a Actor, p *Project) bool {
	r := ProjectRole(a, p)
	return r == ProjectOwner || r == ProjectCollaborator
}

// CanManageProject reports whether the actor may invite and remove
// collaborators, publish or delete the project: the owner (and
// administrators).
func CanManageProject(a Actor, p *Project) bool { return ProjectRole(a, p) == ProjectOwner }

// CanSeeProject reports whether the actor may see the project's public
// record: anyone once it is published.
func CanSeeProject(_ Actor, p *Project) bool { return p.IsPublic() }

// ProjectFilter selects projects for a listing.
type ProjectFilter struct {
	MemberID       int64 // projects this account owns or takes part in; 0 = published projects only
	GroupID        int64
	PublishedSince time.Time
	ModifiedSince  time.Time
	Text           string
	Order          string // created_date, published_date or modified_date
	Desc           bool
	Offset, Limit  int
	// After, if set, continues the listing after that row (X-Cursor);
	// Offset is then ignored.
	After *ListPosition
}

// ProjectPath is the path of a project's public page: /projects/<slug>/<id>.
func ProjectPath(title string, id int64) string {
	return "/projects/" + url.PathEscape(Slug(title)) + "/" + strconv.FormatInt(id, 10)
}
