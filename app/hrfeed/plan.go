package hrfeed

import (
	"fmt"
	"strings"

	"carrel/app"
)

// Plan works out what applying the records would change, given every
// account and group as they are now. Accounts the feed has managed before
// (they have an institution user id) and that are missing from it are
// deactivated: a feed lists everyone.
func Plan(recs []Record, accounts []app.FedAccount, groups []app.Group) *app.FeedPlan {
	p := &app.FeedPlan{Records: len(recs)}
	problem := func(line int, format string, args ...any) {
		p.Problems = append(p.Problems, app.FeedProblem{Line: line, Message: fmt.Sprintf(format, args...)})
	}
	byInst, byEmail := map[string]*app.FedAccount{}, map[string]*app.FedAccount{}
	for i := range accounts {
		a := &accounts[i]
		if a.InstitutionUserID != "" {
			byInst[a.InstitutionUserID] = a
		}
		byEmail[strings.ToLower(a.Email)] = a
	}
	groupOf := map[string]int64{}
	for _, g := range groups {
		if g.ResourceID != "" {
			groupOf[g.ResourceID] = g.ID
		}
	}
	inFeed, emails, claimed := map[string]int{}, map[string]int{}, map[int64]bool{}
	fedActiveBefore, fedActiveAfter := 0, 0
	for _, r := range recs {
		if prev, ok := inFeed[r.UniqueID]; ok && r.UniqueID != "" {
			problem(r.Line, "UniqueID %s also appears at line %d", r.UniqueID, prev)
			continue
		}
		inFeed[r.UniqueID] = r.Line
		email := strings.ToLower(r.Email)
		if prev, ok := emails[email]; ok && email != "" {
			problem(r.Line, "Email %s also appears at line %d", r.Email, prev)
			continue
		}
		emails[email] = r.Line
		group, ok := groupOf[r.Criteria]
		if r.Criteria != "" && !ok {
			problem(r.Line, "no group has the association criteria %q; set it as a group's resource id first", r.Criteria)
			continue
		}
		before := byInst[r.UniqueID]
		if before == nil {
			if other := byEmail[email]; other != nil {
				if other.InstitutionUserID != "" {
					problem(r.Line, "Email %s belongs to the account with UniqueID %s", r.Email, other.InstitutionUserID)
					continue
				}
				before = other
			}
		} else if other := byEmail[email]; other != nil && other.ID != before.ID {
			problem(r.Line, "Email %s belongs to another account (%s)", r.Email, other.Email)
			continue
		}
		after := app.Account{Email: r.Email, FirstName: r.FirstName, LastName: r.LastName, ORCID: app.NormalizeORCID(r.ORCID),
			Active: r.Active, Quota: r.Quota, GroupID: group}
		if r.Active {
			fedActiveAfter++
		}
		if before == nil {
			p.Changes = append(p.Changes, app.AccountChange{Kind: "create", InstitutionUserID: r.UniqueID, After: after,
				Fields: []string{fmt.Sprintf("new account %s (%s)", r.Email, after.FullName())}})
			continue
		}
		claimed[before.ID] = true
		if before.InstitutionUserID != "" && before.Active {
			fedActiveBefore++
		}
		after.ID, after.Admin, after.Created = before.ID, before.Admin, before.Created
		if !r.QuotaSet {
			after.Quota = before.Quota
		}
		if r.ORCID == "" {
			after.ORCID = before.ORCID // the feed does not know everyone's ORCID; never erase one
		}
		fields := diff(&before.Account, &after)
		if before.InstitutionUserID == "" {
			fields = append(fields, "institution user id: "+r.UniqueID)
		}
		if len(fields) == 0 {
			p.Unchanged++
			continue
		}
		b := before.Account
		p.Changes = append(p.Changes, app.AccountChange{Kind: kindOf(&b, &after), InstitutionUserID: r.UniqueID, Before: &b, After: after, Fields: fields})
	}
	for i := range accounts {
		a := &accounts[i]
		if a.InstitutionUserID == "" || claimed[a.ID] {
			continue
		}
		if _, ok := inFeed[a.InstitutionUserID]; ok {
			continue // its record had a problem
		}
		if !a.Active {
			continue
		}
		fedActiveBefore++
		b, after := a.Account, a.Account
		after.Active = false
		p.Changes = append(p.Changes, app.AccountChange{Kind: "deactivate", InstitutionUserID: a.InstitutionUserID, Before: &b, After: after,
			Fields: []string{"not in the feed: deactivated"}})
	}
	p.DeactivatesEveryone = fedActiveBefore > 0 && fedActiveAfter == 0
	return p
}

// kindOf names a change to an existing account.
func kindOf(before, after *app.Account) string {
	switch {
	case before.Active && !after.Active:
		return "deactivate"
	case !before.Active && after.Active:
		return "reactivate"
	}
	return "update"
}

// diff describes, for people, each managed field that changes.
func diff(a, b *app.Account) []string {
	var out []string
	str := func(name, x, y string) {
		if x != y {
			out = append(out, fmt.Sprintf("%s: %q → %q", name, x, y))
		}
	}
	str("email", a.Email, b.Email)
	str("first name", a.FirstName, b.FirstName)
	str("last name", a.LastName, b.LastName)
	str("ORCID", a.ORCID, b.ORCID)
	if a.Quota != b.Quota {
		out = append(out, fmt.Sprintf("quota: %d → %d bytes", a.Quota, b.Quota))
	}
	if a.GroupID != b.GroupID {
		out = append(out, fmt.Sprintf("group: %d → %d", a.GroupID, b.GroupID))
	}
	if a.Active != b.Active {
		out = append(out, map[bool]string{true: "reactivated", false: "deactivated"}[b.Active])
	}
	return out
}
