// Command gnt-sandbox starts and stops a sandboxed single-node Ganeti
// cluster (see internal/testkit/sandbox) in which the real gnt-* clients
// talk to goluxid or to the Haskell ganeti-luxid, and writes generated
// configurations of any size for such clusters (internal/testkit/configgen).
//
//	gnt-sandbox up [--luxid=go|haskell] [--goluxid=PATH] [--noded] [flags] DIR
//	gnt-sandbox down [--rm] DIR
//	gnt-sandbox config [--nodes=N] [--instances=N] [--unreachable] [--master-ip=IP] FILE
//
// All state lives in DIR, so "down" works from another invocation. "up" on a
// stopped sandbox restarts its daemons on the existing state.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/goluxid/goluxid/internal/durable"
	"github.com/goluxid/goluxid/internal/testkit/configgen"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

const usage = `usage:
  gnt-sandbox up [--luxid=go|haskell] [--goluxid=PATH] [--noded] [--node-ip=IP]
                 [--probe=luxi|socket] [--debug] [--timeout=DURATION] DIR
  gnt-sandbox down [--rm] DIR
  gnt-sandbox config [--nodes=N] [--instances=N] [--unreachable] [--master-ip=IP] FILE
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one gnt-sandbox invocation and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "up":
		err = up(ctx, args[1:], stdout, stderr)
	case "down":
		err = down(args[1:], stdout, stderr)
	case "config":
		err = writeConfig(args[1:])
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = usageError{fmt.Errorf("unknown command %q", args[0])}
	}
	var usageErr usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usageErr):
		fmt.Fprintf(stderr, "gnt-sandbox: %v\n%s", err, usage)
		return 2
	default:
		fmt.Fprintf(stderr, "gnt-sandbox: %v\n", err)
		return 1
	}
}

type usageError struct{ error }

// parse parses flags that may come before or after the single DIR argument.
func parse(fs *flag.FlagSet, args []string) (string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", usageError{err}
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(positional) != 1 {
		return "", usageError{fmt.Errorf("%s: want exactly one DIR, got %d arguments", fs.Name(), len(positional))}
	}
	return positional[0], nil
}

func up(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	luxid := fs.String("luxid", "go", "luxid to run: go or haskell")
	goluxid := fs.String("goluxid", "", "goluxid binary (default: goluxid on PATH)")
	noded := fs.Bool("noded", false, "also run the Python ganeti-noded")
	nodeIP := fs.String("node-ip", "", "loopback IP of the node (default "+sandbox.DefaultNodeIP+")")
	probe := fs.String("probe", string(sandbox.ProbeLUXI), "luxid readiness probe: luxi or socket")
	debug := fs.Bool("debug", false, "pass -d to the daemons")
	timeout := fs.Duration("timeout", sandbox.DefaultStartTimeout, "how long to wait for each daemon")
	dir, err := parse(fs, args)
	if err != nil {
		return err
	}
	argv, err := luxidCommand(*luxid, *goluxid)
	if err != nil {
		return err
	}
	start := time.Now()
	var sb *sandbox.Sandbox
	if sandbox.IsSandbox(dir) {
		fmt.Fprintf(stderr, "gnt-sandbox: restarting the existing sandbox in %s (its own settings apply; only the luxid command changes)\n", dir)
		sb, err = restart(ctx, dir, argv)
	} else {
		sb, err = sandbox.Create(ctx, sandbox.Options{
			Dir: dir, Luxid: argv, Noded: *noded, NodeIP: *nodeIP,
			Probe: sandbox.Probe(*probe), Debug: *debug, StartTimeout: *timeout,
		})
	}
	if err != nil {
		return err
	}
	printUsage(stdout, sb, argv, time.Since(start))
	return nil
}

// luxidCommand returns the luxid command line for the --luxid choice.
func luxidCommand(kind, goluxid string) ([]string, error) {
	switch kind {
	case "haskell":
		return sandbox.HaskellLuxid(), nil
	case "go":
		if goluxid == "" {
			path, err := exec.LookPath("goluxid")
			if err != nil {
				return nil, usageError{errors.New("--luxid=go needs --goluxid=PATH (no goluxid on PATH)")}
			}
			goluxid = path
		}
		if _, err := os.Stat(goluxid); err != nil {
			return nil, fmt.Errorf("goluxid binary: %w", err)
		}
		return sandbox.GoLuxid(goluxid), nil
	default:
		return nil, usageError{fmt.Errorf("--luxid=%q: want go or haskell", kind)}
	}
}

func restart(ctx context.Context, dir string, argv []string) (*sandbox.Sandbox, error) {
	sb, err := sandbox.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := sb.SetLuxid(argv...); err != nil {
		return nil, err
	}
	if err := sb.Start(ctx); err != nil {
		return nil, err
	}
	return sb, nil
}

func printUsage(w io.Writer, sb *sandbox.Sandbox, argv []string, took time.Duration) {
	noded := "off"
	if sb.Pid(sandbox.Noded) != 0 {
		noded = "on " + sb.NodeIP() + ":1811"
	}
	fmt.Fprintf(w, "sandbox running in %s after %.1fs\n", sb.Dir(), took.Seconds())
	fmt.Fprintf(w, "  luxid:   %s (pid %d)\n", strings.Join(argv, " "), sb.Pid(sandbox.Luxid))
	fmt.Fprintf(w, "  wconfd:  pid %d; noded: %s\n", sb.Pid(sandbox.Wconfd), noded)
	fmt.Fprintf(w, "use it:    . %s/env.sh; gnt-cluster info\n", sb.Dir())
	fmt.Fprintf(w, "stop it:   gnt-sandbox down %s   (--rm also deletes it)\n", sb.Dir())
	fmt.Fprintf(w, "logs:      %s/out/*.out and %s/var/log/ganeti/\n", sb.Dir(), sb.Root())
}

func down(args []string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("down", flag.ContinueOnError)
	rm := fs.Bool("rm", false, "also delete DIR")
	dir, err := parse(fs, args)
	if err != nil {
		return err
	}
	sb, err := sandbox.Open(dir)
	if err != nil {
		return err
	}
	if *rm {
		err = sb.Close()
	} else {
		err = sb.Stop()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sandbox in %s stopped%s\n", sb.Dir(), map[bool]string{true: " and removed"}[*rm])
	return nil
}

// writeConfig writes a generated config.data (configgen's defaults: 1,000
// nodes, 10,000 instances) to FILE.
func writeConfig(args []string) error {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	var opts configgen.Options
	fs.IntVar(&opts.Nodes, "nodes", 0, "node count (default 1000)")
	fs.IntVar(&opts.Instances, "instances", 0, "instance count (default 10000)")
	unreachable := fs.Bool("unreachable", false, "other nodes online with refused loopback addresses")
	fs.StringVar(&opts.MasterIP, "master-ip", "", "the master node's address (default 127.0.0.1)")
	file, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *unreachable {
		opts.Others = configgen.Unreachable
	}
	data, err := configgen.Marshal(opts)
	if err != nil {
		return err
	}
	return durable.Open(filepath.Dir(file), nil).WriteFile(filepath.Base(file), data, 0o640)
}
