package report

import (
	"slices"

	"github.com/goluxid/goluxid/internal/testkit/bench"
	"github.com/goluxid/goluxid/internal/testkit/bench/store"
)

// roundRatios are the per-round ratios of one figure: in every round where
// both luxids gave a value and the Haskell luxid's is not 0, goluxid's
// value divided by the Haskell luxid's, in round order.
func roundRatios(e *store.Entry, metric string) []float64 {
	values := map[int]map[bench.Luxid]float64{}
	for _, rec := range e.Runs {
		for _, f := range rec.Figures {
			if f.Metric != metric {
				continue
			}
			if values[rec.Round] == nil {
				values[rec.Round] = map[bench.Luxid]float64{}
			}
			values[rec.Round][rec.Luxid] = f.Value
		}
	}
	var rounds []int
	for r := range values {
		rounds = append(rounds, r)
	}
	slices.Sort(rounds)
	var out []float64
	for _, r := range rounds {
		g, gok := values[r][bench.Go]
		h, hok := values[r][bench.Haskell]
		if gok && hok && h != 0 {
			out = append(out, g/h)
		}
	}
	return out
}

// spread is the range of a figure's per-round ratios on one release.
type spread struct {
	min, max float64
	ok       bool
}

func spreadOf(ratios []float64) spread {
	if len(ratios) == 0 {
		return spread{}
	}
	return spread{min: slices.Min(ratios), max: slices.Max(ratios), ok: true}
}

// shift says where a release's ratio lies against the base release's.
type shift int

const (
	noRatio      shift = iota // one release has no per-round ratio
	withinSpread              // the spreads overlap
	below                     // every per-round ratio below every one of the base
	above                     // every per-round ratio above every one of the base
)

// compareSpreads places other against base: below when other's largest
// per-round ratio is under base's smallest, above when its smallest is
// over base's largest, else within the spread.
func compareSpreads(base, other spread) shift {
	switch {
	case !base.ok || !other.ok:
		return noRatio
	case other.max < base.min:
		return below
	case other.min > base.max:
		return above
	default:
		return withinSpread
	}
}

// worseForGoluxid reports whether a shift means goluxid does worse
// against the Haskell luxid: a lower ratio of a figure where higher is
// better, or a higher one where lower is better.
func worseForGoluxid(s shift, better bench.Better) bool {
	return (s == below && better == bench.Higher) || (s == above && better == bench.Lower)
}

// betterForGoluxid is the opposite of worseForGoluxid.
func betterForGoluxid(s shift, better bench.Better) bool {
	return (s == below && better == bench.Lower) || (s == above && better == bench.Higher)
}

// comparisonView compares every ratio of one release with the base
// release's.
type comparisonView struct {
	Base, Other string
	Rows        []comparisonRow
	// Worse lists the figures where goluxid does worse on Other beyond
	// the spread; Better counts those where it does better.
	Worse  []string
	Better int
}

// comparisonRow is one figure, or one scenario measured on one release
// only.
type comparisonRow struct {
	Mode, Scenario, Figure, Base, Other, Shift, ForGoluxid string
}

// compare builds the comparison of release other with release base, over
// every scenario stored on at least one of them.
func (ix *index) compare(base, other string) comparisonView {
	v := comparisonView{Base: releaseTitle(base), Other: releaseTitle(other)}
	for _, mode := range ix.modes {
		for _, sc := range ix.scenarios[mode] {
			b, o := ix.entry(base, mode, sc.Name), ix.entry(other, mode, sc.Name)
			row := comparisonRow{Mode: ix.modeTitle(mode), Scenario: "`" + sc.Name + "`"}
			switch {
			case b == nil && o == nil:
				continue
			case b == nil:
				row.Figure = "not measured on " + v.Base
			case o == nil:
				row.Figure = "not measured on " + v.Other
			default:
				v.addFigures(row, b, o)
				continue
			}
			v.Rows = append(v.Rows, row)
		}
	}
	return v
}

