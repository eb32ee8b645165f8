package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// GoBenchFile is the name of the Go benchmarks' output in a store.
const GoBenchFile = "gobench.txt"

// GoBench is a parsed Go benchmarks' output.
type GoBench struct {
	// Config holds the "key: value" lines, the last value of each key.
	Config     map[string]string
	Benchmarks []Benchmark
}

// Benchmark is one result line.
type Benchmark struct {
	// Name is the name without "Benchmark" and the GOMAXPROCS suffix
	// ("QueryJobs/jobs=1000/cached").
	Name       string
	Procs      int
	Iterations int
	Metrics    []Metric
}

// Metric is one "value unit" pair of a result line.
type Metric struct {
	Value float64
	Unit  string
}

// Metric returns the benchmark's value in unit.
func (b Benchmark) Metric(unit string) (float64, bool) {
	for _, m := range b.Metrics {
		if m.Unit == unit {
			return m.Value, true
		}
	}
	return 0, false
}

// GoBenchHeader is what a stored Go benchmarks' output says about itself.
type GoBenchHeader struct {
	Date          time.Time
	GoluxidCommit string
	Command       string
}

// WriteGoBench stores output, go test's output, under dir after the
// header's configuration lines.
func WriteGoBench(dir string, h GoBenchHeader, output []byte) error {
	var b strings.Builder
	fmt.Fprintf(&b, "date: %s\n", h.Date.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "goluxid-commit: %s\n", oneLine(h.GoluxidCommit))
	fmt.Fprintf(&b, "command: %s\n", oneLine(h.Command))
	b.Write(output)
	return writeDurably(filepath.Join(dir, GoBenchFile), []byte(b.String()))
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// readGoBench reads the stored Go benchmarks' output; nil when there is
// none.
func readGoBench(dir string) (*GoBench, error) {
	data, err := os.ReadFile(filepath.Join(dir, GoBenchFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	g, err := ParseGoBench(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", GoBenchFile, err)
	}
	return &g, nil
}

// ParseGoBench reads the Go benchmark format: configuration lines and
// result lines ("Benchmark" names followed by an iteration count); every
// other line, such as a name line whose results came after the
// benchmark's own output, is skipped.
func ParseGoBench(text string) (GoBench, error) {
	g := GoBench{Config: map[string]string{}}
	for i, line := range strings.Split(text, "\n") {
		if key, value, ok := configLine(line); ok {
			g.Config[key] = value
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || !strings.HasPrefix(f[0], "Benchmark") || !isCount(f[1]) {
			continue
		}
		b, err := benchmarkLine(f)
		if err != nil {
			return GoBench{}, fmt.Errorf("%w: line %d: %w", ErrFormat, i+1, err)
		}
		g.Benchmarks = append(g.Benchmarks, b)
	}
	return g, nil
}

// configLine parses "key: value" where the key starts with a lowercase
// letter and has no space or colon.
func configLine(line string) (string, string, bool) {
	key, value, ok := strings.Cut(line, ":")
	if !ok || key == "" || key[0] < 'a' || key[0] > 'z' || strings.ContainsAny(key, " \t") {
		return "", "", false
	}
	if value != "" && value[0] != ' ' && value[0] != '\t' {
		return "", "", false
	}
	return key, strings.TrimSpace(value), true
}

// isCount reports whether s is an iteration count.
func isCount(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0
}

// benchmarkLine parses the fields of a result line whose second field is
// a count.
func benchmarkLine(f []string) (Benchmark, error) {
	b := Benchmark{Name: strings.TrimPrefix(f[0], "Benchmark"), Procs: 1}
	if i := strings.LastIndexByte(b.Name, '-'); i > 0 {
		if procs, err := strconv.Atoi(b.Name[i+1:]); err == nil {
			b.Name, b.Procs = b.Name[:i], procs
		}
	}
	b.Iterations, _ = strconv.Atoi(f[1])
	if len(f)%2 != 0 {
		return Benchmark{}, fmt.Errorf("%s: a value without unit", f[0])
	}
	for i := 2; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return Benchmark{}, fmt.Errorf("%s: value %q", f[0], f[i])
		}
		b.Metrics = append(b.Metrics, Metric{Value: v, Unit: f[i+1]})
	}
	return b, nil
}
