package oai

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestIdentify(t *testing.T) {
	h := newHarness(t, 10)
	first := h.published("First", 0)
	h.published("Second", 0)
	res := h.get("verb=Identify")
	if res.Identify == nil {
		t.Fatalf("no Identify element:\n%s", res.raw)
	}
	it, _ := h.db.Item(t.Context(), first.ID)
	checks := []struct{ name, got, want string }{
		{"name", res.Identify.Name, "Example Repository"},
		{"baseURL", res.Identify.BaseURL, testBase + "/v2/oai"},
		{"request", res.Request.URL, testBase + "/v2/oai"},
		{"earliest", res.Identify.Earliest, stamp(it.Published)},
		{"deletedRecord", res.Identify.Deleted, "persistent"},
		{"granularity", res.Identify.Granularity, "YYYY-MM-DDThh:mm:ssZ"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	t.Run("AtOAI", func(t *testing.T) {
		res := h.do(h.p, httptest.NewRequest(http.MethodGet, "/oai?verb=Identify", nil))
		if got, want := res.Identify.BaseURL, testBase+"/oai"; got != want {
			t.Errorf("baseURL: got %q, want %q", got, want)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		h := newHarness(t, 10)
		if got, want := h.get("verb=Identify").Identify.Earliest, "1970-01-01T00:00:00Z"; got != want {
			t.Errorf("earliest of an empty repository: got %q, want %q", got, want)
		}
	})
}

func TestListMetadataFormats(t *testing.T) {
	h := newHarness(t, 10)
	pub := h.published("Public", 0)
	draft := h.draft("Draft", 0)
	want := "oai_dc datacite oai_datacite"
	if got := strings.Join(h.get("verb=ListMetadataFormats").Formats, " "); got != want {
		t.Errorf("formats: got %q, want %q", got, want)
	}
	if got := strings.Join(h.get("verb=ListMetadataFormats&identifier="+h.id(pub)).Formats, " "); got != want {
		t.Errorf("formats of an item: got %q, want %q", got, want)
	}
	if got := h.get("verb=ListMetadataFormats&identifier=" + h.id(draft)).errorCode(); got != idDoesNotExist {
		t.Errorf("formats of a draft: got %q, want idDoesNotExist", got)
	}
}

// TestErrors sends one bad request for every error condition of the
// protocol and checks the code, and that the request element echoes no
// arguments for badVerb and badArgument.
func TestErrors(t *testing.T) {
	h := newHarness(t, 2)
	pub := h.published("Public", 0)
	draft := h.draft("Draft", 0)
	for i := 0; i < 3; i++ {
		h.published("More", 0)
	}
	first := h.get("verb=ListIdentifiers&metadataPrefix=oai_dc").token()
	if first == nil || first.Value == "" {
		t.Fatal("no resumption token on a list longer than a page")
	}
	payload, sig, _ := strings.Cut(first.Value, ".")
	forged := strings.Replace(payload, "M", "N", 1) + "." + sig
	otherKey := tokenCodec{key: []byte("another key"), ttl: time.Hour}.encode(listState{Verb: "ListIdentifiers", Prefix: "oai_dc",
		Expires: h.clock.read().Add(time.Hour)})
	expired := h.p.tokens.encode(listState{Verb: "ListIdentifiers", Prefix: "oai_dc", Expires: h.clock.read().Add(-time.Second)})
	q := url.QueryEscape
	cases := []struct{ name, query, want string }{
		{"NoVerb", "", badVerb},
		{"UnknownVerb", "verb=Frobnicate", badVerb},
		{"RepeatedVerb", "verb=Identify&verb=Identify", badVerb},
		{"LowercaseVerb", "verb=identify", badVerb},
		{"ExtraArgument", "verb=Identify&metadataPrefix=oai_dc", badArgument},
		{"UnknownArgument", "verb=ListRecords&metadataPrefix=oai_dc&colour=red", badArgument},
		{"MissingPrefix", "verb=ListRecords", badArgument},
		{"MissingIdentifier", "verb=GetRecord&metadataPrefix=oai_dc", badArgument},
		{"RepeatedArgument", "verb=ListIdentifiers&metadataPrefix=oai_dc&metadataPrefix=oai_dc", badArgument},
		{"EmptyArgument", "verb=ListIdentifiers&metadataPrefix=oai_dc&set=", badArgument},
		{"BadDate", "verb=ListRecords&metadataPrefix=oai_dc&from=2024-13-01", badArgument},
		{"BadDateTime", "verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01T10:00:00", badArgument},
		{"OffsetDate", "verb=ListRecords&metadataPrefix=oai_dc&from=" + q("2024-01-01T10:00:00+01:00"), badArgument},
		{"MixedGranularity", "verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2024-02-01T00:00:00Z", badArgument},
		{"FromAfterUntil", "verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-01&until=2024-01-01", badArgument},
		{"TokenNotExclusive", "verb=ListIdentifiers&metadataPrefix=oai_dc&resumptionToken=" + q(first.Value), badArgument},
		{"BadSetName", "verb=ListIdentifiers&metadataPrefix=oai_dc&set=colour_red", badArgument},
		{"BadEscape", "verb=Identify&x=%zz", badArgument},
		{"UnknownFormat", "verb=ListRecords&metadataPrefix=marc21", cannotDisseminateFormat},
		{"UnknownFormatIdentifiers", "verb=ListIdentifiers&metadataPrefix=marc21", cannotDisseminateFormat},
		{"UnknownFormatGetRecord", "verb=GetRecord&metadataPrefix=marc21&identifier=" + h.id(pub), cannotDisseminateFormat},
		{"UnknownID", "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:repo.example.edu:article/99999", idDoesNotExist},
		{"DraftID", "verb=GetRecord&metadataPrefix=oai_dc&identifier=" + h.id(draft), idDoesNotExist},
		{"OtherHost", "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:figshare.com:article/1", idDoesNotExist},
		{"MalformedID", "verb=GetRecord&metadataPrefix=oai_dc&identifier=article-1", idDoesNotExist},
		{"FormatsOfUnknownID", "verb=ListMetadataFormats&identifier=oai:repo.example.edu:article/0", idDoesNotExist},
		{"NothingAfter", "verb=ListRecords&metadataPrefix=oai_dc&from=2100-01-01", noRecordsMatch},
		{"NothingBefore", "verb=ListIdentifiers&metadataPrefix=oai_dc&until=2000-01-01T00:00:00Z", noRecordsMatch},
		{"EmptySet", "verb=ListIdentifiers&metadataPrefix=oai_dc&set=portal_999", noRecordsMatch},
		{"GarbageToken", "verb=ListIdentifiers&resumptionToken=garbage", badResumptionToken},
		{"ForgedToken", "verb=ListIdentifiers&resumptionToken=" + q(forged), badResumptionToken},
		{"OtherKeyToken", "verb=ListIdentifiers&resumptionToken=" + q(otherKey), badResumptionToken},
		{"ExpiredToken", "verb=ListIdentifiers&resumptionToken=" + q(expired), badResumptionToken},
		{"TokenOfOtherVerb", "verb=ListRecords&resumptionToken=" + q(first.Value), badResumptionToken},
		{"ListSetsToken", "verb=ListSets&resumptionToken=" + q(first.Value), badResumptionToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := h.get(c.query)
			if got := res.errorCode(); got != c.want {
				t.Fatalf("got %q, want %q\n%s", got, c.want, res.raw)
			}
			if msg := res.Errors[0].Message; msg == "" || strings.Contains(msg, "Internal") {
				t.Errorf("message %q", msg)
			}
			echoes := len(res.Request.Attrs) > 0
			if want := c.want != badVerb && c.want != badArgument; echoes != want {
				t.Errorf("request echoes arguments: got %v, want %v", echoes, want)
			}
		})
	}
}

// TestPrivateLooksMissing checks that a draft's identifier is answered
// exactly like one that does not exist.
func TestPrivateLooksMissing(t *testing.T) {
	h := newHarness(t, 10)
	draft := h.draft("Secret", 0)
	missing := draft.ID + 1000
	msg := func(id int64) string {
		res := h.get("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:repo.example.edu:article/" + itoa(id))
		if res.errorCode() != idDoesNotExist {
			t.Fatalf("item %d: %s", id, res.raw)
		}
		return strings.ReplaceAll(res.Errors[0].Message, itoa(id), "N")
	}
	if a, b := msg(draft.ID), msg(missing); a != b {
		t.Errorf("a draft is told apart from a missing item: %q vs %q", a, b)
	}
}

func TestPostLikeGet(t *testing.T) {
	h := newHarness(t, 10)
	pub := h.published("Posted", 0)
	form := url.Values{"verb": {"GetRecord"}, "metadataPrefix": {"oai_dc"}, "identifier": {h.id(pub)}}.Encode()
	r := httptest.NewRequest(http.MethodPost, "/v2/oai", strings.NewReader(form))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res := h.do(h.p, r)
	if res.Record == nil || res.Record.Header.Identifier != h.id(pub) {
		t.Fatalf("POST GetRecord:\n%s", res.raw)
	}
	t.Run("ErrBadArgument", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/v2/oai", strings.NewReader("verb=GetRecord"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if got := h.do(h.p, r).errorCode(); got != badArgument {
			t.Errorf("got %q, want badArgument", got)
		}
	})
	for name, c := range map[string]struct {
		method, ctype string
		want          int
	}{
		"ErrMediaType": {http.MethodPost, "application/json", http.StatusUnsupportedMediaType},
		"ErrMethod":    {http.MethodPut, "", http.StatusMethodNotAllowed},
	} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, "/v2/oai", strings.NewReader(form))
			r.Header.Set("Content-Type", c.ctype)
			w := httptest.NewRecorder()
			h.p.ServeHTTP(w, r)
			if w.Code != c.want {
				t.Errorf("status: got %d, want %d", w.Code, c.want)
			}
		})
	}
}

