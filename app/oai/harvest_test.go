package oai

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"carrel/app"
	"carrel/app/formats"
	"carrel/testenv"
)

// TestHarvesterHarvestsEverything lets an independent harvester, Perl's
// HTTP::OAI::Harvester (Debian: libhttp-oai-perl), harvest a repository of
// a few thousand items through resumption tokens, and checks that it
// receives every public and withdrawn item exactly once and no draft.
func TestHarvesterHarvestsEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("creates thousands of items")
	}
	perl := testenv.Tool(t, "perl", "perl")
	if err := exec.Command(perl, "-MHTTP::OAI", "-e", "1").Run(); err != nil {
		testenv.Missing(t, "the Perl module HTTP::OAI is not installed (Debian package libhttp-oai-perl)")
	}
	const total = 3000
	h := newHarness(t, 100)
	ctx := context.Background()
	start := time.Now()
	listed := map[string]string{}
	var private, ids []string
	for i := 0; i < total; i++ {
		it, err := h.db.CreateItem(ctx, h.acct.ID, int64(i%3), metadata("Harvested item "+strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, h.id(it))
		if i%10 == 9 {
			private = append(private, h.id(it))
			continue
		}
		if _, err := h.db.Publish(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
		listed[h.id(it)] = ""
		if i%50 == 0 {
			if err := h.db.Withdraw(ctx, it.ID, "withdrawn for the test", app.AuditEntry{}); err != nil {
				t.Fatal(err)
			}
			listed[h.id(it)] = "deleted"
		}
	}
	t.Logf("created %d items in %v", total, time.Since(start))

	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		rec := httptest.NewRecorder()
		h.p.ServeHTTP(rec, r)
		h.docs.add(rec.Body.String())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	defer srv.Close()

	t.Run("HTTP::OAI/oai_dc", func(t *testing.T) { perlHarvest(t, perl, srv.URL, "oai_dc", "", listed, private, &requests) })
	// The Perl harvester is slow to parse (a minute per 3,000 records), so
	// it reads DataCite's wrapper from one group's set, a third of them.
	inGroup1, privateInGroup1 := map[string]string{}, []string{}
	for i, id := range ids {
		if i%3 != 1 {
			continue
		}
		if status, ok := listed[id]; ok {
			inGroup1[id] = status
		} else {
			privateInGroup1 = append(privateInGroup1, id)
		}
	}
	t.Run("HTTP::OAI/oai_datacite", func(t *testing.T) {
		perlHarvest(t, perl, srv.URL, "oai_datacite", "portal_1", inGroup1, privateInGroup1, &requests)
	})
	// Every record's DataCite payloads, bare and wrapped, are harvested here
	// and validated by xmllint like every response.
	for _, prefix := range []string{"datacite", "oai_datacite"} {
		t.Run(prefix, func(t *testing.T) {
			checkHarvest(t, harvest(t, h, h.p, "ListRecords", "metadataPrefix="+prefix, 0), listed, private)
		})
	}
}

// perlHarvest harvests every record of set (all if "") in the format
// prefix with harvest.pl and checks it got each listed item once, no
// private one, and the payload in the format asked for.
func perlHarvest(t *testing.T, perl, base, prefix, set string, listed map[string]string, private []string, requests *atomic.Int64) {
	start, before := time.Now(), requests.Load()
	roots := map[string]string{"oai_dc": "{" + formats.OAIDCNamespace + "}dc", "oai_datacite": "{" + oaiDataCiteNamespace + "}oai_datacite"}
	cmd := exec.Command(perl, "testdata/harvest.pl", base+"/v2/oai", prefix, set)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("harvest.pl: %v\n%s", err, stderr.String())
	}
	var headers []header
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			t.Fatalf("harvest.pl printed %q", line)
		}
		hd := header{Identifier: f[0], Datestamp: f[2]}
		payload := "-"
		if f[1] == "deleted" {
			hd.Status = "deleted"
		} else {
			payload = roots[prefix]
		}
		if f[3] != payload {
			t.Fatalf("%s: the harvester read a %s payload, want %s", f[0], f[3], payload)
		}
		headers = append(headers, hd)
	}
	if got, want := len(headers), len(listed); got != want {
		t.Errorf("harvested %d records, want %d", got, want)
	}
	checkHarvest(t, headers, listed, private)
	t.Logf("%d records in %d requests, %v", len(headers), requests.Load()-before, time.Since(start))
}
