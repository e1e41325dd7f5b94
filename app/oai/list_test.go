package oai

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"carrel/app"
)

// corpus makes public items, drafts, published items with a pending draft
// and withdrawn items, and returns the identifiers a harvest must list
// (public and withdrawn) and those it must never list.
func corpus(h *harness) (listed map[string]string, private []string) {
	listed = map[string]string{}
	for i := 0; i < 7; i++ {
		listed[h.id(h.published("Public "+strconv.Itoa(i), int64(1+i%2)))] = ""
	}
	for i := 0; i < 3; i++ {
		private = append(private, h.id(h.draft("Draft "+strconv.Itoa(i), 1)))
	}
	edited := h.published("Edited after publishing", 1)
	if _, err := h.db.UpdateDraft(h.t.Context(), edited.ID, metadata("Secret new title")); err != nil {
		h.t.Fatal(err)
	}
	listed[h.id(edited)] = ""
	for i := 0; i < 2; i++ {
		listed[h.id(h.withdrawn("Withdrawn "+strconv.Itoa(i)))] = "deleted"
	}
	return listed, private
}

// harvest follows a list to its end, checking the cursor attributes
// against sent, the records already received, and returns the headers.
func harvest(t *testing.T, h *harness, p *Provider, verb, query string, sent int) []header {
	t.Helper()
	var out []header
	q := "verb=" + verb + "&" + query
	for page := 0; ; page++ {
		res := h.do(p, httptest.NewRequest(http.MethodGet, "/v2/oai?"+q, nil))
		if res.errorCode() != "" {
			t.Fatalf("page %d: %s", page, res.raw)
		}
		got := res.Headers
		for _, r := range res.Records {
			got = append(got, r.Header)
			if (r.Metadata == nil) != (r.Header.Status == "deleted") {
				t.Errorf("%s: metadata present %v with status %q", r.Header.Identifier, r.Metadata != nil, r.Header.Status)
			}
			if r.Metadata != nil && strings.Contains(r.Metadata.Inner, "Secret") {
				t.Errorf("%s: a draft leaks into the record", r.Header.Identifier)
			}
		}
		tok := res.token()
		if tok != nil && tok.Cursor != strconv.Itoa(sent+len(out)) {
			t.Errorf("page %d: cursor %s, want %d", page, tok.Cursor, sent+len(out))
		}
		out = append(out, got...)
		if tok == nil || tok.Value == "" {
			if page > 0 && (tok == nil || tok.Size != strconv.Itoa(sent+len(out))) {
				t.Errorf("last page: want an empty token with completeListSize %d, got %+v", sent+len(out), tok)
			}
			return out
		}
		if page > 100 {
			t.Fatal("the list does not end")
		}
		q = "verb=" + verb + "&resumptionToken=" + url.QueryEscape(tok.Value)
	}
}

// checkHarvest checks that headers hold every listed identifier exactly
// once, with the right status, in datestamp order, and nothing private.
func checkHarvest(t *testing.T, headers []header, listed map[string]string, private []string) {
	t.Helper()
	seen := map[string]int{}
	for i, hd := range headers {
		seen[hd.Identifier]++
		if status, ok := listed[hd.Identifier]; !ok {
			t.Errorf("%s is listed but should not be", hd.Identifier)
		} else if hd.Status != status {
			t.Errorf("%s: status %q, want %q", hd.Identifier, hd.Status, status)
		}
		if i > 0 && hd.Datestamp < headers[i-1].Datestamp {
			t.Errorf("%s: datestamps out of order", hd.Identifier)
		}
	}
	for id := range listed {
		if seen[id] != 1 {
			t.Errorf("%s listed %d times, want once", id, seen[id])
		}
	}
	for _, id := range private {
		if seen[id] > 0 {
			t.Errorf("draft %s is listed", id)
		}
	}
}

