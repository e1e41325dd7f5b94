package app

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Group is a unit of the institution: the institution itself, a faculty, a
// department. Groups form a tree through ParentID (0 for a top-level
// group); a role held on a group covers every group below it.
type Group struct {
	ID         int64
	ParentID   int64
	Name       string
	ResourceID string // an external identifier (e.g. the HR system's unit code)
	Quota      int64  // bytes all items of the group and its subgroups may hold; 0 = no limit
	Created    time.Time
}

// Validate checks a group before it is stored.
func (g *Group) Validate() error {
	g.Name = strings.TrimSpace(g.Name)
	if g.Name == "" {
		return Errorf(EINVALID, "a group needs a name")
	}
	if utf8.RuneCountInString(g.Name) > 200 || !utf8.ValidString(g.Name) {
		return Errorf(EINVALID, "a group name is at most 200 characters of valid UTF-8")
	}
	if len(g.ResourceID) > 200 {
		return Errorf(EINVALID, "a group resource id is at most 200 characters")
	}
	if g.Quota < 0 {
		return Errorf(EINVALID, "a group quota must not be negative")
	}
	if g.ParentID < 0 {
		return Errorf(EINVALID, "parent group %d does not exist", g.ParentID)
	}
	return nil
}

// Role is what an account may do beyond depositing its own items.
type Role string

// The roles. An administrator may do everything everywhere; the others act
// within the group they are assigned on (and its subgroups), or everywhere
// when assigned institution-wide.
const (
	RoleAdministrator Role = "administrator" // institution-wide only
	RoleGroupAdmin    Role = "group_admin"   // manages the group's people and items
	RoleReviewer      Role = "reviewer"      // reads and reviews the group's unpublished items
	RoleReporter      Role = "reporter"      // reads the group's reports and statistics
	RoleDepositor     Role = "depositor"     // deposits items into the group
)

// Roles lists the roles in a fixed order, with the numeric ids Figshare's
// institution API uses for them.
var roleIDs = []Role{RoleAdministrator, RoleGroupAdmin, RoleReviewer, RoleReporter, RoleDepositor}

// AllRoles returns every role in a fixed order.
func AllRoles() []Role { return append([]Role(nil), roleIDs...) }

// RoleID is the role's stable numeric id (1-based), as the API shows it.
func (r Role) RoleID() int {
	for i, x := range roleIDs {
		if x == r {
			return i + 1
		}
	}
	return 0
}

// RoleByID returns the role with a numeric id. ENOTFOUND if none.
func RoleByID(id int) (Role, error) {
	if id < 1 || id > len(roleIDs) {
		return "", Errorf(ENOTFOUND, "role %d not found", id)
	}
	return roleIDs[id-1], nil
}

// ParseRole accepts a role's name ("group_admin", also "group-admin" and
// "group administrator"). EINVALID for an unknown role.
func ParseRole(s string) (Role, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.NewReplacer("-", "_", " ", "_").Replace(n)
	if n == "group_administrator" {
		n = string(RoleGroupAdmin)
	}
	for _, r := range roleIDs {
		if string(r) == n {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "unknown role %q: use one of administrator, group_admin, reviewer, reporter, depositor", s)
}

// Title is the role's name for people.
func (r Role) Title() string {
	switch r {
	case RoleGroupAdmin:
		return "Group administrator"
	case "":
		return ""
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// RoleAssignment gives an account a role on a group, or institution-wide
// when GroupID is 0.
type RoleAssignment struct {
	AccountID int64
	Role      Role
	GroupID   int64
	Created   time.Time
	// Source is SourceHand or SourceDirectory: a directory grant is
	// removed when the account's directory membership ends.
	Source string
}

// Validate checks an assignment before it is stored.
func (ra *RoleAssignment) Validate() error {
	if _, err := ParseRole(string(ra.Role)); err != nil {
		return err
	}
	if ra.Role == RoleAdministrator && ra.GroupID != 0 {
		return Errorf(EINVALID, "administrator is an institution-wide role; give group_admin for one group")
	}
	if ra.GroupID < 0 {
		return Errorf(EINVALID, "group %d does not exist", ra.GroupID)
	}
	return nil
}

// RoleGrant is a role as the access policy sees it: the groups it covers,
// which are the assigned group and all its subgroups.
type RoleGrant struct {
	Role    Role
	GroupID int64   // as assigned; 0 = institution-wide
	Covers  []int64 // the group and its descendants; empty when institution-wide
}

// covers reports whether the grant reaches a group.
func (g RoleGrant) covers(groupID int64) bool {
	if g.GroupID == 0 {
		return true
	}
	for _, id := range g.Covers {
		if id == groupID {
			return true
		}
	}
	return false
}

// AccountFilter selects accounts for the institution's administrators.
type AccountFilter struct {
	Active   *bool   // only active (true) or deactivated (false) accounts
	Email    string  // exact email, case-insensitive
	Search   string  // part of the email or name
	MinID    int64   // id >= MinID (0 = no bound)
	MaxID    int64   // id <= MaxID (0 = no bound)
	GroupIDs []int64 // only accounts whose home group is one of these; nil = any
	Offset   int
	Limit    int // 0 means 100
}
