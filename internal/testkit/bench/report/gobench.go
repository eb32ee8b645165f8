package report

import (
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/internal/testkit/bench"
	"github.com/goluxid/goluxid/internal/testkit/bench/store"
)

// goBenchView is the table of the Go allocation benchmarks.
type goBenchView struct {
	Measured                   bool
	Date, Commit, CPU, Command string
	Rows                       []goBenchRow
}

// goBenchRow is one benchmark: its name, the rows its answer holds, and
// per operation its time, allocations and bytes.
type goBenchRow struct {
	Name, Rows, Millis, Allocs, AllocsPerRow, MB string
}

func newGoBenchView(g *store.GoBench) goBenchView {
	if g == nil {
		return goBenchView{}
	}
	v := goBenchView{Measured: true, Date: g.Config["date"], Commit: g.Config["goluxid-commit"],
		CPU: g.Config["cpu"], Command: g.Config["command"]}
	for _, b := range g.Benchmarks {
		v.Rows = append(v.Rows, goBenchRow{
			Name:         "`" + b.Name + "`",
			Rows:         metric(b, "rows/op", 1, count),
			Millis:       metric(b, "ns/op", 1e-6, bench.FormatValue),
			Allocs:       metric(b, "allocs/op", 1, count),
			MB:           metric(b, "B/op", 1e-6, bench.FormatValue),
			AllocsPerRow: perRow(b),
		})
	}
	return v
}

// metric formats b's value in unit, scaled; "—" when b has none.
func metric(b store.Benchmark, unit string, scale float64, format func(float64) string) string {
	v, ok := b.Metric(unit)
	if !ok {
		return "—"
	}
	return format(v * scale)
}

// perRow is the allocations per row of the answer.
func perRow(b store.Benchmark) string {
	allocs, ok1 := b.Metric("allocs/op")
	rows, ok2 := b.Metric("rows/op")
	if !ok1 || !ok2 || rows == 0 {
		return "—"
	}
	return bench.FormatValue(allocs / rows)
}

// count writes a whole number with thousands separated by commas.
func count(v float64) string {
	s := strconv.FormatFloat(v, 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
