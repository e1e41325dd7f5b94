package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
	"time"

	"carrel/app"
	"carrel/app/auth"
)

// AuthConfig is the [auth] section: how people sign in.
type AuthConfig struct {
	// AddressHeader names the header a reverse proxy puts the client's IP
	// address in, for throttling and the audit log.
	AddressHeader string          `toml:"address_header"`
	Local         LocalAuthConfig `toml:"local"`
	LDAP          LDAPConfig      `toml:"ldap"`
	SAML          SAMLConfig      `toml:"saml"`
}

// LocalAuthConfig is [auth.local]: Carrel's own passwords and the
// throttle that protects every password sign-in (local and LDAP).
type LocalAuthConfig struct {
	Enabled            bool `toml:"enabled"`
	MaxFailures        int  `toml:"max_failures"`
	MaxAddressFailures int  `toml:"max_address_failures"`
	WindowSeconds      int  `toml:"window_seconds"`
	BaseDelaySeconds   int  `toml:"base_delay_seconds"`
	MaxDelaySeconds    int  `toml:"max_delay_seconds"`
}

// LDAPConfig is [auth.ldap]: sign-in against a directory.
type LDAPConfig struct {
	Enabled            bool              `toml:"enabled"`
	URL                string            `toml:"url"`
	StartTLS           bool              `toml:"start_tls"`
	CAFile             string            `toml:"ca_file"`
	InsecureSkipVerify bool              `toml:"insecure_skip_verify"`
	TimeoutSeconds     int               `toml:"timeout_seconds"`
	BindDN             string            `toml:"bind_dn"`
	BindPassword       string            `toml:"bind_password"`
	BaseDN             string            `toml:"base_dn"`
	UserFilter         string            `toml:"user_filter"`
	DisabledFilter     string            `toml:"disabled_filter"`
	IDAttribute        string            `toml:"id_attribute"`
	MailAttribute      string            `toml:"mail_attribute"`
	DisplayNameAttr    string            `toml:"display_name_attribute"`
	FirstNameAttribute string            `toml:"first_name_attribute"`
	LastNameAttribute  string            `toml:"last_name_attribute"`
	ORCIDAttribute     string            `toml:"orcid_attribute"`
	GroupAttribute     string            `toml:"group_attribute"`
	GroupBaseDN        string            `toml:"group_base_dn"`
	GroupFilter        string            `toml:"group_filter"`
	GroupNameAttribute string            `toml:"group_name_attribute"`
	Groups             map[string]string `toml:"groups"`
	AdminGroups        []string          `toml:"admin_groups"`
	RoleMap            []RoleMapConfig   `toml:"role_map"`
}

// RoleMapConfig is one [[auth.ldap.role_map]] or [[auth.saml.role_map]]:
// members of a directory group hold a role on a Carrel group.
type RoleMapConfig struct {
	DirectoryGroup string `toml:"directory_group"`
	Group          string `toml:"group"`
	Role           string `toml:"role"`
	IdP            string `toml:"idp"`
}

// SAMLConfig is [auth.saml]: single sign-on through SAML2 identity
// providers, each an [[auth.saml.idp]] entry.
type SAMLConfig struct {
	Enabled     bool              `toml:"enabled"`
	EntityID    string            `toml:"entity_id"`
	KeyFile     string            `toml:"key_file"`
	CertFile    string            `toml:"cert_file"`
	Groups      map[string]string `toml:"groups"`
	AdminGroups []string          `toml:"admin_groups"`
	RoleMap     []RoleMapConfig   `toml:"role_map"`
	IdPs        []IdPConfig       `toml:"idp"`
}

// IdPConfig is one [[auth.saml.idp]]: an identity provider people may
// choose at sign-in.
type IdPConfig struct {
	Name         string `toml:"name"`
	Label        string `toml:"label"`
	MetadataURL  string `toml:"metadata_url"`
	MetadataFile string `toml:"metadata_file"`
	// MetadataSigningCert (a PEM file) or MetadataFingerprint (SHA-256 of
	// the signer's certificate) makes Carrel accept only metadata signed
	// by that certificate.
	MetadataSigningCert string `toml:"metadata_signing_cert"`
	MetadataFingerprint string `toml:"metadata_fingerprint"`
}

func defaultAuth() AuthConfig {
	return AuthConfig{
		Local: LocalAuthConfig{Enabled: true, MaxFailures: 5, MaxAddressFailures: 50, WindowSeconds: 3600,
			BaseDelaySeconds: 30, MaxDelaySeconds: 900},
		LDAP: LDAPConfig{TimeoutSeconds: 10, UserFilter: "(|(uid={username})(mail={username}))", IDAttribute: "uid",
			MailAttribute: "mail", DisplayNameAttr: "displayName", FirstNameAttribute: "givenName", LastNameAttribute: "sn",
			ORCIDAttribute: "eduPersonOrcid", GroupAttribute: "memberOf", GroupFilter: "(member={dn})", GroupNameAttribute: "cn",
			Groups: map[string]string{}, AdminGroups: []string{}, RoleMap: []RoleMapConfig{}},
		SAML: SAMLConfig{Groups: map[string]string{}, AdminGroups: []string{}, RoleMap: []RoleMapConfig{}, IdPs: []IdPConfig{}},
	}
}

