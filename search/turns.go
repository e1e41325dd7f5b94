package search

import (
	"context"
	"runtime"
)

// Searches take turns: at most a few run at once, by default one per CPU,
// and the rest wait for a turn in the order they came. A search is almost
// all CPU, so more at once would not end sooner: the CPUs would share their
// time among all of them, and a costly search, run beside many others,
// would take several times its own time. Taking turns, each runs at full
// speed once it starts, which keeps the slowest answers close to their own
// cost plus the wait; and the memory a search needs (its scoring arrays,
// its page) is held by a few at a time. A search still waiting when its
// deadline passes fails as one that ran too long does.
type turns chan struct{}

// newTurns returns turns for n searches at once; n < 1 means one per CPU.
func newTurns(n int) turns {
	if n < 1 {
		n = runtime.GOMAXPROCS(0)
	}
	return make(turns, n)
}

// take waits for a turn and returns the function that ends it, or fails
// when ctx ends first.
func (t turns) take(ctx context.Context) (func(), error) {
	select {
	case t <- struct{}{}:
		return func() { <-t }, nil
	default:
	}
	select {
	case t <- struct{}{}:
		return func() { <-t }, nil
	case <-ctx.Done():
		return nil, contextError(ctx.Err())
	}
}

// SetConcurrentSearches sets how many searches run at once, the others
// waiting their turn in the order they came; n < 1 means one per CPU, the
// default. Searches already running or waiting keep the turns they had.
func (ix *Index) SetConcurrentSearches(n int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.turns = newTurns(n)
}

// ConcurrentSearches returns how many searches run at once.
func (ix *Index) ConcurrentSearches() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return cap(ix.turns)
}

// takeTurn waits for the turn of one search.
func (ix *Index) takeTurn(ctx context.Context) (func(), error) {
	ix.mu.RLock()
	t := ix.turns
	ix.mu.RUnlock()
	return t.take(ctx)
}
