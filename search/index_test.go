package search

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"carrel/app"
)

func TestApply(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ix := MustOpen(t, "")
		if got, err := ix.Applied(); err != nil || got != 0 {
			t.Fatalf("Applied() of a new index = %d, %v; want 0", got, err)
		}
		mustApply(t, ix, 3, []Document{{ItemID: 1, Public: true, Title: "First"}, {ItemID: 2, Public: true, Title: "Second"}})
		mustApply(t, ix, 5, []Document{{ItemID: 1, Public: true, Title: "Renamed"}}, 2)
		if got, _ := ix.Applied(); got != 5 {
			t.Errorf("Applied() = %d, want 5", got)
		}
		if n, _ := ix.Count(); n != 1 {
			t.Errorf("Count() = %d, want 1", n)
		}
		if got := ids(mustSearch(t, ix, Query{Text: "first"})); len(got) != 0 {
			t.Errorf("old title still found: %v", got)
		}
		if got := ids(mustSearch(t, ix, Query{Text: "renamed"})); !slices.Equal(got, []int64{1}) {
			t.Errorf("new title: got %v, want [1]", got)
		}
	})
	t.Run("unpublished item leaves public search", func(t *testing.T) {
		ix := MustOpen(t, "")
		mustApply(t, ix, 1, []Document{{ItemID: 1, Public: true, Title: "Visible"}})
		mustApply(t, ix, 2, []Document{{ItemID: 1, Public: true, Confidential: true, Title: "Visible"}})
		if got := ids(mustSearch(t, ix, Query{Text: "visible"})); len(got) != 0 {
			t.Errorf("confidential item found: %v", got)
		}
	})
	t.Run("delete wins over put", func(t *testing.T) {
		ix := MustOpen(t, "")
		mustApply(t, ix, 1, []Document{{ItemID: 1, Public: true}}, 1)
		if n, _ := ix.Count(); n != 0 {
			t.Errorf("Count() = %d, want 0", n)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		ix := MustOpen(t, "")
		mustApply(t, ix, 4, []Document{{ItemID: 1, Public: true, Title: "kept"}})
		for _, seq := range []int64{4, 3} {
			err := ix.Apply(context.Background(), seq, []Document{{ItemID: 1, Public: true, Title: "stale"}}, nil)
			wantCode(t, err, app.ECONFLICT)
		}
		if got := ids(mustSearch(t, ix, Query{Text: "kept"})); !slices.Equal(got, []int64{1}) {
			t.Errorf("a rejected change was applied: %v", got)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		ix := MustOpen(t, "")
		wantCode(t, ix.Apply(context.Background(), 1, []Document{{Title: "no id"}}, nil), app.EINVALID)
		if got, _ := ix.Applied(); got != 0 {
			t.Errorf("Applied() = %d after a rejected change, want 0", got)
		}
	})
	t.Run("closed", func(t *testing.T) {
		ix := MustOpen(t, "")
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
		wantCode(t, ix.Apply(context.Background(), 1, nil, nil), app.EINTERNAL)
		_, err := ix.Search(context.Background(), Query{})
		wantCode(t, err, app.EINTERNAL)
	})
}

func TestOpen_Disk(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, ix, 9, fixture())
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// A crashed rebuild leaves a generation nobody points at.
	stale := filepath.Join(dir, "gen-00000077")
	if err := os.MkdirAll(stale, 0o700); err != nil {
		t.Fatal(err)
	}

	ix = MustOpen(t, dir)
	if got, _ := ix.Applied(); got != 9 {
		t.Errorf("Applied() after reopening = %d, want 9", got)
	}
	if got := sortedIDs(mustSearch(t, ix, Query{Text: "glacier"})); !slices.Equal(got, []int64{1, 2, 5}) {
		t.Errorf("after reopening: got %v, want [1 2 5]", got)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale generation not removed: %v", err)
	}
}

func TestOpen_SchemaChange(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, ix, 9, fixture())
	g, release, _ := ix.current()
	if err := g.idx.SetInternal([]byte(keySchema), []byte("carrel-search-0")); err != nil {
		t.Fatal(err)
	}
	release()
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix = MustOpen(t, dir)
	if got, _ := ix.Applied(); got != 0 {
		t.Errorf("Applied() of an index under an old schema = %d, want 0 so the caller rebuilds", got)
	}
	if n, _ := ix.Count(); n != 0 {
		t.Errorf("Count() = %d, want 0", n)
	}
}

// changeLog is a catalog's change log as the tests model it: change i puts
// item i and, from change 5 on, deletes item i-4.
func changeLog(after, last int64, apply func(seq int64, put []Document, del []int64) error) error {
	for seq := after + 1; seq <= last; seq++ {
		var del []int64
		if seq >= 5 {
			del = []int64{seq - 4}
		}
		put := []Document{{ItemID: seq, Public: true, Title: "item " + strconv.FormatInt(seq, 10)}}
		if err := apply(seq, put, del); err != nil {
			return err
		}
	}
	return nil
}

// TestCrashRecovery kills a process in the middle of applying changes, as a
// crash between the catalog commit and the index update would, then checks
// that the index is at a consistent change and that CatchUp repairs it.
func TestCrashRecovery(t *testing.T) {
	if dir := os.Getenv("CARREL_SEARCH_CRASH_DIR"); dir != "" {
		crashingWriter(dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashRecovery$")
	cmd.Env = append(os.Environ(), "CARREL_SEARCH_CRASH_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("the crashing writer exited with %v, want exit status 3:\n%s", err, out)
	}

	ix := MustOpen(t, dir)
	applied, err := ix.Applied()
	if err != nil {
		t.Fatal(err)
	}
	// The live index does not wait for each change to reach the disk, so
	// the crash may lose the last few; what survives must be consistent.
	if applied > 11 {
		t.Fatalf("Applied() after the crash = %d, want at most 11 (the change under way)", applied)
	}
	checkChangeLog(t, ix, applied)

	// The catalog committed up to change 20; the index catches up.
	if err := ix.CatchUp(context.Background(), func(after int64, apply func(int64, []Document, []int64) error) error {
		return changeLog(after, 20, apply)
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ix.Applied(); got != 20 {
		t.Errorf("Applied() after CatchUp = %d, want 20", got)
	}
	checkChangeLog(t, ix, 20)
}

// checkChangeLog checks that the index holds exactly what changeLog's
// changes up to seq leave: items seq-3..seq.
func checkChangeLog(t *testing.T, ix *Index, seq int64) {
	t.Helper()
	var want []int64
	for id := max(1, seq-3); id <= seq; id++ {
		want = append(want, id)
	}
	if got := sortedIDs(mustSearch(t, ix, Query{Text: "item", Limit: 100})); !slices.Equal(got, want) {
		t.Errorf("at change %d the index holds %v, want %v", seq, got, want)
	}
}

// crashingWriter applies changes 1-10, starts change 11 and exits without
// closing the index.
func crashingWriter(dir string) {
	ix, err := Open(dir)
	if err != nil {
		os.Exit(1)
	}
	if err := changeLog(0, 10, func(seq int64, put []Document, del []int64) error {
		return ix.Apply(context.Background(), seq, put, del)
	}); err != nil {
		os.Exit(2)
	}
	started := make(chan struct{})
	go func() {
		close(started)
		_ = changeLog(10, 11, func(seq int64, put []Document, del []int64) error {
			return ix.Apply(context.Background(), seq, put, del)
		})
	}()
	<-started
	os.Exit(3)
}
