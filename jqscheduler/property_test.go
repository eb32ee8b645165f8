package jqscheduler

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/jqueue"
)

// world generates random jobs and rules for property tests.
type world struct {
	t      *testing.T
	rng    *rand.Rand
	nextID uint64
}

var (
	reasonPool = []string{"rate-limit:1:a", "rate-limit:2:a", "rate-limit:2:b", "rate-limit:3:c", "maintenance", "reject-me"}
	predPool   = []string{
		`["jobid",[">","id","watermark"]]`, `["jobid",["<","id",20]]`, `["jobid",["==","id",7]]`,
		`["reason",["==","reason","maintenance"]]`, `["reason",["==","reason","reject-me"]]`,
		`["opcode",["==","OP_ID","OP_CLUSTER_RENAME"]]`, `["opcode",[">=","duration",2]]`,
	}
	actionPool = []string{`"ACCEPT"`, `"PAUSE"`, `"REJECT"`, `"CONTINUE"`, `["RATE_LIMIT",1]`, `["RATE_LIMIT",2]`, `["RATE_LIMIT",3]`}
)

// newJob makes a queued job with random priority, dependencies, reasons
// and opcode; dependencies point at earlier ids or, rarely, itself.
func (w *world) newJob() *Job {
	w.nextID++
	id := w.nextID
	opts := []jobOpt{prio([]int{-10, 0, 0, 10}[w.rng.IntN(4)])}
	if w.rng.IntN(2) == 0 {
		opts = append(opts, fields(clusterRename))
	} else {
		opts = append(opts, fields(fmt.Sprintf(`"OP_ID":"OP_TEST_DELAY","duration":%d`, w.rng.IntN(4))))
	}
	for range w.rng.IntN(3) {
		opts = append(opts, reason("gnt:user", reasonPool[w.rng.IntN(len(reasonPool))], int64(w.rng.IntN(5))))
	}
	var ds []uint64
	for range w.rng.IntN(3) {
		ds = append(ds, uint64(w.rng.IntN(int(id)+1)))
	}
	if ds != nil {
		opts = append(opts, deps(ds...))
	}
	return job(id, opts...)
}

// newConfig makes a random limit and up to five rules.
func (w *world) newConfig() *Config {
	var rules []*Rule
	for i := range w.rng.IntN(6) {
		var preds []string
		for range w.rng.IntN(3) {
			preds = append(preds, predPool[w.rng.IntN(len(predPool))])
		}
		rules = append(rules, rule(w.t, uuid(i), w.rng.IntN(3), uint64(w.rng.IntN(30)), actionPool[w.rng.IntN(len(actionPool))], preds...))
	}
	return cfg(w.rng.IntN(8), rules...)
}

// finished is j re-read after its job process succeeded.
func finished(j *Job) *Job { return job(j.ID, status(jqueue.StatusSuccess)) }

// step changes the queue at random between rounds.
func (w *world) step(s *State) {
	for range w.rng.IntN(4) {
		s.Enqueue(w.newJob())
	}
	for _, j := range s.Running() {
		if w.rng.IntN(3) == 0 {
			s.Update(finished(j))
		}
	}
	s.RemoveFinished()
	if run := s.Running(); len(run) > 0 && w.rng.IntN(4) == 0 {
		s.Manipulate(run[w.rng.IntN(len(run))].ID)
	}
	if man := s.Manipulated(); len(man) > 0 && w.rng.IntN(2) == 0 {
		s.Unmanipulate(man[0].ID)
	}
	if enq := s.Enqueued(); len(enq) > 0 && w.rng.IntN(4) == 0 {
		_, _, err := s.Dequeue(enq[w.rng.IntN(len(enq))].ID)
		require.NoError(w.t, err)
	}
}

// Random queues and rule sets: every round keeps the invariants of
// checkInvariants and agrees with referencePlan.
func TestRoundProperties(t *testing.T) {
	for seed := range uint64(300) {
		w := &world{t: t, rng: rand.New(rand.NewPCG(seed, 7))}
		s := &State{}
		c := w.newConfig()
		for round := range 25 {
			if w.rng.IntN(8) == 0 {
				c = w.newConfig()
			}
			w.step(s)
			before := State{enqueued: s.Enqueued(), running: s.Running(), manipulated: s.Manipulated()}
			d := s.Schedule(c)
			ctx := fmt.Sprintf("seed %d round %d", seed, round)
			checkAgainstReference(t, &before, c, d, ctx)
			checkInvariants(t, &before, s, c, d, ctx)
		}
	}
}

// checkInvariants checks what must hold after any round.
func checkInvariants(t *testing.T, before, after *State, c *Config, d Decision, ctx string) {
	t.Helper()
	active := len(after.running) + len(after.manipulated)
	if len(d.Start) > 0 {
		require.LessOrEqual(t, active, c.MaxRunningJobs, "%s: never more than max_running_jobs", ctx)
	}
	blocking := map[uint64]bool{}
	for _, j := range before.enqueued {
		blocking[j.ID] = true
	}
	for _, r := range d.Reject {
		require.Equal(t, Reject, r.Rule.Action.Kind, ctx)
		delete(blocking, r.Job.ID)
	}
	for _, j := range before.running {
		blocking[j.ID] = true
	}
	for _, j := range d.Start {
		for _, dep := range j.Depends {
			require.False(t, blocking[dep], "%s: job %d started while its dependency %d is queued or running", ctx, j.ID, dep)
		}
		if r := c.Rules.Applying(j); r != nil {
			require.Contains(t, []ActionKind{Accept, RateLimit}, r.Action.Kind, ctx)
		}
	}
	for _, j := range after.enqueued {
		require.Nil(t, c.Rules.Rejecting(j), "%s: a rejected job stays queued", ctx)
	}
	checkLimits(t, before, after, c, d, ctx)
}

