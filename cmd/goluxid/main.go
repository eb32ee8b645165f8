// The runtime's container-aware GOMAXPROCS (Go 1.25+) keeps two cgroup
// files open for the daemon's lifetime to follow CPU-limit changes. The
// master daemon runs unconstrained on Ganeti nodes and prefers the two
// descriptors: GOMAXPROCS is then the CPUs it may run on, as before Go
// 1.25. GODEBUG=containermaxprocs=1 in the environment (or GOMAXPROCS)
// restores the limit-aware choice.
//go:debug containermaxprocs=0

// Command goluxid is a drop-in replacement for Ganeti's ganeti-luxid: it
// takes the same options, checks that this node is the master, and serves
// LUXI on the master's ganeti-query socket. This file only wires the
// packages together in the order the real daemon starts.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"os/user"
	"strconv"
	"syscall"
	"time"

	"github.com/coreos/go-systemd/v22/activation"
	sdnotify "github.com/coreos/go-systemd/v22/daemon"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/constants"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/ganeti/rpc"
	"github.com/goluxid/goluxid/ganeti/ssconf"
	"github.com/goluxid/goluxid/ganeti/wconfd"
	"github.com/goluxid/goluxid/internal/daemon"
	"github.com/goluxid/goluxid/internal/daemon/metrics"
	"github.com/goluxid/goluxid/internal/daemon/version"
	"github.com/goluxid/goluxid/internal/durable"
	"github.com/goluxid/goluxid/internal/inotify"
	"github.com/goluxid/goluxid/jobexec"
	"github.com/goluxid/goluxid/jqscheduler/runner"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/jqueue/replica"
	"github.com/goluxid/goluxid/luxi"
	"github.com/goluxid/goluxid/luxid"
	"github.com/goluxid/goluxid/query/resources"
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
	layout := paths.FromEnv()
	if err := checkMaster(layout); err != nil {
		return err
	}
	if err := checkUser(opts); err != nil {
		return err
	}
	if !opts.NoVoting && !daemon.Detached() {
		if err := verifyMaster(layout); err != nil {
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
	if err := serve(layout, opts, logFile, logger); err != nil {
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
		fmt.Printf("ganeti-luxid (goluxid) version %s\ncompatible with Ganeti %s\n", version.Version, constants.ReleaseVersion)
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
func verifyMaster(layout *paths.Layout) error {
	me, err := paths.Hostname()
	if err != nil {
		return err
	}
	store := config.NewStore(layout.ConfigFile)
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

// serve holds the daemon's files and socket and answers LUXI until SIGTERM
// or SIGINT.
func serve(layout *paths.Layout, opts *daemon.Options, logFile *daemon.LogFile, logger *slog.Logger) error {
	pidFile, err := daemon.WritePidFile(layout.PidFile)
	if err != nil {
		return err
	}
	defer pidFile.Close()
	cfg := loadConfig(layout, logger)
	listener, err := listen(layout, logger)
	if err != nil {
		return err
	}
	defer listener.Close()
	livelock, err := daemon.Lock(fmt.Sprintf("%s/luxi-daemon_%d", layout.LivelockDir, time.Now().Unix()), 0o644, false)
	if err != nil {
		return fmt.Errorf("creating livelock: %w", err)
	}
	defer livelock.Close()
	queueLock, err := daemon.Lock(layout.QueueLock, 0o640, true)
	if err != nil {
		return fmt.Errorf("Failed to obtain the job-queue lock: %w", err)
	}
	defer queueLock.Close()
	stats, syncer := newMetrics(opts)
	queue, err := jqueue.Open(layout, syncer)
	if err != nil {
		return fmt.Errorf("opening the job queue: %w", err)
	}
	watcher, err := inotify.New()
	if err != nil {
		return err
	}
	defer watcher.Close()

	noded, err := rpc.New(layout, rpc.Options{Logger: logger})
	var nodeRPC resources.NodeRPC
	if err != nil {
		logger.Warn("no RPC to the node daemons; live query fields will show no data", "error", err)
		noded = nil
	} else {
		nodeRPC = resources.RPCClient(noded)
	}
	if noded != nil {
		replicator := replica.New(noded, cfg, layout, logger)
		defer replicator.Close()
		queue.Replicator = replicator
	}

	starter, closeStarter := jobStarter(opts, logger)
	defer closeStarter()
	scheduler := runner.New(runner.Deps{
		Queue: queue, Config: cfg, Watcher: watcher, OwnLivelock: livelock.Path(),
		Exec:       starter,
		Locks:      &wconfd.Client{Socket: layout.WconfdSocket},
		Valid:      func(input json.RawMessage) bool { return opcodes.ParseInput(input).OpCode() != nil },
		Logger:     logger,
		JobStarted: stats.jobStarted(),
	})
	stopWatch := watchConfig(cfg, watcher, scheduler, logger)
	defer stopWatch()
	if noded != nil {
		defer activateMasterIP(noded, cfg, logger)()
	}
	logger.Info("Loading job queue")
	if err := scheduler.Start(); err != nil {
		return err
	}
	defer scheduler.Close()

	dispatcher := luxid.New(luxid.Deps{
		Config: cfg, Paths: layout, Queue: queue, Watcher: watcher, Jobs: scheduler,
		WConfd: &wconfd.Client{Socket: layout.WconfdSocket}, RPC: nodeRPC, Noded: noded,
		MaxLiveJobs: opts.MaxQueuedJobs,
		OwnLivelock: livelock.Path(), VCSVersion: version.VCS(), Logger: logger,
	})
	server := &luxi.Server{Handler: dispatcher, Logger: logger, Observe: stats.observeRequest()}
	stopMetrics, err := stats.serve(opts.Metrics, metrics.Sources{
		Jobs: scheduler.Counts, LiveJobFiles: queue.LiveCount, Waiters: dispatcher.Waiters,
		ConfigReloads: cfg.ReloadCounts,
	}, logger)
	if err != nil {
		return err
	}
	defer stopMetrics()
	stop := handleSignals(server, logFile, logger)
	defer stop()
	daemon.ReportStarted(nil)
	go notifyReady(scheduler, logger)
	defer sdnotify.SdNotify(false, sdnotify.SdNotifyStopping)
	if err := server.Serve(listener); !errors.Is(err, luxi.ErrServerClosed) {
		return fmt.Errorf("serving LUXI: %w", err)
	}
	return nil
}

// notifyReady tells systemd (if it started the daemon) that it is ready:
// the socket is bound and the job queue loaded.
func notifyReady(scheduler *runner.Runner, logger *slog.Logger) {
	<-scheduler.Ready()
	if _, err := sdnotify.SdNotify(false, sdnotify.SdNotifyReady); err != nil {
		logger.Warn("telling systemd the daemon is ready", "error", err)
	}
}

// loadConfig loads config.data once; a failure is logged and every call
// answers ConfigurationError until a good file appears.
func loadConfig(layout *paths.Layout, logger *slog.Logger) *config.Store {
	cfg := config.NewStore(layout.ConfigFile)
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

// watchConfig reloads config.data on change and tells the scheduler; the
// returned function stops the watch.
func watchConfig(cfg *config.Store, watcher *inotify.Watcher, scheduler *runner.Runner, logger *slog.Logger) func() {
	return inBackground(func(ctx context.Context) {
		if err := cfg.Watch(ctx, watcher, logger, scheduler.ConfigChanged); err != nil {
			logger.Error("configuration watch stopped", "error", err)
		}
	})
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
// log file on SIGHUP. The returned function stops the handling.
func handleSignals(server *luxi.Server, logFile *daemon.LogFile, logger *slog.Logger) func() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case sig := <-sigs:
				if sig == syscall.SIGHUP {
					if err := logFile.Reopen(); err != nil {
						logger.Error("reopening the log file", "error", err)
					}
					continue
				}
				logger.Info("received signal, shutting down", "signal", sig.String())
				shutdown(server, logger)
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
		<-finished
	}
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

// jobStarter is how job processes start: cold, as the real luxid starts
// them, or warm from a helper with --warm-start.
func jobStarter(opts *daemon.Options, logger *slog.Logger) (jobexec.Starter, func()) {
	cold := &jobexec.Config{Debug: opts.Debug}
	if !opts.WarmStart {
		return cold, func() {}
	}
	warm := jobexec.NewWarm(cold, logger)
	return warm, func() { warm.Close() }
}

// daemonMetrics are the metrics of --metrics; nil without it.
type daemonMetrics struct{ m *metrics.Metrics }

// newMetrics makes the metrics if --metrics asks for them, and the syncer
// the job queue uses (timed, or nil for the plain one).
func newMetrics(opts *daemon.Options) (*daemonMetrics, durable.Syncer) {
	if opts.Metrics == "" {
		return &daemonMetrics{}, nil
	}
	m := metrics.New()
	return &daemonMetrics{m: m}, m.Syncer()
}

func (d *daemonMetrics) jobStarted() func(time.Duration) {
	if d.m == nil {
		return nil
	}
	return d.m.ObserveJobStart
}

func (d *daemonMetrics) observeRequest() func(string, time.Duration, error) {
	if d.m == nil {
		return nil
	}
	return d.m.ObserveRequest
}

// serve opens the metrics endpoint addr and serves it until the returned
// function is called.
func (d *daemonMetrics) serve(addr string, src metrics.Sources, logger *slog.Logger) (func(), error) {
	if d.m == nil {
		return func() {}, nil
	}
	d.m.AddSources(src)
	l, err := metrics.Listen(addr)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := d.m.Serve(l); err != nil {
			logger.Error("metrics endpoint stopped", "error", err)
		}
	}()
	logger.Info("serving metrics", "address", addr)
	// Closing a Unix listener removes its socket file too.
	return func() {
		l.Close()
		<-done
	}, nil
}
