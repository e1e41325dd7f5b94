package hrfeed_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"carrel/app"
	"carrel/app/catalog"
	"carrel/app/hrfeed"
)

const header = `<?xml version="1.0"?>
<HRFeed>
`

func record(id, first, last, email, active, quota, criteria string) string {
	return `  <Record>
    <UniqueID>` + id + `</UniqueID>
    <Orcid></Orcid>
    <FirstName>` + first + `</FirstName>
    <LastName>` + last + `</LastName>
    <Title>Dr</Title>
    <Initials></Initials>
    <Suffix></Suffix>
    <Email>` + email + `</Email>
    <IsActive>` + active + `</IsActive>
    <UserQuota>` + quota + `</UserQuota>
    <UserAssociationCriteria>` + criteria + `</UserAssociationCriteria>
  </Record>
`
}

func feed(records ...string) string { return header + strings.Join(records, "") + "</HRFeed>\n" }

func TestParseProblems(t *testing.T) {
	for _, tc := range []struct {
		name, xml string
		want      []string // "line: substring"
	}{
		{"NotXML", "<HRFeed><Record></HRFeed>", []string{"1: not well-formed"}},
		{"Empty", "", []string{"1: the file is empty"}},
		{"WrongRoot", "<Feed/>", []string{"1: root element is <Feed>"}},
		{"BadFields", feed(record("1", "Jane", "Doe", "not-an-email", "maybe", "-5", "")),
			[]string{"12: IsActive is \"maybe\"", "13: UserQuota \"-5\"", "3: Email \"not-an-email\""}},
		{"MissingFields", feed(`  <Record>
    <FirstName>Jane</FirstName>
    <Emial>j@example.edu</Emial>
  </Record>
`), []string{"5: unknown field <Emial>", "3: the record has no UniqueID", "3: record  has no Email", "3: has no IsActive"}},
		{"BadORCID", feed(strings.Replace(record("1", "Jane", "Doe", "j@example.edu", "Y", "", ""), "<Orcid></Orcid>", "<Orcid>0000-0002-1825-0098</Orcid>", 1)),
			[]string{"5: the Orcid \"0000-0002-1825-0098\" is not a valid ORCID"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, probs := hrfeed.Parse(strings.NewReader(tc.xml))
			for _, w := range tc.want {
				line, msg, _ := strings.Cut(w, ": ")
				found := false
				for _, p := range probs {
					if strings.Contains(p.Message, msg) && strconv.Itoa(p.Line) == line {
						found = true
					}
				}
				if !found {
					t.Errorf("want a problem %q; got %v", w, probs)
				}
			}
		})
	}
	t.Run("FigshareExample", func(t *testing.T) {
		recs, probs := hrfeed.Parse(strings.NewReader(feed(
			record("1234567", "Jane", "Doe", "j.doe@sillymail.io", "Y", "1048576000", "IT"),
			record("1234568", "John", "Smith", "js@seriousness.com", "Y", "10485760000", ""))))
		if len(probs) != 0 || len(recs) != 2 || recs[0].Quota != 1048576000 || !recs[1].Active || recs[0].Criteria != "IT" {
			t.Fatalf("recs %+v problems %v", recs, probs)
		}
	})
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	db, err := catalog.Open(ctx, filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	admin := app.AuditEntry{ActorID: 1, Address: "192.0.2.9"}
	it := &app.Group{Name: "Information Technology", ResourceID: "IT"}
	if err := db.CreateGroup(ctx, it, admin); err != nil {
		t.Fatal(err)
	}
	local := &app.Account{Email: "local@example.edu", FirstName: "Local", LastName: "Admin", Admin: true}
	if err := db.CreateAccount(ctx, local, ""); err != nil {
		t.Fatal(err)
	}
	existing := &app.Account{Email: "js@example.edu", FirstName: "John", LastName: "Smyth", ORCID: "0000-0002-1825-0097"}
	if err := db.CreateAccount(ctx, existing, ""); err != nil {
		t.Fatal(err)
	}
	svc := &hrfeed.Service{Store: db}
	apply := func(t *testing.T, xml string, force bool) (*app.FeedPlan, error) {
		t.Helper()
		p, err := svc.Check(ctx, strings.NewReader(xml), 1)
		if err != nil {
			t.Fatal(err)
		}
		return svc.Apply(ctx, p.UploadID, force, admin)
	}

	t.Run("CreateAndLink", func(t *testing.T) {
		p, err := apply(t, feed(
			record("1", "Jane", "Doe", "jane@example.edu", "Y", "1048576000", "IT"),
			record("2", "John", "Smith", "js@example.edu", "Y", "", "")), false)
		if err != nil {
			t.Fatal(err)
		}
		if p.Count("create") != 1 || p.Count("update") != 1 {
			t.Fatalf("changes %+v", p.Changes)
		}
		jane, err := db.AccountByEmail(ctx, "jane@example.edu")
		if err != nil || jane.GroupID != it.ID || jane.Quota != 1048576000 || !jane.Active {
			t.Fatalf("jane = %+v, %v", jane, err)
		}
		john, _ := db.AccountByEmail(ctx, "js@example.edu")
		if john.ID != existing.ID || john.LastName != "Smith" || john.ORCID != "0000-0002-1825-0097" {
			t.Fatalf("john = %+v (the feed's empty Orcid must not erase his)", john)
		}
	})
	t.Run("UnchangedFeedChangesNothing", func(t *testing.T) {
		p, err := apply(t, feed(
			record("1", "Jane", "Doe", "jane@example.edu", "Y", "1048576000", "IT"),
			record("2", "John", "Smith", "js@example.edu", "Y", "", "")), false)
		if err != nil || len(p.Changes) != 0 || p.Unchanged != 2 {
			t.Fatalf("plan %+v, %v", p, err)
		}
	})
	t.Run("ProblemsApplyNothing", func(t *testing.T) {
		_, err := apply(t, feed(
			record("1", "Jane", "Doe-Renamed", "jane@example.edu", "Y", "", "IT"),
			record("3", "Ann", "Other", "ann@example.edu", "Y", "", "NOSUCH")), false)
		if app.ErrorCode(err) != app.EUNPROCESSABLE || !strings.Contains(app.ErrorMessage(err), `line 16: no group has the association criteria "NOSUCH"`) {
			t.Fatalf("got %v", err)
		}
		jane, _ := db.AccountByEmail(ctx, "jane@example.edu")
		if jane.LastName != "Doe" {
			t.Fatal("a feed with a problem changed an account")
		}
	})
	t.Run("DeactivatingEveryoneNeedsForce", func(t *testing.T) {
		truncated := feed()
		p, err := apply(t, truncated, false)
		if app.ErrorCode(err) != app.EUNPROCESSABLE || !p.DeactivatesEveryone {
			t.Fatalf("got %v, plan %+v", err, p)
		}
		if a, _ := db.AccountByEmail(ctx, "jane@example.edu"); !a.Active {
			t.Fatal("refused feed deactivated jane")
		}
		if _, err := apply(t, truncated, true); err != nil {
			t.Fatal(err)
		}
		for _, email := range []string{"jane@example.edu", "js@example.edu"} {
			if a, _ := db.AccountByEmail(ctx, email); a.Active {
				t.Errorf("%s still active", email)
			}
		}
		if a, _ := db.AccountByEmail(ctx, "local@example.edu"); !a.Active {
			t.Error("an account the feed never managed was deactivated")
		}
	})
	t.Run("Reactivate", func(t *testing.T) {
		p, err := apply(t, feed(record("1", "Jane", "Doe", "jane@example.edu", "Y", "1048576000", "IT")), false)
		if err != nil || p.Count("reactivate") != 1 {
			t.Fatalf("plan %+v, %v", p, err)
		}
	})
	t.Run("StaleOrAppliedPlansAreRefused", func(t *testing.T) {
		p, err := svc.Check(ctx, strings.NewReader(feed(record("1", "Jane", "Doe", "jane@example.edu", "N", "", "IT"))), 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Apply(ctx, p.UploadID, true, admin); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Apply(ctx, p.UploadID, true, admin); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("second apply: %v", err)
		}
		if _, err := svc.Apply(ctx, 9999, false, admin); app.ErrorCode(err) != app.ENOTFOUND {
			t.Fatalf("unknown upload: %v", err)
		}
	})
	t.Run("Audited", func(t *testing.T) {
		entries, err := db.AuditEntries(ctx, app.AuditFilter{Action: "hrfeed.", Limit: 100})
		if err != nil || len(entries) < 5 || entries[0].Address != "192.0.2.9" {
			t.Fatalf("audit %+v, %v", entries, err)
		}
	})
}
