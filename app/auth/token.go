// Package auth holds Carrel's credentials: personal API tokens, password
// hashes and, as they are added, sessions and single sign-on.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// tokenBytes is the entropy of a personal API token.
const tokenBytes = 32

// NewToken returns a fresh random personal API token (hex, 64 characters)
// and the hash under which it is stored.
func NewToken() (secret, hash string) {
	b := make([]byte, tokenBytes)
	rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	secret = hex.EncodeToString(b)
	return secret, HashToken(secret)
}

// HashToken returns the stored form of a token. Tokens carry 256 bits of
// entropy, so one unsalted SHA-256 is as strong as any password hash and
// lets the token be found by an index lookup.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// WellFormedToken reports whether s could be a token Carrel issued, so that
// malformed input is refused before it reaches the catalog.
func WellFormedToken(s string) bool {
	if len(s) != 2*tokenBytes {
		return false
	}
	return strings.Trim(s, "0123456789abcdef") == ""
}

// RandomID returns n random bytes as hex: storage keys, upload tokens.
func RandomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
