package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/goluxid/goluxid/ganeti/paths"
)

// Better says which way a figure improves.
type Better string

// Directions of Figures.
const (
	Higher Better = "higher"
	Lower  Better = "lower"
)

// Figure is one value one run measured.
type Figure struct {
	Metric string  `json:"metric"`
	Unit   string  `json:"unit"`
	Better Better  `json:"better"`
	Value  float64 `json:"value"`
}

// figures collects the Figures of one run in report order, the
// distributions of its per-operation latencies, and notes on what the run
// saw besides.
type figures struct {
	list  []Figure
	dists []Distribution
	notes []string
}

func (f *figures) add(metric, unit string, better Better, value float64) {
	f.list = append(f.list, Figure{Metric: metric, Unit: unit, Better: better, Value: value})
}

// latencies keeps the distribution of one latency of every operation of
// the run, in milliseconds.
func (f *figures) latencies(metric string, ds []time.Duration) {
	f.dists = append(f.dists, distribution(metric, ds))
}

func (f *figures) note(format string, args ...any) {
	f.notes = append(f.notes, fmt.Sprintf(format, args...))
}

// Sizes are the sizes of the scenarios.
type Sizes struct {
	Roundtrips  int   `json:"roundtrips"`   // QueryConfigValues calls of "roundtrip"
	Submits     int   `json:"submits"`      // SubmitJob calls of each "submit-C"
	Conns       []int `json:"conns"`        // connections of the "submit-C" scenarios
	Many        int   `json:"many"`         // jobs of the SubmitManyJobs call
	QueryJobs   []int `json:"query_jobs"`   // live jobs of "queryjobs-N" and "queryjobs-queued-N"
	QueryReps   int   `json:"query_reps"`   // queries per run after the first
	Waiters     []int `json:"waiters"`      // waiters of the "wait-N" scenarios
	LatencyJobs int   `json:"latency_jobs"` // jobs run one after another by "latency"
	// SyscallCalls are the calls of each counted phase of "syscalls".
	SyscallCalls int `json:"syscall_calls"`
	QAJobs       int `json:"qa_jobs"`    // jobs of "qa"
	QAClients    int `json:"qa_clients"` // parallel clients of "qa"
	// QAGntThreads are the parallel submitters of "qa-gnt", each running
	// QAGntJobs gnt-debug commands one after the other.
	QAGntThreads int `json:"qa_gnt_threads"`
	QAGntJobs    int `json:"qa_gnt_jobs"`
	// StartLoadCalls are the timed calls of each kind of "startload", idle
	// and again under its load of StartLoadJobs jobs.
	StartLoadCalls int   `json:"startload_calls"`
	StartLoadJobs  int   `json:"startload_jobs"`
	StartupJobs    []int `json:"startup_jobs"` // live jobs of the "startup-N" scenarios
	// QueryInstances are the instance counts of the generated clusters of
	// the "queryinstances-N" and "querynodes-N" scenarios (a tenth as many
	// nodes).
	QueryInstances []int `json:"query_instances"`
	// RAPIJobs and RAPIInstances are the sizes of the "rapi-jobs-N" and
	// "rapi-instances-N" scenarios.
	RAPIJobs      []int `json:"rapi_jobs"`
	RAPIInstances []int `json:"rapi_instances"`
	// HangingNodes are the cluster sizes of "querynodes-hanging-N".
	HangingNodes []int `json:"hanging_nodes"`
	// DependantJobs are the parent-and-dependant pairs of "dependant".
	DependantJobs int `json:"dependant_jobs"`
	// DeathJobs are the jobs "death" kills; DeathLimit is how long it
	// waits for each death to be noticed.
	DeathJobs  int           `json:"death_jobs"`
	DeathLimit time.Duration `json:"death_limit_ns"`
	IdleWait   time.Duration `json:"idle_wait_ns"` // how long "idle" lets the luxid sit
}

