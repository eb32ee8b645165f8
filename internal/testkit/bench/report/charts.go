package report

import (
	"fmt"
	"slices"

	"github.com/goluxid/goluxid/internal/testkit/bench"
	"github.com/goluxid/goluxid/internal/testkit/bench/chart"
	"github.com/goluxid/goluxid/internal/testkit/bench/store"
)

// namedChart is one chart file of the report.
type namedChart struct {
	release, file, caption string
	chart                  chart.Chart
}

// luxidColors are the luxids' colors in every chart.
var luxidColors = map[bench.Luxid]string{bench.Go: "#1f6fb4", bench.Haskell: "#d4472a"}

// bySize are the families charted against their size: the x axis and
// what the chart shows.
var bySize = []struct{ family, axis, title string }{
	{"startup", "live jobs in the queue", "start-up time and memory against queue size"},
	{"queryjobs", "finished jobs in the queue", "QueryJobs time and memory against queue size"},
	{"queryjobs-queued", "queued jobs in the queue", "QueryJobs time and memory against queue size"},
}

// sizeUnits are the units of the figures charted against size: time and
// memory.
var sizeUnits = []string{"ms", "MiB"}

// charts draws every chart of the report, in report order: for each
// release and start mode, the latency distributions of each scenario
// that has them, then the families charted against their size.
func (ix *index) charts() []namedChart {
	var out []namedChart
	for _, rel := range ix.releases {
		for _, mode := range ix.modes {
			for _, sc := range ix.scenarios[mode] {
				if e := ix.entry(rel, mode, sc.Name); e != nil && hasDistributions(e) {
					out = append(out, ix.latencyChart(e))
				}
			}
			for _, fam := range bySize {
				if c, ok := ix.sizeChart(rel, mode, fam.family, fam.axis, fam.title); ok {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

func hasDistributions(e *store.Entry) bool {
	return slices.ContainsFunc(e.Runs, func(r bench.Record) bool { return len(r.Distributions) > 0 })
}

// latencyChart draws a panel per latency of the scenario, a line per run.
func (ix *index) latencyChart(e *store.Entry) namedChart {
	where := fmt.Sprintf("%s, %s", releaseTitle(e.Release), ix.modeTitle(e.StartMode))
	c := chart.Chart{
		Title:    fmt.Sprintf("%s: latency distributions, %s", e.Scenario.Name, where),
		Subtitle: "one line per run; each operation's latency at every percentile of the run",
		Columns:  2,
	}
	var metrics []string
	for _, rec := range e.Runs {
		for _, d := range rec.Distributions {
			metrics = appendNew(metrics, d.Metric)
		}
	}
	for _, m := range metrics {
		p := chart.Panel{Title: m, X: chart.Axis{Label: "percentile"}, Y: chart.Axis{Label: "ms", Log: true}}
		for _, rec := range e.Runs {
			for _, d := range rec.Distributions {
				if d.Metric == m {
					p.Series = append(p.Series, percentileSeries(rec.Luxid, d))
				}
			}
		}
		c.Panels = append(c.Panels, p)
	}
	return namedChart{
		release: e.Release, file: fmt.Sprintf("%s-%s-%s.svg", e.Release, e.StartMode, e.Scenario.Name),
		caption: fmt.Sprintf("`%s`, %s: latency distributions", e.Scenario.Name, ix.modeTitle(e.StartMode)),
		chart:   c,
	}
}

func percentileSeries(lx bench.Luxid, d bench.Distribution) chart.Series {
	s := chart.Series{Name: luxidTitle(lx), Color: luxidColors[lx]}
	for p, v := range d.Percentiles {
		s.Points = append(s.Points, chart.Point{X: float64(p), Y: v})
	}
	return s
}

// sizeChart draws a family's figures of time and memory against the
// scenarios' sizes: each luxid's median, with a bar from the minimum to
// the maximum of the rounds.
func (ix *index) sizeChart(rel, mode, family, axis, title string) (namedChart, bool) {
	var entries []*store.Entry
	for _, sc := range ix.scenarios[mode] {
		if e := ix.entry(rel, mode, sc.Name); e != nil && sc.Family == family && size(sc.Name) > 0 {
			entries = append(entries, e)
		}
	}
	if len(entries) == 0 {
		return namedChart{}, false
	}
	c := chart.Chart{
		Title:    fmt.Sprintf("%s-N: %s, %s, %s", family, title, releaseTitle(rel), ix.modeTitle(mode)),
		Subtitle: "median of the rounds; bars from the minimum to the maximum",
		Columns:  3,
	}
	for _, res := range sizeResults(entries) {
		p := chart.Panel{Title: res.Metric, X: chart.Axis{Label: axis, Log: true}, Y: chart.Axis{Label: res.Unit, Log: true}}
		for _, lx := range bench.Luxids {
			p.Series = append(p.Series, sizeSeries(entries, res.Metric, lx))
		}
		c.Panels = append(c.Panels, p)
	}
	return namedChart{
		release: rel, file: fmt.Sprintf("%s-%s-%s-by-size.svg", rel, mode, family),
		caption: fmt.Sprintf("`%s-N`, %s: %s", family, ix.modeTitle(mode), title),
		chart:   c,
	}, true
}

// sizeResults lists the figures of time and memory of entries, in the
// order they first appear.
func sizeResults(entries []*store.Entry) []bench.Result {
	var out []bench.Result
	for _, e := range entries {
		for _, res := range e.Results {
			if slices.Contains(sizeUnits, res.Unit) && !slices.ContainsFunc(out, func(r bench.Result) bool { return r.Metric == res.Metric }) {
				out = append(out, res)
			}
		}
	}
	return out
}

func sizeSeries(entries []*store.Entry, metric string, lx bench.Luxid) chart.Series {
	s := chart.Series{Name: luxidTitle(lx), Color: luxidColors[lx], Markers: true}
	for _, e := range entries {
		i := slices.IndexFunc(e.Results, func(r bench.Result) bool { return r.Metric == metric })
		if i < 0 {
			continue
		}
		series := e.Results[i].Goluxid
		if lx == bench.Haskell {
			series = e.Results[i].Haskell
		}
		if sum := series.Summary; sum.N > 0 {
			s.Points = append(s.Points, chart.Point{X: float64(size(e.Scenario.Name)), Y: sum.Median, Low: sum.Min, High: sum.Max})
		}
	}
	return s
}
