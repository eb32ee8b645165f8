// The runtime's container-aware GOMAXPROCS (Go 1.25+) keeps two cgroup
// files open for the daemon's lifetime to follow CPU-limit changes. The
// master daemon runs unconstrained on Ganeti nodes and prefers the two
// descriptors: GOMAXPROCS is then the CPUs it may run on, as before Go
// 1.25. GODEBUG=containermaxprocs=1 in the environment (or GOMAXPROCS)
// restores the limit-aware choice.
//go:debug containermaxprocs=0

// Command goluxid is a drop-in replacement for Ganeti's ganeti-luxid: it
// takes the same options, checks that this node is the master, and serves
// LUXI on the master's ganeti-query socket. It only wires the
// packages together in the order the real daemon starts.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"os/user"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"github.com/coreos/go-systemd/v22/activation"
	sdnotify "github.com/coreos/go-systemd/v22/daemon"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/constants"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/ganeti/rpc"
	"github.com/goluxid/goluxid/ganeti/ssconf"
	"github.com/goluxid/goluxid/internal/daemon"
	"github.com/goluxid/goluxid/internal/daemon/metrics"
	"github.com/goluxid/goluxid/internal/daemon/version"
	"github.com/goluxid/goluxid/internal/inotify"
	"github.com/goluxid/goluxid/jobexec"
	"github.com/goluxid/goluxid/jqscheduler/runner"
	"github.com/goluxid/goluxid/luxi"
	"github.com/goluxid/goluxid/luxid"
)

// exitError carries the exit code a startup failure ends the process with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func main() {
	if err := run(os.Args[1:]); err != nil {
		var ee *exitError
		code := constants.ExitFailure
		if errors.As(err, &ee) {
			code = ee.code
		}
		if err.Error() != "" {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(code)
	}
}

