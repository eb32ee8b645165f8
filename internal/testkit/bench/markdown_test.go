package bench

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatValue(t *testing.T) {
	tests := map[float64]string{
		0: "0", 16: "16", 14585: "14585", 1234.6: "1235", 99.44: "99.4",
		7.483: "7.48", 0.06104: "0.0610", -2.5: "-2.50",
	}
	for v, want := range tests {
		assert.Equal(t, want, FormatValue(v), "FormatValue(%v)", v)
	}
}

func TestVerdict(t *testing.T) {
	series := func(median float64) Series { return Series{Summary: Summary{Median: median, N: 1}} }
	tests := []struct {
		name   string
		better Better
		g, h   Series
		want   string
	}{
		{"higher, go clearly", Higher, series(200), series(100), "goluxid"},
		{"higher, haskell clearly", Higher, series(100), series(200), "Haskell"},
		{"higher, close", Higher, series(105), series(100), "≈"},
		{"lower, go clearly", Lower, series(1), series(3), "goluxid"},
		{"lower, haskell clearly", Lower, series(3), series(1), "Haskell"},
		{"lower, go zero", Lower, series(0), series(3), "goluxid"},
		{"equal", Lower, series(0), series(0), "="},
		{"go failed", Lower, Series{}, series(1), "Haskell (goluxid failed)"},
		{"haskell failed", Higher, series(1), Series{}, "goluxid (Haskell failed)"},
		{"both failed", Higher, Series{}, Series{}, "—"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Result{Better: tt.better, Goluxid: tt.g, Haskell: tt.h}.Verdict())
		})
	}
}

// sampleReport is a finished report of two rounds of one scenario, where
// the Haskell luxid failed once.
func sampleReport() *Report {
	rep := &Report{
		Date: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC), Rounds: 2,
		Scenarios: []ScenarioInfo{{Name: "submit-1", Family: "submit"}, {Name: "wait-10", Family: "wait"}},
		Durable:   []DurableWrites{{PerSecond: 1000}, {PerSecond: 1200}},
		Luxids:    map[Luxid]string{Go: "goluxid -f", Haskell: "ganeti-luxid -f"},
	}
	fig := func(v float64) []Figure {
		return []Figure{{Metric: "submits/s", Unit: "1/s", Better: Higher, Value: v}}
	}
	rep.add(Record{Round: 1, Scenario: "submit-1", Luxid: Go, Figures: fig(600)})
	rep.add(Record{Round: 1, Scenario: "submit-1", Luxid: Haskell, Figures: fig(300)})
	rep.add(Record{Round: 2, Scenario: "submit-1", Luxid: Haskell, Error: "boom\nmore"})
	rep.add(Record{Round: 2, Scenario: "submit-1", Luxid: Go, Figures: fig(700), Notes: []string{"a note"}})
	rep.add(Record{Round: 1, Scenario: "wait-10", Luxid: Go, Error: "refused"})
	rep.finish()
	return rep
}

func TestReportResults(t *testing.T) {
	rep := sampleReport()
	require.Len(t, rep.Results, 1)
	res := rep.Results[0]
	assert.Equal(t, []float64{600, 700}, res.Goluxid.Values)
	assert.Equal(t, Summary{Min: 600, Median: 650, Max: 700, N: 2}, res.Goluxid.Summary)
	assert.Equal(t, []float64{300}, res.Haskell.Values)
	assert.InDelta(t, 650.0/300, res.Ratio, 1e-9)
	assert.Equal(t, Summary{Min: 1000, Median: 1100, Max: 1200, N: 2}, rep.DurablePerSecond)
	assert.Len(t, rep.Failures(), 2)
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, sampleReport().WriteMarkdown(&b))
	md := b.String()
	assert.Contains(t, md, "| submit-1 | submits/s (1/s, higher is better) | 600 / 650 / 700 | 300 / 300 / 300 | 2.17 | goluxid |\n")
	assert.Contains(t, md, "| wait-10 | every run failed | | | | |\n")
	assert.Contains(t, md, "- submit-1 on haskell, round 2: boom (+1 more lines)\n")
	assert.Contains(t, md, "- submit-1 on goluxid, round 2: a note\n")
	assert.Contains(t, md, "- goluxid: `goluxid -f`\n- haskell: `ganeti-luxid -f`\n")
	assert.Contains(t, md, "1000 / 1100 / 1200 per second")
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, sampleReport().WriteJSON(&b))
	var back Report
	require.NoError(t, json.Unmarshal(b.Bytes(), &back))
	assert.Equal(t, sampleReport().Results, back.Results)
	assert.True(t, strings.HasSuffix(b.String(), "}\n"))
}
