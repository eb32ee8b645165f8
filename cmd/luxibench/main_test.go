package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/bench"
	"github.com/goluxid/goluxid/internal/testkit/binary"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

func TestSizeFlagsOverrideTheProfile(t *testing.T) {
	o, _, err := parse([]string{"-goluxid", "/bin/true", "-profile", "full", "-waiters", "5,6", "-qa-jobs", "7", "-rounds", "4"})
	require.NoError(t, err)
	sizes, rounds, err := o.resolve()
	require.NoError(t, err)
	want := bench.FullSizes()
	want.Waiters, want.QAJobs = []int{5, 6}, 7
	assert.Equal(t, want, sizes)
	assert.Equal(t, 4, rounds)
}

func TestProfileRounds(t *testing.T) {
	for profile, want := range map[string]int{"short": 1, "default": 3, "full": 2} {
		o, _, err := parse([]string{"-goluxid", "x", "-profile", profile})
		require.NoError(t, err)
		_, rounds, err := o.resolve()
		require.NoError(t, err)
		assert.Equal(t, want, rounds, profile)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no goluxid", nil, 2, "-goluxid PATH is required"},
		{"stray argument", []string{"-goluxid", "x", "y"}, 2, "unexpected arguments"},
		{"bad profile", []string{"-goluxid", "x", "-profile", "huge"}, 1, `-profile "huge"`},
		{"bad list", []string{"-goluxid", "x", "-waiters", "1,a"}, 2, "invalid value"},
		{"unknown scenario", []string{"-goluxid", "x", "-scenarios", "nodes"}, 1, `no scenario "nodes"`},
		{"bad size", []string{"-goluxid", "x", "-submits", "-3"}, 1, "sizes must be positive: submits"},
		{"stray subcommand argument", []string{"render", "x"}, 2, "unexpected arguments"},
		{"flag of another command", []string{"gobench", "-goluxid", "x"}, 2, "flag provided but not defined"},
		{"no store", []string{"render", "-store", "/nonexistent/results"}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, tt.code, run(context.Background(), tt.args, &stdout, &stderr))
			assert.Contains(t, stderr.String(), tt.want)
		})
	}
}

func TestList(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"-list", "-profile", "full"}, &stdout, &stderr), stderr.String())
	assert.Contains(t, stdout.String(), "queryjobs-50000  queryjobs")
	assert.Contains(t, stdout.String(), "wait-1000")
}

// TestShortBenchmark is CI's run of the benchmark: every scenario, short
// sizes, one round on each luxid. It checks that the tool works, not the
// figures: every run must succeed and give figures.
func TestShortBenchmark(t *testing.T) {
	sandbox.RequireForTest(t)
	dir := t.TempDir()
	bin, err := binary.Goluxid()
	require.NoError(t, err)
	t.Cleanup(func() { _ = binary.Remove() })

	jsonFile, mdFile := filepath.Join(dir, "bench.json"), filepath.Join(dir, "bench.md")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	scenarios := shortScenarios(t)
	code := run(ctx, []string{"-goluxid", bin, "-profile", "short", "-scenarios", strings.Join(scenarios, ","), "-json", jsonFile, "-md", mdFile}, &stdout, &stderr)
	t.Logf("progress:\n%s", stderr.String())
	require.Equal(t, 0, code)

	data, err := os.ReadFile(jsonFile)
	require.NoError(t, err)
	var rep bench.Report
	require.NoError(t, json.Unmarshal(data, &rep))
	for _, f := range rep.Failures() {
		t.Errorf("%s on %s failed: %s", f.Scenario, f.Luxid, f.Error)
	}
	require.Len(t, rep.Scenarios, len(scenarios))
	for _, sc := range rep.Scenarios {
		n := 0
		for _, res := range rep.Results {
			if res.Scenario == sc.Name {
				n++
				assert.Equal(t, 1, res.Goluxid.Summary.N, "%s: %s on goluxid", sc.Name, res.Metric)
				assert.Equal(t, 1, res.Haskell.Summary.N, "%s: %s on haskell", sc.Name, res.Metric)
			}
		}
		assert.Positive(t, n, "%s has figures", sc.Name)
	}
	md, err := os.ReadFile(mdFile)
	require.NoError(t, err)
	assert.Equal(t, stdout.String(), string(md))
	assert.True(t, strings.HasPrefix(rep.Command, "luxibench -goluxid "))
}

// shortScenarios names every scenario of the short profile, but the
// syscalls one where perf cannot count system calls here (it is not part
// of every Debian kernel's tooling): that is logged, not failed.
func shortScenarios(t *testing.T) []string {
	canCount := perfCounts()
	var names []string
	for _, sc := range bench.Scenarios(bench.ShortSizes()) {
		if sc.Family == "syscalls" && !canCount {
			t.Logf("perf cannot count system calls on this machine: scenario %s left out", sc.Name)
			continue
		}
		names = append(names, sc.Name)
	}
	return names
}

// perfCounts reports whether perf stat can count system calls here.
func perfCounts() bool {
	return exec.Command("perf", "stat", "-e", "raw_syscalls:sys_enter", "-o", "/dev/null", "--", "true").Run() == nil
}
