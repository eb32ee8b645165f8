package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	sdnotify "github.com/coreos/go-systemd/v22/daemon"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/ganeti/rpc"
	"github.com/goluxid/goluxid/ganeti/wconfd"
	"github.com/goluxid/goluxid/internal/daemon"
	"github.com/goluxid/goluxid/internal/daemon/metrics"
	"github.com/goluxid/goluxid/internal/daemon/version"
	"github.com/goluxid/goluxid/internal/inotify"
	"github.com/goluxid/goluxid/jobexec"
	"github.com/goluxid/goluxid/jqscheduler/runner"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/jqueue/replica"
	"github.com/goluxid/goluxid/luxi"
	"github.com/goluxid/goluxid/luxid"
	"github.com/goluxid/goluxid/query"
	"github.com/goluxid/goluxid/query/resources"
)

// serve holds the daemon's files and sockets and answers LUXI until
// SIGTERM or SIGINT.
func serve(layout *paths.Layout, ganeti release.Release, opts *daemon.Options, logFile *daemon.LogFile, logger *slog.Logger) error {
	ops, err := opcodes.ForRelease(ganeti.Dir)
	if err != nil {
		return err
	}
	d := &daemonParts{layout: layout, ganeti: ganeti, opcodes: ops, regexps: query.ReleaseRegexpDialect(ganeti.Dir),
		opts: opts, logFile: logFile, logger: logger, stats: newMetrics(opts)}
	defer d.release()
	if err := d.claimNode(); err != nil {
		return err
	}
	if err := d.openQueue(); err != nil {
		return err
	}
	d.connectNodes()
	if err := d.startScheduler(); err != nil {
		return err
	}
	return d.answerLUXI()
}

// daemonParts are what serve builds, each step from the parts before it;
// release takes them down in the reverse order.
type daemonParts struct {
	layout  *paths.Layout
	ganeti  release.Release     // the installed Ganeti
	opcodes *opcodes.Schema     // the installed release's opcode schema
	regexps query.RegexpDialect // the installed release's language of =~
	opts    *daemon.Options
	logFile *daemon.LogFile
	logger  *slog.Logger
	stats   *metrics.Metrics // nil without --metrics

	cfg      *config.Store
	listener net.Listener
	endpoint *metrics.Endpoint // nil without --metrics
	livelock *daemon.LockedFile
	queue    *jqueue.Queue
	watcher  *inotify.Watcher
	noded    *rpc.Client // nil when there is no RPC to the node daemons
	nodeRPC  resources.NodeRPC
	runner   *runner.Runner

	// undo takes the parts down, in the order they were built.
	undo []func()
}

// onRelease adds a step to release.
func (d *daemonParts) onRelease(undo func()) { d.undo = append(d.undo, undo) }

// release takes down what was built, the last part first.
func (d *daemonParts) release() {
	for i := len(d.undo) - 1; i >= 0; i-- {
		d.undo[i]()
	}
}

// claimNode takes what one luxid alone may hold on the node (the PID file,
// the sockets, the livelock and the job queue's lock) and loads the
// configuration.
func (d *daemonParts) claimNode() error {
	pidFile, err := daemon.WritePidFile(d.layout.PidFile)
	if err != nil {
		return err
	}
	d.onRelease(func() { pidFile.Close() })
	d.cfg = loadConfig(d.layout, d.ganeti, d.logger)
	if err := d.openSockets(); err != nil {
		return err
	}
	return d.takeLocks()
}

// openSockets binds the LUXI socket and the metrics endpoint, both before
// the job runner starts: binding a Unix socket sets the process's umask
// for a moment.
func (d *daemonParts) openSockets() error {
	listener, err := listen(d.layout, d.logger)
	if err != nil {
		return err
	}
	d.listener = listener
	d.onRelease(func() { listener.Close() })
	endpoint, err := d.stats.Listen(d.opts.Metrics)
	if err != nil {
		return err
	}
	d.endpoint = endpoint
	d.onRelease(endpoint.Close)
	return nil
}

// takeLocks creates the daemon's livelock and takes the job queue's lock.
func (d *daemonParts) takeLocks() error {
	livelock, err := daemon.Lock(fmt.Sprintf("%s/luxi-daemon_%d", d.layout.LivelockDir, time.Now().Unix()), 0o644, false)
	if err != nil {
		return fmt.Errorf("creating livelock: %w", err)
	}
	d.livelock = livelock
	d.onRelease(func() { livelock.Close() })
	queueLock, err := daemon.Lock(d.layout.QueueLock, 0o640, true)
	if err != nil {
		return fmt.Errorf("Failed to obtain the job-queue lock: %w", err)
	}
	d.onRelease(func() { queueLock.Close() })
	return nil
}

// openQueue opens the job queue, and the inotify watcher that follows its
// files and the configuration.
func (d *daemonParts) openQueue() error {
	queue, err := jqueue.Open(d.layout, d.stats.Syncer())
	if err != nil {
		return fmt.Errorf("opening the job queue: %w", err)
	}
	d.queue = queue
	watcher, err := inotify.New()
	if err != nil {
		return err
	}
	d.watcher = watcher
	d.onRelease(func() { watcher.Close() })
	return nil
}

