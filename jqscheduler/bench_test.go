package jqscheduler

import (
	"fmt"
	"testing"
)

// benchQueue is a busy queue: 10,000 queued jobs, 19 of 20 slots taken,
// most queued jobs paused by an opcode rule, some with dependencies and
// rate-limit reasons, and a REJECT rule that matches nothing, so that a
// round must look at every queued job.
func benchQueue(b *testing.B) (*State, []*Rule) {
	b.Helper()
	var enq, run []*Job
	for i := range uint64(10_000) {
		id := 100 + i
		opts := []jobOpt{prio([]int{-10, 0, 10}[i%3])}
		if i%10 != 0 {
			opts = append(opts, fields(clusterRename))
		}
		if i%7 == 0 {
			opts = append(opts, deps(id-1))
		}
		if i%5 == 0 {
			opts = append(opts, rateLimit("3:backup"))
		}
		enq = append(enq, job(id, opts...))
	}
	for i := range uint64(19) {
		run = append(run, job(i+1, status(3)))
	}
	rules := []*Rule{
		rule(b, uuid(1), 0, 50, `"REJECT"`, `["reason",["==","reason","never"]]`),
		rule(b, uuid(2), 1, 50, `"PAUSE"`, `["opcode",["==","OP_ID","OP_CLUSTER_RENAME"]]`),
		rule(b, uuid(3), 2, 50, `["RATE_LIMIT",5]`, `["jobid",[">","id","watermark"]]`),
		rule(b, uuid(4), 3, 50, `"CONTINUE"`),
	}
	return queue(enq, run, nil), rules
}

// BenchmarkRound10k is the round every submission runs: with a rule set
// already seen (warm), after a configuration reload that kept the rules,
// and after each change of the rules; submit adds enqueueing a job.
func BenchmarkRound10k(b *testing.B) {
	s, rules := benchQueue(b)
	b.Run("warm", func(b *testing.B) {
		c := cfg(20, rules...)
		s.Plan(c)
		b.ReportAllocs()
		for b.Loop() {
			if d := s.Plan(c); len(d.Start) != 1 {
				b.Fatalf("started %v", IDs(d.Start))
			}
		}
	})
	b.Run("reload", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if d := s.Plan(cfg(20, rules...)); len(d.Start) != 1 {
				b.Fatalf("started %v", IDs(d.Start))
			}
		}
	})
	b.Run("rules changed", func(b *testing.B) {
		changed := []*Config{cfg(20, rules...), cfg(20, append(rules, rule(b, uuid(5), 9, 0, `"ACCEPT"`))...)}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if d := s.Plan(changed[i%2]); len(d.Start) != 1 {
				b.Fatalf("started %v", IDs(d.Start))
			}
		}
	})
	b.Run("submit", func(b *testing.B) {
		c := cfg(20, rules...)
		s.Plan(c)
		b.ReportAllocs()
		id := uint64(1_000_000)
		for b.Loop() {
			id++
			s.Enqueue(job(id, fields(clusterRename)))
			d := s.Schedule(c)
			s.RemoveRunning(IDs(d.Start)...)
			if _, _, err := s.Dequeue(id); err != nil && len(d.Start) == 0 {
				b.Fatal(fmt.Errorf("dequeue %d: %w", id, err))
			}
		}
	})
}
