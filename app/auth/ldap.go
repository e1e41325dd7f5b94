package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"carrel/app"
)

// LDAPConfig says how to find and check people in an LDAP directory.
type LDAPConfig struct {
	URL                string // ldap://host:389 or ldaps://host:636
	StartTLS           bool
	CAFile             string // PEM; empty = the system's CAs
	InsecureSkipVerify bool
	Timeout            time.Duration
	BindDN             string // the service account; empty = anonymous search
	BindPassword       string
	BaseDN             string
	UserFilter         string // with {username}
	DisabledFilter     string // people matching it cannot sign in
	IDAttribute        string
	MailAttribute      string
	DisplayNameAttr    string
	FirstNameAttr      string
	LastNameAttr       string
	ORCIDAttr          string
	GroupAttribute     string // e.g. memberOf; empty = search for groups
	GroupBaseDN        string
	GroupFilter        string // with {dn} and {username}
	GroupNameAttr      string
	Groups             map[string]string // directory group (cn or DN) -> Carrel group
	AdminGroups        []string          // directory groups (cn or DN) whose members are administrators
	RoleMap            []RoleMapping     // directory group -> role on a Carrel group
}

// LDAP is a Directory backed by an LDAP server: it searches for the person
// as the service account, then binds as them with their password.
type LDAP struct {
	cfg LDAPConfig
	tls *tls.Config
}

var _ Directory = (*LDAP)(nil)

// NewLDAP checks the configuration and loads the CA file.
func NewLDAP(cfg LDAPConfig) (*LDAP, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	host := strings.TrimPrefix(strings.TrimPrefix(cfg.URL, "ldaps://"), "ldap://")
	if h, _, err := net.SplitHostPort(strings.TrimSuffix(host, "/")); err == nil {
		host = h
	}
	tc := &tls.Config{ServerName: strings.TrimSuffix(host, "/"), InsecureSkipVerify: cfg.InsecureSkipVerify, MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ldap ca_file: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ldap ca_file %s: no PEM certificates in it", cfg.CAFile)
		}
	}
	return &LDAP{cfg: cfg, tls: tc}, nil
}

// dial connects, upgrades with StartTLS if configured, and binds as the
// service account.
func (d *LDAP) dial(ctx context.Context) (*ldap.Conn, error) {
	dialer := &net.Dialer{Timeout: d.cfg.Timeout}
	conn, err := ldap.DialURL(d.cfg.URL, ldap.DialWithDialer(dialer), ldap.DialWithTLSConfig(d.tls))
	if err != nil {
		return nil, app.Internal(err, "connect to LDAP server")
	}
	conn.SetTimeout(d.cfg.Timeout)
	if d.cfg.StartTLS {
		if err := conn.StartTLS(d.tls); err != nil {
			conn.Close()
			return nil, app.Internal(err, "LDAP StartTLS")
		}
	}
	if d.cfg.BindDN != "" {
		err = conn.Bind(d.cfg.BindDN, d.cfg.BindPassword)
	} else {
		err = conn.UnauthenticatedBind("")
	}
	if err != nil {
		conn.Close()
		return nil, app.Internal(err, "LDAP service account bind")
	}
	return conn, nil
}

