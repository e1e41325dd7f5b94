package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"carrel/app"
)

// CreateOAuthApp registers an application and audits it as done by
// a.CreatedBy. EUNPROCESSABLE for an invalid name or redirect URI,
// ECONFLICT for a client id in use.
func (db *DB) CreateOAuthApp(ctx context.Context, a *app.OAuthApp) error {
	if err := a.Validate(); err != nil {
		return err
	}
	uris, _ := json.Marshal(a.RedirectURIs)
	a.Created = db.now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO oauth_apps (client_id, secret_hash, name, redirect_uris, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, a.ClientID, a.SecretHash, a.Name, string(uris), a.CreatedBy, formatTime(a.Created))
		if err != nil {
			return err
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &app.AuditEntry{At: a.Created, ActorID: a.CreatedBy, Action: "oauth.app.add",
			Target: "oauth_app:" + a.ClientID, Detail: fmt.Sprintf("%s; redirect URIs %s", a.Name, uris)})
	})
}

const oauthAppColumns = `id, client_id, secret_hash, name, redirect_uris, created_by, created_at`

func scanOAuthApp(row interface{ Scan(...any) error }) (*app.OAuthApp, error) {
	var a app.OAuthApp
	var uris, created string
	if err := row.Scan(&a.ID, &a.ClientID, &a.SecretHash, &a.Name, &uris, &a.CreatedBy, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(uris), &a.RedirectURIs); err != nil {
		return nil, app.Internal(err, "decode redirect URIs")
	}
	a.Created = parseTime(created)
	return &a, nil
}

// OAuthApp returns the application with the given client id; ENOTFOUND if
// there is none.
func (db *DB) OAuthApp(ctx context.Context, clientID string) (*app.OAuthApp, error) {
	a, err := scanOAuthApp(db.read.QueryRowContext(ctx, `SELECT `+oauthAppColumns+` FROM oauth_apps WHERE client_id = ?`, clientID))
	if err != nil {
		return nil, notFound(err, "no application with client id %q", clientID)
	}
	return a, nil
}

// OAuthApps lists the registered applications, oldest first.
func (db *DB) OAuthApps(ctx context.Context) ([]app.OAuthApp, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+oauthAppColumns+` FROM oauth_apps ORDER BY id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := []app.OAuthApp{}
	for rows.Next() {
		a, err := scanOAuthApp(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, *a)
	}
	return out, translate(rows.Err())
}

// RemoveOAuthApp deletes an application with its codes and grants, so every
// token it obtained stops working at once, and audits it as done by
// actorID. ENOTFOUND if there is no such application.
func (db *DB) RemoveOAuthApp(ctx context.Context, clientID string, actorID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM oauth_apps WHERE client_id = ?`, clientID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ENOTFOUND, "no application with client id %q", clientID)
		}
		return insertAudit(ctx, tx, &app.AuditEntry{At: db.now(), ActorID: actorID, Action: "oauth.app.remove", Target: "oauth_app:" + clientID})
	})
}

// CreateOAuthCode stores an authorization code the account granted.
func (db *DB) CreateOAuthCode(ctx context.Context, c *app.OAuthCode) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO oauth_codes (hash, app_id, account_id, redirect_uri, scope, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
			c.Hash, c.AppID, c.AccountID, c.RedirectURI, c.Scope, formatTime(c.Expires))
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, &app.AuditEntry{At: db.now(), ActorID: c.AccountID, Action: "oauth.authorize",
			Target: fmt.Sprintf("oauth_app_id:%d", c.AppID), Detail: "scope " + c.Scope})
	})
}

