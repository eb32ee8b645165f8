package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/bench"
	"github.com/goluxid/goluxid/internal/testkit/bench/store"
)

// figure is one figure's per-round values of a synthetic scenario; a
// missing luxid value (fewer values than rounds) is a failed run.
type figure struct {
	metric, unit string
	better       bench.Better
	goluxid      []float64
	haskell      []float64
}

var day = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// synthetic makes a stored scenario of len(goluxid values) rounds.
func synthetic(rel, flags, scenario, family string, figs ...figure) store.Entry {
	rounds := 1
	for _, f := range figs {
		rounds = max(rounds, len(f.goluxid), len(f.haskell))
	}
	var runs []bench.Record
	for round := 1; round <= rounds; round++ {
		for _, lx := range bench.Luxids {
			rec := bench.Record{Round: round, Scenario: scenario, Luxid: lx, Seconds: 1,
				Started: day.Add(time.Duration(len(runs)) * time.Minute), LoadBefore: "0.5 0.5 0.5", LoadAfter: "0.7 0.6 0.5"}
			for _, f := range figs {
				values := f.goluxid
				if lx == bench.Haskell {
					values = f.haskell
				}
				if round <= len(values) {
					rec.Figures = append(rec.Figures, bench.Figure{Metric: f.metric, Unit: f.unit, Better: f.better, Value: values[round-1]})
				}
			}
			if len(rec.Figures) == 0 {
				rec.Error = "connect refused\nsecond line"
			}
			runs = append(runs, rec)
		}
	}
	rep := &bench.Report{
		Date: day, Command: "luxibench -scenarios " + scenario, Rounds: rounds,
		Luxids:           map[bench.Luxid]string{bench.Go: "goluxid -f " + flags, bench.Haskell: "ganeti-luxid -f"},
		Machine:          bench.Machine{CPU: "Test CPU", CPUs: 2, Memory: "4.0 GiB", Kernel: "6.1.0", GoVersion: "go1.26", Disk: "ext4 on /dev/vda"},
		Scenarios:        []bench.ScenarioInfo{{Name: scenario, Family: family, About: "synthetic"}},
		Durable:          []bench.DurableWrites{{N: 200, PerSecond: 1000}},
		DurablePerSecond: bench.Summary{Min: 1000, Median: 1000, Max: 1000, N: 1},
		Runs:             runs,
		Results:          bench.Results(runs, scenario),
	}
	dir := strings.TrimPrefix(rel, "ganeti-")
	entries := store.Split(rep, store.Setting{Release: dir, GanetiVersion: dir + ".0", GoluxidFlags: flags,
		GoluxidCommit: "abc1234", Profile: "full"})
	if len(entries) != 1 {
		panic("synthetic scenario " + scenario + " is incomplete")
	}
	return entries[0]
}

var (
	rss = func(g, h []float64) figure { return figure{"RSS", "MiB", bench.Lower, g, h} }
	qps = func(g, h []float64) figure { return figure{"submits/s", "1/s", bench.Higher, g, h} }
)

// withLatencies adds a latency distribution to every run of e.
func withLatencies(e store.Entry) store.Entry {
	for i := range e.Runs {
		p := make([]float64, 101)
		for j := range p {
			p[j] = float64(1+i) * (1 + float64(j)/10)
		}
		e.Runs[i].Distributions = []bench.Distribution{{Metric: "submit latency", Unit: "ms", N: 1000, Percentiles: p}}
	}
	return e
}

