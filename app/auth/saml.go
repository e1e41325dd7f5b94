package auth

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"carrel/app"
)

// SAMLIdP is one identity provider people may choose at sign-in.
type SAMLIdP struct {
	Name         string // in URLs: /saml/login/{name}
	Label        string // on the sign-in page
	MetadataURL  string
	MetadataFile string
	// MetadataCert, or else MetadataFingerprint (SHA-256 of the signing
	// certificate), when set, requires the metadata to carry a valid
	// signature by that certificate.
	MetadataCert        *x509.Certificate
	MetadataFingerprint string
}

// SAMLConfig is Carrel's side of SAML2 single sign-on: the service
// provider's identity and keys, and the identity providers it trusts.
type SAMLConfig struct {
	BaseURL     string // the site's public URL; endpoints are under /saml/
	EntityID    string // empty = BaseURL + "/saml/metadata"
	Key         *rsa.PrivateKey
	Cert        *x509.Certificate
	IdPs        []SAMLIdP
	CacheDir    string            // where metadata fetched from URLs is kept
	Groups      map[string]string // affiliation or group value -> Carrel group
	AdminGroups []string
	RoleMap     []RoleMapping // affiliation, entitlement or group value -> role
	HTTPClient  *http.Client
}

// SAMLStore is what single sign-on needs of the catalog.
type SAMLStore interface {
	// RememberAssertion returns ECONFLICT for an id already seen.
	RememberAssertion(ctx context.Context, id string, expires time.Time) error
	// EndSAMLSessions ends the sessions of a SAML subject (see
	// catalog.EndSAMLSessions) and returns how many there were.
	EndSAMLSessions(ctx context.Context, methods []string, nameID, sessionIndex string) (int64, error)
	UpsertExternalAccount(ctx context.Context, x *app.ExternalAccount) (*app.Account, bool, error)
	Audit(ctx context.Context, e *app.AuditEntry) error
}

// SAML is a SAML2 service provider for one or more identity providers,
// built on crewjam/saml: it signs AuthnRequests, and accepts only signed
// assertions for this audience, within their validity, in answer to a
// request this browser made, each once.
type SAML struct {
	cfg   SAMLConfig
	store SAMLStore
	log   *slog.Logger
	mu    sync.Mutex
	meta  map[string]*idpMetadata
	tried map[string]time.Time // when fetching was last tried, with no copy held
}

// idpMetadata is the metadata held for an IdP, with the size and time of
// the file it was read from, so that a newer copy is noticed.
type idpMetadata struct {
	desc  *saml.EntityDescriptor
	until time.Time // validUntil; zero if none
	mod   time.Time
	size  int64
}

