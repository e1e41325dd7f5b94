package auth

import (
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"carrel/app"
)

// RoleMapping confers a role on members of a directory group: an LDAP
// group (its DN or cn) or a SAML attribute value (an affiliation,
// entitlement or isMemberOf value).
type RoleMapping struct {
	DirectoryGroup string
	Group          string   // the Carrel group the role is held on; "" = institution-wide
	Role           app.Role // administrator makes the account an administrator
	IdP            string   // SAML only: the identity provider it applies to; "" = every one
}

// DirectoryMapping is how directory groups become Carrel groups and roles.
type DirectoryMapping struct {
	Groups      map[string]string // directory group -> the Carrel group people join
	AdminGroups []string          // directory groups whose members are administrators
	Roles       []RoleMapping
}

// mapDirectory fills in x's groups, administrator flag and role grants
// from the directory groups the person is in. exact are the groups as the
// directory names them; loose adds looser names (a scoped affiliation
// without its scope) that only Groups and AdminGroups may match, so a role
// is never conferred by another institution's "staff@...". Role mappings
// for another identity provider than idp are skipped.
func mapDirectory(x *app.ExternalAccount, exact, loose []string, idp string, m DirectoryMapping) {
	var groups []string
	for _, g := range loose {
		for _, name := range groupNames(g) {
			if c, ok := m.Groups[name]; ok && c != "" {
				groups = append(groups, c)
			}
			if slices.ContainsFunc(m.AdminGroups, func(a string) bool { return strings.EqualFold(a, name) }) {
				x.Admin = true
			}
		}
	}
	for _, rm := range m.Roles {
		if rm.IdP != "" && rm.IdP != idp {
			continue
		}
		if !slices.ContainsFunc(exact, func(g string) bool { return sameGroup(rm.DirectoryGroup, g) }) {
			continue
		}
		if rm.Role == app.RoleAdministrator {
			x.Admin = true
			continue
		}
		gr := app.DirectoryGrant{Role: rm.Role, Group: rm.Group}
		if !slices.Contains(x.Grants, gr) {
			x.Grants = append(x.Grants, gr)
		}
	}
	slices.Sort(groups)
	x.Groups = slices.Compact(groups)
	// A group a role is held on is also a home group candidate, after the
	// groups Groups maps to.
	for _, g := range x.Grants {
		if g.Group != "" && !slices.Contains(x.Groups, g.Group) {
			x.Groups = append(x.Groups, g.Group)
		}
	}
}

// sameGroup reports whether a configured directory group names the group
// g the directory sent: the same text (ignoring case), g's cn, or the same
// DN written differently (spacing, case of attribute names and values).
func sameGroup(configured, g string) bool {
	for _, name := range groupNames(g) {
		if strings.EqualFold(configured, name) {
			return true
		}
	}
	if !strings.Contains(configured, "=") || !strings.Contains(g, "=") {
		return false
	}
	a, err1 := ldap.ParseDN(configured)
	b, err2 := ldap.ParseDN(g)
	return err1 == nil && err2 == nil && a.EqualFold(b)
}

// groupNames is a group as written, and its cn when it is a DN.
func groupNames(g string) []string {
	names := []string{g}
	if dn, err := ldap.ParseDN(g); err == nil && len(dn.RDNs) > 0 && len(dn.RDNs[0].Attributes) > 0 && strings.Contains(g, "=") {
		if cn := dn.RDNs[0].Attributes[0].Value; cn != g {
			names = append(names, cn)
		}
	}
	return names
}
