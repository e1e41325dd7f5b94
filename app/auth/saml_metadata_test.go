package auth_test

import (
	"crypto/tls"
	"encoding/xml"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"carrel/app/auth"
)

// TestMetadataFingerprint: metadata signed by the certificate whose
// SHA-256 fingerprint is configured (written any usual way) is accepted;
// another signer is refused.
func TestMetadataFingerprint(t *testing.T) {
	dir := t.TempDir()
	idpKey, idpCert, err := auth.LoadOrCreateSPKey(filepath.Join(dir, "idp.key"), filepath.Join(dir, "idp.crt"), "idp", true)
	if err != nil {
		t.Fatal(err)
	}
	fedKey, fedCert, err := auth.LoadOrCreateSPKey(filepath.Join(dir, "fed.key"), filepath.Join(dir, "fed.crt"), "federation", true)
	if err != nil {
		t.Fatal(err)
	}
	idp := saml.IdentityProvider{Key: idpKey, Certificate: idpCert,
		MetadataURL: url.URL{Scheme: "https", Host: "idp.example.edu", Path: "/metadata"}, SSOURL: url.URL{Scheme: "https", Host: "idp.example.edu", Path: "/sso"}}
	raw, err := xml.Marshal(idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	doc.Root().CreateAttr("ID", "fed-1")
	signer := dsig.NewDefaultSigningContext(dsig.TLSCertKeyStore(tls.Certificate{Certificate: [][]byte{fedCert.Raw}, PrivateKey: fedKey}))
	signed, err := signer.SignEnveloped(doc.Root())
	if err != nil {
		t.Fatal(err)
	}
	doc.SetRoot(signed)
	b, _ := doc.WriteToBytes()
	path := filepath.Join(dir, "idp.xml")
	os.WriteFile(path, b, 0o600)

	fp := auth.Fingerprint(fedCert)
	if len(fp) != 95 || auth.NormalizeFingerprint(strings.ToLower(strings.ReplaceAll(fp, ":", ""))) != fp || auth.NormalizeFingerprint("SHA256:"+fp) != fp {
		t.Fatalf("fingerprint %q does not normalise", fp)
	}
	for _, c := range []struct {
		name, fingerprint string
		ok                bool
	}{
		{"OK", fp, true},
		{"OKLowerCaseNoColons", strings.ToLower(strings.ReplaceAll(fp, ":", "")), true},
		{"ErrOtherSigner", auth.Fingerprint(idpCert), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := auth.CheckKeptMetadata(auth.SAMLIdP{Name: "campus", MetadataFile: path, MetadataFingerprint: c.fingerprint}, dir)
			if (err == nil) != c.ok {
				t.Errorf("err = %v, want ok=%v", err, c.ok)
			}
		})
	}
}
