package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/goluxid/goluxid/internal/testkit/bench/report"
	"github.com/goluxid/goluxid/internal/testkit/bench/store"
)

// Where scripts/bench.sh keeps the results, the report and its charts,
// relative to the checkout: the subcommands' defaults.
const (
	defaultStore  = "benchmarks/results"
	defaultReport = "BENCHMARKS.md"
	defaultCharts = "benchmarks/charts"
)

// subcommand is a luxibench command other than measuring.
type subcommand struct {
	flags func(fs *flag.FlagSet) func(ctx context.Context, stdout io.Writer) error
}

var subcommands = map[string]subcommand{
	"render":  {renderFlags},
	"gobench": {goBenchFlags},
	"commit":  {commitFlags},
}

// runSubcommand parses a subcommand's flags and runs it.
func runSubcommand(ctx context.Context, sub subcommand, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("luxibench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	do := sub.flags(fs)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return 0
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err != nil {
		fmt.Fprintf(stderr, "luxibench: %v\n", err)
		return 2
	}
	if err := do(ctx, stdout); err != nil {
		fmt.Fprintf(stderr, "luxibench: %v\n", err)
		return 1
	}
	return 0
}

func renderFlags(fs *flag.FlagSet) func(context.Context, io.Writer) error {
	dir := fs.String("store", defaultStore, "the stored results")
	out := fs.String("out", defaultReport, "the Markdown report to write")
	charts := fs.String("charts", defaultCharts, "the directory of the report's SVG charts (its other .svg files are removed)")
	return func(context.Context, io.Writer) error { return render(*dir, *out, *charts) }
}

// render writes the report of the store dir to out, and its charts into
// charts, linked from out by their relative path.
func render(dir, out, charts string) error {
	st, err := store.Load(dir)
	if err != nil {
		return err
	}
	link, err := relativeLink(out, charts)
	if err != nil {
		return err
	}
	rendered, err := report.Render(st, link)
	if err != nil {
		return err
	}
	return rendered.WriteFiles(out, charts)
}

// relativeLink is dir as a link from the file out names.
func relativeLink(out, dir string) (string, error) {
	from, err := filepath.Abs(filepath.Dir(out))
	if err != nil {
		return "", err
	}
	to, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(from, to)
	return filepath.ToSlash(rel), err
}

func goBenchFlags(fs *flag.FlagSet) func(context.Context, io.Writer) error {
	dir := fs.String("store", defaultStore, "where to store the output")
	benchtime := fs.String("benchtime", "", "go test's -benchtime (default: go test's)")
	return func(ctx context.Context, w io.Writer) error { return goBench(ctx, *dir, *benchtime, w) }
}

// goBenchPackage holds the Go allocation benchmarks.
const goBenchPackage = "./internal/testkit/bench"

// goBench runs the Go allocation benchmarks in the checkout of the
// working directory and stores their output in the store dir.
func goBench(ctx context.Context, dir, benchtime string, progress io.Writer) error {
	argv := []string{"go", "test", "-run", "^$", "-bench", ".", "-benchmem"}
	if benchtime != "" {
		argv = append(argv, "-benchtime", benchtime)
	}
	argv = append(argv, goBenchPackage)
	date := time.Now()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, progress), os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	return store.WriteGoBench(dir, store.GoBenchHeader{Date: date, GoluxidCommit: goluxidCommit(),
		Command: strings.Join(quoteAll(argv), " ")}, out.Bytes())
}

// quoteAll quotes the arguments a shell would not take as they are.
func quoteAll(argv []string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = a
		if strings.ContainsAny(a, "^$ *?'\"") {
			out[i] = "'" + a + "'"
		}
	}
	return out
}

func commitFlags(*flag.FlagSet) func(context.Context, io.Writer) error {
	return func(_ context.Context, w io.Writer) error {
		_, err := fmt.Fprintln(w, goluxidCommit())
		return err
	}
}
