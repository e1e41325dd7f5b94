// Package stats records usage of public items the way COUNTER's Code of
// Practice (Release 5) counts it: robots and crawlers are left out by
// COUNTER's list of user agents, a repeat within 30 seconds by the same
// visitor of the same thing counts once, and visitors are known only by
// a salted hash that changes every day. Events are buffered in memory and
// written in batches, so recording never slows a request; a scheduled
// roll-up (RollupJob) turns them into the daily counts the API reads.
package stats

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"carrel/app"
)

// Store is where the recorder writes events and the roll-up reads them.
type Store interface {
	// AddUsageEvents stores a batch of events, all or none.
	AddUsageEvents(ctx context.Context, events []app.UsageEvent) error
	// RollUpUsage folds new events into the daily counts.
	RollUpUsage(ctx context.Context) (events, days int64, err error)
}

// Config is the recorder's part of Carrel's configuration.
type Config struct {
	RobotsFile    string        // COUNTER robots list; empty = the embedded copy
	GeoIPFile     string        // MaxMind country database; empty or missing = no countries
	Buffer        int           // events waiting to be written; more are dropped and counted
	FlushInterval time.Duration // longest an event waits in memory (default 1 s)
	DoubleClick   time.Duration // repeats closer than this count once (default 30 s)
	BatchSize     int           // events per write (default 500)
}

// Counters are what the recorder has done since it started.
type Counters struct {
	Recorded     int64 // written to the store
	Robots       int64 // left out as robots
	DoubleClicks int64 // left out as repeats
	Dropped      int64 // lost because the buffer was full or the store failed
}

// Recorder takes usage events from request handlers and writes the ones
// that count.
type Recorder struct {
	cfg     Config
	store   Store
	log     *slog.Logger
	robots  *Robots
	geo     *countries
	in      chan app.UsageEvent
	stop    chan struct{}
	done    chan struct{}
	closing sync.Once
	now     func() time.Time

	recorded, robotCount, doubles, dropped atomic.Int64
}

// New starts a recorder. A GeoIP file that does not exist only means no
// countries are recorded; one that exists but cannot be read is an error.
func New(cfg Config, store Store, log *slog.Logger) (*Recorder, error) {
	if cfg.Buffer <= 0 {
		cfg.Buffer = 10000
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = time.Second
	}
	if cfg.DoubleClick <= 0 {
		cfg.DoubleClick = 30 * time.Second
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 500
	}
	robots, err := LoadRobots(cfg.RobotsFile)
	if err != nil {
		return nil, err
	}
	if len(robots.Skipped) > 0 {
		log.Warn("stats: robot patterns Go cannot compile are not used", "patterns", robots.Skipped)
	}
	r := &Recorder{cfg: cfg, store: store, log: log, robots: robots, in: make(chan app.UsageEvent, cfg.Buffer),
		stop: make(chan struct{}), done: make(chan struct{}), now: time.Now}
	if cfg.GeoIPFile != "" {
		if r.geo, err = openCountries(cfg.GeoIPFile); err != nil {
			if !isNotExist(err) {
				return nil, err
			}
			log.Info("stats: no GeoIP database, countries are not recorded", "file", cfg.GeoIPFile)
		}
	}
	go r.run()
	return r, nil
}

// Record queues an event and returns at once. The caller fills Kind,
// ItemID, Version, FileID and Client; the recorder sets the time. When the
// buffer is full the event is dropped and counted, never waited for.
func (r *Recorder) Record(ev app.UsageEvent) {
	if ev.At.IsZero() {
		ev.At = r.now()
	}
	select {
	case r.in <- ev:
	default:
		r.dropped.Add(1)
	}
}

// Counters returns what the recorder has done so far.
func (r *Recorder) Counters() Counters {
	return Counters{Recorded: r.recorded.Load(), Robots: r.robotCount.Load(), DoubleClicks: r.doubles.Load(),
		Dropped: r.dropped.Load()}
}

