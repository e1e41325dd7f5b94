package api

import (
	"net/http"
	"strconv"
	"time"

	"carrel/app"
)

// Figshare's paging limits.
const (
	maxPage     = 5000
	maxPageSize = 1000
	defPageSize = 10
)

// paging reads Figshare's two paging styles: page/page_size or
// limit/offset. Mixing them is 422, as Figshare answers.
func paging(r *http.Request) (offset, limit int, err error) {
	q := r.URL.Query()
	num := func(name string, min, max int) (int, bool, error) {
		if !q.Has(name) {
			return 0, false, nil
		}
		n, err := strconv.Atoi(q.Get(name))
		if err != nil || n < min || n > max {
			return 0, true, app.Errorf(app.EUNPROCESSABLE, "%s must be an integer from %d to %d", name, min, max)
		}
		return n, true, nil
	}
	page, hasPage, err := num("page", 1, maxPage)
	if err != nil {
		return 0, 0, err
	}
	size, hasSize, err := num("page_size", 1, maxPageSize)
	if err != nil {
		return 0, 0, err
	}
	lim, hasLimit, err := num("limit", 1, maxPageSize)
	if err != nil {
		return 0, 0, err
	}
	off, hasOffset, err := num("offset", 0, maxPage*maxPageSize)
	if err != nil {
		return 0, 0, err
	}
	if (hasPage || hasSize) && (hasLimit || hasOffset) {
		return 0, 0, app.Errorf(app.EUNPROCESSABLE, "use either page/page_size or limit/offset, not both")
	}
	if hasLimit || hasOffset {
		if !hasLimit {
			lim = defPageSize
		}
		return off, lim, nil
	}
	if !hasPage {
		page = 1
	}
	if !hasSize {
		size = defPageSize
	}
	return (page - 1) * size, size, nil
}

// queryDate reads a date filter (YYYY-MM-DD or RFC 3339).
func queryDate(r *http.Request, name string) (time.Time, error) {
	return parseDate(name, r.URL.Query().Get(name))
}

// parseDate reads a date or time in the forms Figshare's clients send; ""
// is the zero time. EUNPROCESSABLE names the field otherwise.
func parseDate(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, app.Errorf(app.EUNPROCESSABLE, "%s must be a date like 2024-01-31 or 2024-01-31T12:00:00Z", name)
}

// queryInt reads an optional non-negative integer filter.
func queryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, app.Errorf(app.EUNPROCESSABLE, "%s must be a non-negative integer", name)
	}
	return n, nil
}
