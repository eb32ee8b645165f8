package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/luxi"
)

// soakEnv sets the soak's duration (a Go duration); 20 s by default.
const soakEnv = "GOLUXID_SOAK"

// soakSamples is how many times the figures are read during the soak.
const soakSamples = 5

// soakFigures are the daemon's resources at one moment, from its metrics.
type soakFigures struct {
	goroutines, fds, rssMiB float64
	// liveJobs are the queue's live job files, cachedJobs the
	// ones among them it keeps parsed: garbage collection moves neither.
	liveJobs, cachedJobs float64
}

func (f soakFigures) String() string {
	return fmt.Sprintf("%.0f goroutines, %.0f descriptors, %.1f MiB resident, %.0f live jobs, %.0f cached",
		f.goroutines, f.fds, f.rssMiB, f.liveJobs, f.cachedJobs)
}

func readSoakFigures(t *testing.T, metricsSock string) soakFigures {
	text := scrape(t, metricsSock)
	return soakFigures{
		goroutines: metricValue(text, "go_goroutines"),
		fds:        metricValue(text, "process_open_fds"),
		rssMiB:     metricValue(text, "process_resident_memory_bytes") / (1 << 20),
		liveJobs:   metricValue(text, "goluxid_queue_live_job_files"),
		cachedJobs: metricValue(text, "goluxid_queue_cached_jobs"),
	}
}

// cacheSettle bounds the wait, once the load has stopped, for an archive
// move still in progress to leave the cache.
const cacheSettle = 5 * time.Second

// requireCacheOfLiveJobsOnly requires that the queue keeps no more
// finished jobs parsed than it has live job files, once calls still in
// progress have ended: archived jobs must leave the cache, or it grows
// with every job archived.
func requireCacheOfLiveJobsOnly(t *testing.T, metricsSock string) {
	t.Helper()
	deadline := time.Now().Add(cacheSettle)
	for {
		f := readSoakFigures(t, metricsSock)
		if f.cachedJobs <= f.liveJobs {
			t.Logf("after the load: %s", f)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the queue keeps %.0f jobs parsed but has only %.0f live job files %s after the load: archived jobs stay cached",
				f.cachedJobs, f.liveJobs, cacheSettle)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestSoakStaysFlat loads goluxid with 100 clients of mixed calls (queries,
// submissions each canceled again, archiving) and 1,000 WaitForJobChange
// waiters renewing their waits, for GOLUXID_SOAK (20 s by default; a full
// soak runs 15 minutes). No call may fail, the daemon's goroutines,
// descriptors and memory at the end must match those once the load was up,
// and once the load has stopped the queue may keep no more finished jobs
// parsed than it has live job files (all read from its own metrics
// endpoint).
func TestSoakStaysFlat(t *testing.T) {
	requireGanetiUsers(t)
	duration := 20 * time.Second
	if d, err := time.ParseDuration(os.Getenv(soakEnv)); err == nil && d > 0 {
		duration = d
	}
	l, sock := startPausedWithMetrics(t)
	c := dialWhenReady(t, l.LuxiSocket)
	held, err := c.Call(context.Background(), "SubmitJob", []json.RawMessage{json.RawMessage(`[` + crashDelayOp + `]`)})
	require.NoError(t, err)
	c.Close()
	heldID, err := strconv.ParseUint(string(held), 10, 64)
	require.NoError(t, err)

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var calls, failures atomic.Int64
	var firstFailure atomic.Pointer[error]
	fail := func(err error) {
		failures.Add(1)
		firstFailure.CompareAndSwap(nil, &err)
	}
	client := func(work func(*luxi.Client) error) {
		defer wg.Done()
		cl, err := luxi.Dial(l.LuxiSocket)
		if err != nil {
			fail(err)
			return
		}
		defer cl.Close()
		for ctx.Err() == nil {
			if err := work(cl); err != nil && ctx.Err() == nil {
				fail(err)
			}
			calls.Add(1)
		}
	}
	for range 1000 {
		wg.Add(1)
		go client(func(cl *luxi.Client) error {
			_, err := cl.Call(ctx, "WaitForJobChange", []any{heldID, []string{"status"}, []string{"queued"}, nil, 2})
			return ignoreCanceled(err)
		})
	}
	for i := range 100 {
		wg.Add(1)
		go client(func(cl *luxi.Client) error {
			time.Sleep(time.Duration(20+rand.IntN(80)) * time.Millisecond)
			return ignoreCanceled(mixedCall(ctx, cl, i))
		})
	}
	time.Sleep(min(duration/4, 5*time.Second))
	start := readSoakFigures(t, sock)
	mostCached := start.cachedJobs
	// Five samples on the way show whether a rise levels off.
	for i := 1; i <= soakSamples; i++ {
		time.Sleep(duration / soakSamples)
		if i < soakSamples {
			f := readSoakFigures(t, sock)
			mostCached = max(mostCached, f.cachedJobs)
			t.Logf("after %s: %d calls; %s", duration*time.Duration(i)/soakSamples, calls.Load(), f)
		}
	}
	end := readSoakFigures(t, sock)
	mostCached = max(mostCached, end.cachedJobs)
	stop()
	wg.Wait()

	t.Logf("soak of %s: %d calls, %d failed; once loaded: %s; at the end: %s", duration, calls.Load(), failures.Load(), start, end)
	if p := firstFailure.Load(); p != nil {
		t.Errorf("%d calls failed, the first: %v", failures.Load(), *p)
	}
	assert.Positive(t, mostCached, "queries kept jobs parsed during the soak")
	requireCacheOfLiveJobsOnly(t, sock)
	assert.LessOrEqual(t, end.goroutines, start.goroutines*1.05+20, "goroutines")
	assert.LessOrEqual(t, end.fds, start.fds+10, "descriptors")
	assert.LessOrEqual(t, end.rssMiB, start.rssMiB*1.5+16, "resident memory")
}

// mixedCall is one call of a soak client: mostly queries, some
// submissions canceled at once, now and then an archiving.
func mixedCall(ctx context.Context, cl *luxi.Client, client int) error {
	switch {
	case client%10 == 0:
		id, err := cl.Call(ctx, "SubmitJob", []json.RawMessage{json.RawMessage(`[` + crashDelayOp + `]`)})
		if err != nil {
			return err
		}
		_, err = cl.Call(ctx, "CancelJob", []json.RawMessage{id})
		return err
	case client == 1:
		_, err := cl.Call(ctx, "AutoArchiveJobs", []any{-1, 5})
		return err
	case client%3 == 0:
		_, err := cl.Call(ctx, "QueryJobs", []any{nil, []string{"id", "status"}})
		return err
	case client%3 == 1:
		_, err := cl.Call(ctx, "Query", []any{"node", []string{"name", "pinst_cnt"}, nil})
		return err
	default:
		_, err := cl.Call(ctx, "QueryConfigValues", []any{[]string{"cluster_name"}})
		return err
	}
}

// ignoreCanceled drops the error of a call cut short by the soak's end.
func ignoreCanceled(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
