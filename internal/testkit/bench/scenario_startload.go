package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/luxi"
)

// startLoadDelay is the sleep of each job of startload's load, as in qa.
const startLoadDelay = 0.1

// The probe jobs of startload carry this reason trail entry; a PAUSE rule
// whose one predicate is ["reason", ["=", "reason", probeReason]] holds
// exactly them, so that they never run while the load's jobs do.
const (
	probeSource   = "luxibench"
	probeReason   = "startload probe"
	probeRuleUUID = "6c0d8a1e-7b5f-4c2e-9a1d-0be5c4a1f002"
)

// boundSlack is the least a call's p99 may grow under load and stay
// within startload's bound.
const boundSlack = 10 * time.Millisecond

// startLoadScenario times the calls of a client, SubmitJob (a probe job
// the PAUSE rule holds), QueryJobs of a finished job's id and status and
// WaitForJobChange on a finished job (answered at once), calls times each
// in turn on one connection: first on the idle luxid, then again right as
// jobs OP_TEST_DELAY jobs are submitted in one SubmitManyJobs and started
// and run by the luxid. Beside the calls, a goroutine times a small write
// and fsync in the cluster's data directory every 10 ms, since SubmitJob
// waits for its own. The bound it reports is a goal, not a condition of
// the run.
func startLoadScenario(calls, jobs int) scenario {
	return scenario{
		name: "startload", family: "startload",
		about: fmt.Sprintf("client latency while jobs start: %d × SubmitJob (paused probe jobs), QueryJobs and "+
			"WaitForJobChange of a finished job, idle and while %d OP_TEST_DELAY 0.1 jobs from one SubmitManyJobs start "+
			"and run; the disk's fsync p99 beside it", calls, jobs),
		prepare:    pauseProbes,
		minTimeout: time.Duration(jobs) * latencyJobTime,
		run: func(ctx context.Context, r *run) (*figures, error) {
			return runStartLoad(ctx, r, calls, jobs)
		},
	}
}

// pauseProbes adds the rule that holds startload's probe jobs queued.
func pauseProbes(l *paths.Layout) error {
	return addPauseRule(l, probeRuleUUID, []any{[]any{"reason", []any{"=", "reason", probeReason}}})
}

// probeOp is the opcode of a probe job: an OP_TEST_DELAY whose reason
// trail names it a probe.
func probeOp() map[string]any {
	op := delayOp(startLoadDelay)
	op["reason"] = []any{[]any{probeSource, probeReason, time.Now().UnixNano()}}
	return op
}

// probeKind is one kind of call startload times; finished is the id of a
// finished job.
type probeKind struct {
	name string
	call func(ctx context.Context, c *luxi.Client, finished uint64) error
}

var probeKinds = []probeKind{
	{"SubmitJob", func(ctx context.Context, c *luxi.Client, _ uint64) error {
		_, err := submitOps(ctx, c, probeOp())
		return err
	}},
	{"QueryJobs", func(ctx context.Context, c *luxi.Client, finished uint64) error {
		rows, err := queryJobs(ctx, c, []uint64{finished}, []string{"id", "status"})
		if err == nil && len(rows) != 1 {
			err = fmt.Errorf("QueryJobs: %d rows for one job", len(rows))
		}
		return err
	}},
	{"WaitForJobChange", func(ctx context.Context, c *luxi.Client, finished uint64) error {
		status, err := waitStatus(ctx, c, finished, "success", waitTimeout)
		if err == nil && status != "success" {
			err = fmt.Errorf("WaitForJobChange: finished job %d is %s", finished, status)
		}
		return err
	}},
}

// probeRun is what one phase of probes measured.
type probeRun struct {
	lat   [][]time.Duration // by probe kind, in probeKinds order
	ends  []time.Time       // when each call ended
	fsync []time.Duration
}

// probe makes calls calls of every kind, the kinds in turn, while an
// fsync sampler runs in dir.
func probe(ctx context.Context, c *luxi.Client, finished uint64, calls int, dir string) (probeRun, error) {
	s, err := startFsyncSampler(dir)
	if err != nil {
		return probeRun{}, err
	}
	p := probeRun{lat: make([][]time.Duration, len(probeKinds))}
	for range calls {
		for k, kind := range probeKinds {
			t := time.Now()
			if err = kind.call(ctx, c, finished); err != nil {
				break
			}
			end := time.Now()
			p.lat[k], p.ends = append(p.lat[k], end.Sub(t)), append(p.ends, end)
		}
		if err != nil {
			break
		}
	}
	var serr error
	p.fsync, serr = s.Stop()
	return p, errors.Join(err, serr)
}

// startLoad is what the load of startload did.
type startLoad struct {
	call    time.Duration // the SubmitManyJobs call
	lastEnd time.Time     // the last job's end_timestamp
	ids     []uint64
	err     error
}

