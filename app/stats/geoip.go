package stats

import (
	"fmt"
	"net/netip"

	"github.com/oschwald/maxminddb-golang/v2"
)

// countries finds a client's country in a MaxMind database (GeoLite2 or
// GeoIP2 Country or City, or any database with the same country record).
type countries struct {
	db *maxminddb.Reader
}

// openCountries opens the database file.
func openCountries(file string) (*countries, error) {
	db, err := maxminddb.Open(file)
	if err != nil {
		return nil, fmt.Errorf("stats: GeoIP database %s: %w", file, err)
	}
	return &countries{db: db}, nil
}

// lookup returns the ISO 3166-1 alpha-2 code of the address's country, or
// "" when the address or the database does not say.
func (c *countries) lookup(address string) string {
	if c == nil {
		return ""
	}
	ip, err := netip.ParseAddr(address)
	if err != nil {
		return ""
	}
	var rec struct {
		Country struct {
			ISOCode string `maxminddb:"iso_code"`
		} `maxminddb:"country"`
	}
	if err := c.db.Lookup(ip.Unmap()).Decode(&rec); err != nil {
		return ""
	}
	return rec.Country.ISOCode
}

func (c *countries) close() error {
	if c == nil {
		return nil
	}
	return c.db.Close()
}