func TestResumption(t *testing.T) {
	h := newHarness(t, 3)
	listed, private := corpus(h)
	for _, verb := range []string{"ListIdentifiers", "ListRecords"} {
		for _, prefix := range []string{"oai_dc", "datacite", "oai_datacite"} {
			t.Run(verb+"/"+prefix, func(t *testing.T) {
				checkHarvest(t, harvest(t, h, h.p, verb, "metadataPrefix="+prefix, 0), listed, private)
			})
		}
	}
	t.Run("OnePage", func(t *testing.T) {
		res := newHarnessWith(t, 100, h).get("verb=ListIdentifiers&metadataPrefix=oai_dc")
		if res.token() != nil {
			t.Errorf("a complete list carries a resumption token:\n%s", res.raw)
		}
	})
	t.Run("NewItemsDuringHarvest", func(t *testing.T) {
		first := h.get("verb=ListIdentifiers&metadataPrefix=oai_dc")
		late := h.published("Published during the harvest", 0)
		listed := harvestable(h)
		if _, ok := listed[h.id(late)]; !ok {
			t.Fatal("the new item is not harvestable")
		}
		rest := harvest(t, h, h.p, "ListIdentifiers", "resumptionToken="+url.QueryEscape(first.token().Value), len(first.Headers))
		checkHarvest(t, append(first.Headers, rest...), listed, private)
	})
}

// newHarnessWith is a provider with another page size over h's catalog,
// validating into t.
func newHarnessWith(t *testing.T, pageSize int, h *harness) *harness {
	h2 := *h
	h2.t, h2.docs = t, newValidator(t)
	h2.p = h.provider(pageSize, testKey)
	return &h2
}

// harvestable is what a harvest must list from what the catalog holds now:
// every public and withdrawn item, by identifier, with its header status.
func harvestable(h *harness) map[string]string {
	out := map[string]string{}
	items, err := h.db.HarvestItems(h.t.Context(), "", time.Time{}, time.Time{}, time.Time{}, 0, 1000)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, l := range items {
		status := ""
		if l.Item.Status == app.StatusWithdrawn {
			status = "deleted"
		}
		out[h.id(l.Item)] = status
	}
	return out
}

// TestTokenSurvivesRestart resumes a list with a new Provider, as after a
// server restart, and refuses it under another key.
func TestTokenSurvivesRestart(t *testing.T) {
	h := newHarness(t, 3)
	listed, private := corpus(h)
	first := h.get("verb=ListRecords&metadataPrefix=oai_dc")
	tok := first.token()
	if tok == nil || tok.Value == "" || tok.Expires == "" {
		t.Fatalf("no resumption token with an expiry:\n%s", first.raw)
	}
	var headers []header
	for _, r := range first.Records {
		headers = append(headers, r.Header)
	}
	restarted := h.provider(3, testKey)
	headers = append(headers, harvest(t, h, restarted, "ListRecords", "resumptionToken="+url.QueryEscape(tok.Value), len(headers))...)
	checkHarvest(t, headers, listed, private)

	rekeyed := h.provider(3, "a new key after a leak")
	res := h.do(rekeyed, httptest.NewRequest(http.MethodGet, "/v2/oai?verb=ListRecords&resumptionToken="+url.QueryEscape(tok.Value), nil))
	if got := res.errorCode(); got != badResumptionToken {
		t.Errorf("token under another key: got %q, want badResumptionToken", got)
	}
	t.Run("Expires", func(t *testing.T) {
		exp, err := time.Parse(stampLayout, tok.Expires)
		if err != nil {
			t.Fatal(err)
		}
		h.clock.set(exp.Add(time.Second))
		res := h.get("verb=ListRecords&resumptionToken=" + url.QueryEscape(tok.Value))
		if got := res.errorCode(); got != badResumptionToken {
			t.Errorf("expired token: got %q, want badResumptionToken", got)
		}
	})
}

