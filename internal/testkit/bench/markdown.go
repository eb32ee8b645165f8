package bench

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// clearMargin is how far apart two medians must be (as a ratio) before
// the table calls one luxid better.
const clearMargin = 1.1

// WriteMarkdown writes the report as Markdown: the setting, the table of
// results, the runs' notes and the failed runs.
func (rep *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	rep.writeSetting(&b)
	rep.writeTable(&b)
	rep.writeNotes(&b)
	rep.writeFailures(&b)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("bench: write Markdown report: %w", err)
	}
	return nil
}

func (rep *Report) writeSetting(b *strings.Builder) {
	m := rep.Machine
	fmt.Fprintf(b, "Measured %s, %d round(s), %.0f s in all.\n\n", rep.Date.Format("2006-01-02 15:04 MST"), rep.Rounds, rep.Seconds)
	if rep.Command != "" {
		fmt.Fprintf(b, "Command: `%s`\n\n", rep.Command)
	}
	for _, lx := range sortedLuxids(rep.Luxids) {
		fmt.Fprintf(b, "- %s: `%s`\n", lx, rep.Luxids[lx])
	}
	if len(rep.Luxids) > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "Machine: %s, %d CPU(s), %s RAM, Linux %s, %s; %s. Load average before %s, after %s.\n\n",
		m.CPU, m.CPUs, m.Memory, m.Kernel, m.GoVersion, m.Disk, m.LoadBefore, m.LoadAfter)
	d := rep.DurablePerSecond
	fmt.Fprintf(b, "Durable small writes on that disk (temp file, write, fsync, rename, fsync dir; %d per round): "+
		"%s / %s / %s per second (min / median / max).\n\n", durableProbes, FormatValue(d.Min), FormatValue(d.Median), FormatValue(d.Max))
}

func (rep *Report) writeTable(b *strings.Builder) {
	b.WriteString("| scenario | figure | goluxid min / median / max | Haskell min / median / max | go/hs | better |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, res := range rep.Results {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", res.Scenario, res.Label(),
			res.Goluxid.Span(), res.Haskell.Span(), res.RatioText(), res.Verdict())
	}
	for _, sc := range rep.Scenarios {
		if len(metricsOf(rep.Runs, sc.Name)) == 0 {
			fmt.Fprintf(b, "| %s | every run failed | | | | |\n", sc.Name)
		}
	}
	b.WriteString("\n")
}

func (rep *Report) writeNotes(b *strings.Builder) {
	var lines []string
	for _, rec := range rep.Runs {
		for _, n := range rec.Notes {
			lines = append(lines, fmt.Sprintf("- %s on %s, round %d: %s", rec.Scenario, rec.Luxid, rec.Round, n))
		}
	}
	if len(lines) == 0 {
		return
	}
	b.WriteString("Notes from the runs:\n\n" + strings.Join(lines, "\n") + "\n\n")
}

func (rep *Report) writeFailures(b *strings.Builder) {
	failed := rep.Failures()
	if len(failed) == 0 {
		return
	}
	b.WriteString("Failed runs:\n\n")
	for _, rec := range failed {
		fmt.Fprintf(b, "- %s on %s, round %d: %s\n", rec.Scenario, rec.Luxid, rec.Round, oneLine(rec.Error))
	}
	b.WriteString("\n")
}

// Label names the figure with its unit and direction.
func (res Result) Label() string {
	return fmt.Sprintf("%s (%s, %s is better)", res.Metric, res.Unit, res.Better)
}

// Span formats the series as "min / median / max", or says it failed.
func (s Series) Span() string {
	if s.Summary.N == 0 {
		return "failed"
	}
	return FormatValue(s.Summary.Min) + " / " + FormatValue(s.Summary.Median) + " / " + FormatValue(s.Summary.Max)
}

// RatioText formats the ratio of the medians, "—" when there is none.
func (res Result) RatioText() string {
	if res.Ratio == 0 {
		return "—"
	}
	return FormatValue(res.Ratio)
}

// Verdict names the luxid whose median is clearly better.
func (res Result) Verdict() string {
	g, h := res.Goluxid.Summary, res.Haskell.Summary
	switch {
	case g.N == 0 && h.N == 0:
		return "—"
	case g.N == 0:
		return "Haskell (goluxid failed)"
	case h.N == 0:
		return "goluxid (Haskell failed)"
	}
	// Oriented so that a larger goSide means goluxid does better.
	goSide, hsSide := g.Median, h.Median
	if res.Better == Lower {
		goSide, hsSide = h.Median, g.Median
	}
	switch {
	case goSide == hsSide:
		return "="
	case goSide > hsSide*clearMargin:
		return "goluxid"
	case hsSide > goSide*clearMargin:
		return "Haskell"
	default:
		return "≈"
	}
}

// FormatValue formats a figure with three significant digits, without
// exponent; whole numbers as they are.
func FormatValue(v float64) string {
	if v == math.Trunc(v) || math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	digits := 3 - int(math.Floor(math.Log10(math.Abs(v)))) - 1
	return strconv.FormatFloat(v, 'f', max(digits, 0), 64)
}

// oneLine keeps the first line of a message, which is enough in a list.
func oneLine(s string) string {
	first, rest, cut := strings.Cut(s, "\n")
	if !cut {
		return first
	}
	return first + fmt.Sprintf(" (+%d more lines)", strings.Count(rest, "\n")+1)
}

// sortedLuxids lists the luxids of m in report order.
func sortedLuxids(m map[Luxid]string) []Luxid {
	return slices.DeleteFunc(slices.Clone(Luxids), func(l Luxid) bool { _, ok := m[l]; return !ok })
}
