package main

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// metadataServer serves one document, or fails, as the test says.
type metadataServer struct {
	mu     sync.Mutex
	status int
	body   []byte
}

func (m *metadataServer) set(status int, body []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.status, m.body = status, body
}

func (m *metadataServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	w.WriteHeader(m.status)
	w.Write(m.body)
}

// signMetadata sets validUntil on a metadata document and signs it, as a
// federation operator does.
func signMetadata(t *testing.T, key *rsa.PrivateKey, cert *x509.Certificate, xml string, until time.Time) []byte {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromString(xml); err != nil {
		t.Fatal(err)
	}
	root := doc.Root()
	root.CreateAttr("validUntil", until.UTC().Format(time.RFC3339))
	root.CreateAttr("ID", fmt.Sprintf("meta-%d", time.Now().UnixNano()))
	signer := dsig.NewDefaultSigningContext(dsig.TLSCertKeyStore(tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key}))
	signer.SetSignatureMethod(dsig.RSASHA256SignatureMethod)
	signed, err := signer.SignEnveloped(root)
	if err != nil {
		t.Fatal(err)
	}
	doc.SetRoot(signed)
	b, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSAMLMetadataRefresh: the saml-metadata-refresh job fetches the IdP's
// metadata from a URL (served by the test), checks its signature and
// validUntil, and swaps it into the running server; broken answers keep
// the last good metadata and fail the run; a restart without the network
// signs people in from the kept copy.
func TestSAMLMetadataRefresh(t *testing.T) {
	dir := t.TempDir()
	fedKey, fedCert, _, fedCertFile := keyPair(t, dir, "federation")
	otherKey, otherCert, _, _ := keyPair(t, dir, "other")
	meta := &metadataServer{}
	var idpXML string
	var metaSrv *httptest.Server
	env := startSAMLWith(t, func(idpURL string) string {
		st, _, body := send(t, httpClient(), "GET", idpURL+"/metadata", nil)
		if st != 200 {
			t.Fatalf("IdP metadata: %d", st)
		}
		idpXML = body
		meta.set(200, signMetadata(t, fedKey, fedCert, idpXML, time.Now().Add(24*time.Hour)))
		metaSrv = httptest.NewServer(meta)
		t.Cleanup(metaSrv.Close)
		return fmt.Sprintf("[[auth.saml.idp]]\nname = \"campus\"\nmetadata_url = %q\nmetadata_signing_cert = %q\n", metaSrv.URL+"/idp.xml", fedCertFile)
	}, "")
	env.put(t, "/users/ada", adaIdP)
	kept := filepath.Join(env.s.Data, "saml", "saml-idp-campus.xml")
	fi, err := os.Stat(kept)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("kept metadata: %v %v", fi, err)
	}
	env.signIn(t, browser(), "campus", "ada", "ada-idp-password")
	start := func(t *testing.T) string {
		t.Helper()
		st, loc, body := send(t, browser(), "GET", env.s.URL+"/saml/login/campus", nil)
		if st != http.StatusSeeOther {
			t.Fatalf("start sign-in: %d %s", st, body)
		}
		return loc
	}
	refresh := func() (string, error) { return env.s.cli("", "jobs", "run", "saml-metadata-refresh") }

	good, _ := os.ReadFile(kept)
	rotated := strings.ReplaceAll(idpXML, env.idpURL+"/sso", env.idpURL+"/sso?rotated=1")
	tampered := strings.Replace(string(signMetadata(t, fedKey, fedCert, idpXML, time.Now().Add(time.Hour))), env.idpURL+"/sso", "https://evil.example/sso", 1)
	for _, c := range []struct {
		name   string
		status int
		body   []byte
		want   string
	}{
		{"ServerError", 500, []byte("oops"), "HTTP status 500"},
		{"NotXML", 200, []byte("<html>maintenance"), "not XML"},
		{"NotMetadata", 200, []byte("<html><body>maintenance</body></html>"), "not signed"},
		{"Unsigned", 200, []byte(idpXML), "not signed"},
		{"Tampered", 200, []byte(tampered), "does not verify"},
		{"OtherSigner", 200, signMetadata(t, otherKey, otherCert, idpXML, time.Now().Add(time.Hour)), "does not verify"},
		{"Expired", 200, signMetadata(t, fedKey, fedCert, idpXML, time.Now().Add(-time.Minute)), "expired"},
	} {
		t.Run("Err"+c.name, func(t *testing.T) {
			meta.set(c.status, c.body)
			_, err := refresh()
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "the last good metadata is kept") {
				t.Errorf("job run: %v; want a failure naming %q", err, c.want)
			}
			if b, _ := os.ReadFile(kept); string(b) != string(good) {
				t.Error("the kept metadata changed")
			}
			if loc := start(t); !strings.HasPrefix(loc, env.idpURL+"/sso?SAMLRequest=") {
				t.Errorf("sign-in after a failed refresh goes to %s", loc)
			}
		})
	}

	t.Run("Swap", func(t *testing.T) {
		meta.set(200, signMetadata(t, fedKey, fedCert, rotated, time.Now().Add(24*time.Hour)))
		if out, err := refresh(); err != nil {
			t.Fatalf("job run: %v %s", err, out)
		}
		if loc := start(t); !strings.HasPrefix(loc, env.idpURL+"/sso?rotated=1&SAMLRequest=") {
			t.Errorf("the running server did not take the new metadata: %s", loc)
		}
		runs := must(env.s.cli("", "jobs", "runs", "saml-metadata-refresh"))
		if strings.Count(runs, "failed") != 7 || !strings.Contains(runs, "ok") {
			t.Errorf("job runs:\n%s", runs)
		}
		// And back (the test IdP checks signatures over its plain /sso URL).
		meta.set(200, signMetadata(t, fedKey, fedCert, idpXML, time.Now().Add(24*time.Hour)))
		if out, err := refresh(); err != nil {
			t.Fatalf("job run: %v %s", err, out)
		}
		if loc := start(t); !strings.HasPrefix(loc, env.idpURL+"/sso?SAMLRequest=") {
			t.Errorf("the running server did not take the new metadata: %s", loc)
		}
	})
	t.Run("SingleLogoutAnsweredByPost", func(t *testing.T) {
		// An IdP whose single logout service takes only HTTP-POST gets the
		// signed LogoutResponse in a form the browser posts.
		postOnly := strings.Replace(idpXML, `SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"`,
			`SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"`, 1)
		if postOnly == idpXML {
			t.Fatalf("no HTTP-Redirect SingleLogoutService in the IdP's metadata:\n%s", idpXML)
		}
		meta.set(200, signMetadata(t, fedKey, fedCert, postOnly, time.Now().Add(24*time.Hour)))
		if out, err := refresh(); err != nil {
			t.Fatalf("job run: %v %s", err, out)
		}
		b := browser()
		env.signIn(t, b, "campus", "ada", "ada-idp-password")
		_, loc, _ := send(t, b, "GET", env.idpURL+"/initiate-logout?user=ada", nil)
		res, err := b.Get(env.s.URL + strings.TrimPrefix(loc, env.base))
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		form := hiddenFields(string(page))
		if res.StatusCode != 200 || form.Get("SAMLResponse") == "" || !strings.Contains(string(page), `action="`+env.idpURL+`/slo"`) ||
			!strings.Contains(res.Header.Get("Content-Security-Policy"), "form-action "+env.idpURL) {
			t.Fatalf("answer page: %d %v\n%s", res.StatusCode, res.Header, page)
		}
		if st, _, body := send(t, b, "POST", env.idpURL+"/slo", form); st != 200 {
			t.Errorf("the IdP refused the posted LogoutResponse: %d %s", st, body)
		}
		if status(t, b, env.s.URL+"/account") == 200 {
			t.Error("still signed in")
		}
	})
	t.Run("RestartWithoutNetwork", func(t *testing.T) {
		metaSrv.Close()
		cfg, err := os.ReadFile(env.s.Config)
		if err != nil {
			t.Fatal(err)
		}
		env.s.Stop()
		env.s = startServerIn(t, env.s.Data, string(cfg))
		env.signIn(t, browser(), "campus", "ada", "ada-idp-password")
	})
}
