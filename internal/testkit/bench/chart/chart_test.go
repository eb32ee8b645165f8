package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sample has a logarithmic panel with bars, a linear one, and an empty
// one; its labels need escaping.
func sample() Chart {
	return Chart{
		Title: "Start-up <against> queue size & more", Subtitle: "medians; bars from min to max", Columns: 2,
		Panels: []Panel{
			{Title: "time to first answer", X: Axis{Label: "jobs", Log: true}, Y: Axis{Label: "ms", Log: true},
				Series: []Series{
					{Name: "goluxid", Color: "#1f77b4", Markers: true,
						Points: []Point{{X: 10000, Y: 24, Low: 20, High: 28}, {X: 50000, Y: 92, Low: 91, High: 93}}},
					{Name: "Haskell", Color: "#d62728", Markers: true,
						Points: []Point{{X: 10000, Y: 1088}, {X: 50000, Y: 5444}, {X: 0, Y: 1}}},
				}},
			{Title: "queued → running", X: Axis{Label: "percentile"}, Y: Axis{Label: "ms"},
				Series: []Series{{Name: "goluxid", Color: "#1f77b4", Points: []Point{{X: 0, Y: 0.5}, {X: 100, Y: 0.7}}}}},
			{Title: "nothing", X: Axis{Label: "x"}, Y: Axis{Label: "y", Log: true},
				Series: []Series{{Name: "Haskell", Color: "#d62728", Points: []Point{{X: 1, Y: 0}}}}},
		},
	}
}

// parse reads every element of an SVG document and fails on XML that is
// not well-formed.
func parse(t *testing.T, svg []byte) map[string]int {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	counts := map[string]int{}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return counts
		}
		require.NoError(t, err)
		if el, ok := tok.(xml.StartElement); ok {
			counts[el.Name.Local]++
		}
	}
}

func TestSVGIsWellFormed(t *testing.T) {
	svg := sample().SVG()
	counts := parse(t, svg)
	assert.Equal(t, 1, counts["svg"])
	assert.Equal(t, 3, counts["polyline"], "goluxid and Haskell on the first panel, goluxid on the second")
	assert.Equal(t, 4, counts["circle"], "markers of the points a log axis can show")
	assert.Equal(t, 2, counts["path"], "bars at goluxid's two points, none at Haskell's")
	s := string(svg)
	assert.Contains(t, s, "Start-up &lt;against&gt; queue size &amp; more")
	assert.Contains(t, s, ">no data</text>")
	assert.Contains(t, s, ">10k</text>", "decade tick of the jobs axis")
	assert.Equal(t, 1, strings.Count(s, ">goluxid</text>"), "one legend entry per series name")
	assert.Contains(t, s, `width="880" height="664"`, "two columns, two rows")
}

func TestSVGIsDeterministic(t *testing.T) {
	assert.Equal(t, sample().SVG(), sample().SVG())
}

func TestScales(t *testing.T) {
	log := newScale(true, []float64{24, 5444}, 0, 300)
	assert.Equal(t, 10.0, log.lo)
	assert.Equal(t, 10000.0, log.hi)
	assert.Equal(t, []float64{10, 100, 1000, 10000}, log.ticks())
	assert.InDelta(t, 100.0, log.at(100), 1e-9)

	narrow := newScale(true, []float64{3, 7}, 0, 100)
	assert.Equal(t, []float64{1, 2, 5, 10}, narrow.ticks())

	lin := newScale(false, []float64{0.13, 0.92}, 0, 100)
	assert.Equal(t, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, lin.ticks())
	assert.InDelta(t, 50.0, lin.at(0.5), 1e-9)

	flat := newScale(false, []float64{5, 5}, 0, 100)
	assert.Less(t, flat.lo, 5.0)
	assert.Greater(t, flat.hi, 5.0)
}

func TestTickLabel(t *testing.T) {
	for v, want := range map[float64]string{0.2: "0.2", 5: "5", 1000: "1000", 50000: "50k", 2e6: "2M", 0.001: "0.001"} {
		assert.Equal(t, want, tickLabel(v), "%v", v)
	}
}