// throttle is the sign-in throttle [auth.local] describes.
func (c LocalAuthConfig) throttle() auth.Throttle {
	return auth.Throttle{MaxFailures: c.MaxFailures, MaxAddressFailures: c.MaxAddressFailures,
		Window: time.Duration(c.WindowSeconds) * time.Second, BaseDelay: time.Duration(c.BaseDelaySeconds) * time.Second,
		MaxDelay: time.Duration(c.MaxDelaySeconds) * time.Second}
}

// missing lists the names of the empty values among key=value pairs.
func missing(section string, kv ...string) []string {
	var out []string
	for i := 0; i+1 < len(kv); i += 2 {
		if strings.TrimSpace(kv[i+1]) == "" {
			out = append(out, section+"."+kv[i])
		}
	}
	return out
}

// validate refuses half-configured sign-in methods, naming what is missing.
// baseURL is server.base_url, which SAML needs.
func (c AuthConfig) validate(baseURL string) error {
	l := c.Local
	if l.MaxFailures < 0 || l.MaxAddressFailures < 0 || l.WindowSeconds <= 0 || l.BaseDelaySeconds <= 0 || l.MaxDelaySeconds < l.BaseDelaySeconds {
		return fmt.Errorf("config: [auth.local] throttle settings must be positive, with max_delay_seconds >= base_delay_seconds")
	}
	d := c.LDAP
	if d.Enabled {
		miss := missing("auth.ldap", "url", d.URL, "base_dn", d.BaseDN, "user_filter", d.UserFilter, "id_attribute", d.IDAttribute, "mail_attribute", d.MailAttribute)
		if d.BindDN != "" {
			miss = append(miss, missing("auth.ldap", "bind_password", d.BindPassword)...)
		}
		if d.GroupAttribute == "" && (len(d.Groups) > 0 || len(d.AdminGroups) > 0 || len(d.RoleMap) > 0) {
			miss = append(miss, missing("auth.ldap", "group_base_dn", d.GroupBaseDN, "group_filter", d.GroupFilter)...)
		}
		if len(miss) > 0 {
			return fmt.Errorf("config: [auth.ldap] is enabled but these keys are missing: %s", strings.Join(miss, ", "))
		}
		if !strings.HasPrefix(d.URL, "ldap://") && !strings.HasPrefix(d.URL, "ldaps://") {
			return fmt.Errorf("config: auth.ldap.url %q must start with ldap:// or ldaps://", d.URL)
		}
		if !strings.Contains(d.UserFilter, "{username}") {
			return fmt.Errorf("config: auth.ldap.user_filter %q must contain {username}", d.UserFilter)
		}
		if d.StartTLS && strings.HasPrefix(d.URL, "ldaps://") {
			return fmt.Errorf("config: auth.ldap.start_tls is for ldap:// URLs; ldaps:// is already encrypted")
		}
		if _, err := roleMappings("auth.ldap", d.RoleMap, nil); err != nil {
			return err
		}
	} else if set := nonEmpty("auth.ldap", "url", d.URL, "bind_dn", d.BindDN, "base_dn", d.BaseDN); len(set) > 0 {
		return fmt.Errorf("config: %s set but auth.ldap.enabled is false: set it to true, or remove them", strings.Join(set, ", "))
	}
	s := c.SAML
	if s.Enabled {
		var miss []string
		if len(s.IdPs) == 0 {
			miss = append(miss, "[[auth.saml.idp]]")
		}
		if baseURL == "" {
			miss = append(miss, "server.base_url")
		}
		if (s.KeyFile == "") != (s.CertFile == "") {
			miss = append(miss, missing("auth.saml", "key_file", s.KeyFile, "cert_file", s.CertFile)...)
		}
		seen := map[string]bool{}
		for i, idp := range s.IdPs {
			sec := fmt.Sprintf("auth.saml.idp[%d]", i)
			miss = append(miss, missing(sec, "name", idp.Name)...)
			if idp.MetadataURL == "" && idp.MetadataFile == "" {
				miss = append(miss, sec+".metadata_url or "+sec+".metadata_file")
			}
			if seen[idp.Name] {
				return fmt.Errorf("config: two [[auth.saml.idp]] entries are named %q", idp.Name)
			}
			seen[idp.Name] = true
			if idp.Name != "" && strings.Trim(idp.Name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
				return fmt.Errorf("config: %s.name %q may hold only lower-case letters, digits, - and _", sec, idp.Name)
			}
		}
		if len(miss) > 0 {
			return fmt.Errorf("config: [auth.saml] is enabled but these keys are missing: %s", strings.Join(miss, ", "))
		}
		if _, err := roleMappings("auth.saml", s.RoleMap, seen); err != nil {
			return err
		}
		if _, err := samlIdPs(s); err != nil {
			return err
		}
	} else if len(s.IdPs) > 0 {
		return fmt.Errorf("config: [[auth.saml.idp]] entries are set but auth.saml.enabled is false: set it to true, or remove them")
	}
	return nil
}