func TestDateRange(t *testing.T) {
	h := newHarness(t, 100)
	var stamps []string
	var ids []string
	for i := 0; i < 4; i++ {
		h.clock.set(time.Date(2024, 1, 10+i, 23, 59, 50, 0, time.UTC))
		it := h.published("Day "+strconv.Itoa(i), 0)
		got, _ := h.db.Item(t.Context(), it.ID)
		stamps, ids = append(stamps, stamp(got.Published)), append(ids, h.id(it))
	}
	list := func(query string) []string {
		res := h.get("verb=ListIdentifiers&metadataPrefix=oai_dc&" + query)
		var out []string
		for _, hd := range res.Headers {
			out = append(out, hd.Identifier)
		}
		return out
	}
	cases := []struct {
		name, query string
		want        []string
	}{
		{"FromDay", "from=2024-01-11", ids[1:]},
		{"UntilDay", "until=2024-01-11", ids[:2]},
		{"DayRange", "from=2024-01-11&until=2024-01-12", ids[1:3]},
		{"FromSecondInclusive", "from=" + stamps[2], ids[2:]},
		{"UntilSecondInclusive", "until=" + stamps[1], ids[:2]},
		{"ExactSecond", "from=" + stamps[3] + "&until=" + stamps[3], ids[3:]},
		{"SameDay", "from=2024-01-13&until=2024-01-13", ids[3:]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := list(c.query); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestSets checks ListSets and that each set a header names selects the
// item, and sets it does not name do not.
func TestSets(t *testing.T) {
	h := newHarness(t, 100)
	a := h.published("In portal 5", 5)
	md := metadata("A thesis")
	md.ItemType, md.Categories = 8, []int64{30}
	it, err := h.db.CreateItem(t.Context(), h.acct.ID, 0, md)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Publish(t.Context(), it.ID); err != nil {
		t.Fatal(err)
	}
	h.draft("Draft in portal 7", 7)
	gone := h.withdrawn("Withdrawn")

	sets := map[string]string{}
	for _, s := range h.get("verb=ListSets").Sets {
		sets[s.Spec] = s.Name
	}
	for spec, name := range map[string]string{"portal_5": "Portal 5", "item_type_3": "dataset", "item_type_8": "thesis",
		"category_3001": "Agricultural biotechnology", "month_year_03_2024": "March 2024"} {
		if sets[spec] != name {
			t.Errorf("set %s: name %q, want %q", spec, sets[spec], name)
		}
	}
	if _, ok := sets["portal_7"]; ok {
		t.Error("a portal with only drafts is offered")
	}

	members := func(set string) []string {
		res := h.get("verb=ListIdentifiers&metadataPrefix=oai_dc&set=" + set)
		if res.errorCode() == noRecordsMatch {
			return nil
		}
		var out []string
		for _, hd := range res.Headers {
			out = append(out, hd.Identifier)
		}
		return out
	}
	cases := []struct {
		set  string
		want []string
	}{
		{"portal_5", []string{h.id(a)}},
		{"portal_7", nil},
		{"item_type_8", []string{h.id(it)}},
		{"item_type_3", []string{h.id(a), h.id(gone)}},
		{"category_30", []string{h.id(it)}},
		{"category_3001", []string{h.id(a), h.id(gone)}},
		{"month_year_03_2024", []string{h.id(a), h.id(it), h.id(gone)}},
		{"month_year_04_2024", nil},
	}
	for _, c := range cases {
		t.Run(c.set, func(t *testing.T) {
			if got := members(c.set); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	t.Run("HeadersNameTheirSets", func(t *testing.T) {
		for _, hd := range h.get("verb=ListIdentifiers&metadataPrefix=oai_dc").Headers {
			for _, s := range hd.Sets {
				if !slices.Contains(members(s), hd.Identifier) {
					t.Errorf("%s names set %s but is not in it", hd.Identifier, s)
				}
				if _, ok := sets[s]; !ok {
					t.Errorf("%s names set %s, which ListSets does not offer", hd.Identifier, s)
				}
			}
		}
	})
}
