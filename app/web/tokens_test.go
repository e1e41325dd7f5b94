package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"carrel/app/auth"
)

func TestTokensPage(t *testing.T) {
	e := MustServe(t)
	a := e.account("tina@example.edu")
	c := e.signIn(a)

	res, body := e.get(c, "/account/tokens")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, "You have no API tokens.")

	res, body = e.post(c, "/account/tokens", url.Values{"name": {"laptop <script>"}})
	wantStatus(t, res, body, http.StatusCreated)
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("the page showing a secret may be cached")
	}
	secret := regexp.MustCompile(`value="([0-9a-f]{64})"`).FindStringSubmatch(body)
	if secret == nil {
		t.Fatalf("no token shown:\n%s", body)
	}
	wantContains(t, body, "laptop &lt;script&gt;", "it will not be shown again")
	acct, err := e.cat.AccountByTokenHash(context.Background(), auth.HashToken(secret[1]))
	if err != nil || acct.ID != a.ID {
		t.Fatalf("the shown token does not act for the account: %v", err)
	}

	res, body = e.get(c, "/account/tokens")
	wantStatus(t, res, body, http.StatusOK)
	if strings.Contains(body, secret[1]) {
		t.Fatal("the token is shown a second time")
	}
	wantContains(t, body, "laptop &lt;script&gt;", "Revoke")

	res, body = e.post(c, "/account/tokens", url.Values{"name": {""}})
	wantStatus(t, res, body, http.StatusBadRequest)
	wantContains(t, body, "a token needs a name")

	tokens, _ := e.cat.Tokens(context.Background(), a.ID)
	other := e.account("oscar@example.edu")
	res, body = e.post(e.signIn(other), fmt.Sprintf("/account/tokens/%d/revoke", tokens[0].ID), nil)
	wantStatus(t, res, body, http.StatusNotFound)

	res, body = e.post(c, fmt.Sprintf("/account/tokens/%d/revoke", tokens[0].ID), nil)
	wantStatus(t, res, body, http.StatusSeeOther)
	if _, err := e.cat.AccountByTokenHash(context.Background(), auth.HashToken(secret[1])); err == nil {
		t.Fatal("a revoked token still works")
	}
	res, body = e.post(c, fmt.Sprintf("/account/tokens/%d/revoke", tokens[0].ID), nil)
	wantStatus(t, res, body, http.StatusNotFound)
}
