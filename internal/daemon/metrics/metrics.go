// Package metrics exposes goluxid's own figures in the Prometheus text
// format, on an opt-in endpoint (--metrics): the queue by state, its live
// job files and the jobs it keeps parsed, job start latency, LUXI
// requests by method and outcome, WaitForJobChange waiters, configuration
// reloads, fsync latency, and the Go runtime and process figures
// (goroutines, descriptors, memory). The Haskell luxid only logs.
//
// The daemon's parts report through small hooks (functions and counters
// they already keep); this package turns them into metrics at scrape time,
// so nothing here sits on a hot path but a counter increment or a
// histogram observation.
//
// A nil *Metrics stands for metrics that are off: every method on it does
// nothing (Syncer gives nil, the plain syncer; Listen opens nothing and
// gives a nil Endpoint, whose methods do nothing too), so the daemon wires
// the same hooks with metrics on or off.
//
// The endpoint's address is "unix:PATH", a Unix socket of mode 0660
// created by the daemon (through the daemon package's safe listener: a
// socket some process answers on is never replaced), or "HOST:PORT" on a
// loopback address. It answers GET /metrics.
package metrics

import (
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/goluxid/goluxid/internal/durable"
)

const namespace = "goluxid"

// Sources are the live figures read at each scrape; nil ones are left out.
type Sources struct {
	// Jobs returns the scheduler's queued, running and manipulated jobs.
	Jobs func() (queued, running, manipulated int)
	// LiveJobFiles returns the number of job files in the live queue.
	LiveJobFiles func() int64
	// CachedJobs returns the number of live jobs the queue keeps
	// parsed for queries.
	CachedJobs func() int64
	// Waiters returns the WaitForJobChange calls waiting.
	Waiters func() int64
	// ConfigReloads returns the reloads that installed a configuration
	// and the ones that failed.
	ConfigReloads func() (installed, failed uint64)
}

// Metrics holds goluxid's metrics and the registry serving them.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	jobStart prometheus.Histogram
	syncs    *prometheus.HistogramVec
}

// latencyBuckets span 0.5 ms to about 16 s.
var latencyBuckets = prometheus.ExponentialBuckets(0.0005, 2, 16)

// New makes the metrics; AddSources adds the figures read at scrapes.
// Without --metrics the daemon uses a nil *Metrics instead.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "luxi_requests_total",
			Help: "LUXI requests answered, by method and outcome (ok or error).",
		}, []string{"method", "outcome"}),
		jobStart: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Name: "job_start_seconds",
			Help:    "Time from the scheduler choosing a job to its process holding its secret parameters.",
			Buckets: latencyBuckets,
		}),
		syncs: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "fsync_seconds",
			Help:    "Duration of the job queue's fsyncs, of files and of directories.",
			Buckets: latencyBuckets,
		}, []string{"kind"}),
	}
	m.registry.MustRegister(m.requests, m.jobStart, m.syncs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// AddSources adds the figures read at every scrape (once).
func (m *Metrics) AddSources(src Sources) {
	if m == nil {
		return
	}
	if src.Jobs != nil {
		for i, state := range []string{"queued", "running", "manipulated"} {
			m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Namespace: namespace, Name: "scheduler_jobs",
				Help:        "Jobs the scheduler holds, by state (running includes starting and waiting for locks).",
				ConstLabels: prometheus.Labels{"state": state},
			}, func() float64 {
				q, r, mp := src.Jobs()
				return float64([]int{q, r, mp}[i])
			}))
		}
	}
	if src.LiveJobFiles != nil {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Name: "queue_live_job_files",
			Help: "Job files in the live queue directory (finished ones included, until archived).",
		}, func() float64 { return float64(src.LiveJobFiles()) }))
	}
	if src.CachedJobs != nil {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Name: "queue_cached_jobs",
			Help: "Live jobs kept parsed for queries (at most the live job files; archived jobs leave).",
		}, func() float64 { return float64(src.CachedJobs()) }))
	}
	if src.Waiters != nil {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Name: "wait_for_job_change_waiters",
			Help: "WaitForJobChange calls waiting for a change.",
		}, func() float64 { return float64(src.Waiters()) }))
	}
	if src.ConfigReloads != nil {
		for i, outcome := range []string{"installed", "failed"} {
			m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
				Namespace: namespace, Name: "config_reloads_total",
				Help:        "Loads of config.data: installed a new configuration, or failed (the last good one stays).",
				ConstLabels: prometheus.Labels{"outcome": outcome},
			}, func() float64 {
				installed, failed := src.ConfigReloads()
				return float64([]uint64{installed, failed}[i])
			}))
		}
	}
}

// ObserveRequest counts one answered LUXI request.
func (m *Metrics) ObserveRequest(method string, _ time.Duration, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.requests.WithLabelValues(method, outcome).Inc()
}

// ObserveJobStart records how long a job took to reach its process.
func (m *Metrics) ObserveJobStart(took time.Duration) {
	if m == nil {
		return
	}
	m.jobStart.Observe(took.Seconds())
}

// Syncer is the operating system's syncs, each one timed; nil (the plain
// syncer) for nil metrics.
func (m *Metrics) Syncer() durable.Syncer {
	if m == nil {
		return nil
	}
	return timedSyncer{inner: durable.OSSyncer, file: m.syncs.WithLabelValues("file"), dir: m.syncs.WithLabelValues("dir")}
}

type timedSyncer struct {
	inner     durable.Syncer
	file, dir prometheus.Observer
}

func (s timedSyncer) SyncFile(f *os.File) error {
	start := time.Now()
	err := s.inner.SyncFile(f)
	s.file.Observe(time.Since(start).Seconds())
	return err
}

func (s timedSyncer) SyncDir(d *os.File) error {
	start := time.Now()
	err := s.inner.SyncDir(d)
	s.dir.Observe(time.Since(start).Seconds())
	return err
}