// addFigures adds a row per figure of either entry.
func (v *comparisonView) addFigures(row comparisonRow, b, o *store.Entry) {
	for _, res := range unionResults(b.Results, o.Results) {
		baseSpread, otherSpread := spreadOf(roundRatios(b, res.Metric)), spreadOf(roundRatios(o, res.Metric))
		s := compareSpreads(baseSpread, otherSpread)
		r := row
		r.Figure = res.Label()
		r.Base, r.Other = ratioCell(b, res.Metric, baseSpread), ratioCell(o, res.Metric, otherSpread)
		r.Shift = shiftText[s]
		switch {
		case worseForGoluxid(s, res.Better):
			r.ForGoluxid = "worse"
			v.Worse = append(v.Worse, row.Scenario+" "+res.Metric+" ("+row.Mode+"): "+whoMoved(b, o, res, v.Base, v.Other))
		case betterForGoluxid(s, res.Better):
			r.ForGoluxid = "better"
			v.Better++
		}
		v.Rows = append(v.Rows, r)
	}
}

// whoMoved says, for a figure whose ratio moved, how each luxid's own
// medians moved from base to other and whether goluxid's stayed within
// the range of its values on base: a ratio moves as much when the Haskell
// luxid of one release differs from the other's.
func whoMoved(b, o *store.Entry, res bench.Result, baseTitle, otherTitle string) string {
	bs, os := seriesOf(b, res.Metric), seriesOf(o, res.Metric)
	if bs == nil || os == nil {
		return "no values on both"
	}
	own := "outside its range on " + baseTitle
	if g := os.Goluxid.Summary.Median; g >= bs.Goluxid.Summary.Min && g <= bs.Goluxid.Summary.Max {
		own = "within its range on " + baseTitle
	} else if !worseValue(bs.Goluxid.Summary.Median, g, res.Better) {
		own = "better than its range on " + baseTitle
	}
	return "goluxid " + movement(bs.Goluxid, os.Goluxid, res.Unit) + " (" + own + "), Haskell luxid " +
		movement(bs.Haskell, os.Haskell, res.Unit) + ", " + baseTitle + " to " + otherTitle
}

// seriesOf is the entry's result for metric, or nil.
func seriesOf(e *store.Entry, metric string) *bench.Result {
	i := slices.IndexFunc(e.Results, func(r bench.Result) bool { return r.Metric == metric })
	if i < 0 {
		return nil
	}
	return &e.Results[i]
}

// movement is "base median → other median unit".
func movement(base, other bench.Series, unit string) string {
	return bench.FormatValue(base.Summary.Median) + " → " + bench.FormatValue(other.Summary.Median) + " " + unit
}

// worseValue reports whether going from a to b is worse for a figure.
func worseValue(a, b float64, better bench.Better) bool {
	if better == bench.Higher {
		return b < a
	}
	return b > a
}

var shiftText = map[shift]string{
	noRatio:      "no ratio on both",
	withinSpread: "within the spread",
	below:        "lower, beyond the spread",
	above:        "higher, beyond the spread",
}

// unionResults lists a's results, then b's figures a lacks.
func unionResults(a, b []bench.Result) []bench.Result {
	out := slices.Clone(a)
	for _, res := range b {
		if !slices.ContainsFunc(out, func(r bench.Result) bool { return r.Metric == res.Metric }) {
			out = append(out, res)
		}
	}
	return out
}

// ratioCell is the ratio of the medians with the range of the per-round
// ratios.
func ratioCell(e *store.Entry, metric string, s spread) string {
	i := slices.IndexFunc(e.Results, func(r bench.Result) bool { return r.Metric == metric })
	if i < 0 || !s.ok {
		return "—"
	}
	return e.Results[i].RatioText() + " (" + bench.FormatValue(s.min) + "–" + bench.FormatValue(s.max) + ")"
}