// Close writes every buffered event and stops. Call it after the HTTP
// server has stopped taking requests.
func (r *Recorder) Close(ctx context.Context) error {
	r.closing.Do(func() { close(r.stop) })
	select {
	case <-r.done:
	case <-ctx.Done():
		return fmt.Errorf("stats: flushing usage events: %w", ctx.Err())
	}
	return r.geo.close()
}

// run is the recorder's one goroutine: it filters events, batches them and
// writes a batch when it is full or FlushInterval has passed.
func (r *Recorder) run() {
	defer close(r.done)
	w := &worker{r: r, recent: map[clickKey]time.Time{}}
	tick := time.NewTicker(r.cfg.FlushInterval)
	defer tick.Stop()
	for {
		select {
		case ev := <-r.in:
			w.add(ev)
			if len(w.batch) >= r.cfg.BatchSize {
				w.flush()
			}
		case <-tick.C:
			w.flush()
			w.forget(r.now())
			w.reportDrops()
		case <-r.stop:
			for {
				select {
				case ev := <-r.in:
					w.add(ev)
				default:
					w.flush()
					w.reportDrops()
					if n := len(w.batch); n > 0 {
						r.dropped.Add(int64(n))
						r.log.Error("stats: usage events could not be written before stopping", "events", n)
					}
					return
				}
			}
		}
	}
}

// clickKey is what double-click filtering compares: the same visitor doing
// the same thing to the same item and file.
type clickKey struct {
	visitor string
	kind    app.UsageKind
	item    int64
	file    int64
}

// worker is the state only the recorder's goroutine touches.
type worker struct {
	r      *Recorder
	keys   visitorKeys
	recent map[clickKey]time.Time // last counted time, for the double-click window
	batch  []app.UsageEvent
	failed int // consecutive failed writes
	// reported is the dropped count last logged.
	reported int64
}

// reportDrops logs events dropped since the last report, at most once per
// flush interval, so a flood is visible without flooding the log.
func (w *worker) reportDrops() {
	if n := w.r.dropped.Load(); n != w.reported {
		w.r.log.Warn("stats: usage events dropped (buffer full or store failing)", "since_last_report", n-w.reported, "total", n)
		w.reported = n
	}
}

// add filters one event and, if it counts, adds it to the batch.
func (w *worker) add(ev app.UsageEvent) {
	r := w.r
	if r.robots.IsRobot(ev.Client.UserAgent) {
		r.robotCount.Add(1)
		return
	}
	ev.Visitor = w.keys.key(ev.Client.Address, ev.Client.UserAgent, ev.At)
	ev.Country = r.geo.lookup(ev.Client.Address)
	ev.Client = app.UsageClient{}
	k := clickKey{ev.Visitor, ev.Kind, ev.ItemID, ev.FileID}
	if last, ok := w.recent[k]; ok && ev.At.Sub(last) < r.cfg.DoubleClick && !ev.At.Before(last) {
		r.doubles.Add(1)
		return
	}
	w.recent[k] = ev.At
	w.batch = append(w.batch, ev)
}

// forget drops double-click entries older than the window, so memory holds
// only the last 30 seconds of visitors.
func (w *worker) forget(now time.Time) {
	for k, at := range w.recent {
		if now.Sub(at) >= w.r.cfg.DoubleClick {
			delete(w.recent, k)
		}
	}
}

// maxPending bounds how many unwritten events are kept while the store is
// failing.
const maxPending = 100000

// flush writes the batch. On failure the events are kept for the next
// flush, up to maxPending; beyond that they are dropped and counted.
func (w *worker) flush() {
	if len(w.batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := w.r.store.AddUsageEvents(ctx, w.batch)
	if err == nil {
		w.r.recorded.Add(int64(len(w.batch)))
		w.batch, w.failed = w.batch[:0], 0
		return
	}
	w.failed++
	if w.failed == 1 {
		w.r.log.Error("stats: writing usage events", "events", len(w.batch), "err", err)
	}
	if len(w.batch) > maxPending {
		lost := len(w.batch) - maxPending
		w.r.dropped.Add(int64(lost))
		w.batch = append(w.batch[:0], w.batch[lost:]...)
	}
}