// syntheticStore is a small store: Ganeti 3.0 has idle, submit-1 (with
// latencies), two startup sizes and a wait scenario whose runs all
// failed; Ganeti 3.1 has idle and submit-1; latency ran with --warm-start
// on 3.0 only.
func syntheticStore(t *testing.T) string {
	dir := t.TempDir()
	entries := []store.Entry{
		synthetic("ganeti-3.0", "", "idle", "idle", rss([]float64{10, 11}, []float64{20, 21})),
		withLatencies(synthetic("ganeti-3.0", "", "submit-1", "submit",
			qps([]float64{800, 900}, []float64{200, 210}), rss([]float64{18, 19}, []float64{28, 28}))),
		synthetic("ganeti-3.0", "", "startup-10000", "startup",
			figure{"time to first answer", "ms", bench.Lower, []float64{24, 26}, []float64{1000, 1100}},
			rss([]float64{20, 21}, []float64{180, 181})),
		synthetic("ganeti-3.0", "", "startup-50000", "startup",
			figure{"time to first answer", "ms", bench.Lower, []float64{90, 95}, []float64{5000, 5400}},
			rss([]float64{40, 45}, []float64{800, 850})),
		synthetic("ganeti-3.0", "", "wait-100", "wait", figure{metric: "x"}),
		synthetic("ganeti-3.0", "--warm-start", "latency", "latency",
			figure{"queued → running p50", "ms", bench.Lower, []float64{26}, []float64{194}}),
		synthetic("ganeti-3.1", "", "idle", "idle", rss([]float64{12, 12.4}, []float64{20, 20})),
		withLatencies(synthetic("ganeti-3.1", "", "submit-1", "submit",
			qps([]float64{700, 1000}, []float64{200, 220}), rss([]float64{18, 19}, []float64{28, 28}))),
	}
	for _, e := range entries {
		require.NoError(t, store.Write(dir, e))
	}
	require.NoError(t, store.WriteGoBench(dir, store.GoBenchHeader{Date: day, GoluxidCommit: "abc1234", Command: "go test -bench ."},
		[]byte("cpu: Test CPU\nBenchmarkQueryJobs/jobs=1000/cached-2  50  21000000 ns/op  1000 rows/op  3300000 B/op  25792 allocs/op\n")))
	return dir
}

func render(t *testing.T, dir string) *Output {
	t.Helper()
	st, err := store.Load(dir)
	require.NoError(t, err)
	out, err := Render(st, "benchmarks/charts")
	require.NoError(t, err)
	return out
}

// section returns the text of the "## title" section.
func section(t *testing.T, md, title string) string {
	t.Helper()
	_, rest, ok := strings.Cut(md, "\n## "+title+"\n")
	require.True(t, ok, "section %q", title)
	if i := strings.Index(rest, "\n## "); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

func TestRenderIsDeterministic(t *testing.T) {
	dir := syntheticStore(t)
	first, second := render(t, dir), render(t, dir)
	assert.Equal(t, string(first.Markdown), string(second.Markdown))
	assert.Equal(t, first.Charts, second.Charts)

	out1, out2 := t.TempDir(), t.TempDir()
	require.NoError(t, first.WriteFiles(filepath.Join(out1, "B.md"), filepath.Join(out1, "charts")))
	require.NoError(t, second.WriteFiles(filepath.Join(out2, "B.md"), filepath.Join(out2, "charts")))
	assert.Equal(t, readTree(t, out1), readTree(t, out2))
}

// readTree reads every file under dir by its relative path.
func readTree(t *testing.T, dir string) map[string]string {
	files := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[rel] = string(data)
		return err
	}))
	return files
}

func TestRenderedTables(t *testing.T) {
	md := string(render(t, syntheticStore(t)).Markdown)
	g30 := section(t, md, "Ganeti 3.0")
	assert.Contains(t, g30, "Measured on Ganeti 3.0.0.")
	def30, warm30, ok := strings.Cut(g30, "### goluxid --warm-start")
	require.True(t, ok, "a table for the warm start")
	assert.Contains(t, def30, "| `idle` | RSS (MiB, lower is better) | 10 / 10.5 / 11 | 20 / 20.5 / 21 | 0.512 | goluxid |\n")
	assert.Contains(t, def30, "| `submit-1` | submits/s (1/s, higher is better) | 800 / 850 / 900 | 200 / 205 / 210 | 4.15 | goluxid |\n")
	assert.Contains(t, def30, "| `queryjobs-50000` | not measured |", "every scenario of the full profile has a row")
	assert.Contains(t, def30, "| `wait-100` | every run failed |")
	assert.Contains(t, warm30, "| `latency` | queued → running p50 (ms, lower is better) | 26 / 26 / 26 | 194 / 194 / 194 | 0.134 | goluxid |\n")
	assert.Contains(t, g30, "| default start | `idle` | 2026-12-01 10:00 UTC | `abc1234` | full, 2 round(s) | A | 0.5 0.5 0.5 → 0.7 0.6 0.5 | 1000 / 1000 / 1000 |")
	assert.Contains(t, g30, "- Machine A: Test CPU, 2 CPU(s), 4.0 GiB RAM, Linux 6.1.0, go1.26; ext4 on /dev/vda\n")
	assert.Contains(t, g30, "- `wait-100` (default start) on goluxid, round 1 failed: connect refused\n")
	assert.Contains(t, g30, "![`submit-1`, default start: latency distributions](benchmarks/charts/ganeti-3.0-default-submit-1.svg)")
	assert.Contains(t, g30, "(benchmarks/charts/ganeti-3.0-default-startup-by-size.svg)")

	g31 := section(t, md, "Ganeti 3.1")
	assert.Contains(t, g31, "| `startup-10000` | not measured |")
	_, warm31, ok := strings.Cut(g31, "### goluxid --warm-start")
	require.True(t, ok, "every release shows every stored start mode")
	assert.Contains(t, warm31, "| `latency` | not measured |")

	gobench := section(t, md, "Allocations per query")
	assert.Contains(t, gobench, "| `QueryJobs/jobs=1000/cached` | 1,000 | 21 | 25,792 | 25.8 | 3.30 |\n")
	assert.Contains(t, gobench, "Measured 2026-12-01T10:00:00Z on goluxid `abc1234`, Test CPU")
}

