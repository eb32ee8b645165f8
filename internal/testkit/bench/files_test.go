package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/jqueue"
)

// newLayout returns the layout of a node root in a temporary directory,
// with its queue directory created.
func newLayout(t *testing.T) *paths.Layout {
	t.Helper()
	l := paths.New(t.TempDir())
	require.NoError(t, os.MkdirAll(l.QueueDir, 0o755))
	return l
}

func TestWriteJobFiles(t *testing.T) {
	l := newLayout(t)
	require.NoError(t, WriteFinishedJobs(l, 3))

	serial, err := os.ReadFile(l.SerialFile)
	require.NoError(t, err)
	assert.Equal(t, "3\n", string(serial))
	for id := 1; id <= 3; id++ {
		data, err := os.ReadFile(filepath.Join(l.QueueDir, jqueue.JobFileName(uint64(id))))
		require.NoError(t, err)
		assert.True(t, strings.HasSuffix(string(data), "}\n"), "one trailing newline, as Python writes")
		job, err := jqueue.ParseJob(data)
		require.NoError(t, err)
		assert.Equal(t, uint64(id), job.ID)
		assert.Equal(t, jqueue.StatusSuccess, job.Status())
		require.NotNil(t, job.Livelock)
		assert.Equal(t, filepath.Join(l.LivelockDir, fmt.Sprintf("job_%06d_1735689600", id)), *job.Livelock)
	}
}

func TestWriteQueuedJobs(t *testing.T) {
	l := newLayout(t)
	require.NoError(t, WriteQueuedJobs(l, 3))

	serial, err := os.ReadFile(l.SerialFile)
	require.NoError(t, err)
	assert.Equal(t, "3\n", string(serial))
	ops, err := opcodes.ForRelease(release.Ganeti30.Dir)
	require.NoError(t, err)
	for id := 1; id <= 3; id++ {
		data, err := os.ReadFile(filepath.Join(l.QueueDir, jqueue.JobFileName(uint64(id))))
		require.NoError(t, err)
		job, err := jqueue.ParseJob(data)
		require.NoError(t, err)
		assert.Equal(t, uint64(id), job.ID)
		assert.Equal(t, jqueue.StatusQueued, job.Status())
		written, err := job.Marshal()
		require.NoError(t, err)
		assert.Equal(t, string(written), string(data), "the file luxid writes for the job")
		input := ops.ParseInput(job.Ops[0].Input)
		require.NotNil(t, input.OpCode(), "a valid opcode")
		canonical, err := input.MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, string(canonical), string(job.Ops[0].Input), "the opcode as luxid canonicalises it")
	}
}

func TestFinishedJobFileIsPythonJSON(t *testing.T) {
	data := finishedJobFile(paths.New("/r"), 42)
	var job map[string]any
	require.NoError(t, json.Unmarshal(data, &job))
	assert.Contains(t, string(data), `"id": 42, "ops": [{"input": {"duration": 0.1, `)
	assert.Contains(t, string(data), `"received_timestamp": [1735689600, 42000]`)
	assert.Contains(t, string(data), `"reason": [["gnt:opcode:test_delay", "job=42;index=0", 1735689600042000000]]`)
	assert.NotContains(t, string(data), "%!", "every verb has its argument")
}

func TestPauseAll(t *testing.T) {
	tests := []struct {
		name, config string
	}{
		{"no filters key", `{"cluster":{"mem":5000000.0},"serial_no":7}`},
		{"empty filters", `{"cluster":{"mem":5000000.0},"filters":{},"serial_no":7}`},
		{"other rule", `{"cluster":{"mem":5000000.0},"filters":{"u1":{"uuid":"u1"}},"serial_no":7}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLayout(t)
			require.NoError(t, os.WriteFile(l.ConfigFile, []byte(tt.config), 0o640))
			require.NoError(t, pauseAll(l))
			data, err := os.ReadFile(l.ConfigFile)
			require.NoError(t, err)
			assert.Contains(t, string(data), `"mem":5000000.0`, "numbers stay verbatim")
			var cfg struct {
				Filters map[string]map[string]any `json:"filters"`
			}
			require.NoError(t, json.Unmarshal(data, &cfg))
			rule := cfg.Filters[pauseRuleUUID]
			assert.Equal(t, "PAUSE", rule["action"])
			assert.Equal(t, []any{}, rule["predicates"])
			if tt.name == "other rule" {
				assert.Contains(t, cfg.Filters, "u1")
			}
		})
	}
}

func TestPauseProbesMatchesTheProbesReason(t *testing.T) {
	l := newLayout(t)
	require.NoError(t, os.WriteFile(l.ConfigFile, []byte(`{"serial_no":7}`), 0o640))
	require.NoError(t, pauseProbes(l))
	data, err := os.ReadFile(l.ConfigFile)
	require.NoError(t, err)
	var cfg struct {
		Filters map[string]struct {
			Action     string  `json:"action"`
			Predicates [][]any `json:"predicates"`
		} `json:"filters"`
	}
	require.NoError(t, json.Unmarshal(data, &cfg))
	rule := cfg.Filters[probeRuleUUID]
	assert.Equal(t, "PAUSE", rule.Action)
	require.Equal(t, [][]any{{"reason", []any{"=", "reason", probeReason}}}, rule.Predicates)

	trail, ok := probeOp()["reason"].([]any)
	require.True(t, ok)
	require.Len(t, trail, 1)
	entry := trail[0].([]any)
	assert.Equal(t, probeReason, entry[1], "the probe's reason trail is what the rule matches")
	assert.Empty(t, delayOp(0.1)["reason"], "other jobs carry no reason")
}

func TestPauseAllRefusesBadFilters(t *testing.T) {
	l := newLayout(t)
	require.NoError(t, os.WriteFile(l.ConfigFile, []byte(`{"filters":[]}`), 0o640))
	assert.ErrorContains(t, pauseAll(l), "not an object")
}

func TestMeasureDurableWrites(t *testing.T) {
	dir := t.TempDir()
	d, err := measureDurableWrites(dir, 5)
	require.NoError(t, err)
	assert.Equal(t, 5, d.N)
	assert.Positive(t, d.PerSecond)
	assert.LessOrEqual(t, d.P50Millis, d.P99Millis)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "the probe cleans up")
}