// checkLimits checks that RATE_LIMIT rules and reason buckets are never
// exceeded by new starts; over-full ones get no new job.
func checkLimits(t *testing.T, before, after *State, c *Config, d Decision, ctx string) {
	t.Helper()
	count := func(s *State) (map[string]int, map[string]int64) {
		rules, buckets := map[string]int{}, map[string]int64{}
		for _, j := range s.active() {
			if r := c.Rules.Applying(j); r != nil && r.Action.Kind == RateLimit {
				rules[r.UUID]++
			}
			for _, b := range j.buckets {
				buckets[b.key]++
			}
		}
		return rules, buckets
	}
	rulesBefore, bucketsBefore := count(before)
	rulesAfter, bucketsAfter := count(after)
	for _, r := range c.Rules.Rules() {
		if r.Action.Kind == RateLimit && rulesAfter[r.UUID] > rulesBefore[r.UUID] {
			require.LessOrEqual(t, rulesAfter[r.UUID], r.Action.Limit, "%s: RATE_LIMIT %s exceeded", ctx, r.UUID)
		}
	}
	for _, j := range d.Start {
		for _, b := range j.buckets {
			require.LessOrEqual(t, bucketsAfter[b.key], b.limit, "%s: bucket %s exceeded", ctx, b.key)
			require.Less(t, bucketsBefore[b.key], b.limit, ctx)
		}
	}
}

// checkAgainstReference compares a round with referencePlan.
func checkAgainstReference(t *testing.T, before *State, c *Config, d Decision, ctx string) {
	t.Helper()
	start, reject := referencePlan(before, c)
	require.Equal(t, nilIfEmpty(start), nilIfEmpty(IDs(d.Start)), "%s: started", ctx)
	require.Equal(t, nilIfEmpty(reject), nilIfEmpty(rejectedIDs(d)), "%s: rejected", ctx)
}

// referencePlan computes a round the plain way, step by step as the
// package doc lists them: every pass over every candidate, the limit
// applied last.
func referencePlan(s *State, c *Config) (start, reject []uint64) {
	rules := c.Rules.Rules()
	applying := func(j *Job) *Rule {
		for _, r := range rules {
			if r.Action.Kind != Continue && r.Matches(j) {
				return r
			}
		}
		return nil
	}
	var queued []*Job
	for _, j := range s.enqueued {
		if r := applying(j); r != nil && r.Action.Kind == Reject {
			reject = append(reject, j.ID)
		} else {
			queued = append(queued, j)
		}
	}
	slots := c.MaxRunningJobs - len(s.running) - len(s.manipulated)
	blocks := map[uint64]bool{}
	for _, j := range append(slices.Clone(queued), s.running...) {
		blocks[j.ID] = true
	}
	var candidates []*Job
	for _, j := range queued {
		if !slices.ContainsFunc(j.Depends, func(d uint64) bool { return blocks[d] }) {
			candidates = append(candidates, j)
		}
	}
	slices.SortStableFunc(candidates, func(a, b *Job) int { return cmp.Compare(a.Priority, b.Priority) })
	running := append(slices.Clone(s.running), s.manipulated...)
	candidates = referenceBuckets(running, candidates)
	candidates = referenceFilter(running, candidates, rules, applying)
	return IDs(candidates[:min(max(slots, 0), len(candidates))]), reject
}

func referenceBuckets(running, candidates []*Job) []*Job {
	occ := map[string]int64{}
	for _, j := range running {
		for _, b := range j.buckets {
			occ[b.key]++
		}
	}
	var out []*Job
	for _, j := range candidates {
		if slices.ContainsFunc(j.buckets, func(b bucket) bool { return occ[b.key]+1 > b.limit }) {
			continue
		}
		for _, b := range j.buckets {
			occ[b.key]++
		}
		out = append(out, j)
	}
	return out
}

func referenceFilter(running, candidates []*Job, rules []*Rule, applying func(*Job) *Rule) []*Job {
	limit, occ := map[string]int{}, map[string]int{}
	for _, r := range rules {
		if r.Action.Kind == RateLimit {
			limit[r.UUID] = r.Action.Limit
		}
	}
	for _, j := range running {
		if r := applying(j); r != nil && r.Action.Kind == RateLimit {
			occ[r.UUID]++
		}
	}
	var out []*Job
	for _, j := range candidates {
		r := applying(j)
		switch {
		case r == nil || r.Action.Kind == Accept:
		case r.Action.Kind == RateLimit && occ[r.UUID]+1 <= limit[r.UUID]:
			occ[r.UUID]++
		default:
			continue
		}
		out = append(out, j)
	}
	return out
}

// Plan only reads the state; entries and rule sets may be shared by
// concurrent rounds (run with -race).
func TestPlanConcurrently(t *testing.T) {
	w := &world{t: t, rng: rand.New(rand.NewPCG(1, 2))}
	s := &State{}
	for range 200 {
		s.Enqueue(w.newJob())
	}
	configs := []*Config{w.newConfig(), w.newConfig(), cfg(20, rule(t, uuid(1), 0, 0, `"REJECT"`, predPool[4]))}
	type ids struct{ start, reject []uint64 }
	want := make([]ids, len(configs))
	for i, c := range configs {
		want[i].start, want[i].reject = referencePlan(s, c)
	}
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 50 {
				c := (g + i) % len(configs)
				d := s.Plan(configs[c])
				if !slices.Equal(IDs(d.Start), want[c].start) || !slices.Equal(rejectedIDs(d), want[c].reject) {
					t.Errorf("goroutine %d, config %d: started %v, want %v", g, c, IDs(d.Start), want[c].start)
					return
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
}
