package stats

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// visitorKeys makes anonymous visitor keys: an HMAC of the client's address
// and user agent under a random salt that lives only in memory and is
// replaced at every UTC midnight. The same reader has the same key all day,
// which is what COUNTER's unique counts need, and no key can be traced
// back to an address once the day's salt is gone. Only the recorder's
// goroutine uses it.
type visitorKeys struct {
	day  string
	salt []byte
}

// key returns the visitor key of a client at time at.
func (v *visitorKeys) key(address, userAgent string, at time.Time) string {
	day := at.UTC().Format(time.DateOnly)
	if day != v.day {
		v.salt = make([]byte, 32)
		rand.Read(v.salt)
		v.day = day
	}
	m := hmac.New(sha256.New, v.salt)
	m.Write([]byte(address))
	m.Write([]byte{0})
	m.Write([]byte(userAgent))
	return hex.EncodeToString(m.Sum(nil)[:16])
}