// scenario is one named measurement.
type scenario struct {
	name   string // as selected and reported, e.g. "queryjobs-10000"
	family string // selects every size at once, e.g. "queryjobs"
	about  string
	// prepare changes the node root before the daemons start; nil for none.
	prepare func(l *paths.Layout) error
	// config, if set, gives the cluster's config.data instead of the demo
	// cluster's.
	config func() ([]byte, error)
	// noded runs the master's node daemon in the cluster.
	noded bool
	run   func(ctx context.Context, r *run) (*figures, error)
	// minTimeout, if longer than the configured limit of a run, replaces
	// it: for scenarios whose length grows with their size.
	minTimeout time.Duration
}

// run is one scenario on one fresh cluster.
type run struct {
	cluster Cluster
	luxid   Luxid
	// dir is on the disk the cluster lives on.
	dir string
}

func (r *run) socket() string { return r.cluster.Layout().LuxiSocket }

// runProbes is how many durable writes a run's own baseline times.
const runProbes = 100

// durableRate measures the disk's durable-write rate right now, for
// figures relative to it: the disk is shared and its rate drifts.
func (r *run) durableRate() (float64, error) {
	d, err := measureDurableWrites(r.dir, runProbes)
	return d.PerSecond, err
}

// scenarios returns every scenario for sizes, in the order they run.
func scenarios(s Sizes) []scenario {
	list := []scenario{idleScenario(s.IdleWait), roundtripScenario(s.Roundtrips)}
	for _, c := range s.Conns {
		list = append(list, submitScenario(s.Submits, c))
	}
	list = append(list, submitManyScenario(s.Many), syscallsScenario(s.SyscallCalls, s.IdleWait))
	for _, n := range s.QueryJobs {
		list = append(list, queryJobsScenario(n, s.QueryReps))
	}
	for _, n := range s.QueryJobs {
		list = append(list, queryQueuedJobsScenario(n, s.QueryReps))
	}
	for _, n := range s.Waiters {
		list = append(list, waitScenario(n))
	}
	list = append(list, latencyScenario(s.LatencyJobs), qaScenario(s.QAJobs, s.QAClients),
		qaGntScenario(s.QAGntThreads, s.QAGntJobs), startLoadScenario(s.StartLoadCalls, s.StartLoadJobs),
		dependantScenario(s.DependantJobs), deathScenario(s.DeathJobs, s.DeathLimit))
	for _, n := range s.QueryInstances {
		list = append(list, queryConfigScenario("instance", n, s.QueryReps), queryConfigScenario("node", n, s.QueryReps))
	}
	for _, n := range s.HangingNodes {
		list = append(list, hangingNodesScenario(n))
	}
	for _, n := range s.RAPIJobs {
		list = append(list, rapiScenario("jobs", n, s.QueryReps))
	}
	for _, n := range s.RAPIInstances {
		list = append(list, rapiScenario("instances", n, s.QueryReps))
	}
	for _, n := range s.StartupJobs {
		list = append(list, startupScenario(n))
	}
	return list
}

// Scenarios lists every scenario for sizes, with its family and what it
// measures, in the order they run.
func Scenarios(s Sizes) []ScenarioInfo {
	var out []ScenarioInfo
	for _, sc := range scenarios(s) {
		out = append(out, ScenarioInfo{Name: sc.name, Family: sc.family, About: sc.about})
	}
	return out
}

// selectScenarios keeps the scenarios named, by name or family, in
// choice; an empty choice keeps all. A name matching nothing is an error.
func selectScenarios(all []scenario, choice []string) ([]scenario, error) {
	if len(choice) == 0 {
		return all, nil
	}
	for _, c := range choice {
		if !slices.ContainsFunc(all, func(sc scenario) bool { return sc.name == c || sc.family == c }) {
			return nil, fmt.Errorf("no scenario %q (have %s)", c, strings.Join(names(all), ", "))
		}
	}
	return slices.DeleteFunc(slices.Clone(all), func(sc scenario) bool {
		return !slices.Contains(choice, sc.name) && !slices.Contains(choice, sc.family)
	}), nil
}

func names(list []scenario) []string {
	var out []string
	for _, sc := range list {
		out = append(out, sc.name)
	}
	return out
}
