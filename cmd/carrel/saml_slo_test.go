package main

import (
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"carrel/app"
)

const adaIdP = `{"name":"ada","password":"ada-idp-password","email":"ada@example.edu","given_name":"Ada","surname":"Lovelace","groups":["staff","member"]}`

// TestSAMLRoleMap maps SAML attribute values (eduPersonEntitlement,
// isMemberOf, eduPersonAffiliation) sent by the real IdP to Carrel roles,
// and takes them away when the IdP stops sending them.
func TestSAMLRoleMap(t *testing.T) {
	env := startSAML(t, `[[auth.saml.role_map]]
directory_group = "urn:mace:example.edu:carrel:curators"
group = "Library"
role = "reviewer"
[[auth.saml.role_map]]
directory_group = "cn=carrel-admins,ou=groups,dc=example,dc=edu"
role = "administrator"
[[auth.saml.role_map]]
# only people the partner IdP vouches for
directory_group = "member"
group = "Library"
role = "depositor"
idp = "partner"
[[auth.saml.role_map]]
# a scoped affiliation from elsewhere must not match an unscoped mapping
directory_group = "faculty"
group = "Library"
role = "group_admin"
`)
	s := env.s
	groupAdd(t, s, "Library", 0)
	env.put(t, "/users/ada", adaIdP)
	env.put(t, "/attributes/ada", `{"eduPersonEntitlement":["urn:mace:example.edu:carrel:curators"],
		"isMemberOf":["cn=carrel-admins,ou=groups,dc=example,dc=edu"], "eduPersonScopedAffiliation":["faculty@elsewhere.example"]}`)

	env.signIn(t, browser(), "campus", "ada", "ada-idp-password")
	if got, want := roleSummary(t, s, "ada@example.edu"), "admin reviewer@Library/directory"; got != want {
		t.Fatalf("through campus: %q, want %q", got, want)
	}
	env.put(t, "/users/bob", `{"name":"bob","password":"bob-idp-password","email":"bob@example.edu","given_name":"Bob","surname":"Hope","groups":["member"]}`)
	env.signIn(t, browser(), "partner", "bob", "bob-idp-password")
	if got, want := roleSummary(t, s, "bob@example.edu"), "depositor@Library/directory"; got != want {
		t.Fatalf("bob through partner: %q, want %q", got, want)
	}
	lib := s.openCatalog()
	groups, _ := lib.Groups(t.Context())
	must(s.cli("", "user", "role", "ada@example.edu", "reporter", "--group", fmt.Sprint(groups[0].ID)))

	// The IdP stops sending the entitlement and the group.
	env.put(t, "/attributes/ada", `{}`)
	env.signIn(t, browser(), "campus", "ada", "ada-idp-password")
	if got, want := roleSummary(t, s, "ada@example.edu"), "reporter@Library/hand"; got != want {
		t.Errorf("after the IdP stopped sending them: %q, want %q", got, want)
	}

	t.Run("Deactivated", func(t *testing.T) {
		// A session planted before sign-in is replaced; deactivation ends
		// the SSO session at once and refuses the next SAML sign-in.
		b := browser()
		plant(s, b, &http.Cookie{Name: "carrel_session", Value: "planted-before-sign-in"})
		env.signIn(t, b, "campus", "ada", "ada-idp-password")
		if c := sessionCookie(t, s, b); c.Value == "planted-before-sign-in" || status(t, b, s.URL+"/account") != 200 {
			t.Fatal("no fresh session after SAML sign-in")
		}
		must(s.cli("", "user", "deactivate", "ada@example.edu"))
		if got := status(t, b, s.URL+"/account"); got != http.StatusSeeOther {
			t.Errorf("the SSO session of a deactivated account still works: %d", got)
		}
		c := browser()
		st, loc, _ := send(t, c, "GET", s.URL+"/saml/login/campus", nil)
		if st != http.StatusSeeOther {
			t.Fatal(st)
		}
		send(t, c, "POST", env.idpURL+"/login", url.Values{"user": {"ada"}, "password": {"ada-idp-password"}})
		_, _, post := send(t, c, "GET", loc, nil)
		if st, _, _ := send(t, c, "POST", s.URL+"/saml/acs", hiddenFields(post)); st != http.StatusUnauthorized {
			t.Errorf("SAML sign-in of a deactivated account: %d", st)
		}
	})
}

