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
	var private []string
	for i := 0; i < total; i++ {
		it, err := h.db.CreateItem(ctx, h.acct.ID, int64(i%3), metadata("Harvested item "+strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
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

	t.Run("HTTP::OAI", func(t *testing.T) {
		start := time.Now()
		cmd := exec.Command(perl, "testdata/harvest.pl", srv.URL+"/v2/oai", "oai_dc")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("harvest.pl: %v\n%s", err, stderr.String())
		}
		var headers []header
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Split(line, "\t")
			if len(f) != 3 {
				t.Fatalf("harvest.pl printed %q", line)
			}
			hd := header{Identifier: f[0], Datestamp: f[2]}
			if f[1] == "deleted" {
				hd.Status = "deleted"
			}
			headers = append(headers, hd)
		}
		if got, want := len(headers), len(listed); got != want {
			t.Errorf("harvested %d records, want %d", got, want)
		}
		checkHarvest(t, headers, listed, private)
		t.Logf("%d records in %d requests, %v", len(headers), requests.Load(), time.Since(start))
	})
	// The Perl harvester is slow to parse; DataCite payloads of every
	// record are harvested here and validated by xmllint like every response.
	t.Run("DataCite", func(t *testing.T) {
		checkHarvest(t, harvest(t, h, h.p, "ListRecords", "metadataPrefix=datacite", 0), listed, private)
	})
}