func runStartLoad(ctx context.Context, r *run, calls, jobs int) (*figures, error) {
	clients, err := dialAll(ctx, r.socket(), 2)
	if err != nil {
		return nil, err
	}
	defer closeAll(clients)
	c, loadConn := clients[0], clients[1]
	finished, _, err := runOneJob(ctx, c)
	if err != nil {
		return nil, err
	}
	dir := r.cluster.Layout().DataDir
	if _, err := probe(ctx, c, finished, warmupSubmits, dir); err != nil {
		return nil, err
	}
	idle, err := probe(ctx, c, finished, calls, dir)
	if err != nil {
		return nil, err
	}
	loadStart := time.Now()
	loaded := make(chan startLoad, 1)
	go func() { loaded <- runLoad(ctx, loadConn, jobs, r.cluster.Layout().QueueDir) }()
	busy, err := probe(ctx, c, finished, calls, dir)
	l := <-loaded
	if err = errors.Join(err, l.err); err != nil {
		return nil, err
	}
	if err := checkProbesHeld(ctx, c, 1+len(l.ids)); err != nil {
		return nil, err
	}
	return startLoadFigures(idle, busy, l, loadStart), nil
}

// checkProbesHeld fails unless every job but the ran ones that were to run is
// still queued: the PAUSE rule must have held every probe job.
func checkProbesHeld(ctx context.Context, c *luxi.Client, ran int) error {
	rows, err := queryJobs(ctx, c, nil, []string{"status"})
	if err != nil {
		return err
	}
	left := 0
	for _, row := range rows {
		if len(row) != 1 || string(row[0]) != `"queued"` {
			left++
		}
	}
	if left != ran {
		return fmt.Errorf("bench: %d jobs left the queue, %d expected: the PAUSE rule did not hold the probe jobs", left, ran)
	}
	return nil
}

// runLoad submits jobs delay jobs in one SubmitManyJobs call, waits until
// all are finalized and fails unless all succeeded.
func runLoad(ctx context.Context, c *luxi.Client, jobs int, queueDir string) startLoad {
	var l startLoad
	start := time.Now()
	l.ids, l.err = submitMany(ctx, c, jobs, startLoadDelay)
	l.call = time.Since(start)
	for _, id := range l.ids {
		if l.err != nil {
			return l
		}
		var status string
		if status, l.err = waitFinal(ctx, c, id, nil); l.err == nil && status != "success" {
			l.err = fmt.Errorf("bench: load job %d ended %s", id, status)
		}
	}
	if l.err == nil {
		l.lastEnd, l.err = lastJobEnd(queueDir, l.ids)
	}
	return l
}

// startBound is startload's goal for a call's p99 under load:
// max(2 × idle p99, idle p99 + 10 ms), plus extra (for SubmitJob, which
// waits for an fsync, the disk's fsync p99 under the same load).
func startBound(idleP99, extra time.Duration) time.Duration {
	return max(2*idleP99, idleP99+boundSlack) + extra
}

func startLoadFigures(idle, busy probeRun, l startLoad, loadStart time.Time) *figures {
	var f figures
	fsyncP99 := percentile(busy.fsync, 99)
	for k, kind := range probeKinds {
		i, b := idle.lat[k], busy.lat[k]
		idleP99, busyP99 := percentile(i, 99), percentile(b, 99)
		extra := time.Duration(0)
		if kind.name == "SubmitJob" {
			extra = fsyncP99
		}
		for _, phase := range []struct {
			name string
			lat  []time.Duration
		}{{"idle", i}, {"load", b}} {
			f.add(fmt.Sprintf("%s %s p50", kind.name, phase.name), "ms", Lower, ms(percentile(phase.lat, 50)))
			f.add(fmt.Sprintf("%s %s p99", kind.name, phase.name), "ms", Lower, ms(percentile(phase.lat, 99)))
			f.add(fmt.Sprintf("%s %s max", kind.name, phase.name), "ms", Lower, ms(percentile(phase.lat, 100)))
		}
		if idleP99 > 0 {
			f.add(kind.name+" p99 load/idle", "×", Lower, float64(busyP99)/float64(idleP99))
		}
		f.add(kind.name+" p99 load − idle", "ms", Lower, ms(busyP99-idleP99))
		f.add(kind.name+" within bound", "yes=1", Higher, boolFigure(busyP99 <= startBound(idleP99, extra)))
		f.latencies(kind.name+" idle", i)
		f.latencies(kind.name+" under load", b)
	}
	f.add("fsync idle p99", "ms", Lower, ms(percentile(idle.fsync, 99)))
	f.add("fsync load p50", "ms", Lower, ms(percentile(busy.fsync, 50)))
	f.add("fsync load p99", "ms", Lower, ms(fsyncP99))
	f.add("fsync load max", "ms", Lower, ms(percentile(busy.fsync, 100)))
	f.add("load: SubmitManyJobs call", "ms", Lower, ms(l.call))
	f.add("load: submit → last job end", "s", Lower, l.lastEnd.Sub(loadStart).Seconds())
	f.latencies("fsync idle", idle.fsync)
	f.latencies("fsync under load", busy.fsync)
	after := 0
	for _, end := range busy.ends {
		if end.After(l.lastEnd) {
			after++
		}
	}
	if after > 0 {
		f.note("%d of %d calls under load ended after the load's last job", after, len(busy.ends))
	}
	return &f
}
