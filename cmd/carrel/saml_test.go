package main

import (
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"

	"carrel/app"
	"carrel/testenv"
)

// keyPair writes an RSA key and self-signed certificate as PEM files.
func keyPair(t *testing.T, dir, name string) (*rsa.PrivateKey, *x509.Certificate, string, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	cert, _ := x509.ParseCertificate(der)
	kf, cf := filepath.Join(dir, name+".key"), filepath.Join(dir, name+".crt")
	os.WriteFile(kf, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	os.WriteFile(cf, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	return key, cert, kf, cf
}

// startIdP builds testenv/samlidp and runs it as its own process.
func startIdP(t *testing.T, keyFile, certFile, spCertFile string) string {
	t.Helper()
	goTool := testenv.Tool(t, "go", "golang-go")
	bin := filepath.Join(t.TempDir(), "samlidp")
	build := exec.Command(goTool, "build", "-o", bin, "carrel/testenv/samlidp")
	build.Dir = testenv.RepoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build samlidp: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-key", keyFile, "-cert", certFile, "-sp-cert", spCertFile)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("samlidp did not start: %v", err)
	}
	go io.Copy(io.Discard, stdout)
	return strings.TrimSpace(line)
}

// send makes a request with the browser and returns status, location, body.
func send(t *testing.T, c *http.Client, method, u string, form url.Values, hdr ...string) (int, string, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

var inputRE = regexp.MustCompile(`<input type="hidden" name="(\w+)" value="([^"]*)"`)

// hiddenFields reads an auto-posting form's hidden fields.
func hiddenFields(body string) url.Values {
	v := url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	return v
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#43;", "+", "&#x2B;", "+", "&#x3D;", "=", "&#61;", "=", "&amp;", "&", "&#34;", `"`, "&quot;", `"`, "&#x2F;", "/").Replace(s)
}

// requestID decodes the AuthnRequest in a redirect URL and returns its ID.
func requestID(t *testing.T, loc string) string {
	t.Helper()
	u, _ := url.Parse(loc)
	raw, err := base64.StdEncoding.DecodeString(u.Query().Get("SAMLRequest"))
	if err != nil {
		t.Fatal(err)
	}
	xml, _ := io.ReadAll(flate.NewReader(bytes.NewReader(raw)))
	m := regexp.MustCompile(` ID="([^"]+)"`).FindStringSubmatch(string(xml))
	if m == nil {
		t.Fatalf("no ID in %s", xml)
	}
	return m[1]
}

// samlEnv is Carrel configured for single sign-on through the test IdP,
// running as its own process, with Carrel registered there.
type samlEnv struct {
	s            *testServer
	base, idpURL string // Carrel's public URL; the IdP's
	idpKey       *rsa.PrivateKey
	idpCert      *x509.Certificate
	spMetaXML    string
}

// startSAML starts the test IdP and Carrel with two IdP entries on it
// (campus and partner), Staff for staff, administrators for librarians,
// and extra appended to [auth.saml].
func startSAML(t *testing.T, extra string) *samlEnv {
	t.Helper()
	return startSAMLWith(t, func(idpURL string) string {
		return fmt.Sprintf(`[[auth.saml.idp]]
name = "campus"
label = "Campus single sign-on"
metadata_url = "%s/metadata"
[[auth.saml.idp]]
name = "partner"
label = "Partner University"
metadata_url = "%s/metadata"
`, idpURL, idpURL)
	}, extra)
}

// startSAMLWith is startSAML with the [[auth.saml.idp]] entries idps
// writes for the running IdP.
func startSAMLWith(t *testing.T, idps func(idpURL string) string, extra string) *samlEnv {
	t.Helper()
	dir := t.TempDir()
	e := &samlEnv{}
	var idpKeyFile, idpCertFile string
	e.idpKey, e.idpCert, idpKeyFile, idpCertFile = keyPair(t, dir, "idp")
	_, _, spKeyFile, spCertFile := keyPair(t, dir, "sp")
	e.idpURL = startIdP(t, idpKeyFile, idpCertFile, spCertFile)
	port := testenv.FreePort(t)
	e.base = fmt.Sprintf("http://127.0.0.1:%d", port)
	e.s = startServerWith(t, fmt.Sprintf(`[server]
addr = "127.0.0.1:%d"
base_url = %q
[auth.saml]
enabled = true
key_file = %q
cert_file = %q
groups = { "staff" = "Staff" }
admin_groups = ["librarian"]
%s%s`, port, e.base, spKeyFile, spCertFile, idps(e.idpURL), extra))

	// Register Carrel with the IdP from its published metadata.
	st, _, spMetaXML := send(t, httpClient(), "GET", e.s.URL+"/saml/metadata", nil)
	if st != 200 || !strings.Contains(spMetaXML, `AuthnRequestsSigned="true"`) || !strings.Contains(spMetaXML, e.base+"/saml/acs") {
		t.Fatalf("SP metadata: %d\n%s", st, spMetaXML)
	}
	e.spMetaXML = spMetaXML
	e.put(t, "/services/carrel", spMetaXML)
	return e
}

// put sends body to the IdP's API.
func (e *samlEnv) put(t *testing.T, path, body string) {
	t.Helper()
	req, _ := http.NewRequest("PUT", e.idpURL+path, strings.NewReader(body))
	res, err := httpClient().Do(req)
	if err != nil || res.StatusCode/100 != 2 {
		t.Fatalf("PUT %s: %v %v", path, err, res)
	}
	res.Body.Close()
}

// signIn signs user in through idp (campus or partner) with browser b,
// through the IdP's form, and checks Carrel accepted the answer.
func (e *samlEnv) signIn(t *testing.T, b *http.Client, idp, user, password string) {
	t.Helper()
	st, loc, _ := send(t, b, "GET", e.s.URL+"/saml/login/"+idp, nil)
	if st != http.StatusSeeOther {
		t.Fatalf("start: %d", st)
	}
	if st, _, body := send(t, b, "POST", e.idpURL+"/login", url.Values{"user": {user}, "password": {password}}); st != 200 {
		t.Fatalf("IdP login: %d %s", st, body)
	}
	st, _, post := send(t, b, "GET", loc, nil)
	form := hiddenFields(post)
	if st != 200 || form.Get("SAMLResponse") == "" {
		t.Fatalf("IdP answer: %d %s", st, post)
	}
	if st, _, body := send(t, b, "POST", e.s.URL+"/saml/acs", form, "Origin", e.idpURL, "Sec-Fetch-Site", "cross-site"); st != http.StatusSeeOther {
		t.Fatalf("ACS: %d %s", st, body)
	}
}

// TestSAML drives the whole SAML2 flow against an identity provider running
// as a separate process, then sends Carrel forged and tampered answers.
func TestSAML(t *testing.T) {
	env := startSAML(t, "")
	s, idpURL, base, spMetaXML, idpKey, idpCert := env.s, env.idpURL, env.base, env.spMetaXML, env.idpKey, env.idpCert
	env.put(t, "/users/ada", `{"name":"ada","password":"ada-idp-password","email":"ada@example.edu","given_name":"Ada","surname":"Lovelace","groups":["staff"]}`)

	b := browser()
	var acsForm url.Values
	var trackCookie *http.Cookie
	t.Run("FullFlow", func(t *testing.T) {
		_, _, page := send(t, b, "GET", s.URL+"/login?next=/account/tokens", nil)
		for _, want := range []string{"Campus single sign-on", "Partner University", "/saml/login/campus?next=%2Faccount%2Ftokens"} {
			if !strings.Contains(page, want) {
				t.Fatalf("sign-in page lacks %q", want)
			}
		}
		st, loc, _ := send(t, b, "GET", s.URL+"/saml/login/campus?next=/account/tokens", nil)
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, idpURL+"/sso?SAMLRequest=") || !strings.Contains(loc, "&Signature=") {
			t.Fatalf("start: %d %s", st, loc)
		}
		for _, c := range b.Jar.Cookies(mustURL(s.URL)) {
			if c.Name == "carrel_saml" {
				trackCookie = c
			}
		}
		st, _, form := send(t, b, "GET", loc, nil)
		if st != 200 || !strings.Contains(form, `name="password"`) {
			t.Fatalf("IdP login form: %d %s", st, form)
		}
		if st, _, body := send(t, b, "POST", idpURL+"/login", url.Values{"user": {"ada"}, "password": {"ada-idp-password"}}); st != 200 {
			t.Fatalf("IdP login: %d %s", st, body)
		}
		st, _, post := send(t, b, "GET", loc, nil)
		acsForm = hiddenFields(post)
		if st != 200 || acsForm.Get("SAMLResponse") == "" || !strings.Contains(post, base+"/saml/acs") {
			t.Fatalf("IdP answer: %d %s", st, post)
		}
		// The browser posts the answer cross-site, from the IdP's page.
		st, loc, body := send(t, b, "POST", s.URL+"/saml/acs", acsForm, "Origin", idpURL, "Sec-Fetch-Site", "cross-site")
		if st != http.StatusSeeOther || loc != "/account/tokens" {
			t.Fatalf("ACS: %d %q %s", st, loc, body)
		}
		if st := status(t, b, s.URL+"/account"); st != 200 {
			t.Fatalf("/account after SAML sign-in: %d", st)
		}
		cat := s.openCatalog()
		a, err := cat.AccountByEmail(t.Context(), "ada@example.edu")
		if err != nil || a.FirstName != "Ada" || a.LastName != "Lovelace" || a.Admin {
			t.Fatalf("account %+v %v", a, err)
		}
		if g, _ := cat.DirectoryGroups(t.Context(), a.ID); strings.Join(g, ",") != "Staff" {
			t.Errorf("groups %v", g)
		}
	})
	t.Run("ErrReplayed", func(t *testing.T) {
		c := browser()
		c.Jar.SetCookies(mustURL(s.URL), []*http.Cookie{{Name: trackCookie.Name, Value: trackCookie.Value, Path: "/"}})
		if st, _, body := send(t, c, "POST", s.URL+"/saml/acs", acsForm); st != http.StatusUnauthorized {
			t.Errorf("replayed answer: %d %s", st, body)
		}
		// Refused by the replay check itself: the audit log says why.
		entries, _ := s.openCatalog().AuditEntries(t.Context(), app.AuditFilter{Action: "signin.failed"})
		if len(entries) == 0 || !strings.Contains(entries[0].Detail, "replayed assertion") {
			t.Errorf("the replay was not refused as a replay: %+v", entries)
		}
	})
	t.Run("ErrUnsignedAuthnRequestRefusedByIdP", func(t *testing.T) {
		_, loc, _ := send(t, browser(), "GET", s.URL+"/saml/login/campus", nil)
		u := mustURL(loc)
		q := u.Query()
		q.Del("Signature")
		u.RawQuery = q.Encode()
		if st, _, _ := send(t, browser(), "GET", u.String(), nil); st != http.StatusForbidden {
			t.Errorf("the test IdP accepted an unsigned AuthnRequest: %d", st)
		}
	})
	t.Run("ErrNoSuchIdP", func(t *testing.T) {
		if st, _, _ := send(t, browser(), "GET", s.URL+"/saml/login/nosuch", nil); st != 404 {
			t.Errorf("unknown IdP: %d", st)
		}
	})

	// Forged answers, made with the IdP's own key in this process.
	spMeta, err := samlsp.ParseMetadata([]byte(spMetaXML))
	if err != nil {
		t.Fatal(err)
	}
	forge := func(t *testing.T, relay string, tamper func(*saml.Assertion), unsigned bool) (int, string) {
		t.Helper()
		c := browser()
		_, loc, _ := send(t, c, "GET", s.URL+"/saml/login/campus", nil)
		resp := craftResponse(t, idpKey, idpCert, idpURL, spMeta, base+"/saml/acs", requestID(t, loc), tamper, unsigned)
		st, to, _ := send(t, c, "POST", s.URL+"/saml/acs", url.Values{"SAMLResponse": {resp}, "RelayState": {relay}})
		return st, to
	}
	t.Run("ForgedButValid", func(t *testing.T) {
		if st, to := forge(t, "/account", func(*saml.Assertion) {}, false); st != http.StatusSeeOther || to != "/account" {
			t.Fatalf("a correctly signed answer was refused (%d %s); the forging helper is wrong", st, to)
		}
	})
	t.Run("ErrUnsigned", func(t *testing.T) {
		if st, _ := forge(t, "/", func(*saml.Assertion) {}, true); st != http.StatusUnauthorized {
			t.Errorf("unsigned: %d", st)
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		st, _ := forge(t, "/", func(a *saml.Assertion) {
			old := time.Now().Add(-2 * time.Hour)
			a.IssueInstant, a.Conditions.NotBefore, a.Conditions.NotOnOrAfter = old, old, old.Add(5*time.Minute)
			for i := range a.Subject.SubjectConfirmations {
				a.Subject.SubjectConfirmations[i].SubjectConfirmationData.NotOnOrAfter = old.Add(5 * time.Minute)
			}
		}, false)
		if st != http.StatusUnauthorized {
			t.Errorf("expired: %d", st)
		}
	})
	t.Run("ErrWrongAudience", func(t *testing.T) {
		st, _ := forge(t, "/", func(a *saml.Assertion) {
			a.Conditions.AudienceRestrictions = []saml.AudienceRestriction{{Audience: saml.Audience{Value: "https://other-sp.example/metadata"}}}
		}, false)
		if st != http.StatusUnauthorized {
			t.Errorf("wrong audience: %d", st)
		}
	})
	t.Run("ErrRelayStateOffSite", func(t *testing.T) {
		for _, relay := range []string{"//evil.example/", "https://evil.example/", `/\evil.example`, "javascript:alert(1)"} {
			if st, to := forge(t, relay, func(*saml.Assertion) {}, false); st != http.StatusSeeOther || to != "/account" {
				t.Errorf("RelayState %q: %d -> %q, want /account", relay, st, to)
			}
		}
	})
	t.Run("ErrNoTrackingCookie", func(t *testing.T) {
		if st, _, _ := send(t, browser(), "POST", s.URL+"/saml/acs", acsForm); st != http.StatusUnauthorized {
			t.Errorf("answer without the browser's request cookie: %d", st)
		}
	})
	t.Run("SignOutWithSingleLogout", func(t *testing.T) {
		// Carrel ends its session and sends a signed LogoutRequest to the
		// IdP, which checks the signature and answers with a signed
		// LogoutResponse, which Carrel checks.
		st, loc, _ := send(t, b, "POST", s.URL+"/logout", url.Values{})
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, idpURL+"/slo?SAMLRequest=") {
			t.Fatalf("sign-out: %d %s", st, loc)
		}
		if st := status(t, b, s.URL+"/account"); st != http.StatusSeeOther {
			t.Errorf("/account after sign-out: %d", st)
		}
		st, back, body := send(t, b, "GET", loc, nil)
		if st != http.StatusSeeOther || !strings.HasPrefix(back, base+"/saml/slo?SAMLResponse=") {
			t.Fatalf("the IdP refused Carrel's LogoutRequest: %d %s", st, body)
		}
		back = s.URL + strings.TrimPrefix(back, base)
		if st, loc, _ := send(t, b, "GET", back, nil); st != http.StatusSeeOther || loc != "/" {
			t.Errorf("LogoutResponse: %d %s", st, loc)
		}
		entries, _ := s.openCatalog().AuditEntries(t.Context(), app.AuditFilter{Action: "signout"})
		if len(entries) == 0 || !strings.Contains(entries[0].Detail, "identity provider confirmed") {
			t.Errorf("the IdP's LogoutResponse was not accepted: %+v", entries)
		}
	})
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// craftResponse makes an IdP response to requestID as the real IdP would,
// lets tamper change the assertion before it is signed, and optionally
// strips every signature.
func craftResponse(t *testing.T, key *rsa.PrivateKey, cert *x509.Certificate, idpURL string, spMeta *saml.EntityDescriptor,
	acs, requestID string, tamper func(*saml.Assertion), unsigned bool) string {
	t.Helper()
	// Without the SP's encryption key the assertion stays readable, so its
	// signature can be stripped.
	meta := *spMeta
	meta.SPSSODescriptors = append([]saml.SPSSODescriptor{}, spMeta.SPSSODescriptors...)
	for i := range meta.SPSSODescriptors {
		var keep []saml.KeyDescriptor
		for _, kd := range meta.SPSSODescriptors[i].KeyDescriptors {
			if kd.Use != "encryption" {
				keep = append(keep, kd)
			}
		}
		meta.SPSSODescriptors[i].KeyDescriptors = keep
	}
	idp := &saml.IdentityProvider{Key: key, Certificate: cert, MetadataURL: *mustURL(idpURL + "/metadata"), SSOURL: *mustURL(idpURL + "/sso")}
	req := &saml.IdpAuthnRequest{IDP: idp, Now: time.Now(), Request: saml.AuthnRequest{ID: requestID},
		HTTPRequest: httptestRequest(), ServiceProviderMetadata: &meta, SPSSODescriptor: &meta.SPSSODescriptors[0],
		ACSEndpoint: &saml.IndexedEndpoint{Binding: saml.HTTPPostBinding, Location: acs}}
	sess := &saml.Session{ID: "forged", NameID: "ada@example.edu", UserName: "ada", UserEmail: "ada@example.edu",
		UserGivenName: "Ada", UserSurname: "Lovelace", Groups: []string{"staff"}, Index: "1"}
	if err := (saml.DefaultAssertionMaker{}).MakeAssertion(req, sess); err != nil {
		t.Fatal(err)
	}
	tamper(req.Assertion)
	if err := req.MakeAssertionEl(); err != nil {
		t.Fatal(err)
	}
	if err := req.MakeResponse(); err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	doc.SetRoot(req.ResponseEl)
	if unsigned {
		for _, sig := range doc.FindElements("//Signature") {
			sig.Parent().RemoveChild(sig)
		}
	}
	b, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// httptestRequest stands for the browser's request to the IdP.
func httptestRequest() *http.Request {
	r, _ := http.NewRequest("GET", "http://127.0.0.1/sso", nil)
	r.RemoteAddr = "127.0.0.1:1"
	return r
}
