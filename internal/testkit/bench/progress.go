package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressFigures is how many of a run's figures its progress line shows.
const progressFigures = 3

// progress prints a line per finished run, with how far Run has got.
type progress struct {
	w     io.Writer
	total int
	done  int
	start time.Time
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, total: total, start: time.Now()}
}

func (p *progress) printf(format string, args ...any) {
	if p.w != nil {
		fmt.Fprintf(p.w, "luxibench: "+format+"\n", args...)
	}
}

// run reports a finished run: its first figures or its error, and an
// estimate of the time left.
func (p *progress) run(rec Record) {
	p.done++
	elapsed := time.Since(p.start)
	left := time.Duration(float64(elapsed) / float64(p.done) * float64(p.total-p.done))
	p.printf("[%d/%d, %s elapsed, ~%s left] round %d %s on %s (%.1f s): %s", p.done, p.total,
		elapsed.Round(time.Second), left.Round(time.Second), rec.Round, rec.Scenario, rec.Luxid, rec.Seconds, outcome(rec))
}

// outcome is a run's result in a few words.
func outcome(rec Record) string {
	if rec.Error != "" {
		return "FAILED: " + oneLine(rec.Error)
	}
	var parts []string
	for _, f := range rec.Figures[:min(len(rec.Figures), progressFigures)] {
		parts = append(parts, fmt.Sprintf("%s %s %s", f.Metric, FormatValue(f.Value), f.Unit))
	}
	for _, n := range rec.Notes {
		parts = append(parts, "note: "+n)
	}
	return strings.Join(parts, ", ")
}
