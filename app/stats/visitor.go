package stats

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"time"
)

// visitorKeys makes anonymous visitor keys: an HMAC of the client's address
// and user agent under a random salt that lives only in memory and is
// replaced at every UTC midnight. The same reader has the same key all day,
// which is what COUNTER's unique counts need, and no key can be traced
// back to an address once the day's salt is gone. Only the recorder's
// goroutine uses it.
type visitorKeys struct {
	day string
	mac hash.Hash // HMAC-SHA-256 under the day's salt
	sum []byte
}

// key returns the visitor key of a client at time at.
func (v *visitorKeys) key(address, userAgent string, at time.Time) string {
	day := at.UTC().Format(time.DateOnly)
	if day != v.day {
		salt := make([]byte, 32)
		rand.Read(salt)
		v.day, v.mac = day, hmac.New(sha256.New, salt)
	}
	v.mac.Reset()
	io.WriteString(v.mac, address)
	v.mac.Write([]byte{0})
	io.WriteString(v.mac, userAgent)
	v.sum = v.mac.Sum(v.sum[:0])
	return hex.EncodeToString(v.sum[:16])
}
