package search

import (
	"context"
	"slices"
	"testing"
	"time"

	"carrel/app"
)

// TestSearch_Turns checks that a search waits while every turn is taken,
// runs once one ends, and fails as too long when its deadline passes first.
func TestSearch_Turns(t *testing.T) {
	ix := fixtureIndex(t)
	if got := ix.ConcurrentSearches(); got < 1 {
		t.Fatalf("ConcurrentSearches() = %d by default, want one per CPU", got)
	}
	ix.SetConcurrentSearches(1)
	if got := ix.ConcurrentSearches(); got != 1 {
		t.Fatalf("ConcurrentSearches() = %d, want 1", got)
	}
	end, err := ix.takeTurn(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	// While the only turn is taken, a search with a deadline fails.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = ix.Search(ctx, Query{Text: "glacier", NoCache: true})
	wantCode(t, err, app.EUNPROCESSABLE)
	if got := app.ErrorMessage(err); got != "query took too long; narrow it" {
		t.Errorf("message %q", got)
	}

	// One without waits, and answers once the turn ends.
	done := make(chan *Result, 1)
	go func() {
		res, err := ix.Search(context.Background(), Query{Text: "glacier", NoCache: true})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	select {
	case <-done:
		t.Fatal("a search ran while the only turn was taken")
	case <-time.After(100 * time.Millisecond):
	}
	end()
	select {
	case res := <-done:
		if want := []int64{1, 2, 5}; !slices.Equal(sortedIDs(res), want) {
			t.Errorf("hits %v, want %v", sortedIDs(res), want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting search did not run once the turn ended")
	}

	// Answers from the cache need no turn.
	mustSearch(t, ix, Query{Text: "ocean"})
	end, err = ix.takeTurn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer end()
	ctx, cancel = context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := ix.Search(ctx, Query{Text: "ocean"}); err != nil {
		t.Errorf("a cached answer waited for a turn: %v", err)
	}
}
