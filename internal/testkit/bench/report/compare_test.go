package report

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/internal/testkit/bench"
	"github.com/goluxid/goluxid/internal/testkit/bench/store"
)

func TestRoundRatios(t *testing.T) {
	e := synthetic("ganeti-3.0", "", "idle", "idle",
		rss([]float64{10, 11, 12}, []float64{20, 0}), // round 2: Haskell 0; round 3: Haskell failed
		qps([]float64{5}, []float64{10}))
	assert.Equal(t, []float64{0.5}, roundRatios(&e, "RSS"))
	assert.Equal(t, []float64{0.5}, roundRatios(&e, "submits/s"))
	assert.Empty(t, roundRatios(&e, "no such figure"))
}

func TestCompareSpreads(t *testing.T) {
	s := func(lo, hi float64) spread { return spread{min: lo, max: hi, ok: true} }
	tests := []struct {
		name        string
		base, other spread
		want        shift
	}{
		{"overlapping", s(1, 2), s(1.5, 3), withinSpread},
		{"touching", s(1, 2), s(0.5, 1), withinSpread},
		{"below", s(1, 2), s(0.5, 0.99), below},
		{"above", s(1, 2), s(2.01, 3), above},
		{"one round each, lower", s(1, 1), s(0.9, 0.9), below},
		{"one round each, equal", s(1, 1), s(1, 1), withinSpread},
		{"no ratio on the base", spread{}, s(1, 2), noRatio},
		{"no ratio on the other", s(1, 2), spread{}, noRatio},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, compareSpreads(tt.base, tt.other))
		})
	}
}

func TestShiftMeaningForGoluxid(t *testing.T) {
	assert.True(t, worseForGoluxid(below, bench.Higher), "a lower rate ratio")
	assert.True(t, worseForGoluxid(above, bench.Lower), "a higher time ratio")
	assert.True(t, betterForGoluxid(below, bench.Lower))
	assert.True(t, betterForGoluxid(above, bench.Higher))
	for _, s := range []shift{withinSpread, noRatio} {
		for _, b := range []bench.Better{bench.Higher, bench.Lower} {
			assert.False(t, worseForGoluxid(s, b))
			assert.False(t, betterForGoluxid(s, b))
		}
	}
}

func TestSpreadOf(t *testing.T) {
	assert.Equal(t, spread{min: 0.5, max: 2, ok: true}, spreadOf([]float64{1, 2, 0.5}))
	assert.False(t, spreadOf(nil).ok)
}

// A ratio that moved because the Haskell luxid's figure moved says that
// goluxid's own stayed within its range.
func TestWhoMovedNamesTheLuxidThatMoved(t *testing.T) {
	entry := func(gmin, gmed, gmax, h float64) *store.Entry {
		return &store.Entry{Results: []bench.Result{{Metric: "peak RSS", Unit: "MiB", Better: bench.Lower,
			Goluxid: bench.Series{Summary: bench.Summary{Min: gmin, Median: gmed, Max: gmax, N: 3}},
			Haskell: bench.Series{Summary: bench.Summary{Min: h, Median: h, Max: h, N: 3}}}}}
	}
	base, other := entry(75, 76, 77, 202), entry(76, 77, 78, 180)
	assert.Equal(t, "goluxid 76 → 77 MiB (within its range on 3.0), Haskell luxid 202 → 180 MiB, 3.0 to 3.1",
		whoMoved(base, other, base.Results[0], "3.0", "3.1"))
	worse := entry(90, 91, 92, 202)
	assert.Equal(t, "goluxid 76 → 91 MiB (outside its range on 3.0), Haskell luxid 202 → 202 MiB, 3.0 to 3.1",
		whoMoved(base, worse, base.Results[0], "3.0", "3.1"))
	better := entry(60, 61, 62, 202)
	assert.Contains(t, whoMoved(base, better, base.Results[0], "3.0", "3.1"), "(better than its range on 3.0)")
}