// RedeemOAuthCode exchanges an authorization code for the grant g (whose
// hashes and expiry the caller sets; account, scope and family come from
// the code). The code works once: ENOTFOUND if it is unknown or another
// application's, EUNPROCESSABLE if it expired or the redirect URI differs
// from the one the authorization request named (if it named one), ECONFLICT if it was already used, in
// which case every grant issued from it is revoked (RFC 6749 section 4.1.2).
func (db *DB) RedeemOAuthCode(ctx context.Context, codeHash string, appID int64, redirectURI string, g *app.OAuthGrant) error {
	var refusal error
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var c app.OAuthCode
		var expires, used string
		err := tx.QueryRowContext(ctx, `SELECT app_id, account_id, redirect_uri, scope, expires_at, used_at FROM oauth_codes WHERE hash = ?`,
			codeHash).Scan(&c.AppID, &c.AccountID, &c.RedirectURI, &c.Scope, &expires, &used)
		if err != nil || c.AppID != appID {
			return notFound(orNoRows(err), "unknown authorization code")
		}
		now := db.now()
		switch {
		case used != "":
			refusal = app.Errorf(app.ECONFLICT, "the authorization code was already used; the tokens issued from it are revoked")
			return db.revokeFamily(ctx, tx, codeHash, c.AccountID, "oauth.code.replay")
		case !now.Before(parseTime(expires)):
			return app.Errorf(app.EUNPROCESSABLE, "the authorization code has expired")
		case c.RedirectURI != "" && c.RedirectURI != redirectURI:
			return app.Errorf(app.EUNPROCESSABLE, "redirect_uri differs from the one the code was issued for")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE oauth_codes SET used_at = ? WHERE hash = ?`, formatTime(now), codeHash); err != nil {
			return err
		}
		g.AppID, g.AccountID, g.Scope, g.Family = appID, c.AccountID, c.Scope, codeHash
		return db.insertGrant(ctx, tx, g, "oauth.token.code")
	})
	if err != nil {
		return err
	}
	return refusal
}

// RefreshOAuthGrant rotates a grant: the refresh token is spent, its access
// token revoked, and next (hashes and expiry set by the caller) takes over
// the account, scope and family. ENOTFOUND if the refresh token is unknown
// or another application's, EUNPROCESSABLE if it expired, ECONFLICT if it
// was already spent, in which case the whole family is revoked: someone
// holds a copy of a token that should no longer exist.
func (db *DB) RefreshOAuthGrant(ctx context.Context, refreshHash string, appID int64, next *app.OAuthGrant) error {
	var refusal error
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var g app.OAuthGrant
		var expires, revoked string
		err := tx.QueryRowContext(ctx, `SELECT id, app_id, account_id, scope, family, refresh_expires_at, revoked_at FROM oauth_grants WHERE refresh_hash = ?`,
			refreshHash).Scan(&g.ID, &g.AppID, &g.AccountID, &g.Scope, &g.Family, &expires, &revoked)
		if err != nil || g.AppID != appID {
			return notFound(orNoRows(err), "unknown refresh token")
		}
		switch {
		case revoked != "":
			refusal = app.Errorf(app.ECONFLICT, "the refresh token was already used or revoked; every token of this authorization is now revoked")
			return db.revokeFamily(ctx, tx, g.Family, g.AccountID, "oauth.refresh.replay")
		case !db.now().Before(parseTime(expires)):
			return app.Errorf(app.EUNPROCESSABLE, "the refresh token has expired")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE oauth_grants SET revoked_at = ? WHERE id = ?`, db.stamp(), g.ID); err != nil {
			return err
		}
		next.AppID, next.AccountID, next.Scope, next.Family = appID, g.AccountID, g.Scope, g.Family
		return db.insertGrant(ctx, tx, next, "oauth.token.refresh")
	})
	if err != nil {
		return err
	}
	return refusal
}

func (db *DB) insertGrant(ctx context.Context, tx *sql.Tx, g *app.OAuthGrant, action string) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO oauth_grants (app_id, account_id, access_hash, refresh_hash, scope, family,
		access_expires_at, refresh_expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.AppID, g.AccountID, g.AccessHash, g.RefreshHash, g.Scope, g.Family, formatTime(g.AccessExpires), formatTime(g.RefreshExpires), db.stamp())
	if err != nil {
		return err
	}
	if g.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	return insertAudit(ctx, tx, &app.AuditEntry{At: db.now(), ActorID: g.AccountID, Action: action,
		Target: fmt.Sprintf("oauth_app_id:%d", g.AppID), Detail: fmt.Sprintf("grant %d, scope %s", g.ID, g.Scope)})
}

// revokeFamily revokes every grant descending from one authorization code.
func (db *DB) revokeFamily(ctx context.Context, tx *sql.Tx, family string, accountID int64, action string) error {
	res, err := tx.ExecContext(ctx, `UPDATE oauth_grants SET revoked_at = ? WHERE family = ? AND revoked_at = ''`, db.stamp(), family)
	if err != nil {
		return err
	}
	n, _ := res.RowsAffected()
	return insertAudit(ctx, tx, &app.AuditEntry{At: db.now(), ActorID: accountID, Action: action,
		Target: "account:" + fmt.Sprint(accountID), Detail: fmt.Sprintf("%d grant(s) revoked", n)})
}

// AccountByOAuthToken returns the active account an unexpired, unrevoked
// OAuth access token acts for, and its grant. ENOTFOUND otherwise.
func (db *DB) AccountByOAuthToken(ctx context.Context, accessHash string) (*app.Account, *app.OAuthGrant, error) {
	var g app.OAuthGrant
	var expires string
	row := db.read.QueryRowContext(ctx, `SELECT g.id, g.app_id, g.scope, g.access_expires_at, `+prefixed("a.", accountColumns)+`
		FROM oauth_grants g JOIN accounts a ON a.id = g.account_id
		WHERE g.access_hash = ? AND g.revoked_at = '' AND a.active = 1`, accessHash)
	var a app.Account
	var created string
	if err := row.Scan(&g.ID, &g.AppID, &g.Scope, &expires, &a.ID, &a.Email, &a.FirstName, &a.LastName, &a.ORCID, &a.Admin, &a.Active, &a.Quota, &a.GroupID, &created); err != nil {
		return nil, nil, notFound(err, "unknown token")
	}
	g.AccountID, g.AccessExpires = a.ID, parseTime(expires)
	if !db.now().Before(g.AccessExpires) {
		return nil, nil, app.Errorf(app.ENOTFOUND, "the access token has expired")
	}
	a.Created = parseTime(created)
	return &a, &g, nil
}

// orNoRows turns a nil error (a row of another application) into
// sql.ErrNoRows, so both read as "not found".
func orNoRows(err error) error {
	if err == nil {
		return sql.ErrNoRows
	}
	return err
}
