package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// durableProbes is how many durable writes each round's baseline times.
const durableProbes = 200

// Config says what Run measures and how.
type Config struct {
	Launch Launcher
	// Rounds is how many times every scenario runs on each luxid.
	Rounds int
	// Scenarios selects scenarios by name ("queryjobs-10000") or family
	// ("queryjobs"); empty means all.
	Scenarios []string
	Sizes     Sizes
	// Dir is a directory on the disk the clusters live on; the
	// durable-write baseline is measured there.
	Dir string
	// RunTimeout bounds one scenario run on one luxid, cluster start
	// included.
	RunTimeout time.Duration
	// Progress receives a line per run; nil for none.
	Progress io.Writer
}

// Run runs the selected scenarios for the configured rounds, alternating
// which luxid goes first, and returns the report. A scenario run that
// fails is recorded in the report, not returned; Run fails only when it
// cannot measure at all or ctx ends.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	selected, err := selectScenarios(scenarios(cfg.Sizes), cfg.Scenarios)
	if err != nil {
		return nil, err
	}
	rep := newReport(cfg)
	p := newProgress(cfg.Progress, cfg.Rounds*len(selected)*len(Luxids))
	for round := 1; round <= cfg.Rounds; round++ {
		durable, err := measureDurableWrites(cfg.Dir, durableProbes)
		if err != nil {
			return nil, err
		}
		rep.Durable = append(rep.Durable, durable)
		p.printf("round %d/%d: durable writes on %s: %.0f/s (p50 %.2f ms)", round, cfg.Rounds, cfg.Dir,
			durable.PerSecond, durable.P50Millis)
		for _, sc := range selected {
			for _, lx := range order(round) {
				rec := runOnce(ctx, cfg, sc, lx)
				rec.Round = round
				rep.add(rec)
				p.run(rec)
				if err := ctx.Err(); err != nil {
					rep.finish()
					return rep, err
				}
			}
		}
	}
	rep.finish()
	return rep, nil
}

// Check reports what in cfg keeps Run from starting: missing settings,
// sizes that are not positive, scenario names that match nothing.
func (cfg Config) Check() error {
	var problems []string
	if cfg.Launch == nil {
		problems = append(problems, "no Launcher")
	}
	if cfg.Rounds < 1 {
		problems = append(problems, "Rounds must be at least 1")
	}
	if cfg.Dir == "" {
		problems = append(problems, "no Dir")
	}
	if cfg.RunTimeout <= 0 {
		problems = append(problems, "RunTimeout must be positive")
	}
	if err := cfg.Sizes.check(); err != nil {
		problems = append(problems, err.Error())
	}
	if _, err := selectScenarios(scenarios(cfg.Sizes), cfg.Scenarios); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return fmt.Errorf("bench: bad config: %s", strings.Join(problems, "; "))
	}
	return nil
}

// check refuses sizes no scenario can run with; an empty list only
// leaves out that family.
func (s Sizes) check() error {
	var bad []string
	counts := map[string]int{
		"roundtrips": s.Roundtrips, "submits": s.Submits, "many": s.Many, "query reps": s.QueryReps,
		"latency jobs": s.LatencyJobs, "syscall calls": s.SyscallCalls, "qa jobs": s.QAJobs, "qa clients": s.QAClients,
		"qa-gnt threads": s.QAGntThreads, "qa-gnt jobs": s.QAGntJobs,
		"startload calls": s.StartLoadCalls, "startload jobs": s.StartLoadJobs,
	}
	for name, v := range counts {
		if v <= 0 {
			bad = append(bad, name)
		}
	}
	lists := map[string][]int{"conns": s.Conns, "query jobs": s.QueryJobs, "waiters": s.Waiters, "startup jobs": s.StartupJobs}
	for name, list := range lists {
		if slices.ContainsFunc(list, func(v int) bool { return v <= 0 }) {
			bad = append(bad, name)
		}
	}
	if s.IdleWait <= 0 {
		bad = append(bad, "idle wait")
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return fmt.Errorf("sizes must be positive: %s", strings.Join(bad, ", "))
	}
	return nil
}

// order is the luxid order of a round: goluxid first in odd rounds.
func order(round int) []Luxid {
	if round%2 == 1 {
		return []Luxid{Go, Haskell}
	}
	return []Luxid{Haskell, Go}
}

// runOnce runs one scenario on a fresh cluster with luxid lx.
func runOnce(ctx context.Context, cfg Config, sc scenario, lx Luxid) (rec Record) {
	ctx, cancel := context.WithTimeout(ctx, max(cfg.RunTimeout, sc.minTimeout))
	defer cancel()
	start := time.Now()
	rec = Record{Scenario: sc.name, Luxid: lx, Started: start.UTC(), LoadBefore: loadAverage()}
	defer func() { rec.LoadAfter = loadAverage() }()
	var err error
	setup := Setup{Luxid: lx, Prepare: sc.prepare, Noded: sc.noded}
	if sc.config != nil {
		if setup.BaseConfig, err = sc.config(); err != nil {
			rec.Error = fmt.Sprintf("generate config: %v", err)
			return rec
		}
	}
	cl, err := cfg.Launch(ctx, setup)
	if err != nil {
		rec.Error = fmt.Sprintf("start cluster: %v", err)
		rec.Seconds = time.Since(start).Seconds()
		return rec
	}
	f, err := sc.run(ctx, &run{cluster: cl, luxid: lx, dir: cfg.Dir})
	if pid := cl.LuxidPid(); err != nil && pid > 0 && !alive(pid) {
		err = fmt.Errorf("%w; the luxid exited: %s", err, lastOutput(cl.LuxidOutput()))
	}
	err = errors.Join(err, cl.Close())
	// Messages name the cluster's files; without its directory they read
	// the same in every run.
	unroot := strings.NewReplacer(cl.Layout().Root, "$ROOT").Replace
	if f != nil {
		rec.Figures, rec.Distributions = f.list, f.dists
		for _, n := range f.notes {
			rec.Notes = append(rec.Notes, unroot(n))
		}
	}
	if err != nil {
		rec.Error = unroot(err.Error())
	}
	rec.Seconds = time.Since(start).Seconds()
	return rec
}
