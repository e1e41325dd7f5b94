package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestQuotaRequests runs requests for more storage from the depositor's
// workspace to the administrators' decision: bad input refused with
// nothing saved, one request pending at a time, approval (with another
// amount) setting the quota the API reports, a decline with its reason,
// a second decision refused, the audit, who may see the page, and the
// mail to administrators and requester through a real SMTP server.
func TestQuotaRequests(t *testing.T) {
	sink := newSMTPSink(t)
	sink.start()
	s := startServerWith(t, fmt.Sprintf(`[upload]
default_quota = 1000000000

[mail]
enabled = true
host = "127.0.0.1"
port = %d
tls = "none"
from = "Test Repository <repo@example.edu>"

[jobs.notify]
enabled = false
`, sink.port))
	must(s.cli("", "jobs", "run", "notify")) // history is not mailed
	dep := browserSignIn(t, s, "dep@example.edu", false)
	tok := strings.TrimSpace(must(s.cli("", "token", "create", "--email", "dep@example.edu")))
	admin := browserSignIn(t, s, "boss@example.edu", true)
	type accountJSON struct {
		Quota   int64 `json:"quota"`
		Pending bool  `json:"pending_quota_request"`
	}
	apiAccount := func() (a accountJSON) {
		t.Helper()
		s.do("GET", "/v2/account", tok, nil).want(t, 200).JSON(t, &a)
		return a
	}

	dep.want("/account", 200, "You use 0 B of your 1.0 GB quota (the default for every account)", `<meter id="storage-meter"`, "Request more storage")
	long := strings.Repeat("x", 2001)
	for _, bad := range []struct {
		amount, unit, reason, want string
	}{
		{"lots", "GB", "Survey data", `&#34;lots&#34; is not a number`},
		{"", "GB", "Survey data", "Enter the total storage you need"},
		{"0", "GB", "Survey data", "greater than zero"},
		{"-5", "GB", "Survey data", "greater than zero"},
		{"NaN", "GB", "Survey data", "is not a number"},
		{"5000", "TB", "Survey data", "At most 1000 TB"},
		{"1", "GB", "Survey data", "Ask for more than your current quota of 1.0 GB"},
		{"500", "MB", "Survey data", "Ask for more than your current quota"},
		{"50", "XB", "Survey data", "Choose the unit from the list."},
		{"50", "GB", "   ", "Say briefly why you need more storage."},
		{"50", "GB", long, "The reason is too long: at most 2000 characters; it has 2001."},
	} {
		code, page := dep.post("/account/quota", url.Values{"amount": {bad.amount}, "unit": {bad.unit}, "reason": {bad.reason}})
		if code != 422 || !strings.Contains(page, bad.want) || !strings.Contains(page, `aria-invalid="true"`) {
			t.Fatalf("request %+v: %d, want 422 with %q:\n%s", bad, code, bad.want, page)
		}
		if bad.amount != "" && !strings.Contains(page, `value="`+bad.amount+`"`) {
			t.Fatalf("request %+v: what was typed is lost:\n%s", bad, page)
		}
	}
	if a := apiAccount(); a.Pending || a.Quota != 1e9 {
		t.Fatalf("after bad requests the API says %+v", a)
	}
	admin.want("/admin/quota-requests", 200, "No request is waiting.")

	// A request, then a second one while it waits.
	code, page := dep.post("/account/quota", url.Values{"amount": {"50"}, "unit": {"GB"}, "reason": {"Glacier survey imagery,\nabout 45 GB."}})
	if code != 200 || !strings.Contains(page, "Your request was sent.") || !strings.Contains(page, "raised to 50.0 GB") {
		t.Fatalf("request: %d\n%s", code, page)
	}
	if strings.Contains(page, "Send the request") {
		t.Fatalf("the form is offered while a request waits:\n%s", page)
	}
	code, page = dep.post("/account/quota", url.Values{"amount": {"80"}, "unit": {"GB"}, "reason": {"More"}})
	if code != 409 || !strings.Contains(page, "You already have a request waiting") {
		t.Fatalf("second request: %d\n%s", code, page)
	}
	if a := apiAccount(); !a.Pending || a.Quota != 1e9 {
		t.Fatalf("with a request waiting the API says %+v", a)
	}

	// Only administrators see and decide requests.
	dep.want("/admin/quota-requests", 404)
	if code, _ := dep.post("/admin/quota-requests/1", url.Values{"decision": {"approve"}}); code != 404 {
		t.Fatalf("a depositor deciding: %d", code)
	}
	_, dept, _ := reviewGroups(t, s)
	ga := browserSignIn(t, s, "ga@example.edu", false)
	must(s.cli("", "user", "role", "ga@example.edu", "group_admin", "--group", fmt.Sprint(dept)))
	ga.want("/admin/quota-requests", 404)
	if code, _ := ga.post("/admin/quota-requests/1", url.Values{"decision": {"approve"}}); code != 404 {
		t.Fatalf("a group administrator deciding: %d", code)
	}
	s.do("POST", "/admin/quota-requests/1", "", "decision=approve", "Content-Type", "application/x-www-form-urlencoded", "Origin", s.URL).want(t, 401)

	admin.want("/admin", 200, `<a href="/admin/quota-requests">Quota requests</a>`, "1 waiting.", "1 request(s) for more storage waiting")
	admin.want("/admin/quota-requests", 200, "Request 1: Libby Rarian", "dep@example.edu", "Glacier survey imagery,\nabout 45 GB.",
		"50.0 GB in all", "1.0 GB (the default)", `value="50 GB"`)
	for _, bad := range []struct {
		path string
		form url.Values
		code int
		want string
	}{
		{"/admin/quota-requests/1", url.Values{"decision": {"decline"}, "note": {"  "}}, 422, "Give the reason for declining"},
		{"/admin/quota-requests/1", url.Values{"decision": {"approve"}, "quota": {"heaps"}}, 422, "The quota to grant is a size"},
		{"/admin/quota-requests/1", url.Values{"decision": {"approve"}, "quota": {"5000 TB"}}, 422, "at most 1000 TB"},
		{"/admin/quota-requests/1", url.Values{"decision": {"approve"}, "note": {long}}, 422, "The note is too long"},
		{"/admin/quota-requests/1", url.Values{"decision": {"maybe"}}, 400, "Choose to approve or decline"},
		{"/admin/quota-requests/99", url.Values{"decision": {"decline"}, "note": {"No"}}, 404, ""},
		{"/admin/quota-requests/x", url.Values{"decision": {"decline"}, "note": {"No"}}, 404, ""},
	} {
		code, page := admin.post(bad.path, bad.form)
		if code != bad.code || !strings.Contains(page, bad.want) {
			t.Fatalf("decision %s %v: %d, want %d with %q:\n%s", bad.path, bad.form, code, bad.code, bad.want, page)
		}
		if bad.form.Get("quota") == "heaps" && !strings.Contains(page, `value="heaps"`) {
			t.Fatalf("what was typed is lost:\n%s", page)
		}
	}
	if a := apiAccount(); !a.Pending || a.Quota != 1e9 {
		t.Fatalf("after refused decisions the API says %+v", a)
	}

	// Approved with another amount: the quota is in force at once.
	code, page = admin.post("/admin/quota-requests/1", url.Values{"decision": {"approve"}, "quota": {"40 GB"}, "note": {"40 GB for now; ask again in spring."}})
	if code != 200 || !strings.Contains(page, "Approved: the new quota is in force.") || !strings.Contains(page, "No request is waiting.") {
		t.Fatalf("approve: %d\n%s", code, page)
	}
	if a := apiAccount(); a.Pending || a.Quota != 40e9 {
		t.Fatalf("after approval the API says %+v", a)
	}
	for _, decision := range []url.Values{{"decision": {"approve"}}, {"decision": {"decline"}, "note": {"Too late"}}} {
		code, page := admin.post("/admin/quota-requests/1", decision)
		if code != 409 || !strings.Contains(page, "This request was already approved on") {
			t.Fatalf("deciding twice (%v): %d\n%s", decision, code, page)
		}
	}
	if a := apiAccount(); a.Quota != 40e9 {
		t.Fatalf("a second decision changed the quota: %+v", a)
	}
	dep.want("/account", 200, "of your 40.0 GB quota", "<strong>approved</strong> (40.0 GB granted)", "ask again in spring")

	// Declined with a reason: the quota stays.
	if code, page := dep.post("/account/quota", url.Values{"amount": {"0.1"}, "unit": {"TB"}, "reason": {"The imagery came out larger."}}); code != 200 {
		t.Fatalf("second request: %d\n%s", code, page)
	}
	code, page = admin.post("/admin/quota-requests/2", url.Values{"decision": {"decline"}, "note": {"Please use the department's share first."}})
	if code != 200 || !strings.Contains(page, "Declined") {
		t.Fatalf("decline: %d\n%s", code, page)
	}
	if a := apiAccount(); a.Pending || a.Quota != 40e9 {
		t.Fatalf("after the decline the API says %+v", a)
	}
	dep.want("/account", 200, "<strong>declined</strong>", "department&#39;s share first", "Request more storage")
	admin.want("/admin/audit?action=quota", 200, "quota.request", "quota.approve", "quota.decline",
		"request 1: quota=1000000000-&gt;50000000000", "request 1: quota=0-&gt;40000000000", "reason=&#34;Please use the department&#39;s share first.&#34;")

	// Mail: each request to the administrators, each decision to the
	// requester, once.
	must(s.cli("", "jobs", "run", "notify"))
	must(s.cli("", "jobs", "run", "notify"))
	msgs := sink.messages()
	want := []struct{ to, subject, body string }{
		{"boss@example.edu", "Storage request from Libby Rarian", "Glacier survey imagery,"},
		{"dep@example.edu", "More storage: your quota is now 40.0 GB", "ask again in spring"},
		{"boss@example.edu", "Storage request from Libby Rarian", "from 40.0 GB to 100.0 GB"},
		{"dep@example.edu", "Your storage request was declined", "Please use the department's share first."},
	}
	if len(msgs) != len(want) {
		t.Fatalf("%d messages, want %d: %q", len(msgs), len(want), msgs)
	}
	for i, w := range want {
		if !strings.Contains(msgs[i], "X-Rcpt-To: "+w.to) || !strings.Contains(msgs[i], w.subject) || !strings.Contains(msgs[i], w.body) {
			t.Errorf("message %d, want %+v:\n%s", i, w, msgs[i])
		}
	}
}
