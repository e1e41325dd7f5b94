package main

import (
	"bytes"
	"compress/flate"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlidp"
	"github.com/crewjam/saml/samlsp"
	dsig "github.com/russellhaering/goxmldsig"
)

// extension adds to crewjam's samlidp server:
//
//	PUT /attributes/{user}  JSON {"attribute name": ["value", ...]}: sent in
//	                        the user's next assertions (isMemberOf,
//	                        eduPersonEntitlement, ...)
//	GET /initiate-logout?user=U&binding=redirect|post
//	                        a signed LogoutRequest for the user's latest
//	                        session, sent to the service provider: a redirect,
//	                        or a page with the form to post
//	GET, POST /slo          the single logout service: a LogoutRequest from
//	                        the service provider (its query signature is
//	                        checked; answered with a signed LogoutResponse),
//	                        or its LogoutResponse (200 if signed and a
//	                        success, else 403)
type extension struct {
	srv      *samlidp.Server
	signer   *dsig.SigningContext
	spCert   *x509.Certificate
	base     string
	mu       sync.Mutex
	attrs    map[string][]saml.Attribute
	sessions map[string]*saml.Session // each user's latest session
	sp       *saml.EntityDescriptor   // the service provider registered last
}

func newExtension(srv *samlidp.Server, pair tls.Certificate, spCert *x509.Certificate, base string) *extension {
	signer := dsig.NewDefaultSigningContext(dsig.TLSCertKeyStore(pair))
	signer.SetSignatureMethod(dsig.RSASHA256SignatureMethod)
	return &extension{srv: srv, signer: signer, spCert: spCert, base: base,
		attrs: map[string][]saml.Attribute{}, sessions: map[string]*saml.Session{}}
}

// GetSession is samlidp's, with the user's extra attributes, remembered
// for single logout.
func (e *extension) GetSession(w http.ResponseWriter, r *http.Request, req *saml.IdpAuthnRequest) *saml.Session {
	sess := e.srv.GetSession(w, r, req)
	if sess == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	sess.CustomAttributes = e.attrs[sess.UserName]
	e.sessions[sess.UserName] = sess
	return sess
}

