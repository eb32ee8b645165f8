// Command luxibench measures goluxid against Ganeti's Haskell luxid, side by
// side, on sandboxed single-node clusters (see internal/testkit/bench for
// what it measures and internal/testkit/sandbox for the clusters), keeps
// the results, and renders the benchmark report from them.
//
//	luxibench -goluxid PATH [-goluxid-flags FLAGS] [-profile short|default|full] [-rounds N]
//	          [-scenarios a,b,…] [size flags] [-json FILE] [-md FILE] [-store DIR]
//	          [-goluxid-commit ID]
//	luxibench render [-store DIR] [-out FILE] [-charts DIR]
//	luxibench gobench [-store DIR] [-benchtime T]
//	luxibench commit
//
// Measuring: progress goes to stderr, the Markdown table to stdout (and
// -md), the full results to -json, and with -store every scenario that
// ran to its own file under DIR (internal/testkit/bench/store). It needs
// root and Ganeti's Debian packages.
//
// render writes the whole report (internal/testkit/bench/report) and its
// charts from a store; gobench runs the Go allocation benchmarks of
// internal/testkit/bench from the goluxid checkout and stores their
// output; commit prints the checkout's commit as the store records it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/internal/testkit/bench"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// Sandbox timeouts: a Haskell luxid may take long to start on a big
// queue; job processes ignore SIGTERM while they sleep.
const (
	startTimeout = 5 * time.Minute
	stopTimeout  = 5 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// options are the parsed command line.
type options struct {
	goluxid   string
	goFlags   string
	profile   string
	rounds    int
	scenarios string
	dir       string
	jsonFile  string
	mdFile    string
	storeDir  string
	commit    string
	timeout   time.Duration
	list      bool
	sizes     sizeFlags
}

// run executes one luxibench invocation and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if sub, ok := subcommands[args[0]]; ok {
			return runSubcommand(ctx, sub, args[1:], stdout, stderr)
		}
	}
	opts, fs, err := parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "luxibench: %v\n", err)
		return 2
	}
	if err := dispatch(ctx, opts, args, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "luxibench: %v\n", err)
		return 1
	}
	return 0
}

