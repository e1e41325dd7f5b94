package search

import (
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// A date a filter reads (published, modified) is indexed as three keyword
// terms, its UTC year, month and day ("y2024", "m202401", "d20240131"),
// beside its sort key, the full instant ("20240131120000.000000000").
//
// Bleve's date fields index sixteen precision-shifted terms per value,
// nearly all of them unique to a few documents; they made the date fields
// about a third of the cost of indexing. A range here is cut into whole
// years, months and days at its middle and, at ragged ends, the sort keys
// of the part of a day it covers: a few term ranges whose terms number
// about as many as a date field's range would visit.
func dateTerms(t time.Time) []string {
	t = t.UTC()
	return []string{"y" + t.Format("2006"), "m" + t.Format("200601"), "d" + t.Format("20060102")}
}

// dateRange matches since <= date < before; a zero bound is open. field
// holds dateTerms, keyField the timeKey of the same date.
func dateRange(field, keyField string, since, before time.Time) query.Query {
	since, before = since.UTC(), before.UTC()
	var parts []query.Query
	add := func(f, lo, hi string) {
		if lo < hi {
			incl, excl := true, false
			r := bleve.NewTermRangeInclusiveQuery(lo, hi, &incl, &excl)
			r.SetField(f)
			parts = append(parts, r)
		}
	}
	open := before.IsZero()
	lo, hi := since, before
	if !lo.IsZero() {
		if day := startOfDay(lo); !day.Equal(lo) {
			next := day.AddDate(0, 0, 1)
			end := next
			if !open && hi.Before(end) {
				end = hi
			}
			add(keyField, timeKey(lo), timeKey(end))
			lo = next
		}
	}
	if !open {
		if day := startOfDay(hi); !day.Equal(hi) {
			start := day
			if !lo.IsZero() && lo.After(start) {
				start = lo
			}
			add(keyField, timeKey(start), timeKey(hi))
			hi = day
		}
	}
	if lo.IsZero() || open || lo.Before(hi) {
		wholeDays(add, field, lo, hi)
	}
	if len(parts) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return bleve.NewDisjunctionQuery(parts...)
}

// wholeDays adds the term ranges of [lo, hi), both at midnight or zero
// (open): days up to the first month boundary, months up to the first year
// boundary, whole years, then months and days again up to hi.
func wholeDays(add func(f, lo, hi string), field string, lo, hi time.Time) {
	day := func(t time.Time) string { return "d" + t.Format("20060102") }
	month := func(t time.Time) string { return "m" + t.Format("200601") }
	year := func(t time.Time) string { return "y" + t.Format("2006") }
	// tail adds the months and days of hi's year before hi.
	tail := func(from time.Time) {
		mHi := time.Date(hi.Year(), hi.Month(), 1, 0, 0, 0, 0, time.UTC)
		add(field, month(from), month(mHi))
		add(field, day(mHi), day(hi))
	}
	if lo.IsZero() {
		if hi.IsZero() {
			add(field, "y", "z")
			return
		}
		yHi := time.Date(hi.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		add(field, "y", year(yHi))
		tail(yHi)
		return
	}
	mLo := time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, time.UTC)
	if mLo.Before(lo) {
		mLo = mLo.AddDate(0, 1, 0)
	}
	if !hi.IsZero() && !mLo.Before(hi) {
		add(field, day(lo), day(hi))
		return
	}
	add(field, day(lo), day(mLo))
	yLo := time.Date(mLo.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	if yLo.Before(mLo) {
		yLo = yLo.AddDate(1, 0, 0)
	}
	if !hi.IsZero() && yLo.After(hi) {
		tail(mLo)
		return
	}
	add(field, month(mLo), month(yLo))
	if hi.IsZero() {
		add(field, year(yLo), "z")
		return
	}
	yHi := time.Date(hi.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	add(field, year(yLo), year(yHi))
	tail(yHi)
}

func startOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
