package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"carrel/app"
)

// Figshare's paging limits. Listings deeper than maxOffset continue with
// X-Cursor.
const (
	maxPage     = 5000
	maxPageSize = 1000
	maxOffset   = 5000
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
	off, hasOffset, err := num("offset", 0, maxOffset)
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

// bodyPaging is the paging of a search request's JSON body: Figshare's two
// styles, as paging reads them from a query string.
type bodyPaging struct {
	Page     *int `json:"page"`
	PageSize *int `json:"page_size"`
	Limit    *int `json:"limit"`
	Offset   *int `json:"offset"`
}

// window returns the offset and limit the body asks for; mixing the
// styles, or going past Figshare's limits, is EUNPROCESSABLE.
func (p bodyPaging) window() (offset, limit int, err error) {
	hasPage, hasLimit := p.Page != nil || p.PageSize != nil, p.Limit != nil || p.Offset != nil
	if hasPage && hasLimit {
		return 0, 0, app.Errorf(app.EUNPROCESSABLE, "use either page/page_size or limit/offset, not both")
	}
	if hasLimit {
		offset, limit = deref(p.Offset), deref(p.Limit)
		if limit == 0 {
			limit = defPageSize
		}
		if limit < 1 || limit > maxPageSize || offset < 0 {
			return 0, 0, app.Errorf(app.EUNPROCESSABLE, "limit must be 1 to %d and offset not negative", maxPageSize)
		}
		return offset, limit, nil
	}
	page, size := deref(p.Page), deref(p.PageSize)
	if page == 0 {
		page = 1
	}
	if size == 0 {
		size = defPageSize
	}
	if page < 1 || page > maxPage || size < 1 || size > maxPageSize {
		return 0, 0, app.Errorf(app.EUNPROCESSABLE, "page must be 1 to %d and page_size 1 to %d", maxPage, maxPageSize)
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

// listCursor is what an X-Cursor header carries, opaque to clients: the
// listing's order and the position of the last row sent.
type listCursor struct {
	Order string `json:"o"`
	Desc  bool   `json:"d"`
	Key   string `json:"k,omitempty"`
	ID    int64  `json:"i,omitempty"`
	// After is where an article search's page ended (the last hit's
	// search.Hit.SortKeys), for search cursors.
	After []string `json:"a,omitempty"`
}

// cursorAfter reads the X-Cursor request header of a listing in the given
// order: ok is false when there is none. A cursor replaces offset and page;
// limit or page_size still set the page's size.
func cursorAfter(r *http.Request, order string, desc bool) (pos app.ListPosition, ok bool, err error) {
	c, ok, err := readCursor(r, order, desc, func(c listCursor) bool { return c.ID > 0 })
	return app.ListPosition{Key: c.Key, ID: c.ID}, ok, err
}

// readCursor decodes the X-Cursor request header, if any, and checks that
// it continues a listing in the given order and is of the kind valid says.
func readCursor(r *http.Request, order string, desc bool, valid func(listCursor) bool) (c listCursor, ok bool, err error) {
	v := r.Header.Get("X-Cursor")
	if v == "" {
		return c, false, nil
	}
	if q := r.URL.Query(); q.Has("offset") || q.Has("page") {
		return c, false, app.Errorf(app.EUNPROCESSABLE, "X-Cursor continues a listing by itself: send limit or page_size with it, not offset or page")
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || !valid(c) {
		return c, false, app.Errorf(app.EUNPROCESSABLE, "X-Cursor is not a cursor this server issued; send back the X-Cursor header of the previous page")
	}
	if c.Order != order || c.Desc != desc {
		return c, false, app.Errorf(app.EUNPROCESSABLE, "this X-Cursor continues a listing in another order: send the same order and order_direction as the first page")
	}
	return c, true, nil
}

// setCursor gives a full page (n rows of limit) the X-Cursor that
// continues after its last row, at last, however deep.
func setCursor(w http.ResponseWriter, order string, desc bool, last app.ListPosition, n, limit int) {
	if n == 0 || n < limit {
		return
	}
	writeCursor(w, listCursor{Order: order, Desc: desc, Key: last.Key, ID: last.ID})
}

// writeCursor sets the X-Cursor response header.
func writeCursor(w http.ResponseWriter, c listCursor) {
	b, _ := json.Marshal(c)
	w.Header().Set("X-Cursor", base64.RawURLEncoding.EncodeToString(b))
}
