package auth

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	xrv "github.com/mattermost/xml-roundtrip-validator"
	dsig "github.com/russellhaering/goxmldsig"

	"carrel/app"
)

// maxSAMLMessage bounds a logout message, inflated, so a small deflated
// request cannot expand without limit.
const maxSAMLMessage = 256 << 10

// LogoutAnswer is how Carrel answers an identity provider's LogoutRequest:
// a redirect (HTTP-Redirect binding), or a form the browser posts to
// PostURL (HTTP-POST binding).
type LogoutAnswer struct {
	Redirect     string
	PostURL      string
	SAMLResponse string
	RelayState   string
}

// IdPLogout handles a LogoutRequest an identity provider sent through the
// browser (HTTP-Redirect or HTTP-POST binding): it checks the request's
// signature against the metadata of the IdP that issued it, its
// destination, age and that it is not replayed, ends the Carrel sessions
// of that subject (only the one with the request's SessionIndex, if it
// names one), and returns a signed LogoutResponse. EUNAUTHORIZED for a
// request that is not accepted.
func (s *SAML) IdPLogout(r *http.Request, address string) (*LogoutAnswer, error) {
	ctx := r.Context()
	msg, err := readSAMLMessage(r, "SAMLRequest")
	if err != nil {
		return nil, s.refuseLogout(ctx, "", address, err)
	}
	var unverified saml.LogoutRequest
	if err := xml.Unmarshal(msg.xml, &unverified); err != nil || unverified.Issuer == nil {
		return nil, s.refuseLogout(ctx, "", address, fmt.Errorf("not a LogoutRequest with an Issuer: %v", err))
	}
	// Several configured IdPs may be one entity (e.g. with different
	// labels); the request is for all of them.
	var names []string
	var sp *saml.ServiceProvider
	for _, idp := range s.cfg.IdPs {
		p, err := s.serviceProvider(ctx, idp.Name)
		if err != nil || p.IDPMetadata.EntityID != unverified.Issuer.Value {
			continue
		}
		names = append(names, idp.Name)
		if sp == nil {
			sp = p
		}
	}
	if sp == nil {
		return nil, s.refuseLogout(ctx, "", address, fmt.Errorf("no identity provider is entity %q", unverified.Issuer.Value))
	}
	el, err := msg.verify(idpSigningCerts(sp.IDPMetadata))
	if err != nil {
		return nil, s.refuseLogout(ctx, names[0], address, err)
	}
	var req saml.LogoutRequest
	if err := unmarshalElement(el, &req); err != nil {
		return nil, s.refuseLogout(ctx, names[0], address, err)
	}
	if err := checkLogoutRequest(&req, sp); err != nil {
		return nil, s.refuseLogout(ctx, names[0], address, err)
	}
	expires := time.Now().Add(saml.MaxIssueDelay + saml.MaxClockSkew)
	if err := s.store.RememberAssertion(ctx, "logout:"+sp.IDPMetadata.EntityID+":"+req.ID, expires); app.ErrorCode(err) == app.ECONFLICT {
		return nil, s.refuseLogout(ctx, names[0], address, errors.New("replayed LogoutRequest "+req.ID))
	} else if err != nil {
		return nil, err
	}
	methods := make([]string, len(names))
	for i, n := range names {
		methods[i] = "saml:" + n
	}
	index := ""
	if req.SessionIndex != nil {
		index = strings.TrimSpace(req.SessionIndex.Value)
	}
	ended, err := s.store.EndSAMLSessions(ctx, methods, req.NameID.Value, index)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, &app.AuditEntry{Action: "signout", Address: address,
		Detail: fmt.Sprintf("single logout from saml:%s: %d session(s) of %s ended", names[0], ended, req.NameID.Value)})
	return s.logoutResponse(sp, req.ID, msg.relayState)
}

func (s *SAML) refuseLogout(ctx context.Context, idp, address string, err error) error {
	s.log.Warn("SAML LogoutRequest refused", "idp", idp, "err", err)
	s.audit(ctx, &app.AuditEntry{Action: "signout.failed", Address: address, Detail: "saml:" + idp + ": LogoutRequest refused: " + err.Error()})
	return app.Errorf(app.EUNAUTHORIZED, "The identity provider's sign-out request was not accepted.")
}

// checkLogoutRequest checks what the signature does not: that the request
// is for this service provider, recent, and names a subject.
func checkLogoutRequest(req *saml.LogoutRequest, sp *saml.ServiceProvider) error {
	now := time.Now()
	switch {
	case req.Destination != "" && req.Destination != sp.SloURL.String():
		return fmt.Errorf("destination %q is not %s", req.Destination, sp.SloURL.String())
	case req.IssueInstant.Add(saml.MaxIssueDelay + saml.MaxClockSkew).Before(now):
		return fmt.Errorf("issued at %s: too old", req.IssueInstant)
	case req.IssueInstant.After(now.Add(saml.MaxClockSkew)):
		return fmt.Errorf("issued at %s: in the future", req.IssueInstant)
	case req.NotOnOrAfter != nil && !now.Before(req.NotOnOrAfter.Add(saml.MaxClockSkew)):
		return fmt.Errorf("expired at %s", req.NotOnOrAfter)
	case req.NameID == nil || strings.TrimSpace(req.NameID.Value) == "":
		return errors.New("no NameID")
	case req.ID == "":
		return errors.New("no ID")
	}
	return nil
}

