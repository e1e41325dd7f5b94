package app

import (
	"net/url"
	"strings"
	"time"
)

// OAuthScope is the one scope Carrel grants, as Figshare's only scope: full
// access to the resource owner's account.
const OAuthScope = "all"

// OAuthApp is an application registered by an administrator to obtain
// access to people's accounts with OAuth2 (RFC 6749). Its secret is stored
// only as a hash.
type OAuthApp struct {
	ID           int64
	ClientID     string
	Name         string
	RedirectURIs []string
	SecretHash   string
	CreatedBy    int64
	Created      time.Time
}

// Validate checks an application's name and redirect URIs: absolute, no
// fragment, https except on the loopback address where a desktop tool
// listens. EUNPROCESSABLE naming the problem otherwise.
func (a *OAuthApp) Validate() error {
	if n := len([]rune(strings.TrimSpace(a.Name))); n == 0 || n > 200 {
		return Errorf(EUNPROCESSABLE, "an application needs a name of 1 to 200 characters")
	}
	if len(a.RedirectURIs) == 0 || len(a.RedirectURIs) > 20 {
		return Errorf(EUNPROCESSABLE, "an application needs 1 to 20 redirect URIs")
	}
	for _, raw := range a.RedirectURIs {
		u, err := url.Parse(raw)
		if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" || strings.Contains(raw, "#") {
			return Errorf(EUNPROCESSABLE, "redirect URI %q must be an absolute URL without a fragment", raw)
		}
		loopback := u.Hostname() == "127.0.0.1" || u.Hostname() == "::1" || u.Hostname() == "localhost"
		if u.Scheme != "https" && !(u.Scheme == "http" && loopback) {
			return Errorf(EUNPROCESSABLE, "redirect URI %q must use https (http only on the loopback address)", raw)
		}
	}
	return nil
}

// AllowsRedirect reports whether uri is exactly one of the registered
// redirect URIs; no prefix or pattern matching.
func (a *OAuthApp) AllowsRedirect(uri string) bool {
	for _, r := range a.RedirectURIs {
		if r == uri {
			return true
		}
	}
	return false
}

// OAuthCode is an authorization code: short-lived, single-use, stored as a
// hash, bound to the application, account and redirect URI it was issued
// for.
type OAuthCode struct {
	Hash        string
	AppID       int64
	AccountID   int64
	RedirectURI string
	Scope       string
	Expires     time.Time
}

// OAuthGrant is an access token with its refresh token, both stored as
// hashes. Family names the authorization code the chain of refreshed
// grants started from, so that a replayed code or refresh token revokes
// the whole chain.
type OAuthGrant struct {
	ID             int64
	AppID          int64
	AccountID      int64
	AccessHash     string
	RefreshHash    string
	Scope          string
	Family         string
	AccessExpires  time.Time
	RefreshExpires time.Time
}
