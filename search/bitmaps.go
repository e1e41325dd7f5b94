package search

import (
	"context"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A query with no text (browsing, a group's or an author's page) is only
// filters, and a filter's matches are already a bitmap in each segment:
// the postings of its terms. So such a query is answered by intersecting
// those bitmaps and handing each remaining document to the collector,
// without a searcher's per-document work; nothing is scored.

// collectFiltered collects the documents of snap that pass every filter
// and the plan's own.
func (s *columnStore) collectFiltered(ctx context.Context, snap *scorch.IndexSnapshot, fs []filter, p plan) (*collected, error) {
	c, err := newCollector(s, snap, p)
	if err != nil {
		return nil, err
	}
	buf := make([]uint32, 1024)
	for i, ss := range snap.Segments() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bm, err := matching(ss, fs)
		if err != nil {
			return nil, err
		}
		if bm.IsEmpty() {
			continue
		}
		if err := c.enter(i); err != nil {
			return nil, err
		}
		base := c.offsets[i]
		err = c.acceptEach(ctx, bm, buf, func(ds []uint32) {
			for _, d := range ds {
				c.consider(uint64(d), 0, base+uint64(d))
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return c.finish()
}

// acceptEach hands the documents of bm, of the current segment, that the
// collector accepts to fn, a batch at a time in index order; buf holds a
// batch.
func (c *collector) acceptEach(ctx context.Context, bm *roaring.Bitmap, buf []uint32, fn func(ds []uint32)) error {
	it := bm.ManyIterator()
	for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
		if ds := c.acceptBatch(buf[:n]); len(ds) > 0 {
			fn(ds)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// matching is the bitmap of the live documents of ss that pass every
// filter; it may be changed.
func matching(ss *scorch.SegmentSnapshot, fs []filter) (*roaring.Bitmap, error) {
	seg := ss.Segment()
	var bm *roaring.Bitmap
	for _, f := range fs {
		fb, err := filterBitmap(seg, f)
		if err != nil {
			return nil, err
		}
		if bm == nil {
			bm = fb
		} else {
			bm.And(fb)
		}
		if bm.IsEmpty() {
			return bm, nil
		}
	}
	if bm == nil {
		bm = roaring.New()
		bm.AddRange(0, seg.Count())
	}
	if del := ss.Deleted(); del != nil {
		bm.AndNot(del)
	}
	return bm, nil
}

// filterBitmap is the bitmap of the documents of seg that carry any of f's
// terms, deleted ones included; a new one, which the caller may change.
func filterBitmap(seg segment.Segment, f filter) (*roaring.Bitmap, error) {
	if f.field == idField {
		return seg.DocNumbers(f.terms)
	}
	dict, err := seg.Dictionary(f.field)
	if err != nil {
		return nil, err
	}
	out := roaring.New()
	var pl segment.PostingsList
	var it segment.PostingsIterator
	for _, t := range f.terms {
		if pl, err = dict.PostingsList([]byte(t), nil, pl); err != nil {
			return nil, err
		}
		var bm *roaring.Bitmap
		if bm, it, err = postingsBitmap(pl, it); err != nil {
			return nil, err
		}
		out.Or(bm)
	}
	return out, nil
}