// Authenticate finds the person whose id or email is username, refuses
// disabled people, checks the password by binding as them, and returns
// what the directory says about them. EUNAUTHORIZED for any refusal.
func (d *LDAP) Authenticate(ctx context.Context, username, password string) (*app.ExternalAccount, error) {
	refused := app.Errorf(app.EUNAUTHORIZED, "LDAP sign-in refused")
	// An empty password would make an "unauthenticated bind", which many
	// servers answer with success.
	if username == "" || password == "" || len(username) > 256 {
		return nil, refused
	}
	conn, err := d.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	filter := strings.ReplaceAll(d.cfg.UserFilter, "{username}", ldap.EscapeFilter(username))
	attrs := []string{d.cfg.IDAttribute, d.cfg.MailAttribute, d.cfg.DisplayNameAttr, d.cfg.FirstNameAttr, d.cfg.LastNameAttr, d.cfg.ORCIDAttr}
	if d.cfg.GroupAttribute != "" {
		attrs = append(attrs, d.cfg.GroupAttribute)
	}
	sr, err := conn.Search(ldap.NewSearchRequest(d.cfg.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 2,
		int(d.cfg.Timeout/time.Second), false, filter, nonEmptyStrings(attrs), nil))
	if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		return nil, app.Internal(err, "LDAP user search")
	}
	// Exactly one match, or nobody: a filter matching several people must
	// never let the first of them in.
	if sr == nil || len(sr.Entries) != 1 {
		return nil, refused
	}
	entry := sr.Entries[0]
	if d.cfg.DisabledFilter != "" {
		dr, err := conn.Search(ldap.NewSearchRequest(entry.DN, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1,
			int(d.cfg.Timeout/time.Second), false, d.cfg.DisabledFilter, []string{"1.1"}, nil))
		if err != nil {
			return nil, app.Internal(err, "LDAP disabled check")
		}
		if len(dr.Entries) > 0 {
			return nil, refused
		}
	}
	if err := conn.Bind(entry.DN, password); err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) || ldap.IsErrorWithCode(err, ldap.LDAPResultUnwillingToPerform) {
			return nil, refused
		}
		return nil, app.Internal(err, "LDAP user bind")
	}
	x := d.account(entry)
	if x.ExternalID == "ldap:" || x.Email == "" {
		return nil, app.Errorf(app.EUNAUTHORIZED, "the directory entry %s lacks %s or %s", entry.DN, d.cfg.IDAttribute, d.cfg.MailAttribute)
	}
	groups, err := d.groups(conn, entry)
	if err != nil {
		return nil, err
	}
	mapDirectory(x, groups, groups, "", DirectoryMapping{Groups: d.cfg.Groups, AdminGroups: d.cfg.AdminGroups, Roles: d.cfg.RoleMap})
	return x, nil
}

// account reads the mapped attributes of a person's entry.
func (d *LDAP) account(e *ldap.Entry) *app.ExternalAccount {
	x := &app.ExternalAccount{
		ExternalID: "ldap:" + e.GetAttributeValue(d.cfg.IDAttribute),
		Email:      e.GetAttributeValue(d.cfg.MailAttribute),
		FirstName:  attr(e, d.cfg.FirstNameAttr),
		LastName:   attr(e, d.cfg.LastNameAttr),
		ORCID:      orcidOf(attr(e, d.cfg.ORCIDAttr)),
	}
	if dn := attr(e, d.cfg.DisplayNameAttr); dn != "" && (x.FirstName == "" || x.LastName == "") {
		x.FirstName, x.LastName = app.SplitName(dn)
	}
	return x
}

func attr(e *ldap.Entry, name string) string {
	if name == "" {
		return ""
	}
	return strings.TrimSpace(e.GetAttributeValue(name))
}

// orcidOf accepts an ORCID iD bare or as its https://orcid.org/ URL and
// drops anything else, so a malformed directory value cannot block sign-in.
func orcidOf(s string) string {
	s = app.NormalizeORCID(strings.TrimSpace(s))
	if s == "" || !app.ValidORCID(s) {
		return ""
	}
	return s
}

// groups returns the DNs of the directory groups the person is in: from
// the group attribute on their entry, or from a group search.
func (d *LDAP) groups(conn *ldap.Conn, e *ldap.Entry) ([]string, error) {
	if d.cfg.GroupAttribute != "" {
		return e.GetAttributeValues(d.cfg.GroupAttribute), nil
	}
	if d.cfg.GroupBaseDN == "" {
		return nil, nil
	}
	filter := strings.NewReplacer("{dn}", ldap.EscapeFilter(e.DN), "{username}", ldap.EscapeFilter(e.GetAttributeValue(d.cfg.IDAttribute))).Replace(d.cfg.GroupFilter)
	sr, err := conn.Search(ldap.NewSearchRequest(d.cfg.GroupBaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 1000,
		int(d.cfg.Timeout/time.Second), false, filter, []string{"1.1"}, nil))
	if err != nil {
		return nil, app.Internal(err, "LDAP group search")
	}
	var out []string
	for _, g := range sr.Entries {
		out = append(out, g.DN)
	}
	return out, nil
}

func nonEmptyStrings(in []string) []string {
	out := in[:0:0]
	for _, s := range in {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