// NewSAML returns a service provider and loads each IdP's metadata: from
// its metadata_file, or from the copy of its metadata_url kept in
// CacheDir, fetched first if there is none. An unreadable metadata file is
// an error; an unreachable metadata URL is logged and tried again when
// someone signs in.
func NewSAML(ctx context.Context, cfg SAMLConfig, store SAMLStore, log *slog.Logger) (*SAML, error) {
	if !strings.HasPrefix(cfg.BaseURL, "http://") && !strings.HasPrefix(cfg.BaseURL, "https://") {
		return nil, fmt.Errorf("SAML needs server.base_url (the public URL identity providers send people back to)")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.EntityID == "" {
		cfg.EntityID = cfg.BaseURL + "/saml/metadata"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	s := &SAML{cfg: cfg, store: store, log: log, meta: map[string]*idpMetadata{}, tried: map[string]time.Time{}}
	for _, idp := range cfg.IdPs {
		if _, err := s.metadata(ctx, idp.Name); err != nil {
			if idp.MetadataFile != "" {
				return nil, fmt.Errorf("SAML idp %s: %w", idp.Name, err)
			}
			log.Warn("SAML identity provider metadata unavailable; will retry at sign-in", "idp", idp.Name, "err", err)
		}
	}
	return s, nil
}

// IdPs lists the configured identity providers, in configuration order.
func (s *SAML) IdPs() []SAMLIdP { return s.cfg.IdPs }

// Secure reports whether the site is served over https, so the SAML
// tracking cookie can be SameSite=None (the identity provider's answer is
// a cross-site POST).
func (s *SAML) Secure() bool { return strings.HasPrefix(s.cfg.BaseURL, "https://") }

func (s *SAML) idp(name string) (SAMLIdP, bool) {
	for _, idp := range s.cfg.IdPs {
		if idp.Name == name {
			return idp, true
		}
	}
	return SAMLIdP{}, false
}

// metadata returns an IdP's metadata. It reads the kept file again when it
// has changed (the saml-metadata-refresh job, in this process or another,
// replaces it atomically), so the copy held is swapped at once and never
// half-read; a file that fails its checks leaves the copy held in use.
// Metadata past its validUntil is not used.
func (s *SAML) metadata(ctx context.Context, name string) (*saml.EntityDescriptor, error) {
	idp, ok := s.idp(name)
	if !ok {
		return nil, app.Errorf(app.ENOTFOUND, "no identity provider named %q", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	held := s.meta[name]
	path := idp.MetadataPath(s.cfg.CacheDir)
	fi, loadErr := os.Stat(path)
	if loadErr == nil && (held == nil || !fi.ModTime().Equal(held.mod) || fi.Size() != held.size) {
		var m *idpMetadata
		if m, loadErr = readMetadataFile(path, idp); loadErr == nil {
			held, s.meta[name] = m, m
		} else if held != nil {
			s.log.Warn("SAML metadata not usable; keeping the copy held", "idp", name, "err", loadErr)
		}
	}
	if held == nil && idp.MetadataFile != "" {
		return nil, loadErr
	}
	if held == nil && idp.MetadataURL != "" {
		// Nothing kept yet (first start): fetch now, at most once a minute.
		if time.Since(s.tried[name]) > time.Minute {
			s.tried[name] = time.Now()
			if err := FetchIdPMetadata(ctx, s.cfg.HTTPClient, idp, s.cfg.CacheDir); err != nil {
				return nil, app.Internal(err, "identity provider metadata")
			}
			m, err := readMetadataFile(path, idp)
			if err != nil {
				return nil, app.Internal(err, "identity provider metadata")
			}
			held, s.meta[name] = m, m
		}
	}
	if held == nil {
		return nil, app.Errorf(app.EINTERNAL, "no metadata for identity provider %s yet", name)
	}
	if !held.until.IsZero() && !time.Now().Before(held.until) {
		return nil, app.Errorf(app.EINTERNAL, "the metadata of identity provider %s expired at %s; the saml-metadata-refresh job has not fetched newer metadata", name, held.until.Format(time.RFC3339))
	}
	return held.desc, nil
}

// serviceProvider is Carrel's service provider facing one IdP.
func (s *SAML) serviceProvider(ctx context.Context, idp string) (*saml.ServiceProvider, error) {
	sp := s.bareSP()
	var err error
	if idp != "" {
		if sp.IDPMetadata, err = s.metadata(ctx, idp); err != nil {
			return nil, err
		}
	}
	return sp, nil
}

func (s *SAML) bareSP() *saml.ServiceProvider {
	at := func(p string) url.URL {
		u, _ := url.Parse(s.cfg.BaseURL + p)
		return *u
	}
	return &saml.ServiceProvider{EntityID: s.cfg.EntityID, Key: s.cfg.Key, Certificate: s.cfg.Cert,
		MetadataURL: at("/saml/metadata"), AcsURL: at("/saml/acs"), SloURL: at("/saml/slo"),
		IDPMetadata: &saml.EntityDescriptor{}, SignatureMethod: dsig.RSASHA256SignatureMethod,
		AuthnNameIDFormat: saml.UnspecifiedNameIDFormat, LogoutBindings: []string{saml.HTTPRedirectBinding, saml.HTTPPostBinding}}
}

// Metadata is the service provider's metadata XML, for identity providers.
func (s *SAML) Metadata() ([]byte, error) {
	return xmlMarshal(s.bareSP().Metadata())
}

// StartLogin returns the URL that sends the browser to the IdP with a
// signed AuthnRequest, and the request's id (which the browser must bring
// back). next, the local path to return to, travels as RelayState.
func (s *SAML) StartLogin(ctx context.Context, idp, next string) (redirect, requestID string, err error) {
	sp, err := s.serviceProvider(ctx, idp)
	if err != nil {
		return "", "", err
	}
	loc := sp.GetSSOBindingLocation(saml.HTTPRedirectBinding)
	if loc == "" {
		return "", "", app.Errorf(app.EINTERNAL, "identity provider %s offers no HTTP-Redirect sign-on", idp)
	}
	req, err := sp.MakeAuthenticationRequest(loc, saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return "", "", app.Internal(err, "make AuthnRequest")
	}
	u, err := req.Redirect(url.QueryEscape(next), sp)
	if err != nil {
		return "", "", app.Internal(err, "sign AuthnRequest")
	}
	return u.String(), req.ID, nil
}

// errSAMLRefused is what a browser is told when an IdP's answer is not
// accepted; the reason goes to the log and the audit log only.
var errSAMLRefused = app.Errorf(app.EUNAUTHORIZED, "The sign-in could not be completed: the identity provider's answer was not accepted. Please try again.")

// Finish checks the IdP's POSTed answer to one of requestIDs and returns
// the signed-in account, the session to start, and the local path to go to
// (RelayState, if it is a local path; else /account).
func (s *SAML) Finish(r *http.Request, idp string, requestIDs []string, address string) (*app.Account, app.Session, string, error) {
	ctx := r.Context()
	refuse := func(why string, err error) (*app.Account, app.Session, string, error) {
		s.log.Warn("SAML response refused", "idp", idp, "why", why, "err", err)
		s.audit(ctx, &app.AuditEntry{Action: "signin.failed", Address: address, Detail: "saml:" + idp + ": " + why})
		return nil, app.Session{}, "", errSAMLRefused
	}
	sp, err := s.serviceProvider(ctx, idp)
	if err != nil {
		return nil, app.Session{}, "", err
	}
	if err := r.ParseForm(); err != nil {
		return refuse("unreadable form", err)
	}
	assertion, err := sp.ParseResponse(r, requestIDs)
	if err != nil {
		var ire *saml.InvalidResponseError
		if errors.As(err, &ire) {
			err = ire.PrivateErr
		}
		return refuse("invalid response", err)
	}
	expires := assertion.Conditions.NotOnOrAfter
	if expires.IsZero() {
		expires = time.Now().Add(time.Hour)
	}
	if err := s.store.RememberAssertion(ctx, idp+":"+assertion.ID, expires.Add(saml.MaxClockSkew)); app.ErrorCode(err) == app.ECONFLICT {
		return refuse("replayed assertion "+assertion.ID, err)
	} else if err != nil {
		return nil, app.Session{}, "", err
	}
	x := s.account(idp, assertion)
	acct, created, err := s.store.UpsertExternalAccount(ctx, x)
	if app.ErrorCode(err) == app.EINVALID {
		return refuse("unusable attributes: "+app.ErrorMessage(err), err)
	} else if err != nil {
		return nil, app.Session{}, "", err
	}
	if len(x.UnknownGroups) > 0 {
		s.log.Warn("a SAML role mapping names Carrel groups that do not exist; those roles were not given", "idp", idp, "groups", x.UnknownGroups, "account", acct.ID)
	}
	target := fmt.Sprintf("account:%d", acct.ID)
	if created {
		s.audit(ctx, &app.AuditEntry{Action: "account.create", ActorID: acct.ID, Target: target, Address: address, Detail: "from SAML " + x.ExternalID})
	}
	if !acct.Active {
		s.audit(ctx, &app.AuditEntry{Action: "signin.failed", Target: target, Address: address, Detail: "saml:" + idp + ": account deactivated"})
		return nil, app.Session{}, "", errSAMLRefused
	}
	s.audit(ctx, &app.AuditEntry{Action: "signin.success", ActorID: acct.ID, Target: target, Address: address, Detail: "method saml:" + idp})
	sess := app.Session{AccountID: acct.ID, Method: "saml:" + idp, Address: address}
	if assertion.Subject != nil && assertion.Subject.NameID != nil {
		sess.NameID = assertion.Subject.NameID.Value
	}
	for _, st := range assertion.AuthnStatements {
		sess.SessionIndex = st.SessionIndex
	}
	next := r.PostForm.Get("RelayState")
	if !LocalPath(next) {
		next = "/account"
	}
	return acct, sess, next, nil
}

// LogoutURL returns where to send the browser to end its IdP session too
// (a LogoutRequest for the session's subject and SessionIndex, signed for
// the HTTP-Redirect binding), or "" when the IdP offers no single logout.
func (s *SAML) LogoutURL(ctx context.Context, sess *app.Session) (string, error) {
	idp := strings.TrimPrefix(sess.Method, "saml:")
	sp, err := s.serviceProvider(ctx, idp)
	if err != nil {
		return "", err
	}
	loc := sloLocation(sp.IDPMetadata, saml.HTTPRedirectBinding, false)
	if loc == "" || sess.NameID == "" {
		return "", nil
	}
	req, err := unsignedSP(sp).MakeLogoutRequest(loc, sess.NameID)
	if err != nil {
		return "", app.Internal(err, "make LogoutRequest")
	}
	if sess.SessionIndex != "" {
		req.SessionIndex = &saml.SessionIndex{Value: sess.SessionIndex}
	}
	// The answer names its IdP in RelayState.
	return redirectSigned(sp, loc, "SAMLRequest", req.Element(), idp)
}

// FinishLogout checks an IdP's answer to a LogoutRequest: signed by the
// IdP, for this service provider, recent, and a success.
func (s *SAML) FinishLogout(r *http.Request, idp string) error {
	sp, err := s.serviceProvider(r.Context(), idp)
	if err != nil {
		return err
	}
	refused := func(err error) error {
		s.log.Warn("SAML LogoutResponse refused", "idp", idp, "err", err)
		return app.Errorf(app.EINVALID, "the identity provider's logout answer was not accepted")
	}
	msg, err := readSAMLMessage(r, "SAMLResponse")
	if err != nil {
		return refused(err)
	}
	el, err := msg.verify(idpSigningCerts(sp.IDPMetadata))
	if err != nil {
		return refused(err)
	}
	var resp saml.LogoutResponse
	if err := unmarshalElement(el, &resp); err != nil {
		return refused(err)
	}
	switch {
	case resp.Destination != "" && resp.Destination != sp.SloURL.String():
		return refused(fmt.Errorf("destination %q", resp.Destination))
	case resp.Issuer == nil || resp.Issuer.Value != sp.IDPMetadata.EntityID:
		return refused(errors.New("issuer is not the identity provider"))
	case resp.IssueInstant.Add(saml.MaxIssueDelay + saml.MaxClockSkew).Before(time.Now()):
		return refused(errors.New("too old"))
	case resp.Status.StatusCode.Value != saml.StatusSuccess:
		return refused(fmt.Errorf("status %s", resp.Status.StatusCode.Value))
	}
	return nil
}

func (s *SAML) audit(ctx context.Context, e *app.AuditEntry) {
	if err := s.store.Audit(ctx, e); err != nil {
		s.log.Error("audit", "action", e.Action, "err", err)
	}
}