func TestGetRecord(t *testing.T) {
	h := newHarness(t, 10)
	pub := h.published("Soil & <water>", 0)
	md := metadata("Soil & <water>, second version")
	if _, err := h.db.UpdateDraft(t.Context(), pub.ID, md); err != nil {
		t.Fatal(err)
	}
	v2, err := h.db.Publish(t.Context(), pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.UpdateDraft(t.Context(), pub.ID, metadata("Unpublished draft title")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ prefix, want string }{
		{"oai_dc", "<dc:title>Soil &amp; &lt;water&gt;, second version</dc:title>"},
		{"datacite", `<title>Soil &amp; &lt;water&gt;, second version</title>`},
		{"oai_datacite", "<schemaVersion>4.6</schemaVersion>\n<datacentreSymbol>EXAMPLE.REPO</datacentreSymbol>\n<payload>\n<resource"},
	} {
		t.Run(c.prefix, func(t *testing.T) {
			res := h.get("verb=GetRecord&metadataPrefix=" + c.prefix + "&identifier=" + url.QueryEscape(h.id(pub)))
			if res.Record == nil || res.Record.Metadata == nil {
				t.Fatalf("no record with metadata:\n%s", res.raw)
			}
			hd := res.Record.Header
			if got, want := hd.Datestamp, stamp(v2.Published); got != want {
				t.Errorf("datestamp: got %q, want the latest version's %q", got, want)
			}
			if hd.Status != "" {
				t.Errorf("status %q", hd.Status)
			}
			inner := res.Record.Metadata.Inner
			if !strings.Contains(inner, c.want) {
				t.Errorf("payload lacks %q:\n%s", c.want, inner)
			}
			if strings.Contains(inner, "Unpublished") || strings.Contains(inner, "<?xml") {
				t.Errorf("payload shows the draft or an XML declaration:\n%s", inner)
			}
		})
	}
}

func TestWithdrawnIsDeleted(t *testing.T) {
	h := newHarness(t, 10)
	gone := h.withdrawn("Withdrawn")
	it, err := h.db.Item(t.Context(), gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"oai_dc", "datacite"} {
		res := h.get("verb=GetRecord&metadataPrefix=" + prefix + "&identifier=" + h.id(gone))
		if res.Record == nil {
			t.Fatalf("no record:\n%s", res.raw)
		}
		if got, want := res.Record.Header.Status, "deleted"; got != want {
			t.Errorf("status: got %q, want %q", got, want)
		}
		if got, want := res.Record.Header.Datestamp, stamp(it.Modified); got != want {
			t.Errorf("datestamp: got %q, want the withdrawal %q", got, want)
		}
		if res.Record.Metadata != nil {
			t.Errorf("a deleted record carries metadata:\n%s", res.raw)
		}
	}
	list := h.get("verb=ListRecords&metadataPrefix=oai_dc")
	if len(list.Records) != 1 || list.Records[0].Header.Status != "deleted" || list.Records[0].Metadata != nil {
		t.Errorf("ListRecords of a withdrawn item:\n%s", list.raw)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
