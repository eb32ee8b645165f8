package jqscheduler

import (
	"cmp"
	"slices"
)

// Decision is the outcome of a scheduling round.
type Decision struct {
	// Reject are the queued jobs a REJECT rule applies to, in id order:
	// the daemon writes them as canceled.
	Reject []Rejection
	// Start are the jobs to hand to job processes, in this order.
	Start []*Job
}

// Rejection is a queued job and the rule rejecting it.
type Rejection struct {
	Job  *Job
	Rule *Rule
}

// Empty reports whether the round changes nothing.
func (d Decision) Empty() bool { return len(d.Reject) == 0 && len(d.Start) == 0 }

// Schedule runs a round: Plan, then Apply. The daemon then writes the
// rejected jobs as canceled and starts the others, in order.
func (s *State) Schedule(cfg *Config) Decision {
	return s.Apply(s.Plan(cfg))
}

// Plan computes a scheduling round without changing the state (entries
// only remember their applying rule). Without a configuration (nil)
// nothing is rejected or started; the daemon logs "Configuration
// unavailable" then.
func (s *State) Plan(cfg *Config) Decision {
	if cfg == nil {
		return Decision{}
	}
	var d Decision
	queued := s.enqueued
	if cfg.Rules != nil && cfg.Rules.reject {
		d.Reject, queued = splitRejected(cfg.Rules, queued)
	}
	free := cfg.MaxRunningJobs - len(s.running) - len(s.manipulated)
	if free <= 0 || len(queued) == 0 {
		return d
	}
	candidates := eligible(queued, s.running)
	candidates = sortByPriority(candidates)
	d.Start = admit(candidates, free, s.active(), cfg.Rules)
	return d
}

// Apply makes a decision of Plan happen: the rejected jobs leave the
// queue, the started ones move from the queue to the end of running, in
// order. It returns what it did: jobs no longer queued (the state changed
// since Plan) are left out.
func (s *State) Apply(d Decision) Decision {
	if d.Empty() {
		return d
	}
	leaving := make(map[*Job]bool, len(d.Reject)+len(d.Start))
	for _, r := range d.Reject {
		leaving[r.Job] = true
	}
	for _, j := range d.Start {
		leaving[j] = true
	}
	removed := make(map[*Job]bool, len(leaving))
	s.enqueued = slices.DeleteFunc(s.enqueued, func(j *Job) bool {
		if leaving[j] {
			removed[j] = true
		}
		return leaving[j]
	})
	var done Decision
	for _, r := range d.Reject {
		if removed[r.Job] {
			done.Reject = append(done.Reject, r)
		}
	}
	for _, j := range d.Start {
		if removed[j] {
			done.Start = append(done.Start, j)
		}
	}
	s.running = append(s.running, done.Start...)
	return done
}

// active are the jobs holding a slot: running and manipulated.
func (s *State) active() []*Job {
	return append(slices.Clip(s.running), s.manipulated...)
}

// splitRejected separates the queued jobs a REJECT rule applies to.
func splitRejected(rules *RuleSet, queued []*Job) ([]Rejection, []*Job) {
	var rejected []Rejection
	var kept []*Job
	for i, j := range queued {
		r := rules.Rejecting(j)
		if r == nil {
			if kept != nil {
				kept = append(kept, j)
			}
			continue
		}
		if kept == nil {
			kept = slices.Clone(queued[:i])
		}
		rejected = append(rejected, Rejection{Job: j, Rule: r})
	}
	if rejected == nil {
		return nil, queued
	}
	return rejected, kept
}

// eligible returns the queued jobs none of whose dependencies is queued
// or running, in queue order. Manipulated and unknown jobs do not block;
// a job depending on itself never runs.
func eligible(queued, running []*Job) []*Job {
	runningIDs := make(map[uint64]bool, len(running))
	for _, j := range running {
		runningIDs[j.ID] = true
	}
	out := make([]*Job, 0, len(queued))
	for _, j := range queued {
		if !blocked(j, queued, runningIDs) {
			out = append(out, j)
		}
	}
	return out
}

// blocked reports whether a dependency of j is queued or running.
func blocked(j *Job, queued []*Job, running map[uint64]bool) bool {
	for _, dep := range j.Depends {
		if running[dep] {
			return true
		}
		if _, found := slices.BinarySearchFunc(queued, dep, compareID); found {
			return true
		}
	}
	return false
}

// compareID orders a job by id against an id.
func compareID(j *Job, id uint64) int { return cmp.Compare(j.ID, id) }

// sortByPriority orders jobs by priority, most urgent first, keeping the
// order of jobs of equal priority. Jobs use few distinct priorities, so a
// counting sort is linear where a comparison sort would cost n log n.
func sortByPriority(jobs []*Job) []*Job {
	group := map[int]int{} // priority to its rank among the distinct ones
	var prios []int
	for _, j := range jobs {
		if _, seen := group[j.Priority]; !seen {
			group[j.Priority] = len(prios)
			prios = append(prios, j.Priority)
		}
	}
	if len(prios) < 2 {
		return jobs
	}
	slices.Sort(prios)
	start := make([]int, len(prios)+1) // where each rank's jobs begin
	for i, p := range prios {
		group[p] = i
	}
	for _, j := range jobs {
		start[group[j.Priority]+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	out := make([]*Job, len(jobs))
	for _, j := range jobs {
		g := group[j.Priority]
		out[start[g]] = j
		start[g]++
	}
	return out
}

// admit passes the sorted candidates through the reason rate limits and
// then the filter rules, and takes the first free that pass. Each stage
// sees the candidates in order and only looks back, so stopping once
// free jobs are taken gives the same jobs as running both passes over
// every candidate.
func admit(candidates []*Job, free int, active []*Job, rules *RuleSet) []*Job {
	buckets := newBucketPass(active)
	filter := newRulePass(rules, active)
	var chosen []*Job
	for _, j := range candidates {
		if len(chosen) == free {
			break
		}
		if buckets.admit(j) && filter.admit(j) {
			chosen = append(chosen, j)
		}
	}
	return chosen
}