func TestRenderComparesReleases(t *testing.T) {
	md := string(render(t, syntheticStore(t)).Markdown)
	cmp := section(t, md, "Ganeti 3.1 against Ganeti 3.0")
	// idle RSS: 3.0's per-round ratios 0.5 and 0.524, 3.1's 0.6 and 0.62.
	assert.Contains(t, cmp, "| default start | `idle` | RSS (MiB, lower is better) | 0.512 (0.500–0.524) | 0.610 (0.600–0.620) | higher, beyond the spread | worse |\n")
	// submit-1 submits/s: 3.0's 4 and 4.29, 3.1's 3.5 and 4.55 overlap.
	assert.Contains(t, cmp, "| default start | `submit-1` | submits/s (1/s, higher is better) | 4.15 (4–4.29) | 4.05 (3.50–4.55) | within the spread |  |\n")
	assert.Contains(t, cmp, "| default start | `startup-10000` | not measured on Ganeti 3.1 |")
	assert.Contains(t, cmp, "| goluxid --warm-start | `latency` | not measured on Ganeti 3.1 |")
	assert.Contains(t, cmp, "- `idle` RSS (default start): goluxid 10.5 → 12.2 MiB (outside its range on Ganeti 3.0), Haskell luxid 20.5 → 20 MiB, Ganeti 3.0 to Ganeti 3.1\n")
	assert.NotContains(t, cmp, "`queryjobs-1000`", "scenarios stored on neither release are left out")
	assert.Contains(t, cmp, "spread")
}

func TestRenderWithoutResults(t *testing.T) {
	md := string(render(t, t.TempDir()).Markdown)
	for _, rel := range []string{"Ganeti 3.0", "Ganeti 3.1"} {
		s := section(t, md, rel)
		assert.Contains(t, s, "Nothing is stored for this release")
		assert.Contains(t, s, "| `idle` | not measured |")
		assert.NotContains(t, s, "warm-start")
	}
	assert.Contains(t, section(t, md, "Allocations per query"), "| not measured |")
	assert.Contains(t, md, "No figure has goluxid standing worse")
}

func TestChartsAreWellFormedSVG(t *testing.T) {
	out := render(t, syntheticStore(t))
	var names []string
	for name, svg := range out.Charts {
		names = append(names, name)
		dec := xml.NewDecoder(bytes.NewReader(svg))
		polylines := 0
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, name)
			if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "polyline" {
				polylines++
			}
		}
		assert.Positive(t, polylines, "%s draws lines", name)
	}
	assert.ElementsMatch(t, []string{
		"ganeti-3.0-default-submit-1.svg", "ganeti-3.0-default-startup-by-size.svg", "ganeti-3.1-default-submit-1.svg",
	}, names)
	assert.Equal(t, 4, strings.Count(string(out.Charts["ganeti-3.0-default-submit-1.svg"]), "<polyline"),
		"one line per run: two rounds on two luxids")
}

func TestWriteFilesRemovesOldCharts(t *testing.T) {
	out := render(t, syntheticStore(t))
	dir := t.TempDir()
	charts := filepath.Join(dir, "charts")
	require.NoError(t, os.MkdirAll(charts, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(charts, "gone.svg"), []byte("<svg/>"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(charts, "README"), []byte("kept"), 0o644))
	require.NoError(t, out.WriteFiles(filepath.Join(dir, "BENCHMARKS.md"), charts))
	assert.NoFileExists(t, filepath.Join(charts, "gone.svg"))
	assert.FileExists(t, filepath.Join(charts, "README"))
	assert.FileExists(t, filepath.Join(charts, "ganeti-3.1-default-submit-1.svg"))
	md, err := os.ReadFile(filepath.Join(dir, "BENCHMARKS.md"))
	require.NoError(t, err)
	assert.Equal(t, out.Markdown, md)
}
