package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/bench"
)

// twoScenarioReport is a finished report of one round: idle ran on both
// luxids, submit-1 only on goluxid (the measurement was cut short).
func twoScenarioReport() *bench.Report {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	fig := func(v float64) []bench.Figure {
		return []bench.Figure{{Metric: "RSS", Unit: "MiB", Better: bench.Lower, Value: v}}
	}
	return &bench.Report{
		Date: t0, Command: "luxibench -scenarios idle,submit-1", Rounds: 1,
		Luxids:    map[bench.Luxid]string{bench.Go: "goluxid -f", bench.Haskell: "ganeti-luxid -f"},
		Machine:   bench.Machine{CPU: "Test CPU", CPUs: 2, LoadBefore: "9 9 9", LoadAfter: "8 8 8"},
		Scenarios: []bench.ScenarioInfo{{Name: "idle", Family: "idle"}, {Name: "submit-1", Family: "submit"}},
		Durable:   []bench.DurableWrites{{N: 200, PerSecond: 900}},
		Results: []bench.Result{{Scenario: "idle", Metric: "RSS", Unit: "MiB", Better: bench.Lower,
			Goluxid: bench.Series{Values: []float64{11}}, Haskell: bench.Series{Values: []float64{23}}, Ratio: 11.0 / 23}},
		Runs: []bench.Record{
			{Round: 1, Scenario: "idle", Luxid: bench.Go, Started: t0.Add(time.Second), Seconds: 2.5,
				LoadBefore: "0.5 0.4 0.3", LoadAfter: "0.6 0.4 0.3", Figures: fig(11)},
			{Round: 1, Scenario: "idle", Luxid: bench.Haskell, Started: t0.Add(4 * time.Second), Seconds: 3,
				LoadBefore: "0.6 0.4 0.3", LoadAfter: "0.7 0.5 0.3", Figures: fig(23),
				Distributions: []bench.Distribution{{Metric: "m", Unit: "ms", N: 1, Percentiles: []float64{1, 2}}}},
			{Round: 1, Scenario: "submit-1", Luxid: bench.Go, Started: t0.Add(8 * time.Second), Error: "interrupted"},
		},
	}
}

var testSetting = Setting{Release: "3.0", GanetiVersion: "3.0.2", GoluxidFlags: "--warm-start",
	GoluxidCommit: "abc1234", Profile: "short"}

func TestSplitKeepsCompleteScenarios(t *testing.T) {
	entries := Split(twoScenarioReport(), testSetting)
	require.Len(t, entries, 1, "submit-1 lacks its Haskell run")
	e := entries[0]
	assert.Equal(t, "idle", e.Scenario.Name)
	assert.Equal(t, "ganeti-3.0", e.Release)
	assert.Equal(t, "warm-start", e.StartMode)
	assert.Equal(t, FormatVersion, e.Version)
	assert.Len(t, e.Runs, 2)
	assert.Len(t, e.Results, 1)
	assert.Equal(t, time.Date(2026, 12, 1, 10, 0, 1, 0, time.UTC), e.Date, "the first run's start")
	assert.Equal(t, 5.5, e.Seconds)
	assert.Equal(t, "0.5 0.4 0.3", e.Machine.LoadBefore)
	assert.Equal(t, "0.7 0.5 0.3", e.Machine.LoadAfter)
	assert.Equal(t, "Test CPU", e.Machine.CPU)
}

func TestWriteLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	entries := Split(twoScenarioReport(), testSetting)
	require.NoError(t, Write(dir, entries[0]))
	assert.FileExists(t, filepath.Join(dir, "ganeti-3.0", "warm-start", "idle.json"))

	st, err := Load(dir)
	require.NoError(t, err)
	require.Len(t, st.Entries, 1)
	assert.Equal(t, entries[0].Runs, st.Entries[0].Runs)
	assert.Equal(t, entries[0], st.Entries[0])
	assert.Nil(t, st.GoBench)
}

func TestRerunReplacesOnlyItsScenario(t *testing.T) {
	dir := t.TempDir()
	first := Split(twoScenarioReport(), testSetting)[0]
	other := first
	other.Scenario = bench.ScenarioInfo{Name: "roundtrip", Family: "roundtrip"}
	require.NoError(t, Write(dir, first))
	require.NoError(t, Write(dir, other))

	rerun := first
	rerun.GoluxidCommit = "def5678"
	require.NoError(t, Write(dir, rerun))

	st, err := Load(dir)
	require.NoError(t, err)
	require.Len(t, st.Entries, 2)
	assert.Equal(t, "idle", st.Entries[0].Scenario.Name)
	assert.Equal(t, "def5678", st.Entries[0].GoluxidCommit)
	assert.Equal(t, "roundtrip", st.Entries[1].Scenario.Name)
	assert.Equal(t, "abc1234", st.Entries[1].GoluxidCommit)
}

func TestLoadRefusesMisplacedAndForeignFiles(t *testing.T) {
	good := Split(twoScenarioReport(), testSetting)[0]
	tests := []struct {
		name   string
		modify func(e *Entry)
		path   string
	}{
		{"misplaced", func(*Entry) {}, "ganeti-3.1/warm-start/idle.json"},
		{"other version", func(e *Entry) { e.Version = 2 }, "ganeti-3.0/warm-start/idle.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			e := good
			tt.modify(&e)
			data, err := encode(e)
			require.NoError(t, err)
			file := filepath.Join(dir, tt.path)
			require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
			require.NoError(t, os.WriteFile(file, data, 0o644))
			_, err = Load(dir)
			assert.ErrorIs(t, err, ErrFormat)
		})
	}
}

func TestWriteRefusesNamesThatAreNoPath(t *testing.T) {
	e := Split(twoScenarioReport(), testSetting)[0]
	e.Scenario.Name = "../idle"
	assert.ErrorIs(t, Write(t.TempDir(), e), ErrFormat)
}

func TestLoadMissingDirectory(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none"))
	assert.Error(t, err)
}

func TestStartMode(t *testing.T) {
	tests := map[string]string{
		"":                                 "default",
		"   ":                              "default",
		"--warm-start":                     "warm-start",
		"--Warm_Start":                     "warm-start",
		"--warm-start --max-queued-jobs=0": "max-queued-jobs-0-warm-start",
		"--max-queued-jobs=0 --warm-start": "max-queued-jobs-0-warm-start",
		"-x=/some/path":                    "x-some-path",
		"--":                               "default",
	}
	for flags, want := range tests {
		assert.Equal(t, want, StartMode(flags), "StartMode(%q)", flags)
	}
}
