package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"carrel/app/doi/doitest"
)

// eventually polls cond until it holds or a minute passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func dataciteConfig(dc *doitest.Server) string {
	return fmt.Sprintf(`[doi]
prefix = %q
handle_prefix = "20.500.12345"
[datacite]
endpoint = %q
repository_id = %q
password = %q
retry_seconds = 1
poll_seconds = 1
`, dc.Prefix, dc.URL, dc.Repository, dc.Password)
}

// TestDOIRegistration reserves a DOI and a handle over the API, publishes
// two versions (the second during a DataCite outage) and checks that the
// stand-in DataCite ends up holding the concept DOI and both version DOIs,
// findable, with schema-valid metadata and no duplicate creations.
func TestDOIRegistration(t *testing.T) {
	dc := doitest.Start(t, "CARREL.TEST", "not-a-real-password", "10.80001")
	s := startServerWith(t, dataciteConfig(dc))
	tok := s.account("depositor@example.edu", false)
	other := s.account("other@example.edu", false)
	item := s.createItem(t, tok, "Soil moisture 2024")
	path := fmt.Sprintf("/v2/account/articles/%d", item)
	concept := fmt.Sprintf("10.80001/carrel.%d", item)

	// Someone else's item does not exist for them.
	s.do("POST", path+"/reserve_doi", other, nil).want(t, 404)
	s.do("POST", path+"/reserve_doi", "", nil).want(t, 401)
	var got struct{ DOI, Handle string }
	s.do("POST", path+"/reserve_doi", tok, nil).want(t, 200).JSON(t, &got)
	if got.DOI != concept {
		t.Fatalf("reserved DOI %q, want %q", got.DOI, concept)
	}
	s.do("POST", path+"/reserve_doi", tok, nil).want(t, 200).JSON(t, &got) // asking again is harmless
	if got.DOI != concept {
		t.Fatalf("second reservation gave %q, want %q", got.DOI, concept)
	}
	s.do("POST", path+"/reserve_handle", tok, nil).want(t, 200).JSON(t, &got)
	if want := fmt.Sprintf("20.500.12345/carrel.%d", item); got.Handle != want {
		t.Fatalf("reserved handle %q, want %q", got.Handle, want)
	}
	var draft struct{ DOI, Handle string }
	s.do("GET", path, tok, nil).want(t, 200).JSON(t, &draft)
	if draft.DOI != concept || !strings.HasPrefix(draft.Handle, "20.500.12345/") {
		t.Fatalf("draft carries doi %q handle %q", draft.DOI, draft.Handle)
	}
	eventually(t, "the draft DOI at DataCite", func() bool { d, ok := dc.Get(concept); return ok && d.State == "draft" })

	s.do("POST", path+"/publish", tok, nil).want(t, 201)
	v1 := concept + ".v1"
	eventually(t, "v1 findable", func() bool {
		a, _ := dc.Get(v1)
		c, _ := dc.Get(concept)
		return a.State == "findable" && c.State == "findable"
	})
	var pub struct {
		DOI string `json:"doi"`
	}
	s.do("GET", fmt.Sprintf("/v2/articles/%d", item), "", nil).want(t, 200).JSON(t, &pub)
	if pub.DOI != v1 {
		t.Errorf("public article doi %q, want the version DOI %q", pub.DOI, v1)
	}
	c, _ := dc.Get(concept)
	if !strings.HasSuffix(c.URL, fmt.Sprintf("/articles/Soil_moisture_2024/%d", item)) {
		t.Errorf("concept DOI resolves to %q, want the item's landing page", c.URL)
	}
	if !strings.Contains(string(c.XML), `relationType="HasVersion">`+v1+`<`) {
		t.Errorf("concept metadata lacks HasVersion %s:\n%s", v1, c.XML)
	}
	a, _ := dc.Get(v1)
	if !strings.Contains(string(a.XML), `relationType="IsVersionOf">`+concept+`<`) || !strings.HasSuffix(a.URL, "/versions/1") {
		t.Errorf("v1 at %q lacks IsVersionOf %s:\n%s", a.URL, concept, a.XML)
	}

	// DataCite goes down: publishing still works, and the outbox delivers
	// once it is back.
	dc.SetDown(true)
	s.do("PUT", path, tok, map[string]any{"title": "Soil moisture 2024, corrected"}).want(t, 205)
	start := time.Now()
	s.do("POST", path+"/publish", tok, nil).want(t, 201)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("publishing during the outage took %v", d)
	}
	eventually(t, "a refused attempt", func() bool { return dc.Refused() >= 2 })
	out, err := s.cli("", "doi", "status")
	if err != nil || !strings.Contains(out, concept+".v2") || !strings.Contains(out, "503") {
		t.Errorf("doi status during the outage (err %v):\n%s", err, out)
	}
	dc.SetDown(false)
	v2 := concept + ".v2"
	eventually(t, "v2 findable after the outage", func() bool {
		a, _ := dc.Get(v2)
		c, _ := dc.Get(concept)
		return a.State == "findable" && strings.Contains(string(c.XML), `relationType="HasVersion">`+v2+`<`)
	})
	c, _ = dc.Get(concept)
	if !strings.Contains(string(c.XML), "corrected") || !strings.Contains(string(c.XML), `>`+v1+`<`) {
		t.Errorf("concept metadata after v2 lacks the new title or v1:\n%s", c.XML)
	}
	for _, d := range []string{concept, v1, v2} {
		if got, _ := dc.Get(d); got.Creates != 1 {
			t.Errorf("%s was created %d times at DataCite", d, got.Creates)
		}
	}
	if n := dc.Count(); n != 3 {
		t.Errorf("DataCite holds %d DOIs, want 3", n)
	}
	if p := dc.Problems(); len(p) > 0 {
		t.Errorf("requests DataCite would refuse:\n%s", strings.Join(p, "\n"))
	}
	// Withdrawal hides every DOI: they keep resolving to the tombstone but
	// leave DataCite's search.
	admin := s.account("curator@example.edu", true)
	s.do("POST", path+"/unpublish", admin, map[string]string{"reason": "Sensor calibration was wrong"}).want(t, 204)
	eventually(t, "hidden DOIs", func() bool {
		for _, d := range []string{concept, v1, v2} {
			if got, _ := dc.Get(d); got.State != "registered" {
				return false
			}
		}
		return true
	})
	eventually(t, "an empty outbox", func() bool {
		out, err := s.cli("", "doi", "status")
		return err == nil && !strings.Contains(out, "pending")
	})
}

