package bench

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   Summary
	}{
		{"none", nil, Summary{}},
		{"one", []float64{4}, Summary{Min: 4, Median: 4, Max: 4, N: 1}},
		{"odd", []float64{9, 1, 5}, Summary{Min: 1, Median: 5, Max: 9, N: 3}},
		{"even", []float64{4, 1, 3, 10}, Summary{Min: 1, Median: 3.5, Max: 10, N: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, summarize(tt.values))
		})
	}
}

func TestSummarizeLeavesInputAlone(t *testing.T) {
	values := []float64{3, 1, 2}
	summarize(values)
	assert.Equal(t, []float64{3, 1, 2}, values)
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		p    float64
		want time.Duration
	}{
		{50, 50 * time.Millisecond},
		{99, 99 * time.Millisecond},
		{100, 100 * time.Millisecond},
		{0.1, time.Millisecond},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, percentile(ds, tt.p), "p%v", tt.p)
	}
	assert.Zero(t, percentile(nil, 50))
	assert.Equal(t, time.Second, percentile([]time.Duration{time.Second}, 99))
}

func TestPerSecond(t *testing.T) {
	assert.InDelta(t, 500.0, perSecond(1000, 2*time.Second), 1e-9)
	assert.Zero(t, perSecond(10, 0))
}

func TestDistributionKeepsEveryPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 200; i >= 1; i-- { // 1 ms … 200 ms, out of order
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	d := distribution("submit latency", ds)
	assert.Equal(t, 200, d.N)
	assert.Equal(t, "ms", d.Unit)
	if assert.Len(t, d.Percentiles, 101) {
		assert.Equal(t, 1.0, d.Percentiles[0], "minimum")
		assert.Equal(t, 100.0, d.Percentiles[50], "median by nearest rank")
		assert.Equal(t, 198.0, d.Percentiles[99])
		assert.Equal(t, 200.0, d.Percentiles[100], "maximum")
	}
	assert.Empty(t, distribution("none", nil).Percentiles)
}
