package bench

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSlowSubmissions(t *testing.T) {
	ten := func(d time.Duration) []time.Duration {
		out := make([]time.Duration, slowBaseline)
		for i := range out {
			out[i] = d
		}
		return out
	}
	ms := time.Millisecond
	tests := []struct {
		name      string
		durations []time.Duration
		want      int
	}{
		{"fewer than ten", []time.Duration{ms, 100 * ms}, 0},
		{"ten only set the mean", append(ten(ms)[:9], 100*ms), 0},
		{"at 1.5 times the mean", append(ten(100*ms), 150*ms), 0},
		{"above 1.5 times the mean", append(ten(100*ms), 151*ms, 149*ms, 300*ms), 2},
		{"later durations do not move the mean", append(ten(100*ms), 200*ms, 200*ms, 200*ms), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, slowSubmissions(tt.durations))
		})
	}
}

func TestParseJobID(t *testing.T) {
	id, err := parseJobID("JobID: 42\n")
	require.NoError(t, err)
	assert.Equal(t, uint64(42), id)
	for _, out := range []string{"", "Submitted jobs 1, 2\n", "JobID: 1\nJobID: 2\n"} {
		_, err := parseJobID(out)
		assert.Error(t, err, "%q", out)
	}
}

// scriptedCluster is a Cluster whose clients print the next of outputs.
type scriptedCluster struct {
	selfCluster
	outputs []string
	calls   *int
}

func (c scriptedCluster) Client(ctx context.Context, _ string, _ ...string) *exec.Cmd {
	out := c.outputs[min(*c.calls, len(c.outputs)-1)]
	*c.calls++
	return exec.CommandContext(ctx, "printf", "%s", out)
}

func TestDriveJobs(t *testing.T) {
	tests := []struct {
		name    string
		outputs []string
		polls   int
		err     string
	}{
		{"all succeed", []string{"1 running\n2 success\n", "1 success\n"}, 2, ""},
		{"queued and waiting are pending", []string{"1 queued\n2 waiting\n", "1 success\n2 success\n"}, 2, ""},
		{"an error fails at once", []string{"1 running\n2 error\n"}, 1, "jobs [2] are in error state"},
		{"canceled fails at the end", []string{"1 canceled\n2 success\n"}, 1, "jobs [1] did not finish in success"},
		{"a missing job fails at the end", []string{"2 success\n"}, 1, "jobs [1] did not finish in success"},
		{"garbage", []string{"1\n"}, 1, "unexpected line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			cl := scriptedCluster{outputs: tt.outputs, calls: &calls}
			done, polls, _, err := driveJobs(context.Background(), cl, []uint64{1, 2}, 0)
			assert.Equal(t, tt.polls, polls)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.False(t, done.IsZero())
		})
	}
}

func TestStartBound(t *testing.T) {
	ms := time.Millisecond
	assert.Equal(t, 12*ms, startBound(2*ms, 0), "small p99s may grow by 10 ms")
	assert.Equal(t, 40*ms, startBound(20*ms, 0), "large ones may double")
	assert.Equal(t, 45*ms, startBound(20*ms, 5*ms), "plus the fsync p99")
}

func TestFsyncSamplerRemovesItsFile(t *testing.T) {
	dir := t.TempDir()
	s, err := startFsyncSampler(dir)
	require.NoError(t, err)
	_, err = s.Stop()
	require.NoError(t, err)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}
