package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/bench"
	"github.com/goluxid/goluxid/internal/testkit/bench/store"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
)

// storeWithSubmit stores a one-round submit-1 with latency distributions
// on Ganeti 3.0.
func storeWithSubmit(t *testing.T) string {
	dir := t.TempDir()
	var runs []bench.Record
	for i, lx := range bench.Luxids {
		runs = append(runs, bench.Record{Round: 1, Scenario: "submit-1", Luxid: lx,
			Started: time.Date(2026, 12, 1, 10, i, 0, 0, time.UTC),
			Figures: []bench.Figure{{Metric: "submits/s", Unit: "1/s", Better: bench.Higher, Value: float64(900 - 700*i)}},
			Distributions: []bench.Distribution{{Metric: "submit latency", Unit: "ms", N: 2,
				Percentiles: []float64{1, 2, 3}}}})
	}
	rep := &bench.Report{Rounds: 1, Runs: runs, Results: bench.Results(runs, "submit-1"),
		Scenarios: []bench.ScenarioInfo{{Name: "submit-1", Family: "submit"}}}
	entries := store.Split(rep, store.Setting{Release: "3.0", GanetiVersion: "3.0.2", Profile: "short"})
	require.Len(t, entries, 1)
	require.NoError(t, store.Write(dir, entries[0]))
	return dir
}

func TestRenderSubcommand(t *testing.T) {
	results, out := storeWithSubmit(t), t.TempDir()
	md, charts := filepath.Join(out, "doc", "B.md"), filepath.Join(out, "charts")
	require.NoError(t, os.Mkdir(filepath.Dir(md), 0o755))
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"render", "-store", results, "-out", md, "-charts", charts}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	text, err := os.ReadFile(md)
	require.NoError(t, err)
	assert.Contains(t, string(text), "| `submit-1` | submits/s (1/s, higher is better) | 900 / 900 / 900 | 200 / 200 / 200 | 4.50 | goluxid |\n")
	assert.Contains(t, string(text), "(../charts/ganeti-3.0-default-submit-1.svg)")
	assert.FileExists(t, filepath.Join(charts, "ganeti-3.0-default-submit-1.svg"))
}

func TestRelativeLink(t *testing.T) {
	tests := []struct{ out, dir, want string }{
		{"BENCHMARKS.md", "benchmarks/charts", "benchmarks/charts"},
		{"/r/docs/B.md", "/r/charts", "../charts"},
		{"/r/B.md", "/r/", "."},
	}
	for _, tt := range tests {
		got, err := relativeLink(tt.out, tt.dir)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%s → %s", tt.out, tt.dir)
	}
}

// TestCommit checks the commit printed against git's own answer, in the
// checkout the test runs in.
func TestCommit(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		prereq.Missing(t, "needs a git checkout: git cannot name HEAD: %v", err)
	}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"commit"}, &stdout, &stderr), stderr.String())
	got := strings.TrimSpace(stdout.String())
	assert.Regexp(t, regexp.MustCompile(`^`+strings.TrimSpace(string(head))+`(-dirty)?$`), got)
}

// The committed BENCHMARKS.md and its charts are what the committed
// results render to: the report is regenerated whenever results change.
func TestCommittedReportIsCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	out := t.TempDir()
	md, charts := filepath.Join(out, "BENCHMARKS.md"), filepath.Join(out, "benchmarks", "charts")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"render", "-store", filepath.Join(root, "benchmarks", "results"),
		"-out", md, "-charts", charts}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	sameFile(t, md, filepath.Join(root, "BENCHMARKS.md"))
	rendered, err := os.ReadDir(charts)
	require.NoError(t, err)
	committed, err := os.ReadDir(filepath.Join(root, "benchmarks", "charts"))
	require.NoError(t, err)
	require.Equal(t, len(rendered), len(committed), "charts rendered and committed")
	for _, e := range rendered {
		sameFile(t, filepath.Join(charts, e.Name()), filepath.Join(root, "benchmarks", "charts", e.Name()))
	}
}

// sameFile fails unless the rendered file has the committed one's bytes.
func sameFile(t *testing.T, rendered, committed string) {
	t.Helper()
	want, err := os.ReadFile(committed)
	require.NoError(t, err)
	got, err := os.ReadFile(rendered)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "%s is not what scripts/bench.sh render makes of benchmarks/results", committed)
}
