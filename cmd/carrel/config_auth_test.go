package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ldapOK is a complete [auth.ldap] section.
const ldapOK = "[auth.ldap]\nenabled = true\nurl = \"ldap://x\"\nbase_dn = \"dc=x\"\n"

// samlOK is a complete [auth.saml] section whose one IdP entry is last.
const samlOK = "[server]\nbase_url = \"https://r.example\"\n[auth.saml]\nenabled = true\n[[auth.saml.idp]]\nname = \"campus\"\nmetadata_url = \"https://idp.example.edu/metadata\"\n"

// TestAuthConfigHalfConfigured: `carrel serve` refuses to start when a
// sign-in method is enabled without its required keys, naming them.
func TestAuthConfigHalfConfigured(t *testing.T) {
	for _, c := range []struct{ name, toml, want string }{
		{"LDAPNoURL", "[auth.ldap]\nenabled = true\n", "auth.ldap.url, auth.ldap.base_dn"},
		{"LDAPBindNoPassword", "[auth.ldap]\nenabled = true\nurl = \"ldap://x\"\nbase_dn = \"dc=x\"\nbind_dn = \"cn=svc\"\n", "auth.ldap.bind_password"},
		{"LDAPNotEnabled", "[auth.ldap]\nurl = \"ldap://x\"\n", "auth.ldap.enabled is false"},
		{"LDAPBadURL", "[auth.ldap]\nenabled = true\nurl = \"http://x\"\nbase_dn = \"dc=x\"\n", "must start with ldap://"},
		{"LDAPFilterNoUsername", "[auth.ldap]\nenabled = true\nurl = \"ldap://x\"\nbase_dn = \"dc=x\"\nuser_filter = \"(uid=*)\"\n", "{username}"},
		{"LDAPGroupSearchNoBase", "[auth.ldap]\nenabled = true\nurl = \"ldap://x\"\nbase_dn = \"dc=x\"\ngroup_attribute = \"\"\nadmin_groups = [\"admins\"]\n", "auth.ldap.group_base_dn"},
		{"SAMLNoIdP", "[auth.saml]\nenabled = true\n", "[[auth.saml.idp]], server.base_url"},
		{"SAMLIdPNoMetadata", "[auth.saml]\nenabled = true\n[[auth.saml.idp]]\nname = \"campus\"\n", "auth.saml.idp[0].metadata_url or auth.saml.idp[0].metadata_file"},
		{"SAMLKeyNoCert", "[auth.saml]\nenabled = true\nkey_file = \"k.pem\"\n[[auth.saml.idp]]\nname = \"c\"\nmetadata_file = \"m.xml\"\n", "auth.saml.cert_file"},
		{"SAMLIdPNotEnabled", "[[auth.saml.idp]]\nname = \"c\"\nmetadata_file = \"m.xml\"\n", "auth.saml.enabled is false"},
		{"SAMLBadName", "[auth.saml]\nenabled = true\n[[auth.saml.idp]]\nname = \"Campus IdP\"\nmetadata_file = \"m.xml\"\n", "lower-case letters"},
		{"RoleMapNoRole", ldapOK + "[[auth.ldap.role_map]]\ndirectory_group = \"librarians\"\n", "auth.ldap.role_map[0].role"},
		{"RoleMapNoGroup", ldapOK + "[[auth.ldap.role_map]]\nrole = \"reviewer\"\n", "auth.ldap.role_map[0].directory_group"},
		{"RoleMapBadRole", ldapOK + "[[auth.ldap.role_map]]\ndirectory_group = \"x\"\nrole = \"curator\"\n", "unknown role \"curator\""},
		{"RoleMapAdminOnGroup", ldapOK + "[[auth.ldap.role_map]]\ndirectory_group = \"x\"\nrole = \"administrator\"\ngroup = \"Library\"\n", "administrator is institution-wide"},
		{"RoleMapLDAPWithIdP", ldapOK + "[[auth.ldap.role_map]]\ndirectory_group = \"x\"\nrole = \"reviewer\"\nidp = \"campus\"\n", "for [[auth.saml.role_map]] only"},
		{"RoleMapUnknownIdP", "[server]\nbase_url = \"https://r.example\"\n[auth.saml]\nenabled = true\n[[auth.saml.idp]]\nname = \"campus\"\nmetadata_file = \"m.xml\"\n" +
			"[[auth.saml.role_map]]\ndirectory_group = \"x\"\nrole = \"reviewer\"\nidp = \"partner\"\n", "names no [[auth.saml.idp]]"},
		{"SAMLBadFingerprint", samlOK + "metadata_fingerprint = \"AB:CD\"\n", "is not a SHA-256 fingerprint"},
		{"SAMLMissingSigningCert", samlOK + "metadata_signing_cert = \"/nonexistent/signer.pem\"\n", "metadata_signing_cert"},
		{"SAMLURLAndFile", samlOK + "metadata_file = \"m.xml\"\n", "not both"},
		{"ThrottleNonsense", "[auth.local]\nbase_delay_seconds = 0\n", "throttle settings"},
	} {
		t.Run(c.name, func(t *testing.T) { wantServeRefuses(t, c.toml, c.want) })
	}
}

// wantServeRefuses checks that `carrel serve` with the configuration
// configTOML fails at start with a message containing want.
func wantServeRefuses(t *testing.T, configTOML, want string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "carrel.toml")
	os.WriteFile(f, []byte(configTOML), 0o600)
	var stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr}
	code := run(context.Background(), e, []string{"serve", "--config", f, "--data", t.TempDir(), "--addr", "127.0.0.1:0"})
	if code == 0 || !strings.Contains(stderr.String(), want) {
		t.Errorf("exit %d, stderr %q; want failure naming %q", code, stderr.String(), want)
	}
}