// TestSAMLSingleLogout: the IdP ends a person's session at Carrel through
// the browser (HTTP-Redirect and HTTP-POST bindings); Carrel checks the
// signed LogoutRequest, ends only the sessions it names, and answers with a
// LogoutResponse the IdP checks. Forged requests are refused.
func TestSAMLSingleLogout(t *testing.T) {
	env := startSAML(t, "")
	s := env.s
	env.put(t, "/users/ada", adaIdP)
	if !strings.Contains(env.spMetaXML, `SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="`+env.base+`/saml/slo"`) ||
		!strings.Contains(env.spMetaXML, `SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="`+env.base+`/saml/slo"`) {
		t.Errorf("SP metadata does not advertise single logout:\n%s", env.spMetaXML)
	}
	local := func(u string) string { return s.URL + strings.TrimPrefix(u, env.base) }
	signedIn := func(b *http.Client) bool { return status(t, b, s.URL+"/account") == 200 }

	other := browser() // another IdP session of the same person
	env.signIn(t, other, "campus", "ada", "ada-idp-password")
	b := browser()
	env.signIn(t, b, "campus", "ada", "ada-idp-password")

	var logoutURL string
	t.Run("Redirect", func(t *testing.T) {
		st, loc, body := send(t, b, "GET", env.idpURL+"/initiate-logout?user=ada", nil)
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, env.base+"/saml/slo?SAMLRequest=") {
			t.Fatalf("IdP: %d %s %s", st, loc, body)
		}
		logoutURL = local(loc)
		st, answer, body := send(t, b, "GET", logoutURL, nil)
		if st != http.StatusSeeOther || !strings.HasPrefix(answer, env.idpURL+"/slo?SAMLResponse=") {
			t.Fatalf("Carrel: %d %s %s", st, answer, body)
		}
		if st, _, body := send(t, b, "GET", answer, nil); st != 200 {
			t.Errorf("the IdP refused Carrel's LogoutResponse: %d %s", st, body)
		}
		if signedIn(b) {
			t.Error("the session named by the LogoutRequest is still signed in")
		}
		if !signedIn(other) {
			t.Error("a session with another SessionIndex was ended too")
		}
	})
	t.Run("ErrReplayed", func(t *testing.T) {
		if st, _, _ := send(t, browser(), "GET", logoutURL, nil); st != http.StatusUnauthorized {
			t.Errorf("replayed LogoutRequest: %d", st)
		}
	})
	t.Run("ErrBadQuerySignature", func(t *testing.T) {
		_, loc, _ := send(t, other, "GET", env.idpURL+"/initiate-logout?user=ada", nil)
		u := mustURL(local(loc))
		q := u.Query()
		sig, _ := base64.StdEncoding.DecodeString(q.Get("Signature"))
		sig[10] ^= 1
		q.Set("Signature", base64.StdEncoding.EncodeToString(sig))
		u.RawQuery = q.Encode()
		if st, _, _ := send(t, browser(), "GET", u.String(), nil); st != http.StatusUnauthorized {
			t.Errorf("tampered signature: %d", st)
		}
		q.Del("Signature")
		q.Del("SigAlg")
		u.RawQuery = q.Encode()
		if st, _, _ := send(t, browser(), "GET", u.String(), nil); st != http.StatusUnauthorized {
			t.Errorf("unsigned: %d", st)
		}
		if !signedIn(other) {
			t.Error("a refused LogoutRequest ended a session")
		}
	})
	t.Run("Post", func(t *testing.T) {
		st, _, page := send(t, other, "GET", env.idpURL+"/initiate-logout?user=ada&binding=post", nil)
		form := hiddenFields(page)
		if st != 200 || form.Get("SAMLRequest") == "" {
			t.Fatalf("IdP: %d %s", st, page)
		}
		// A cross-site POST from the IdP's page.
		st, answer, body := send(t, other, "POST", s.URL+"/saml/slo", form, "Origin", env.idpURL, "Sec-Fetch-Site", "cross-site")
		if st != http.StatusSeeOther || !strings.HasPrefix(answer, env.idpURL+"/slo?SAMLResponse=") || !strings.Contains(answer, "RelayState=idp-relay") {
			t.Fatalf("Carrel: %d %s %s", st, answer, body)
		}
		if st, _, body := send(t, other, "GET", answer, nil); st != 200 {
			t.Errorf("the IdP refused Carrel's LogoutResponse: %d %s", st, body)
		}
		if signedIn(other) {
			t.Error("still signed in after a POSTed LogoutRequest")
		}
	})

	// Requests signed with the IdP's own key but wrong in what the
	// signature does not cover.
	forged := func(t *testing.T, tamper func(*saml.LogoutRequest)) int {
		t.Helper()
		c := browser()
		env.signIn(t, c, "campus", "ada", "ada-idp-password")
		req := saml.LogoutRequest{ID: fmt.Sprintf("forged-%d", time.Now().UnixNano()), Version: "2.0", IssueInstant: time.Now().UTC(),
			Destination: env.base + "/saml/slo", Issuer: &saml.Issuer{Value: env.idpURL + "/metadata"}, NameID: &saml.NameID{Value: "ada@example.edu"}}
		tamper(&req)
		st, _, _ := send(t, c, "POST", s.URL+"/saml/slo", url.Values{"SAMLRequest": {signLogoutRequest(t, env, &req)}})
		if accepted := st == http.StatusSeeOther; accepted == signedIn(c) {
			t.Errorf("answered %d, but the session is signed in: %v", st, !accepted)
		}
		return st
	}
	t.Run("ForgedButValid", func(t *testing.T) {
		if st := forged(t, func(*saml.LogoutRequest) {}); st != http.StatusSeeOther {
			t.Fatalf("a correctly signed LogoutRequest was refused: %d; the helper is wrong", st)
		}
	})
	for name, tamper := range map[string]func(*saml.LogoutRequest){
		"ErrWrongDestination": func(r *saml.LogoutRequest) { r.Destination = "https://other-sp.example/saml/slo" },
		"ErrTooOld":           func(r *saml.LogoutRequest) { r.IssueInstant = time.Now().Add(-time.Hour) },
		"ErrExpired": func(r *saml.LogoutRequest) {
			past := time.Now().Add(-10 * time.Minute)
			r.NotOnOrAfter = &past
		},
		"ErrUnknownIssuer": func(r *saml.LogoutRequest) { r.Issuer.Value = "https://idp.elsewhere.example/metadata" },
		"ErrNoNameID":      func(r *saml.LogoutRequest) { r.NameID = &saml.NameID{} },
	} {
		t.Run(name, func(t *testing.T) {
			if st := forged(t, tamper); st != http.StatusUnauthorized {
				t.Errorf("%s: %d", name, st)
			}
		})
	}
	entries, _ := s.openCatalog().AuditEntries(t.Context(), app.AuditFilter{Action: "signout.failed"})
	if len(entries) < 5 {
		t.Errorf("refused LogoutRequests are not all audited: %d", len(entries))
	}
}

// signLogoutRequest signs req with the IdP's key (enveloped, for the
// HTTP-POST binding) and returns it base64-encoded.
func signLogoutRequest(t *testing.T, env *samlEnv, req *saml.LogoutRequest) string {
	t.Helper()
	signer := dsig.NewDefaultSigningContext(dsig.TLSCertKeyStore(tls.Certificate{Certificate: [][]byte{env.idpCert.Raw}, PrivateKey: env.idpKey}))
	signer.SetSignatureMethod(dsig.RSASHA256SignatureMethod)
	el, err := signer.SignEnveloped(req.Element())
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	doc.SetRoot(el)
	b, _ := doc.WriteToBytes()
	return base64.StdEncoding.EncodeToString(b)
}