// run starts the daemon and returns when it has shut down.
func run(args []string) error {
	opts, err := daemon.ParseOptions(args)
	if err != nil {
		return err
	}
	if done := printInfo(opts); done {
		return nil
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	ganeti, err := release.Installed()
	if err != nil {
		return err
	}
	layout := paths.FromEnv()
	if err := checkMaster(layout); err != nil {
		return err
	}
	if err := checkUser(opts); err != nil {
		return err
	}
	if !opts.NoVoting && !daemon.Detached() {
		if err := verifyMaster(layout, ganeti); err != nil {
			return fmt.Errorf("Failed to verify master status: %w", err)
		}
	}
	if !opts.Foreground && !daemon.Detached() {
		if err := daemon.Detach(layout.LogFile); err != nil {
			return fmt.Errorf("Error when starting the daemon process: %w", err)
		}
		return nil
	}
	logFile, logger, err := setupLogging(layout, opts)
	if err != nil {
		daemon.ReportStarted(err)
		return err
	}
	defer logFile.Close()
	logger.Log(context.Background(), daemon.LevelNotice, "ganeti-luxid daemon startup", "version", version.Version)
	tuneGarbageCollector()
	if err := serve(layout, ganeti, opts, logFile, logger); err != nil {
		daemon.ReportStarted(err)
		return &exitError{code: constants.ExitFailure, err: err}
	}
	logger.Log(context.Background(), daemon.LevelNotice, "ganeti-luxid daemon shutdown")
	return nil
}

// printInfo handles --help, --version and --help-completion, reporting
// whether one of them was given.
func printInfo(opts *daemon.Options) bool {
	switch {
	case opts.Help:
		fmt.Print(daemon.Usage)
	case opts.Version:
		fmt.Printf("ganeti-luxid (goluxid) version %s\ncompatible with Ganeti %s\n", version.Version, release.Supported())
	case opts.HelpCompletion:
		fmt.Print(daemon.HelpCompletion)
	default:
		return false
	}
	return true
}

// checkMaster exits with EXIT_NOTMASTER unless ssconf names this node as
// the master.
func checkMaster(layout *paths.Layout) error {
	me, err := paths.Hostname()
	if err != nil {
		return fmt.Errorf("determining the host name: %w", err)
	}
	master, err := ssconf.MasterNode(layout)
	if err != nil || master != me {
		return &exitError{code: constants.ExitNotMaster, err: errors.New("Not master, exiting.")}
	}
	return nil
}

// verifyMaster holds Ganeti's master vote: every node of the configuration
// is asked which node is the master, and a majority must name this one.
func verifyMaster(layout *paths.Layout, ganeti release.Release) error {
	me, err := paths.Hostname()
	if err != nil {
		return err
	}
	store := config.NewStore(layout.ConfigFile, ganeti.ConfigVersion)
	if _, err := store.Reload(); err != nil {
		return err
	}
	snap, err := store.Snapshot()
	if err != nil {
		return err
	}
	client, err := rpc.New(layout, rpc.Options{})
	if err != nil {
		return err
	}
	nodes := make([]*objects.Node, 0, len(snap.Data.Nodes))
	for _, n := range snap.Data.Nodes {
		nodes = append(nodes, n)
	}
	ask := func(ctx context.Context) map[string]daemon.Vote {
		votes := map[string]daemon.Vote{}
		for uuid, a := range client.MasterNodeName(ctx, nodes) {
			votes[uuid] = daemon.Vote{Master: a.Value, Err: a.Err}
		}
		return votes
	}
	return daemon.CheckMasterVote(context.Background(), me, ask, daemon.VotingInterval)
}

// checkUser insists on running as Ganeti's luxid user unless told not to.
func checkUser(opts *daemon.Options) error {
	if opts.NoUserChecks {
		return nil
	}
	u, err := user.Lookup(constants.LuxidUser)
	if err != nil {
		return fmt.Errorf("looking up user %s: %w", constants.LuxidUser, err)
	}
	if want, _ := strconv.Atoi(u.Uid); want != os.Geteuid() {
		return fmt.Errorf("ganeti-luxid started using wrong user ID (%d), expected %d", os.Geteuid(), want)
	}
	return nil
}

// setupLogging opens luxi-daemon.log (and, in the foreground, also logs to
// stderr) at INFO, or DEBUG with -d.
func setupLogging(layout *paths.Layout, opts *daemon.Options) (*daemon.LogFile, *slog.Logger, error) {
	logFile, err := daemon.OpenLogFile(layout.LogFile)
	if err != nil {
		return nil, nil, err
	}
	level := slog.LevelInfo
	if opts.Debug {
		level = slog.LevelDebug
		fmt.Fprint(os.Stderr, "ALERT: ganeti-luxid started in debug mode.\n Private and secret parameters WILL be logged!\n")
	}
	var out io.Writer = logFile
	if opts.Foreground {
		out = io.MultiWriter(logFile, os.Stderr)
	}
	handlers := daemon.TeeHandler{}
	if opts.Syslog != daemon.SyslogOnly {
		handlers = append(handlers, daemon.NewLogHandler(out, constants.LuxidName, level))
	}
	if opts.Syslog != daemon.SyslogNo {
		sys, err := daemon.NewSyslogHandler("", "", constants.LuxidName, max(level, slog.LevelInfo))
		if err != nil {
			logFile.Close()
			return nil, nil, err
		}
		handlers = append(handlers, sys)
	}
	logger := slog.New(handlers)
	return logFile, logger, nil
}

// loadConfig loads config.data once; a failure is logged and every call
// answers ConfigurationError until a good file appears.
func loadConfig(layout *paths.Layout, ganeti release.Release, logger *slog.Logger) *config.Store {
	cfg := config.NewStore(layout.ConfigFile, ganeti.ConfigVersion)
	if _, err := cfg.Reload(); err != nil {
		logger.Error("configuration not loaded", "error", err)
	} else if snap, err := cfg.Snapshot(); err == nil {
		logger.Info(fmt.Sprintf("Loaded new config, serial %d", snap.Data.Serial))
	}
	return cfg
}

// listen binds the LUXI socket with Ganeti's owner, group and mode, or
// takes the socket systemd passed (socket activation).
func listen(layout *paths.Layout, logger *slog.Logger) (net.Listener, error) {
	activated, err := activation.Listeners()
	if err != nil {
		return nil, fmt.Errorf("socket activation: %w", err)
	}
	if len(activated) > 0 && activated[0] != nil {
		for _, extra := range activated[1:] {
			if extra != nil {
				extra.Close()
			}
		}
		logger.Info("Using the socket passed by systemd", "address", activated[0].Addr().String())
		return activated[0], nil
	}
	owner, err := daemon.LookupOwner(constants.LuxidUser, constants.DaemonsGroup)
	if err != nil {
		return nil, err
	}
	listener, err := daemon.ListenUnix(layout.LuxiSocket, constants.LuxiSocketMode, owner)
	if err != nil {
		return nil, err
	}
	logger.Info(fmt.Sprintf("Changing permissions of %s to %o", layout.LuxiSocket, constants.LuxiSocketMode))
	return listener, nil
}

// watchConfig has every new configuration logged and told to the
// scheduler, whoever reloads it, and reloads config.data on change; the
// returned function stops the watch and the telling.
func watchConfig(cfg *config.Store, watcher *inotify.Watcher, scheduler *runner.Runner, logger *slog.Logger) func() {
	cfg.Follow(func(old, cur *config.Snapshot) {
		logger.Info(fmt.Sprintf("Loaded new config, serial %d", cur.Data.Serial))
		scheduler.ConfigChanged(old, cur)
	})
	stopWatch := inBackground(func(ctx context.Context) {
		if err := cfg.Watch(ctx, watcher, logger); err != nil {
			logger.Error("configuration watch stopped", "error", err)
		}
	})
	return func() {
		stopWatch()
		cfg.Follow(nil)
	}
}

// activateMasterIP brings up the master IP in the background; the returned
// function cancels the request and waits for it.
func activateMasterIP(noded *rpc.Client, cfg *config.Store, logger *slog.Logger) func() {
	return inBackground(func(ctx context.Context) { luxid.ActivateMasterIP(ctx, noded, cfg, logger) })
}

// inBackground runs work in a goroutine; the returned function cancels its
// context and waits for it to return.
func inBackground(work func(ctx context.Context)) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		work(ctx)
	}()
	return func() { cancel(); <-done }
}

