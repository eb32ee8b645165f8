package main

import (
	"flag"
	"time"

	"github.com/goluxid/goluxid/internal/testkit/bench"
)

// sizeFlags override single sizes of the chosen profile; zero values and
// unset lists keep the profile's.
type sizeFlags struct {
	roundtrips, submits, many, queryReps, latencyJobs, qaJobs, qaClients int
	dependantJobs, deathJobs, syscallCalls                               int
	qaGntThreads, qaGntJobs, startLoadCalls, startLoadJobs               int
	conns, queryJobs, waiters, startupJobs, queryInstances               intList
	rapiJobs, rapiInstances, hangingNodes                                intList
	idleWait, deathLimit                                                 time.Duration
}

func (s *sizeFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&s.roundtrips, "roundtrips", 0, "QueryConfigValues calls of roundtrip")
	fs.IntVar(&s.submits, "submits", 0, "SubmitJob calls of each submit-C scenario")
	fs.Var(&s.conns, "conns", "connections of the submit-C scenarios, e.g. 1,8")
	fs.IntVar(&s.many, "many", 0, "jobs of the SubmitManyJobs call")
	fs.Var(&s.queryJobs, "query-jobs", "queue sizes of the queryjobs-N and queryjobs-queued-N scenarios, e.g. 1000,10000,50000")
	fs.IntVar(&s.queryReps, "query-reps", 0, "queries per query run after the first (timed too by the queryjobs scenarios)")
	fs.Var(&s.waiters, "waiters", "waiters of the wait-N scenarios, e.g. 100,1000")
	fs.IntVar(&s.latencyJobs, "latency-jobs", 0, "jobs of the latency scenario, run one after another")
	fs.IntVar(&s.syscallCalls, "syscall-calls", 0, "calls of each counted phase of the syscalls scenario")
	fs.IntVar(&s.qaJobs, "qa-jobs", 0, "jobs of the qa scenario")
	fs.IntVar(&s.qaClients, "qa-clients", 0, "parallel clients of the qa scenario")
	fs.IntVar(&s.qaGntThreads, "qa-gnt-threads", 0, "parallel submitters of the qa-gnt scenario")
	fs.IntVar(&s.qaGntJobs, "qa-gnt-jobs", 0, "gnt-debug commands each submitter of the qa-gnt scenario runs")
	fs.IntVar(&s.startLoadCalls, "startload-calls", 0, "timed calls of each kind of the startload scenario, idle and under load")
	fs.IntVar(&s.startLoadJobs, "startload-jobs", 0, "jobs of the startload scenario's load")
	fs.Var(&s.queryInstances, "query-instances", "instances of the generated clusters of the queryinstances-N and querynodes-N scenarios, e.g. 1000,10000")
	fs.Var(&s.rapiJobs, "rapi-jobs", "queue sizes of the rapi-jobs-N scenarios, e.g. 10000")
	fs.Var(&s.rapiInstances, "rapi-instances", "instances of the generated clusters of the rapi-instances-N scenarios")
	fs.Var(&s.hangingNodes, "hanging-nodes", "cluster sizes of the querynodes-hanging-N scenarios")
	fs.Var(&s.startupJobs, "startup-jobs", "queue sizes of the startup-N scenarios, e.g. 10000,50000")
	fs.DurationVar(&s.idleWait, "idle-wait", 0, "how long the idle scenario lets the luxid sit")
	fs.IntVar(&s.dependantJobs, "dependant-jobs", 0, "parent and dependant pairs of the dependant scenario")
	fs.IntVar(&s.deathJobs, "death-jobs", 0, "jobs the death scenario kills")
	fs.DurationVar(&s.deathLimit, "death-limit", 0, "how long the death scenario waits for each death to be noticed")
}

// apply overrides the sizes given on the command line.
func (s *sizeFlags) apply(z *bench.Sizes) {
	setInt := func(dst *int, v int) {
		if v != 0 {
			*dst = v
		}
	}
	setInt(&z.Roundtrips, s.roundtrips)
	setInt(&z.Submits, s.submits)
	setInt(&z.Many, s.many)
	setInt(&z.QueryReps, s.queryReps)
	setInt(&z.LatencyJobs, s.latencyJobs)
	setInt(&z.SyscallCalls, s.syscallCalls)
	setInt(&z.QAJobs, s.qaJobs)
	setInt(&z.QAClients, s.qaClients)
	setInt(&z.QAGntThreads, s.qaGntThreads)
	setInt(&z.QAGntJobs, s.qaGntJobs)
	setInt(&z.StartLoadCalls, s.startLoadCalls)
	setInt(&z.StartLoadJobs, s.startLoadJobs)
	setInt(&z.DependantJobs, s.dependantJobs)
	setInt(&z.DeathJobs, s.deathJobs)
	if s.deathLimit != 0 {
		z.DeathLimit = s.deathLimit
	}
	setList := func(dst *[]int, l intList) {
		if l.set {
			*dst = l.values
		}
	}
	setList(&z.Conns, s.conns)
	setList(&z.QueryJobs, s.queryJobs)
	setList(&z.Waiters, s.waiters)
	setList(&z.StartupJobs, s.startupJobs)
	setList(&z.QueryInstances, s.queryInstances)
	setList(&z.RAPIJobs, s.rapiJobs)
	setList(&z.HangingNodes, s.hangingNodes)
	setList(&z.RAPIInstances, s.rapiInstances)
	if s.idleWait != 0 {
		z.IdleWait = s.idleWait
	}
}