func (e *extension) handler(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", next)
	mux.HandleFunc("PUT /services/{id}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if md, err := samlsp.ParseMetadata(body); err == nil {
			e.mu.Lock()
			e.sp = md
			e.mu.Unlock()
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
	mux.HandleFunc("PUT /attributes/{user}", func(w http.ResponseWriter, r *http.Request) {
		var in map[string][]string
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var attrs []saml.Attribute
		for name, vals := range in {
			a := saml.Attribute{Name: name, FriendlyName: name, NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"}
			for _, v := range vals {
				a.Values = append(a.Values, saml.AttributeValue{Type: "xs:string", Value: v})
			}
			attrs = append(attrs, a)
		}
		e.mu.Lock()
		e.attrs[r.PathValue("user")] = attrs
		e.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /initiate-logout", e.initiateLogout)
	mux.HandleFunc("/slo", e.slo)
	return mux
}

// spSLO is the service provider's single logout URL for binding.
func (e *extension) spSLO(binding string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sp == nil {
		return ""
	}
	for _, d := range e.sp.SPSSODescriptors {
		for _, s := range d.SingleLogoutServices {
			if s.Binding == binding {
				return s.Location
			}
		}
	}
	return ""
}

func (e *extension) initiateLogout(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	sess := e.sessions[r.URL.Query().Get("user")]
	e.mu.Unlock()
	if sess == nil {
		http.Error(w, "no session for that user", http.StatusNotFound)
		return
	}
	post := r.URL.Query().Get("binding") == "post"
	binding := saml.HTTPRedirectBinding
	if post {
		binding = saml.HTTPPostBinding
	}
	dest := e.spSLO(binding)
	if dest == "" {
		http.Error(w, "the service provider has no single logout endpoint for "+binding, http.StatusConflict)
		return
	}
	req := saml.LogoutRequest{ID: fmt.Sprintf("idp-logout-%d", time.Now().UnixNano()), Version: "2.0", IssueInstant: time.Now().UTC(),
		Destination: dest, Issuer: &saml.Issuer{Value: e.base + "/metadata"},
		NameID: &saml.NameID{Value: sess.NameID}, SessionIndex: &saml.SessionIndex{Value: sess.Index}}
	if post {
		signed, err := e.signer.SignEnveloped(req.Element())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, `<form method="post" action="%s"><input type="hidden" name="SAMLRequest" value="%s"><input type="hidden" name="RelayState" value="idp-relay"></form>`,
			html.EscapeString(dest), base64.StdEncoding.EncodeToString(xmlBytes(signed)))
		return
	}
	http.Redirect(w, r, e.redirect(dest, "SAMLRequest", req.Element(), "idp-relay"), http.StatusSeeOther)
}

// redirect encodes and signs a message for the HTTP-Redirect binding.
func (e *extension) redirect(dest, param string, el *etree.Element, relay string) string {
	var buf bytes.Buffer
	b64 := base64.NewEncoder(base64.StdEncoding, &buf)
	fw, _ := flate.NewWriter(b64, flate.BestCompression)
	fw.Write(xmlBytes(el))
	fw.Close()
	b64.Close()
	q := param + "=" + url.QueryEscape(buf.String()) + "&RelayState=" + url.QueryEscape(relay) +
		"&SigAlg=" + url.QueryEscape(dsig.RSASHA256SignatureMethod)
	sig, err := e.signer.SignString(q)
	if err != nil {
		panic(err)
	}
	return dest + "?" + q + "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
}

func xmlBytes(el *etree.Element) []byte {
	doc := etree.NewDocument()
	doc.SetRoot(el)
	b, _ := doc.WriteToBytes()
	return b
}

func (e *extension) slo(w http.ResponseWriter, r *http.Request) {
	spKey := e.spCert.PublicKey.(*rsa.PublicKey)
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodGet && q.Get("SAMLResponse") != "":
		if err := verifyRedirect(r.URL.RawQuery, "SAMLResponse", spKey); err != nil {
			http.Error(w, "LogoutResponse refused: "+err.Error(), http.StatusForbidden)
			return
		}
		e.logoutAnswered(w, inflate(q.Get("SAMLResponse")))
	case r.Method == http.MethodPost:
		raw, _ := base64.StdEncoding.DecodeString(r.PostFormValue("SAMLResponse"))
		doc := etree.NewDocument()
		if err := doc.ReadFromBytes(raw); err != nil {
			http.Error(w, "unreadable LogoutResponse", http.StatusBadRequest)
			return
		}
		vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{e.spCert}})
		el, err := vc.Validate(doc.Root())
		if err != nil {
			http.Error(w, "LogoutResponse refused: "+err.Error(), http.StatusForbidden)
			return
		}
		e.logoutAnswered(w, xmlBytes(el))
	case r.Method == http.MethodGet && q.Get("SAMLRequest") != "":
		if err := verifyRedirect(r.URL.RawQuery, "SAMLRequest", spKey); err != nil {
			http.Error(w, "LogoutRequest refused: "+err.Error(), http.StatusForbidden)
			return
		}
		var req saml.LogoutRequest
		if err := xml.Unmarshal(inflate(q.Get("SAMLRequest")), &req); err != nil || req.NameID == nil {
			http.Error(w, "unreadable LogoutRequest", http.StatusBadRequest)
			return
		}
		e.mu.Lock()
		for user, s := range e.sessions {
			if s.NameID == req.NameID.Value {
				delete(e.sessions, user)
				e.srv.Store.Delete("/sessions/" + s.ID)
			}
		}
		e.mu.Unlock()
		resp := saml.LogoutResponse{ID: fmt.Sprintf("idp-answer-%d", time.Now().UnixNano()), InResponseTo: req.ID, Version: "2.0",
			IssueInstant: time.Now().UTC(), Destination: e.spSLO(saml.HTTPRedirectBinding), Issuer: &saml.Issuer{Value: e.base + "/metadata"},
			Status: saml.Status{StatusCode: saml.StatusCode{Value: saml.StatusSuccess}}}
		http.Redirect(w, r, e.redirect(resp.Destination, "SAMLResponse", resp.Element(), q.Get("RelayState")), http.StatusSeeOther)
	default:
		http.Error(w, "no SAML message", http.StatusBadRequest)
	}
}

// logoutAnswered reports a verified LogoutResponse's status.
func (e *extension) logoutAnswered(w http.ResponseWriter, b []byte) {
	var resp saml.LogoutResponse
	if err := xml.Unmarshal(b, &resp); err != nil {
		http.Error(w, "unreadable LogoutResponse", http.StatusBadRequest)
		return
	}
	if resp.Status.StatusCode.Value != saml.StatusSuccess {
		http.Error(w, "logout failed: "+resp.Status.StatusCode.Value, http.StatusForbidden)
		return
	}
	fmt.Fprintf(w, "signed out: LogoutResponse %s to %s", resp.ID, resp.InResponseTo)
}

func inflate(b64 string) []byte {
	raw, _ := base64.StdEncoding.DecodeString(b64)
	b, _ := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), 1<<20))
	return b
}