// nonEmpty lists the names of the set values among key=value pairs.
func nonEmpty(section string, kv ...string) []string {
	var out []string
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			out = append(out, section+"."+kv[i])
		}
	}
	return out
}

// roleMappings checks [[section.role_map]] entries and returns them as the
// auth package takes them. idps are the configured identity providers'
// names (nil where role mappings name none: LDAP).
func roleMappings(section string, entries []RoleMapConfig, idps map[string]bool) ([]auth.RoleMapping, error) {
	out := make([]auth.RoleMapping, 0, len(entries))
	for i, e := range entries {
		sec := fmt.Sprintf("%s.role_map[%d]", section, i)
		if miss := missing(sec, "directory_group", e.DirectoryGroup, "role", e.Role); len(miss) > 0 {
			return nil, fmt.Errorf("config: [[%s.role_map]] entry %d lacks %s", section, i, strings.Join(miss, ", "))
		}
		role, err := app.ParseRole(e.Role)
		if err != nil {
			return nil, fmt.Errorf("config: %s.role: %s", sec, app.ErrorMessage(err))
		}
		if role == app.RoleAdministrator && e.Group != "" {
			return nil, fmt.Errorf("config: %s: administrator is institution-wide; remove group, or use group_admin", sec)
		}
		if e.IdP != "" && idps == nil {
			return nil, fmt.Errorf("config: %s.idp is for [[auth.saml.role_map]] only", sec)
		}
		if e.IdP != "" && !idps[e.IdP] {
			return nil, fmt.Errorf("config: %s.idp %q names no [[auth.saml.idp]]", sec, e.IdP)
		}
		out = append(out, auth.RoleMapping{DirectoryGroup: strings.TrimSpace(e.DirectoryGroup), Group: strings.TrimSpace(e.Group), Role: role, IdP: e.IdP})
	}
	return out, nil
}

// samlIdPs returns the configured identity providers as the auth package
// takes them, with their metadata signing certificates loaded.
func samlIdPs(s SAMLConfig) ([]auth.SAMLIdP, error) {
	out := make([]auth.SAMLIdP, 0, len(s.IdPs))
	for i, c := range s.IdPs {
		idp := auth.SAMLIdP{Name: c.Name, Label: c.Label, MetadataURL: c.MetadataURL, MetadataFile: c.MetadataFile}
		if idp.Label == "" {
			idp.Label = c.Name
		}
		sec := fmt.Sprintf("auth.saml.idp[%d]", i)
		if c.MetadataURL != "" && c.MetadataFile != "" {
			return nil, fmt.Errorf("config: %s: set metadata_url or metadata_file, not both", sec)
		}
		if c.MetadataURL != "" && !strings.HasPrefix(c.MetadataURL, "https://") && !strings.HasPrefix(c.MetadataURL, "http://") {
			return nil, fmt.Errorf("config: %s.metadata_url %q must be an http(s) URL", sec, c.MetadataURL)
		}
		if c.MetadataSigningCert != "" {
			b, err := os.ReadFile(c.MetadataSigningCert)
			if err != nil {
				return nil, fmt.Errorf("config: %s.metadata_signing_cert: %w", sec, err)
			}
			block, _ := pem.Decode(b)
			if block == nil || block.Type != "CERTIFICATE" {
				return nil, fmt.Errorf("config: %s.metadata_signing_cert %s holds no PEM CERTIFICATE", sec, c.MetadataSigningCert)
			}
			if idp.MetadataCert, err = x509.ParseCertificate(block.Bytes); err != nil {
				return nil, fmt.Errorf("config: %s.metadata_signing_cert: %w", sec, err)
			}
		}
		if f := c.MetadataFingerprint; f != "" {
			if n := auth.NormalizeFingerprint(f); len(n) != 95 || strings.Trim(n, "0123456789ABCDEF:") != "" {
				return nil, fmt.Errorf("config: %s.metadata_fingerprint %q is not a SHA-256 fingerprint (64 hex digits)", sec, f)
			}
			idp.MetadataFingerprint = f
		}
		out = append(out, idp)
	}
	return out, nil
}
