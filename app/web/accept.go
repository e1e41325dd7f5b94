package web

import (
	"mime"
	"strconv"
	"strings"
)

// negotiate picks from offers (media types, the default first) the one the
// Accept header prefers: the highest quality, the more specific range
// winning a tie, the order of offers breaking what is left. An empty header
// or one that accepts none of the offers gets the default.
func negotiate(accept string, offers []string) string {
	if strings.TrimSpace(accept) == "" {
		return offers[0]
	}
	best, bestQ, bestSpec := offers[0], -1.0, -1
	for _, offer := range offers {
		q, spec := quality(accept, offer)
		if q > bestQ || (q == bestQ && spec > bestSpec) {
			best, bestQ, bestSpec = offer, q, spec
		}
	}
	if bestQ <= 0 {
		return offers[0]
	}
	return best
}

// quality is the q-value the Accept header gives offer, by its most
// specific matching range (3 exact, 2 type/*, 1 */*; 0 none), -1 when no
// range matches.
func quality(accept, offer string) (float64, int) {
	q, spec := -1.0, 0
	typ, _, _ := strings.Cut(offer, "/")
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		s := 0
		switch {
		case mt == offer:
			s = 3
		case mt == typ+"/*":
			s = 2
		case mt == "*/*":
			s = 1
		default:
			continue
		}
		if s < spec {
			continue
		}
		v := 1.0
		if qs, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(qs, 64); err == nil && f >= 0 && f <= 1 {
				v = f
			}
		}
		q, spec = v, s
	}
	return q, spec
}
