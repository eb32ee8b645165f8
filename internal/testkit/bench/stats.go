package bench

import (
	"math"
	"slices"
	"time"
)

// Summary is the spread of one figure across rounds.
type Summary struct {
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
	N      int     `json:"n"`
}

// summarize returns the minimum, median and maximum of values; the median
// of an even count is the mean of the middle two. No values give N 0.
func summarize(values []float64) Summary {
	if len(values) == 0 {
		return Summary{}
	}
	s := slices.Clone(values)
	slices.Sort(s)
	mid := len(s) / 2
	median := s[mid]
	if len(s)%2 == 0 {
		median = (s[mid-1] + s[mid]) / 2
	}
	return Summary{Min: s[0], Median: median, Max: s[len(s)-1], N: len(s)}
}

// percentile returns the p-th percentile (0 <= p <= 100) of ds by the
// nearest-rank method, the minimum for p 0; 0 for no durations.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return sortedPercentile(s, p)
}

// sortedPercentile is percentile over durations already sorted.
func sortedPercentile(s []time.Duration, p float64) time.Duration {
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// Distribution is one run's per-operation values of a figure, kept as
// their percentiles so that the distribution can be drawn later.
type Distribution struct {
	Metric string `json:"metric"`
	Unit   string `json:"unit"`
	// N is how many operations were timed.
	N int `json:"n"`
	// Percentiles holds the p-th percentile (nearest rank) at index p for
	// p = 0…100: Percentiles[0] is the minimum, Percentiles[100] the
	// maximum.
	Percentiles []float64 `json:"percentiles"`
}

// distribution keeps the percentiles of durations, in milliseconds; no
// durations give no percentiles.
func distribution(metric string, ds []time.Duration) Distribution {
	d := Distribution{Metric: metric, Unit: "ms", N: len(ds)}
	if len(ds) == 0 {
		return d
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	d.Percentiles = make([]float64, 101)
	for p := range d.Percentiles {
		d.Percentiles[p] = ms(sortedPercentile(s, float64(p)))
	}
	return d
}

// ms expresses d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// perSecond is n events in d as a rate.
func perSecond(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
