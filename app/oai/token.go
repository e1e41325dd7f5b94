package oai

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// listState is everything needed to continue a list: the query, the keyset
// cursor after the last record sent, and counts for the cursor attributes.
// It travels inside the resumption token, so a harvest survives restarts
// and needs no server-side session.
type listState struct {
	Verb    string    `json:"v"`
	Prefix  string    `json:"p"`
	Set     string    `json:"s,omitempty"`
	From    time.Time `json:"f,omitzero"`
	Until   time.Time `json:"u,omitzero"`
	After   time.Time `json:"a"` // datestamp of the last record sent
	AfterID int64     `json:"i"` // id of the last record sent
	Sent    int       `json:"c"` // records sent before this page
	Total   int       `json:"n"` // completeListSize when the list began
	Expires time.Time `json:"e"` // the token is refused after this
}

// tokenCodec signs and checks resumption tokens with an HMAC key.
type tokenCodec struct {
	key []byte
	ttl time.Duration
}

// encode returns the signed token for st: base64url(JSON) "." base64url(MAC).
func (c tokenCodec) encode(st listState) string {
	body, _ := json.Marshal(st) // plain struct of strings, ints and times: cannot fail
	payload := base64.RawURLEncoding.EncodeToString(body)
	return payload + "." + base64.RawURLEncoding.EncodeToString(c.mac(payload))
}

// decode checks a token's signature and expiry and returns its state, or
// badResumptionToken.
func (c tokenCodec) decode(token string, now time.Time) (listState, error) {
	bad := fail(badResumptionToken, "the resumption token is invalid or has expired; start the list again")
	payload, sig, ok := strings.Cut(token, ".")
	if !ok {
		return listState{}, bad
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, c.mac(payload)) {
		return listState{}, bad
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return listState{}, bad
	}
	var st listState
	if err := json.Unmarshal(body, &st); err != nil || !now.Before(st.Expires) {
		return listState{}, bad
	}
	return st, nil
}

func (c tokenCodec) mac(payload string) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("carrel-oai-token\x00" + payload))
	return m.Sum(nil)
}
