package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"carrel/app/auth"
	"carrel/app/catalog"
)

// signIn builds the password sign-in (local accounts and LDAP) and, when
// configured, the SAML service provider.
func signIn(cfg Config, cat *catalog.DB, log *slog.Logger) (*auth.Login, *auth.SAML, error) {
	var dir auth.Directory // a nil interface, not a nil *LDAP, when LDAP is off
	if l := cfg.Auth.LDAP; l.Enabled {
		roles, err := roleMappings("auth.ldap", l.RoleMap, nil)
		if err != nil {
			return nil, nil, err
		}
		d, err := auth.NewLDAP(auth.LDAPConfig{URL: l.URL, StartTLS: l.StartTLS, CAFile: l.CAFile, InsecureSkipVerify: l.InsecureSkipVerify,
			Timeout: time.Duration(l.TimeoutSeconds) * time.Second, BindDN: l.BindDN, BindPassword: l.BindPassword, BaseDN: l.BaseDN,
			UserFilter: l.UserFilter, DisabledFilter: l.DisabledFilter, IDAttribute: l.IDAttribute, MailAttribute: l.MailAttribute,
			DisplayNameAttr: l.DisplayNameAttr, FirstNameAttr: l.FirstNameAttribute, LastNameAttr: l.LastNameAttribute,
			ORCIDAttr: l.ORCIDAttribute, GroupAttribute: l.GroupAttribute, GroupBaseDN: l.GroupBaseDN, GroupFilter: l.GroupFilter,
			GroupNameAttr: l.GroupNameAttribute, Groups: l.Groups, AdminGroups: l.AdminGroups, RoleMap: roles})
		if err != nil {
			return nil, nil, err
		}
		dir = d
	}
	login, err := auth.NewLogin(cat, cfg.Auth.Local.Enabled, dir, cfg.Auth.Local.throttle(), log)
	if err != nil {
		return nil, nil, err
	}
	s := cfg.Auth.SAML
	if !s.Enabled {
		return login, nil, nil
	}
	keyFile, certFile := s.KeyFile, s.CertFile
	if keyFile == "" {
		keyFile, certFile = filepath.Join(cfg.Server.DataDir, "saml-sp.key"), filepath.Join(cfg.Server.DataDir, "saml-sp.crt")
	}
	key, cert, err := auth.LoadOrCreateSPKey(keyFile, certFile, cfg.Server.BaseURL, s.KeyFile == "")
	if err != nil {
		return nil, nil, err
	}
	names := map[string]bool{}
	for _, i := range s.IdPs {
		names[i.Name] = true
	}
	roles, err := roleMappings("auth.saml", s.RoleMap, names)
	if err != nil {
		return nil, nil, err
	}
	idps, err := samlIdPs(s)
	if err != nil {
		return nil, nil, err
	}
	sso, err := auth.NewSAML(context.Background(), auth.SAMLConfig{BaseURL: cfg.Server.BaseURL, EntityID: s.EntityID, Key: key, Cert: cert,
		IdPs: idps, CacheDir: samlCacheDir(cfg), Groups: s.Groups, AdminGroups: s.AdminGroups, RoleMap: roles}, cat, log)
	if err != nil {
		return nil, nil, err
	}
	return login, sso, nil
}

// samlCacheDir is where identity providers' metadata fetched from their
// URLs is kept, so that a restart without the network still has it.
func samlCacheDir(cfg Config) string { return filepath.Join(cfg.Server.DataDir, "saml") }
