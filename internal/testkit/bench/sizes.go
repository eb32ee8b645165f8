package bench

import "time"

// FullSizes are the sizes of a full comparison: QueryJobs over 1k, 10k and
// 50k jobs, 100 to 1,000 waiters, SubmitManyJobs of 1,000, queued-to-running
// latency over 1,000 jobs, Ganeti's QA job-queue test (200 jobs from 10
// clients, over LUXI and with the real gnt-debug), client latency while
// 200 jobs start, start-up with 10k and 50k job files.
func FullSizes() Sizes {
	return Sizes{
		Roundtrips:     1000,
		Submits:        1000,
		Conns:          []int{1, 8},
		Many:           1000,
		QueryJobs:      []int{1000, 10000, 50000},
		QueryReps:      2,
		Waiters:        []int{100, 250, 500, 1000},
		LatencyJobs:    1000,
		SyscallCalls:   1000,
		QAJobs:         200,
		QAClients:      10,
		QAGntThreads:   10,
		QAGntJobs:      20,
		StartLoadCalls: 200,
		StartLoadJobs:  200,
		QueryInstances: []int{1000, 10000},
		RAPIJobs:       []int{10000},
		RAPIInstances:  []int{10000},
		HangingNodes:   []int{1000},
		StartupJobs:    []int{10000, 50000},
		IdleWait:       2 * time.Second,
		DependantJobs:  20,
		DeathJobs:      5,
		DeathLimit:     60 * time.Second,
	}
}

// DefaultSizes are smaller, for a run of a few minutes.
func DefaultSizes() Sizes {
	return Sizes{
		Roundtrips:     1000,
		Submits:        1000,
		Conns:          []int{1, 8},
		Many:           1000,
		QueryJobs:      []int{1000, 10000},
		QueryReps:      3,
		Waiters:        []int{100, 1000},
		LatencyJobs:    100,
		SyscallCalls:   1000,
		QAJobs:         50,
		QAClients:      10,
		QAGntThreads:   10,
		QAGntJobs:      20,
		StartLoadCalls: 200,
		StartLoadJobs:  200,
		QueryInstances: []int{1000},
		RAPIJobs:       []int{10000},
		RAPIInstances:  []int{1000},
		HangingNodes:   []int{1000},
		StartupJobs:    []int{10000},
		IdleWait:       2 * time.Second,
		DependantJobs:  10,
		DeathJobs:      3,
		DeathLimit:     20 * time.Second,
	}
}

// ShortSizes exercise every scenario in seconds; they are for CI, which
// runs them so that the tool keeps working, not for figures.
func ShortSizes() Sizes {
	return Sizes{
		Roundtrips:     50,
		Submits:        40,
		Conns:          []int{1, 8},
		Many:           20,
		QueryJobs:      []int{100},
		QueryReps:      1,
		Waiters:        []int{10},
		LatencyJobs:    2,
		SyscallCalls:   40,
		QAJobs:         10,
		QAClients:      2,
		QAGntThreads:   2,
		QAGntJobs:      2,
		StartLoadCalls: 10,
		StartLoadJobs:  10,
		QueryInstances: []int{100},
		RAPIJobs:       []int{100},
		RAPIInstances:  []int{100},
		HangingNodes:   []int{20},
		StartupJobs:    []int{200},
		IdleWait:       200 * time.Millisecond,
		DependantJobs:  2,
		DeathJobs:      1,
		DeathLimit:     3 * time.Second,
	}
}
