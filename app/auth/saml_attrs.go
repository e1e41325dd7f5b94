package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/crewjam/saml"

	"carrel/app"
)

// samlAttributes are the eduPerson and inetOrgPerson attributes Carrel
// reads, by their OID names (what Shibboleth sends) and friendly names.
var samlAttributes = map[string][]string{
	"eppn":        {"urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduPersonPrincipalName"},
	"mail":        {"urn:oid:0.9.2342.19200300.100.1.3", "mail", "email"},
	"displayName": {"urn:oid:2.16.840.1.113730.3.1.241", "displayName"},
	"givenName":   {"urn:oid:2.5.4.42", "givenName"},
	"sn":          {"urn:oid:2.5.4.4", "sn", "surname"},
	"affiliation": {"urn:oid:1.3.6.1.4.1.5923.1.1.1.1", "eduPersonAffiliation", "urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "eduPersonScopedAffiliation",
		"urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "eduPersonEntitlement", "urn:oid:1.3.6.1.4.1.5923.1.5.1.1", "isMemberOf", "memberOf"},
	"orcid": {"urn:oid:1.3.6.1.4.1.5923.1.1.1.16", "eduPersonOrcid"},
}

// values returns every value of the attribute key names, in order.
func values(a *saml.Assertion, key string) []string {
	var out []string
	for _, st := range a.AttributeStatements {
		for _, at := range st.Attributes {
			for _, name := range samlAttributes[key] {
				if at.Name == name || at.FriendlyName == name {
					for _, v := range at.Values {
						if v := strings.TrimSpace(v.Value); v != "" {
							out = append(out, v)
						}
					}
					break
				}
			}
		}
	}
	return out
}

func first(a *saml.Assertion, key string) string {
	if v := values(a, key); len(v) > 0 {
		return v[0]
	}
	return ""
}

// account maps an assertion to the account it describes. The external id
// is eduPersonPrincipalName, or the NameID when the IdP sends none.
func (s *SAML) account(idp string, a *saml.Assertion) *app.ExternalAccount {
	id := first(a, "eppn")
	if id == "" && a.Subject != nil && a.Subject.NameID != nil {
		id = a.Subject.NameID.Value
	}
	x := &app.ExternalAccount{Email: first(a, "mail"), FirstName: first(a, "givenName"), LastName: first(a, "sn"),
		ORCID: orcidOf(first(a, "orcid"))}
	if id != "" {
		x.ExternalID = "saml:" + idp + ":" + id
	}
	if x.FirstName == "" || x.LastName == "" {
		if dn := first(a, "displayName"); dn != "" {
			x.FirstName, x.LastName = app.SplitName(dn)
		}
	}
	// A scoped affiliation ("staff@example.edu") also counts unscoped.
	exact := values(a, "affiliation")
	loose := slices.Clone(exact)
	for _, v := range exact {
		if at := strings.IndexByte(v, '@'); at > 0 {
			loose = append(loose, v[:at])
		}
	}
	mapDirectory(x, exact, loose, idp, DirectoryMapping{Groups: s.cfg.Groups, AdminGroups: s.cfg.AdminGroups, Roles: s.cfg.RoleMap})
	return x
}

func xmlMarshal(v any) ([]byte, error) {
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, app.Internal(err, "marshal SAML metadata")
	}
	return append([]byte(xml.Header), b...), nil
}

// LoadOrCreateSPKey returns the service provider's RSA key and certificate
// from PEM files, creating a 3072-bit key (mode 0600) and a self-signed
// ten-year certificate for commonName on first start when create is set.
func LoadOrCreateSPKey(keyFile, certFile, commonName string, create bool) (*rsa.PrivateKey, *x509.Certificate, error) {
	if _, err := os.Stat(keyFile); errors.Is(err, fs.ErrNotExist) && create {
		if err := createSPKey(keyFile, certFile, commonName); err != nil {
			return nil, nil, fmt.Errorf("SAML service provider key: %w", err)
		}
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("SAML service provider key %s and certificate %s: %w", keyFile, certFile, err)
	}
	key, ok := pair.PrivateKey.(*rsa.PrivateKey)
	if !ok {
		return nil, nil, fmt.Errorf("SAML service provider key %s must be an RSA key", keyFile)
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, nil, err
	}
	return key, cert, nil
}

func createSPKey(keyFile, certFile, commonName string) error {
	key, err := rsa.GenerateKey(rand.Reader, 3072)
	if err != nil {
		return err
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: commonName},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(10, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := writePEM(certFile, "CERTIFICATE", der, 0o644); err != nil {
		return err
	}
	return writePEM(keyFile, "PRIVATE KEY", keyDER, 0o600)
}

// writePEM writes a PEM block to a new file atomically (temp + rename).
func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode); err != nil {
		return err
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
