package bench

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/paths"
)

// selfCluster is a Cluster whose "luxid" is the test process itself, so
// that scenarios that only watch the luxid's process can run.
type selfCluster struct {
	layout *paths.Layout
	closed *int
}

func (c selfCluster) Layout() *paths.Layout            { return c.layout }
func (c selfCluster) LuxidPid() int                    { return os.Getpid() }
func (c selfCluster) StopLuxid() error                 { return nil }
func (c selfCluster) StartLuxid(context.Context) error { return nil }
func (c selfCluster) LuxidOutput() string              { return "/nonexistent" }
func (c selfCluster) Close() error                     { *c.closed++; return nil }
func (c selfCluster) StartRAPI(context.Context) (RAPIEndpoint, error) {
	return RAPIEndpoint{}, errors.New("no RAPI here")
}

func (c selfCluster) Client(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, name, args...)
}

func testConfig(t *testing.T, launch Launcher) Config {
	sizes := ShortSizes()
	sizes.IdleWait = 50 * time.Millisecond
	return Config{Launch: launch, Rounds: 2, Sizes: sizes, Dir: t.TempDir(), RunTimeout: time.Minute}
}

func TestRunAlternatesAndSummarises(t *testing.T) {
	var launched []Luxid
	closed := 0
	cfg := testConfig(t, func(_ context.Context, s Setup) (Cluster, error) {
		launched = append(launched, s.Luxid)
		return selfCluster{layout: paths.New(t.TempDir()), closed: &closed}, nil
	})
	cfg.Scenarios = []string{"idle"}
	var progress strings.Builder
	cfg.Progress = &progress

	rep, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, []Luxid{Go, Haskell, Haskell, Go}, launched)
	assert.Equal(t, 4, closed, "every cluster is closed")
	assert.Empty(t, rep.Failures())
	require.NotEmpty(t, rep.Results)
	assert.Equal(t, "idle", rep.Results[0].Scenario)
	assert.Equal(t, 2, rep.Results[0].Goluxid.Summary.N)
	assert.Equal(t, 2, rep.Results[0].Haskell.Summary.N)
	assert.Len(t, rep.Durable, 2)
	assert.Contains(t, progress.String(), "[4/4, ")
}

func TestRunRecordsFailedStarts(t *testing.T) {
	cfg := testConfig(t, func(context.Context, Setup) (Cluster, error) {
		return nil, errors.New("no sandbox today")
	})
	cfg.Rounds = 1
	cfg.Scenarios = []string{"submit", "wait"}

	rep, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	failed := rep.Failures()
	require.Len(t, failed, 6, "submit-1, submit-8 and wait-10 on both luxids")
	assert.Equal(t, "start cluster: no sandbox today", failed[0].Error)
	assert.Empty(t, rep.Results)
}

func TestRunRefusesBadConfig(t *testing.T) {
	cfg := testConfig(t, nil)
	cfg.Rounds = 0
	cfg.Sizes.Waiters = []int{10, 0}
	_, err := Run(context.Background(), cfg)
	assert.ErrorContains(t, err, "no Launcher")
	assert.ErrorContains(t, err, "Rounds must be at least 1")
	assert.ErrorContains(t, err, "sizes must be positive: waiters")
}

func TestSelectScenarios(t *testing.T) {
	all := scenarios(FullSizes())
	tests := []struct {
		name   string
		choice []string
		want   []string
	}{
		{"all", nil, names(all)},
		{"family", []string{"queryjobs"}, []string{"queryjobs-1000", "queryjobs-10000", "queryjobs-50000"}},
		{"names and family, in run order", []string{"qa", "submit-8", "idle"}, []string{"idle", "submit-8", "qa"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := selectScenarios(all, tt.choice)
			require.NoError(t, err)
			assert.Equal(t, tt.want, names(got))
		})
	}
	_, err := selectScenarios(all, []string{"nodes"})
	assert.ErrorContains(t, err, `no scenario "nodes"`)
}

func TestEveryScenarioHasAFamilyAndAbout(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range Scenarios(FullSizes()) {
		assert.False(t, seen[sc.Name], "duplicate scenario %s", sc.Name)
		seen[sc.Name] = true
		assert.NotEmpty(t, sc.Family, sc.Name)
		assert.NotEmpty(t, sc.About, sc.Name)
	}
}

func TestProfilesAreValid(t *testing.T) {
	for name, s := range map[string]Sizes{"short": ShortSizes(), "default": DefaultSizes(), "full": FullSizes()} {
		assert.NoError(t, s.check(), name)
	}
}

func TestSampleProcOfSelf(t *testing.T) {
	s, err := sampleProc(os.Getpid())
	require.NoError(t, err)
	assert.Positive(t, s.rssKiB)
	assert.GreaterOrEqual(t, s.hwmKiB, s.rssKiB)
	assert.GreaterOrEqual(t, s.fds, 3)
	_, err = sampleProc(-1)
	assert.Error(t, err)
}

func TestUnderLoadSeesPeaks(t *testing.T) {
	l, err := underLoad(os.Getpid(), func() error {
		f, err := os.Open(os.DevNull)
		if err != nil {
			return err
		}
		defer f.Close()
		return sleep(context.Background(), 3*monitorInterval)
	})
	require.NoError(t, err)
	assert.Greater(t, l.peakFds, l.startFds, "the extra descriptor was sampled")
	assert.Positive(t, l.peakRSSKiB)
	assert.GreaterOrEqual(t, l.elapsed, 3*monitorInterval)
}

func TestAlive(t *testing.T) {
	assert.True(t, alive(os.Getpid()))
	assert.False(t, alive(-1))
}

func TestLastOutput(t *testing.T) {
	file := t.TempDir() + "/luxid.out"
	require.NoError(t, os.WriteFile(file, []byte("one\ntwo\nthree\n"), 0o644))
	assert.Equal(t, "two / three", lastOutput(file))
	assert.Contains(t, lastOutput(t.TempDir()+"/missing"), "cannot read its output")
}

func TestRunRecordsErrorsWithoutTheClusterDir(t *testing.T) {
	root := t.TempDir()
	closed := 0
	cfg := testConfig(t, func(context.Context, Setup) (Cluster, error) {
		return selfCluster{layout: paths.New(root), closed: &closed}, nil
	})
	cfg.Rounds = 1
	cfg.Scenarios = []string{"roundtrip"}

	rep, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	failed := rep.Failures()
	require.Len(t, failed, 2)
	assert.Contains(t, failed[0].Error, "$ROOT/var/run/ganeti/socket/ganeti-query")
	assert.NotContains(t, failed[0].Error, root)
	assert.Equal(t, 2, closed)
}

// CI runs the short profile; it must reach every family the full profile
// has, so that no scenario goes untried.
func TestShortProfileCoversEveryFamily(t *testing.T) {
	families := func(s Sizes) map[string]bool {
		out := map[string]bool{}
		for _, sc := range Scenarios(s) {
			out[sc.Family] = true
		}
		return out
	}
	assert.Equal(t, families(FullSizes()), families(ShortSizes()))
	assert.Equal(t, families(FullSizes()), families(DefaultSizes()))
}