func parse(args []string) (options, *flag.FlagSet, error) {
	var o options
	fs := flag.NewFlagSet("luxibench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.goluxid, "goluxid", "", "goluxid binary to measure (required)")
	fs.StringVar(&o.goFlags, "goluxid-flags", "", "extra flags of goluxid, space-separated (e.g. --warm-start)")
	fs.StringVar(&o.profile, "profile", "default", "sizes: short (CI, seconds), default (minutes) or full (the largest sizes, an hour or more)")
	fs.IntVar(&o.rounds, "rounds", 0, "rounds per scenario and luxid (default: 1 for short, 3 for default, 2 for full)")
	fs.StringVar(&o.scenarios, "scenarios", "", "comma-separated scenario names or families (default: all; see -list)")
	fs.StringVar(&o.dir, "dir", "/tmp", "where the sandboxes go (the durable-write baseline is measured there)")
	fs.StringVar(&o.jsonFile, "json", "", "also write the results as JSON to this file")
	fs.StringVar(&o.mdFile, "md", "", "also write the Markdown table to this file")
	fs.StringVar(&o.storeDir, "store", "", "also store every scenario's results under this directory, replacing its earlier ones")
	fs.StringVar(&o.commit, "goluxid-commit", "", "the goluxid commit the store records (default: asked of git in the working directory)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "limit for one scenario run on one luxid")
	fs.BoolVar(&o.list, "list", false, "list the scenario families and exit")
	o.sizes.register(fs)
	if err := fs.Parse(args); err != nil {
		return o, fs, err
	}
	if fs.NArg() > 0 {
		return o, fs, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.goluxid == "" && !o.list {
		return o, fs, errors.New("-goluxid PATH is required")
	}
	if o.goluxid != "" {
		// The sandboxes start it from their own directories.
		abs, err := filepath.Abs(o.goluxid)
		if err != nil {
			return o, fs, fmt.Errorf("-goluxid %s: %w", o.goluxid, err)
		}
		o.goluxid = abs
	}
	return o, fs, nil
}

// dispatch lists the scenarios or measures them.
func dispatch(ctx context.Context, o options, args []string, stdout, stderr io.Writer) error {
	sizes, rounds, err := o.resolve()
	if err != nil {
		return err
	}
	if o.list {
		listScenarios(stdout, sizes)
		return nil
	}
	return measure(ctx, o, sizes, rounds, args, stdout, stderr)
}

// listScenarios prints every scenario of sizes with its family.
func listScenarios(w io.Writer, sizes bench.Sizes) {
	for _, sc := range bench.Scenarios(sizes) {
		fmt.Fprintf(w, "%-16s %-11s %s\n", sc.Name, sc.Family, sc.About)
	}
}

// measure runs the benchmark and writes its reports.
func measure(ctx context.Context, o options, sizes bench.Sizes, rounds int, args []string, stdout, stderr io.Writer) error {
	var kept keptDirs
	defer kept.remove(stderr)
	cfg := bench.Config{
		Launch: launcher(o.goluxidArgv(), o.dir, &kept), Rounds: rounds, Scenarios: splitList(o.scenarios),
		Sizes: sizes, Dir: o.dir, RunTimeout: o.timeout, Progress: stderr,
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	if _, err := os.Stat(o.goluxid); err != nil {
		return fmt.Errorf("goluxid binary: %w", err)
	}
	if err := sandbox.Prerequisites(); err != nil {
		return err
	}
	setting, err := o.storeSetting()
	if err != nil {
		return err
	}
	rep, runErr := bench.Run(ctx, cfg)
	if rep == nil {
		return runErr
	}
	rep.Command = "luxibench " + strings.Join(args, " ")
	rep.Luxids = map[bench.Luxid]string{
		bench.Go:      strings.Join(o.goluxidArgv(), " "),
		bench.Haskell: strings.Join(sandbox.HaskellLuxid(), " "),
	}
	return errors.Join(runErr, writeReports(rep, o, stdout), o.storeResults(rep, setting, stderr))
}

// goluxidArgv is goluxid's command line in the sandboxes.
func (o options) goluxidArgv() []string {
	return append(sandbox.GoLuxid(o.goluxid), strings.Fields(o.goFlags)...)
}

// resolve applies the profile, then the size flags given.
func (o options) resolve() (bench.Sizes, int, error) {
	var sizes bench.Sizes
	rounds := 3
	switch o.profile {
	case "short":
		sizes, rounds = bench.ShortSizes(), 1
	case "default":
		sizes = bench.DefaultSizes()
	case "full":
		// Two rounds keep a full run near ten minutes on two cores.
		sizes, rounds = bench.FullSizes(), 2
	default:
		return sizes, 0, fmt.Errorf("-profile %q: want short, default or full", o.profile)
	}
	if o.rounds > 0 {
		rounds = o.rounds
	}
	o.sizes.apply(&sizes)
	return sizes, rounds, nil
}

func writeReports(rep *bench.Report, o options, stdout io.Writer) error {
	var errs []error
	errs = append(errs, rep.WriteMarkdown(stdout))
	if o.mdFile != "" {
		errs = append(errs, writeFile(o.mdFile, rep.WriteMarkdown))
	}
	if o.jsonFile != "" {
		errs = append(errs, writeFile(o.jsonFile, rep.WriteJSON))
	}
	return errors.Join(errs...)
}

func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	return errors.Join(write(f), f.Close())
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// launcher starts sandboxes under dir, goluxid with the command line
// goArgv.
func launcher(goArgv []string, dir string, kept *keptDirs) bench.Launcher {
	return func(ctx context.Context, s bench.Setup) (bench.Cluster, error) {
		argv := goArgv
		if s.Luxid == bench.Haskell {
			argv = sandbox.HaskellLuxid()
		}
		opts := sandbox.Options{Luxid: argv, BaseConfig: s.BaseConfig, Noded: s.Noded,
			StartTimeout: startTimeout, StopTimeout: stopTimeout}
		for attempt := 1; ; attempt++ {
			sb, err := startSandbox(ctx, dir, opts, s.Prepare, kept)
			// The noded address a sandbox picks may be taken by another
			// sandbox starting at the same moment: the next try picks
			// again.
			if err == nil || attempt == nodedAttempts || !errors.Is(err, sandbox.ErrNodedStart) {
				return sb, err
			}
		}
	}
}

// nodedAttempts bounds the tries of a cluster whose noded did not start.
const nodedAttempts = 3

// startSandbox lays out a sandbox in a new directory under dir, lets
// prepare (if set) change it, and starts it; on error it leaves nothing
// behind.
func startSandbox(ctx context.Context, dir string, opts sandbox.Options, prepare func(*paths.Layout) error, kept *keptDirs) (bench.Cluster, error) {
	base, err := os.MkdirTemp(dir, "lb")
	if err != nil {
		return nil, err
	}
	opts.Dir = base
	sb, err := sandbox.New(opts)
	if err != nil {
		return nil, errors.Join(err, os.Remove(base))
	}
	if prepare != nil {
		err = prepare(sb.Layout())
	}
	if err == nil {
		err = sb.Start(ctx)
	}
	if err != nil {
		return nil, errors.Join(err, sb.Close())
	}
	return cluster{sb, kept}, nil
}

// keptDirs are the directories of the sandboxes closed so far, removed
// when the run ends. On an ext4 file system without a journal (this
// machine's), creating a file skips, one by one, the inodes freed in the
// last minute: removing a round's thousands of files would slow the next
// round's submissions by a cost that neither luxid causes.
type keptDirs struct {
	mu   sync.Mutex // guards dirs
	dirs []string
}

func (k *keptDirs) add(dir string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.dirs = append(k.dirs, dir)
}

// remove removes every kept directory, reporting failures to w.
func (k *keptDirs) remove(w io.Writer) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, dir := range k.dirs {
		if err := os.RemoveAll(dir); err != nil {
			fmt.Fprintf(w, "luxibench: remove sandbox: %v\n", err)
		}
	}
	k.dirs = nil
}

// cluster adapts a sandbox to bench.Cluster; Close stops its daemons and
// keeps its directory until the run ends.
type cluster struct {
	sb   *sandbox.Sandbox
	kept *keptDirs
}

func (c cluster) Layout() *paths.Layout                { return c.sb.Layout() }
func (c cluster) LuxidPid() int                        { return c.sb.Pid(sandbox.Luxid) }
func (c cluster) StopLuxid() error                     { return c.sb.StopLuxid() }
func (c cluster) StartLuxid(ctx context.Context) error { return c.sb.StartLuxid(ctx) }
func (c cluster) LuxidOutput() string                  { return c.sb.OutFile(sandbox.Luxid) }
func (c cluster) Close() error {
	err := c.sb.Stop()
	c.kept.add(c.sb.Dir())
	return err
}

func (c cluster) Client(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(sandbox.ClientDir, name), args...)
	cmd.Env = c.sb.ClientEnv()
	cmd.Dir = "/"
	return cmd
}

func (c cluster) StartRAPI(ctx context.Context) (bench.RAPIEndpoint, error) {
	port, err := c.sb.StartRAPI(ctx)
	if err != nil {
		return bench.RAPIEndpoint{}, err
	}
	return bench.RAPIEndpoint{
		URL:  "https://" + net.JoinHostPort(c.sb.NodeIP(), strconv.Itoa(port)),
		User: sandbox.RAPIUser, Password: sandbox.RAPIPassword,
		CAFile: filepath.Join(c.sb.Layout().DataDir, "rapi.pem"),
	}, nil
}

// intList is a flag holding a comma-separated list of integers.
type intList struct {
	values []int
	set    bool
}

func (l *intList) String() string {
	var parts []string
	for _, v := range l.values {
		parts = append(parts, strconv.Itoa(v))
	}
	return strings.Join(parts, ",")
}

func (l *intList) Set(s string) error {
	l.values, l.set = nil, true
	for _, part := range splitList(s) {
		v, err := strconv.Atoi(part)
		if err != nil {
			return err
		}
		l.values = append(l.values, v)
	}
	return nil
}