// TestDOIReservedLocally checks that without DataCite credentials DOIs are
// still reserved and carried by published versions, and that a handle
// reservation is refused when no handle prefix is configured.
func TestDOIReservedLocally(t *testing.T) {
	s := startServer(t)
	tok := s.account("depositor@example.edu", false)
	item := s.createItem(t, tok, "Local only")
	path := fmt.Sprintf("/v2/account/articles/%d", item)
	var got struct{ DOI string }
	s.do("POST", path+"/reserve_doi", tok, nil).want(t, 200).JSON(t, &got)
	if want := fmt.Sprintf("10.5072/carrel.%d", item); got.DOI != want {
		t.Fatalf("reserved %q, want %q", got.DOI, want)
	}
	s.do("POST", path+"/reserve_handle", tok, nil).want(t, 422)
	s.do("POST", "/v2/account/articles/999999/reserve_doi", tok, nil).want(t, 404)
	s.do("POST", "/v2/account/articles/abc/reserve_doi", tok, nil).want(t, 404)
	s.do("POST", path+"/publish", tok, nil).want(t, 201)
	out, err := s.cli("", "doi", "status")
	if err != nil || !strings.Contains(out, "disabled") || !strings.Contains(out, got.DOI+".v1") {
		t.Errorf("doi status (err %v):\n%s", err, out)
	}
	// A DOI typed into the metadata by hand is the depositor's own.
	own := s.createItem(t, tok, "Has its own DOI")
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d", own), tok, map[string]any{"doi": "10.1234/elsewhere"}).want(t, 205)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/reserve_doi", own), tok, nil).want(t, 409)
}
