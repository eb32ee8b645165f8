package jqueue

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadParallel emits every result in order, each loaded once, whatever
// the number of windows.
func TestLoadParallelEmitsInOrder(t *testing.T) {
	for _, n := range []int{0, 1, loadWindow - 1, loadWindow, loadWindow + 1, 3*loadWindow + 7} {
		ids := make([]int, n)
		for i := range ids {
			ids[i] = i
		}
		var loads atomic.Int64
		got := []int{}
		err := loadParallel(context.Background(), ids,
			func(id int, out *int) { loads.Add(1); *out = id * 10 },
			func(id int, v *int) error {
				assert.Equal(t, id*10, *v)
				got = append(got, id)
				return nil
			})
		require.NoError(t, err)
		assert.Equal(t, ids[:len(got)], got, "n=%d", n)
		assert.Len(t, got, n)
		assert.Equal(t, int64(n), loads.Load(), "n=%d: each id loaded once", n)
	}
}

// An emit error or an ended context stops the load, and no load runs
// after loadParallel returned.
func TestLoadParallelStops(t *testing.T) {
	ids := make([]int, 5*loadWindow)
	stop := errors.New("stop")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var returned atomic.Bool
	var lateLoads atomic.Int64
	load := func(int, *int) {
		if returned.Load() {
			lateLoads.Add(1)
		}
	}
	tests := map[string]struct {
		ctx  context.Context
		emit func(int, *int) error
		want error
	}{
		"emit error": {context.Background(), func(int, *int) error { return stop }, stop},
		"cancelled":  {ctx, func(int, *int) error { cancel(); return nil }, context.Canceled},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			returned.Store(false)
			err := loadParallel(tc.ctx, ids, load, tc.emit)
			returned.Store(true)
			assert.ErrorIs(t, err, tc.want)
			assert.Zero(t, lateLoads.Load())
		})
	}
}

// prepare runs on every job before emit sees it.
func TestLoadJobsPrepares(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	q, err := Open(l, nil)
	require.NoError(t, err)
	ids, err := q.LiveJobIDs()
	require.NoError(t, err)
	refs := []JobRef{{ID: 999, Where: Live}, {ID: 2, Where: Requested}}
	for _, id := range ids {
		refs = append(refs, JobRef{ID: id, Where: Live})
	}
	prepared := func(j *LoadedJob) { j.Memo.Store("prepared", j.ID) }
	var emitted int
	require.NoError(t, q.LoadJobs(context.Background(), refs, prepared, func(ref JobRef, j *LoadedJob) error {
		emitted++
		require.NotNil(t, j.Memo, "job %d", ref.ID)
		v, ok := j.Memo.Load("prepared")
		require.True(t, ok, "job %d", ref.ID)
		assert.Equal(t, ref.ID, v)
		return nil
	}))
	assert.Equal(t, len(refs), emitted)
}
