package catalog

import (
	"context"
	"slices"
	"strings"

	"carrel/app"
)

// Overview counts what the administrators' dashboard shows.
func (db *DB) Overview(ctx context.Context) (*app.Overview, error) {
	o := &app.Overview{ItemsByStatus: map[app.ItemStatus]int64{}}
	rows, err := db.read.QueryContext(ctx, `SELECT status, count(*) FROM items GROUP BY status`)
	if err != nil {
		return nil, translate(err)
	}
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		o.ItemsByStatus[app.ItemStatus(st)] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	var oldest string
	if err := db.read.QueryRowContext(ctx, `SELECT count(*), coalesce(min(created_at), '') FROM reviews WHERE status = 'pending'`).
		Scan(&o.PendingReviews, &oldest); err != nil {
		return nil, translate(err)
	}
	if oldest != "" {
		o.OldestPending = parseTime(oldest)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce(sum(size), 0) FROM files WHERE status != 'error'`).Scan(&o.StorageUsed); err != nil {
		return nil, translate(err)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(active), 0) FROM accounts`).Scan(&o.Accounts, &o.ActiveAccounts); err != nil {
		return nil, translate(err)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM quota_requests WHERE status = 'pending'`).Scan(&o.PendingQuotaRequests); err != nil {
		return nil, translate(err)
	}
	if o.FixityFailures, err = db.FixityFailures(ctx); err != nil {
		return nil, err
	}
	return o, nil
}

// GroupUsages lists every group as a tree (each group followed by its
// subgroups, by name) with the storage it and its subgroups use and
// whether review is required there.
func (db *DB) GroupUsages(ctx context.Context) ([]app.GroupUsage, error) {
	groups, err := db.Groups(ctx)
	if err != nil {
		return nil, err
	}
	direct := map[int64]int64{}
	rows, err := db.read.QueryContext(ctx, `SELECT i.group_id, coalesce(sum(f.size), 0) FROM files f JOIN items i ON i.id = f.item_id
		WHERE f.status != 'error' GROUP BY i.group_id`)
	if err != nil {
		return nil, translate(err)
	}
	for rows.Next() {
		var g, n int64
		if err := rows.Scan(&g, &n); err != nil {
			rows.Close()
			return nil, translate(err)
		}
		direct[g] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	own, err := db.reviewGroups(ctx)
	if err != nil {
		return nil, err
	}
	children := map[int64][]app.Group{}
	for _, g := range groups {
		children[g.ParentID] = append(children[g.ParentID], g)
	}
	var out []app.GroupUsage
	var walk func(parent int64, depth int, inherited bool) int64
	walk = func(parent int64, depth int, inherited bool) int64 {
		kids := children[parent]
		sortGroups(kids)
		var total int64
		for _, g := range kids {
			i := len(out)
			out = append(out, app.GroupUsage{Group: g, Depth: depth, Own: own[g.ID], Review: inherited || own[g.ID]})
			used := direct[g.ID] + walk(g.ID, depth+1, inherited || own[g.ID])
			out[i].Used = used
			total += used
		}
		return total
	}
	walk(0, 0, false)
	return out, nil
}

func sortGroups(gs []app.Group) {
	slices.SortFunc(gs, func(a, b app.Group) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
}

// reviewGroups returns the groups that switch review on themselves.
func (db *DB) reviewGroups(ctx context.Context) (map[int64]bool, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT group_id FROM review_groups`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	on := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, translate(err)
		}
		on[id] = true
	}
	return on, translate(rows.Err())
}