// logoutResponse answers LogoutRequest id with success, through the IdP's
// HTTP-Redirect single logout endpoint if it has one, else HTTP-POST.
func (s *SAML) logoutResponse(sp *saml.ServiceProvider, id, relay string) (*LogoutAnswer, error) {
	if loc := sloLocation(sp.IDPMetadata, saml.HTTPRedirectBinding, true); loc != "" {
		resp, err := unsignedSP(sp).MakeLogoutResponse(loc, id)
		if err != nil {
			return nil, app.Internal(err, "make LogoutResponse")
		}
		u, err := redirectSigned(sp, loc, "SAMLResponse", resp.Element(), relay)
		if err != nil {
			return nil, err
		}
		return &LogoutAnswer{Redirect: u}, nil
	}
	if loc := sloLocation(sp.IDPMetadata, saml.HTTPPostBinding, true); loc != "" {
		resp, err := sp.MakeLogoutResponse(loc, id) // with an enveloped signature
		if err != nil {
			return nil, app.Internal(err, "make LogoutResponse")
		}
		doc := etree.NewDocument()
		doc.SetRoot(resp.Element())
		b, err := doc.WriteToBytes()
		if err != nil {
			return nil, app.Internal(err, "write LogoutResponse")
		}
		return &LogoutAnswer{PostURL: loc, SAMLResponse: base64.StdEncoding.EncodeToString(b), RelayState: relay}, nil
	}
	return nil, app.Errorf(app.EINTERNAL, "the identity provider's metadata names no single logout endpoint to answer")
}

// unsignedSP is sp without XML signatures, for the HTTP-Redirect binding,
// which signs the query string instead (SAML bindings §3.4.4.1).
func unsignedSP(sp *saml.ServiceProvider) *saml.ServiceProvider {
	c := *sp
	c.SignatureMethod = ""
	return &c
}

// sloLocation is the IdP's single logout endpoint for binding; response
// prefers its ResponseLocation, for answers.
func sloLocation(md *saml.EntityDescriptor, binding string, response bool) string {
	for _, d := range md.IDPSSODescriptors {
		for _, e := range d.SingleLogoutServices {
			if e.Binding != binding {
				continue
			}
			if response && e.ResponseLocation != "" {
				return e.ResponseLocation
			}
			return e.Location
		}
	}
	return ""
}

// redirectSigned encodes a SAML message for the HTTP-Redirect binding and
// signs the query string with the service provider's key (RSA-SHA256).
func redirectSigned(sp *saml.ServiceProvider, dest, param string, el *etree.Element, relay string) (string, error) {
	doc := etree.NewDocument()
	doc.SetRoot(el)
	var buf bytes.Buffer
	b64 := base64.NewEncoder(base64.StdEncoding, &buf)
	fw, _ := flate.NewWriter(b64, flate.BestCompression)
	if _, err := doc.WriteTo(fw); err != nil {
		return "", app.Internal(err, "encode "+param)
	}
	fw.Close()
	b64.Close()
	q := param + "=" + url.QueryEscape(buf.String())
	if relay != "" {
		q += "&RelayState=" + url.QueryEscape(relay)
	}
	q += "&SigAlg=" + url.QueryEscape(dsig.RSASHA256SignatureMethod)
	ctx, err := saml.GetSigningContext(sp)
	if err != nil {
		return "", app.Internal(err, "SAML signing context")
	}
	sig, err := ctx.SignString(q)
	if err != nil {
		return "", app.Internal(err, "sign "+param)
	}
	q += "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
	sep := "?"
	if strings.Contains(dest, "?") {
		sep = "&"
	}
	return dest + sep + q, nil
}

// samlMessage is a SAML protocol message as received, before its
// signature is checked.
type samlMessage struct {
	xml        []byte
	relayState string
	// signedQuery and the two below are set for an HTTP-Redirect message
	// with a query-string signature.
	signedQuery string
	sigAlg      string
	signature   []byte
}

