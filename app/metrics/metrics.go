// Package metrics exposes Carrel's Prometheus metrics: HTTP requests by
// route and status, latencies, bytes in and out, job runs and failures,
// fixity status and storage used. Everything lives in the Metrics value's
// own registry; nothing is global.
package metrics

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"carrel/app"
)

// Source answers the gauges read from the catalog at scrape time, so they
// are right even for work done by other processes (carrel jobs run).
type Source interface {
	FixityFailures(ctx context.Context) (int64, error)
	StorageUsed(ctx context.Context) (files, bytes int64, err error)
	LastJobRuns(ctx context.Context) (map[string]app.JobRun, error)
}

// Metrics holds the registry and the instruments.
type Metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	bytesIn      *prometheus.CounterVec
	bytesOut     *prometheus.CounterVec
	jobRuns      *prometheus.CounterVec
	jobFailures  *prometheus.CounterVec
	fixityChecks *prometheus.CounterVec
	fixityBytes  prometheus.Counter
}

// New registers every metric in a new registry; src feeds the gauges.
func New(src Source) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	f := func(c prometheus.Collector) { m.reg.MustRegister(c) }
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "carrel_http_requests_total",
		Help: "HTTP requests by route pattern, method and status code."}, []string{"route", "method", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "carrel_http_request_duration_seconds",
		Help: "Time to answer HTTP requests, by route pattern.", Buckets: prometheus.ExponentialBuckets(0.001, 4, 10)}, []string{"route"})
	m.bytesIn = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "carrel_http_request_bytes_total",
		Help: "Request body bytes received, by route pattern (uploads are most of it)."}, []string{"route"})
	m.bytesOut = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "carrel_http_response_bytes_total",
		Help: "Response body bytes sent, by route pattern (downloads are most of it)."}, []string{"route"})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "carrel_job_runs_total",
		Help: "Finished runs of scheduled jobs in this server process, by job and outcome."}, []string{"job", "outcome"})
	m.jobFailures = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "carrel_job_failures_total",
		Help: "Failed runs of scheduled jobs in this server process, by job."}, []string{"job"})
	m.fixityChecks = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "carrel_fixity_checks_total",
		Help: "Stored files checked by the fixity audit in this server process, by result (ok, failed)."}, []string{"result"})
	m.fixityBytes = prometheus.NewCounter(prometheus.CounterOpts{Name: "carrel_fixity_bytes_read_total",
		Help: "Bytes re-read by the fixity audit in this server process."})
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.bytesIn, m.bytesOut, m.jobRuns, m.jobFailures,
		m.fixityChecks, m.fixityBytes, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		f(c)
	}
	f(newCatalogCollector(src))
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// JobFinished counts a finished job run; the scheduler calls it.
func (m *Metrics) JobFinished(run app.JobRun) {
	m.jobRuns.WithLabelValues(run.Job, run.Outcome).Inc()
	if run.Outcome == app.JobFailed {
		m.jobFailures.WithLabelValues(run.Job).Inc()
	}
}

// FixityResult counts one file checked by the fixity audit.
func (m *Metrics) FixityResult(ok bool, bytes int64) {
	result := "ok"
	if !ok {
		result = "failed"
	}
	m.fixityChecks.WithLabelValues(result).Inc()
	m.fixityBytes.Add(float64(bytes))
}

// Instrument counts and times every request next serves; route names the
// request's route pattern (a small, fixed set, so labels stay bounded).
func (m *Metrics) Instrument(next http.Handler, route func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		label := route(r)
		body := &countingBody{ReadCloser: r.Body}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = body
		}
		rec := &countingWriter{ResponseWriter: w, code: http.StatusOK}
		defer func() {
			m.requests.WithLabelValues(label, r.Method, strconv.Itoa(rec.code)).Inc()
			m.duration.WithLabelValues(label).Observe(time.Since(start).Seconds())
			m.bytesIn.WithLabelValues(label).Add(float64(body.n))
			m.bytesOut.WithLabelValues(label).Add(float64(rec.n))
		}()
		next.ServeHTTP(rec, r)
	})
}

type countingBody struct {
	io.ReadCloser
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}

// countingWriter notes the status and counts the body; it passes
// ReadFrom through so downloads keep using sendfile.
type countingWriter struct {
	http.ResponseWriter
	code  int
	n     int64
	wrote bool
}

func (w *countingWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.wrote = true
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *countingWriter) ReadFrom(src io.Reader) (int64, error) {
	w.wrote = true
	n, err := io.Copy(w.ResponseWriter, src)
	w.n += n
	return n, err
}

func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *countingWriter) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// catalogCollector reads the catalog's gauges at scrape time, at most
// once every 30 seconds (summing file sizes is not free on a big store).
type catalogCollector struct {
	src                                    Source
	fixity, files, bytes, jobLast, jobTime *prometheus.Desc
	mu                                     sync.Mutex
	at                                     time.Time
	metrics                                []prometheus.Metric
}

func newCatalogCollector(src Source) *catalogCollector {
	return &catalogCollector{src: src,
		fixity:  prometheus.NewDesc("carrel_fixity_failing_files", "Stored files whose last fixity check failed (damaged or missing).", nil, nil),
		files:   prometheus.NewDesc("carrel_storage_files", "Stored files (available).", nil, nil),
		bytes:   prometheus.NewDesc("carrel_storage_used_bytes", "Bytes of stored files (available), as the catalog records them.", nil, nil),
		jobLast: prometheus.NewDesc("carrel_job_last_run_failed", "1 if the job's latest run (from any process) failed, else 0.", []string{"job"}, nil),
		jobTime: prometheus.NewDesc("carrel_job_last_run_timestamp_seconds", "Start time of the job's latest run.", []string{"job"}, nil),
	}
}

func (c *catalogCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.fixity, c.files, c.bytes, c.jobLast, c.jobTime} {
		ch <- d
	}
}

func (c *catalogCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) > 30*time.Second {
		c.metrics, c.at = c.read(), time.Now()
	}
	for _, m := range c.metrics {
		ch <- m
	}
}

func (c *catalogCollector) read() []prometheus.Metric {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []prometheus.Metric
	if n, err := c.src.FixityFailures(ctx); err == nil {
		out = append(out, prometheus.MustNewConstMetric(c.fixity, prometheus.GaugeValue, float64(n)))
	}
	if files, bytes, err := c.src.StorageUsed(ctx); err == nil {
		out = append(out, prometheus.MustNewConstMetric(c.files, prometheus.GaugeValue, float64(files)),
			prometheus.MustNewConstMetric(c.bytes, prometheus.GaugeValue, float64(bytes)))
	}
	if runs, err := c.src.LastJobRuns(ctx); err == nil {
		for job, r := range runs {
			failed := 0.0
			if r.Outcome == app.JobFailed {
				failed = 1
			}
			out = append(out, prometheus.MustNewConstMetric(c.jobLast, prometheus.GaugeValue, failed, job),
				prometheus.MustNewConstMetric(c.jobTime, prometheus.GaugeValue, float64(r.Started.Unix()), job))
		}
	}
	return out
}
