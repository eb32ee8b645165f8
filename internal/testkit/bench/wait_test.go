package bench

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/luxi"
)

func TestWaitFigures(t *testing.T) {
	changed := time.Now()
	results := []waiterResult{
		{at: changed.Add(10 * time.Millisecond), status: "canceled"},
		{at: changed.Add(30 * time.Millisecond), status: "canceled"},
		{at: changed.Add(-time.Millisecond), status: "error"},
		{at: changed.Add(time.Second), status: "queued"},
		{at: changed, err: fmt.Errorf("dial: %w", syscall.EAGAIN)},
		{at: changed, err: fmt.Errorf("call: %w", luxi.ErrConnectionClosed)},
		{at: changed, err: fmt.Errorf("call abandoned: %w: %w", context.Canceled, luxi.ErrConnectionClosed)},
		{at: changed, err: fmt.Errorf("dial: %w", syscall.ECONNREFUSED)},
		{at: changed, err: fmt.Errorf("dial: %w", context.Canceled)},
		{at: changed, err: errors.New("odd")},
	}
	l := load{startFds: 10, peakFds: 30}
	f := waitFigures(l, results, changed, len(results))
	values := map[string]float64{}
	for _, fig := range f.list {
		values[fig.Metric] = fig.Value
	}
	assert.Equal(t, 8.0, values["waiters failed"])
	assert.Equal(t, 10.0, values["change → answer p50"])
	assert.Equal(t, 30.0, values["change → answer max"])
	assert.Equal(t, 2.0, values["fds per waiter"])
	assert.Equal(t, []string{
		"1 waiter(s): answered \"error\" before the change",
		"1 waiter(s): answered \"queued\" instead of \"canceled\"",
		"1 waiter(s): connect refused (listen backlog full)",
		"1 waiter(s): connect refused (nothing listens)",
		"1 waiter(s): given up: the job could not be changed",
		"1 waiter(s): odd",
		"2 waiter(s): the luxid closed the connection",
	}, f.notes)
}

func TestWaitFiguresOfAnExitedLuxid(t *testing.T) {
	f := waitFigures(load{exited: true, peakFds: 1024}, []waiterResult{{err: luxi.ErrConnectionClosed}}, time.Now(), 1)
	for _, fig := range f.list {
		assert.NotEqual(t, "fds per waiter", fig.Metric, "meaningless when the luxid died")
		assert.NotContains(t, fig.Metric, "answer", "no latency without answers")
	}
}