// readSAMLMessage reads param (SAMLRequest or SAMLResponse) from a
// redirect's query (deflated) or a POSTed form.
func readSAMLMessage(r *http.Request, param string) (*samlMessage, error) {
	if r.Method == http.MethodGet {
		return readRedirect(r.URL.RawQuery, param)
	}
	if err := r.ParseForm(); err != nil {
		return nil, fmt.Errorf("unreadable form: %w", err)
	}
	raw, err := base64.StdEncoding.DecodeString(r.PostForm.Get(param))
	if err != nil || len(raw) == 0 {
		return nil, fmt.Errorf("%s is not base64", param)
	}
	return &samlMessage{xml: raw, relayState: r.PostForm.Get("RelayState")}, xmlSafe(raw)
}

func readRedirect(rawQuery, param string) (*samlMessage, error) {
	raw := map[string]string{}
	for _, kv := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if _, dup := raw[k]; dup {
			return nil, fmt.Errorf("query parameter %s given twice", k)
		}
		raw[k] = v
	}
	value, err := url.QueryUnescape(raw[param])
	if err != nil || value == "" {
		return nil, fmt.Errorf("no %s", param)
	}
	deflated, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return nil, fmt.Errorf("%s is not base64", param)
	}
	x, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(deflated)), maxSAMLMessage+1))
	if err != nil || len(x) > maxSAMLMessage {
		return nil, fmt.Errorf("%s does not inflate to a message of at most %d bytes", param, maxSAMLMessage)
	}
	m := &samlMessage{xml: x}
	m.relayState, _ = url.QueryUnescape(raw["RelayState"])
	if raw["Signature"] != "" {
		// The signed octets are the parameters as they arrived, in this
		// order (SAML bindings §3.4.4.1).
		m.signedQuery = param + "=" + raw[param]
		if rs, ok := raw["RelayState"]; ok {
			m.signedQuery += "&RelayState=" + rs
		}
		m.signedQuery += "&SigAlg=" + raw["SigAlg"]
		m.sigAlg, _ = url.QueryUnescape(raw["SigAlg"])
		sig, _ := url.QueryUnescape(raw["Signature"])
		if m.signature, err = base64.StdEncoding.DecodeString(sig); err != nil {
			return nil, errors.New("the Signature is not base64")
		}
	}
	return m, xmlSafe(x)
}

// xmlSafe refuses XML that does not survive a round trip through Go's
// encoding/xml unchanged, which signature-wrapping attacks rely on.
func xmlSafe(b []byte) error {
	if err := xrv.Validate(bytes.NewReader(b)); err != nil {
		return fmt.Errorf("unsafe XML: %w", err)
	}
	return nil
}

// verify checks the message's signature with one of certs: the query
// signature of an HTTP-Redirect message, else the enveloped XML
// signature, and returns the verified element.
func (m *samlMessage) verify(certs []*x509.Certificate) (*etree.Element, error) {
	if len(certs) == 0 {
		return nil, errors.New("the identity provider's metadata has no signing certificate")
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(m.xml); err != nil {
		return nil, fmt.Errorf("unreadable XML: %w", err)
	}
	if m.signedQuery != "" {
		var h crypto.Hash
		switch m.sigAlg {
		case dsig.RSASHA256SignatureMethod:
			h = crypto.SHA256
		case dsig.RSASHA512SignatureMethod:
			h = crypto.SHA512
		default:
			return nil, fmt.Errorf("signature algorithm %q is not accepted (use RSA-SHA256 or RSA-SHA512)", m.sigAlg)
		}
		d := h.New()
		d.Write([]byte(m.signedQuery))
		sum := d.Sum(nil)
		for _, c := range certs {
			if k, ok := c.PublicKey.(*rsa.PublicKey); ok && rsa.VerifyPKCS1v15(k, h, sum, m.signature) == nil {
				return doc.Root(), nil
			}
		}
		return nil, errors.New("the query signature does not verify")
	}
	if doc.Root() == nil || doc.Root().FindElement("./Signature") == nil {
		return nil, errors.New("the message is not signed")
	}
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: certs})
	vc.IdAttribute = "ID"
	el, err := vc.Validate(doc.Root())
	if err != nil {
		return nil, fmt.Errorf("the XML signature does not verify: %w", err)
	}
	return el, nil
}

// idpSigningCerts are the certificates an IdP's metadata says it signs
// with (use="signing" or no use).
func idpSigningCerts(md *saml.EntityDescriptor) []*x509.Certificate {
	var out []*x509.Certificate
	for _, d := range md.IDPSSODescriptors {
		for _, kd := range d.KeyDescriptors {
			if kd.Use != "" && kd.Use != "signing" {
				continue
			}
			for _, xc := range kd.KeyInfo.X509Data.X509Certificates {
				der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(xc.Data), ""))
				if err != nil {
					continue
				}
				if c, err := x509.ParseCertificate(der); err == nil {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// unmarshalElement decodes a verified element (and only it) into v.
func unmarshalElement(el *etree.Element, v any) error {
	doc := etree.NewDocument()
	doc.SetRoot(el.Copy())
	b, err := doc.WriteToBytes()
	if err != nil {
		return err
	}
	return xml.Unmarshal(b, v)
}