// handleSignals shuts the server down on SIGTERM or SIGINT and reopens the
// log file on SIGHUP. The returned function stops the handling and returns
// once it has ended.
func handleSignals(server *luxi.Server, logFile *daemon.LogFile, logger *slog.Logger) func() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	stopHandling := inBackground(func(ctx context.Context) {
		for {
			select {
			case <-ctx.Done():
				return
			case sig := <-sigs:
				onSignal(sig, server, logFile, logger)
			}
		}
	})
	return func() {
		signal.Stop(sigs)
		stopHandling()
	}
}

// onSignal reopens the log file on SIGHUP. On SIGTERM or SIGINT it tells
// systemd at once that the daemon is stopping, then shuts the server down.
func onSignal(sig os.Signal, server *luxi.Server, logFile *daemon.LogFile, logger *slog.Logger) {
	if sig == syscall.SIGHUP {
		if err := logFile.Reopen(); err != nil {
			logger.Error("reopening the log file", "error", err)
		}
		return
	}
	logger.Info("received signal, shutting down", "signal", sig.String())
	tellSystemd(sdnotify.SdNotifyStopping, logger)
	shutdown(server, logger)
}

// shutdown lets requests in flight finish for a while, then closes
// everything.
func shutdown(server *luxi.Server, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := server.Shutdown(ctx); err != nil {
		logger.Warn("shutdown did not finish cleanly", "error", err)
	}
}

// jobStarter is how job processes start: warm from a helper (the
// default), or cold as the Haskell luxid starts them (--cold-start, or
// when the Python tree cannot be watched: a helper that is not restarted
// after an upgrade would run old code).
func jobStarter(opts *daemon.Options, ganeti release.Release, watcher *inotify.Watcher, logger *slog.Logger) (jobexec.Starter, func()) {
	cold := &jobexec.Config{Debug: opts.Debug, PythonPath: ganeti.PythonDir}
	if opts.ColdStart {
		return cold, func() {}
	}
	warm := jobexec.NewWarm(cold, logger)
	if err := warm.WatchSources(watcher); err != nil {
		warm.Close()
		logger.Error("job processes start cold", "error", err)
		return cold, func() {}
	}
	return warm, func() { warm.Close() }
}

// newMetrics makes the metrics --metrics asks for; without it they are
// nil, which records nothing.
func newMetrics(opts *daemon.Options) *metrics.Metrics {
	if opts.Metrics == "" {
		return nil
	}
	return metrics.New()
}

// gcPercent is the garbage collector's target of heap growth, as GOGC.
// The daemon's live heap is small (a few MiB idle, tens with a large
// queue cached), and a query or submission over thousands of jobs makes
// garbage in bursts: Go's default of 100 spends a fifth of such a burst's
// CPU collecting, 400 a small part of that, for a peak heap a few times
// the live one.
const gcPercent = 400

// tuneGarbageCollector applies gcPercent unless the operator set GOGC.
func tuneGarbageCollector() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
}