// connectNodes makes the node daemons' RPC client and replicates the job
// queue through it. Without one, live query fields show no data.
func (d *daemonParts) connectNodes() {
	noded, err := rpc.New(d.layout, rpc.Options{Logger: d.logger})
	if err != nil {
		d.logger.Warn("no RPC to the node daemons; live query fields will show no data", "error", err)
		return
	}
	d.noded, d.nodeRPC = noded, resources.RPCClient(noded)
	replicator := replica.New(noded, d.cfg, d.layout, d.logger)
	d.onRelease(replicator.Close)
	d.queue.Replicator = replicator
}

// startScheduler makes the job runner, has it follow the configuration,
// brings up the master IP and loads the job queue into the runner.
func (d *daemonParts) startScheduler() error {
	starter, closeStarter := jobStarter(d.opts, d.ganeti, d.watcher, d.logger)
	d.onRelease(closeStarter)
	d.runner = d.newRunner(starter)
	d.onRelease(watchConfig(d.cfg, d.watcher, d.runner, d.logger))
	if d.noded != nil {
		d.onRelease(activateMasterIP(d.noded, d.cfg, d.logger))
	}
	d.logger.Info("Loading job queue")
	if err := d.runner.Start(); err != nil {
		return err
	}
	d.onRelease(d.runner.Close)
	return nil
}

// newRunner makes the job runner, which starts jobs through starter.
func (d *daemonParts) newRunner(starter jobexec.Starter) *runner.Runner {
	return runner.New(runner.Deps{
		Queue: d.queue, Config: d.cfg, Watcher: d.watcher, OwnLivelock: d.livelock.Path(),
		Exec:          starter,
		Locks:         &wconfd.Client{Socket: d.layout.WconfdSocket},
		Opcodes:       d.opcodes,
		RegexpDialect: d.regexps,
		Logger:        d.logger,
		JobStarted:    d.stats.ObserveJobStart,
	})
}

// answerLUXI serves LUXI and the metrics until a terminating signal shuts
// the server down, and tells systemd when the daemon is ready.
func (d *daemonParts) answerLUXI() error {
	dispatcher := d.newDispatcher()
	server := &luxi.Server{Handler: dispatcher, Logger: d.logger, Observe: d.stats.ObserveRequest}
	d.serveMetrics(dispatcher)
	d.onRelease(handleSignals(server, d.logFile, d.logger))
	daemon.ReportStarted(nil)
	d.onRelease(notifyWhenReady(d.runner, d.logger))
	if err := server.Serve(d.listener); !errors.Is(err, luxi.ErrServerClosed) {
		return fmt.Errorf("serving LUXI: %w", err)
	}
	return nil
}

// newDispatcher makes the handler of LUXI requests.
func (d *daemonParts) newDispatcher() *luxid.Dispatcher {
	return luxid.New(luxid.Deps{
		Config: d.cfg, Paths: d.layout, Queue: d.queue, Watcher: d.watcher, Jobs: d.runner,
		WConfd: &wconfd.Client{Socket: d.layout.WconfdSocket}, RPC: d.nodeRPC, Noded: d.noded,
		MaxLiveJobs: d.opts.MaxQueuedJobs,
		OwnLivelock: d.livelock.Path(), Ganeti: d.ganeti, Opcodes: d.opcodes, RegexpDialect: d.regexps,
		VCSVersion: version.VCS(), Logger: d.logger,
	})
}

// serveMetrics starts the metrics endpoint, with the figures of the
// runner, the queue, the dispatcher and the configuration.
func (d *daemonParts) serveMetrics(dispatcher *luxid.Dispatcher) {
	d.stats.AddSources(metrics.Sources{
		Jobs: d.runner.Counts, LiveJobFiles: d.queue.LiveCount, CachedJobs: d.queue.CachedJobs,
		Waiters: dispatcher.Waiters, ConfigReloads: d.cfg.ReloadCounts,
	})
	d.endpoint.Serve(d.logger)
}

// notifyWhenReady tells systemd (if it started the daemon) that the daemon
// is ready once the job queue is loaded; the socket is bound by then. The
// returned function stops the wait and returns once it has ended.
func notifyWhenReady(scheduler *runner.Runner, logger *slog.Logger) func() {
	return inBackground(func(ctx context.Context) {
		select {
		case <-scheduler.Ready():
			tellSystemd(sdnotify.SdNotifyReady, logger)
		case <-ctx.Done():
		}
	})
}

// tellSystemd sends state to systemd's notify socket, if systemd started
// the daemon.
func tellSystemd(state string, logger *slog.Logger) {
	if _, err := sdnotify.SdNotify(false, state); err != nil {
		logger.Warn("telling systemd the daemon's state", "state", state, "error", err)
	}
}
