package luxid

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync/atomic"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/opcodes"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/ganeti/rpc"
	"github.com/goluxid/goluxid/ganeti/wconfd"
	"github.com/goluxid/goluxid/internal/inotify"
	"github.com/goluxid/goluxid/jqueue"
	"github.com/goluxid/goluxid/luxi"
	"github.com/goluxid/goluxid/query"
	"github.com/goluxid/goluxid/query/resources"
)

// Deps is what the dispatcher answers from.
type Deps struct {
	Config *config.Store
	Paths  *paths.Layout
	Queue  *jqueue.Queue
	// Watcher wakes waiters when job files change.
	Watcher *inotify.Watcher
	// RPC fetches live data from the node daemons; nil answers every live
	// field as if no node answered.
	RPC resources.NodeRPC
	// Noded makes the RPC calls to node daemons (watcher pause);
	// nil skips them.
	Noded *rpc.Client
	// WConfd changes the configuration (filter rules).
	WConfd *wconfd.Client
	// MaxLiveJobs refuses submissions beyond this many live job files
	// (0: no limit).
	MaxLiveJobs int
	// Jobs runs submitted jobs; nil keeps them queued.
	Jobs Jobs
	// OwnLivelock is the path of this daemon's livelock; a job carrying it
	// has not got a process of its own yet.
	OwnLivelock string
	// Ganeti is the installed release, whose versions QueryClusterInfo
	// reports.
	Ganeti release.Release
	// Opcodes is the installed release's opcode schema: submissions are
	// validated by it, and job queries show opcodes by it.
	Opcodes *opcodes.Schema
	// RegexpDialect is the installed release's language of the regular
	// expressions (=~) in query filters and filter rules.
	RegexpDialect query.RegexpDialect
	// VCSVersion is reported by QueryClusterInfo as vcs_version.
	VCSVersion string
	Logger     *slog.Logger
}

// call is the environment of one request.
type call struct {
	ctx   context.Context
	store *config.Store
	cfg   *config.Snapshot // set by needConfig
	args  json.RawMessage
}

// needConfig loads the current configuration into c.cfg, failing with
// Ganeti's ConfigurationError when there is none. Methods call it after
// decoding their arguments, as the real luxid decodes the whole request
// before it looks at the configuration.
func (c *call) needConfig() error {
	cfg, err := c.store.Snapshot()
	if err != nil {
		return err
	}
	c.cfg = cfg
	return nil
}

// method answers one LUXI method.
type method func(d *Dispatcher, c *call) (any, error)

// Dispatcher answers LUXI requests; it implements luxi.Handler.
type Dispatcher struct {
	deps    Deps
	methods map[string]method
	// waiters counts the WaitForJobChange calls waiting right now.
	waiters atomic.Int64
}

// Waiters is the number of WaitForJobChange calls waiting right now.
func (d *Dispatcher) Waiters() int64 { return d.waiters.Load() }

// New returns a dispatcher over deps.
func New(deps Deps) *Dispatcher {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	d := &Dispatcher{deps: deps}
	d.methods = map[string]method{
		luxi.MethodQueryClusterInfo:  (*Dispatcher).queryClusterInfo,
		luxi.MethodQueryConfigValues: (*Dispatcher).queryConfigValues,
		luxi.MethodQueryTags:         (*Dispatcher).queryTags,
		luxi.MethodPickupJob:         (*Dispatcher).pickupJob,
		luxi.MethodWaitForJobChange:  (*Dispatcher).waitForJobChange,
		luxi.MethodSetDrainFlag:      (*Dispatcher).setDrainFlag,
		luxi.MethodArchiveJob:        (*Dispatcher).archiveJob,
		luxi.MethodAutoArchiveJobs:   (*Dispatcher).autoArchiveJobs,
		luxi.MethodQuery:             (*Dispatcher).queryMethod,
		luxi.MethodQueryFields:       (*Dispatcher).queryFields,
		luxi.MethodQueryJobs:         (*Dispatcher).queryJobs,
		luxi.MethodSubmitJob:         (*Dispatcher).submitJob,
		luxi.MethodSubmitManyJobs:    (*Dispatcher).submitManyJobs,
		luxi.MethodCancelJob:         (*Dispatcher).cancelJob,
		luxi.MethodQueryFilters:      (*Dispatcher).queryFilters,
		luxi.MethodReplaceFilter:     (*Dispatcher).replaceFilter,
		luxi.MethodDeleteFilter:      (*Dispatcher).deleteFilter,
		luxi.MethodQueryNodes:        classicQuery("node"),
		luxi.MethodQueryGroups:       classicQuery("group"),
		luxi.MethodQueryNetworks:     classicQuery("network"),
		luxi.MethodQueryInstances:    classicQuery("instance"),
		luxi.MethodQueryExports:      (*Dispatcher).queryExports,
		luxi.MethodSetWatcherPause:   (*Dispatcher).setWatcherPause,
		luxi.MethodChangeJobPriority: (*Dispatcher).changeJobPriority,

		luxi.MethodSubmitJobToDrainedQueue: (*Dispatcher).submitJobToDrainedQueue,
	}
	return d
}

// ServeLUXI answers one request.
func (d *Dispatcher) ServeLUXI(ctx context.Context, req luxi.Request) (any, error) {
	c := &call{ctx: ctx, store: d.deps.Config, args: req.Args}
	m, ok := d.methods[req.Method]
	if !ok {
		// The server decodes LUXI methods only, and New serves each.
		return nil, luxi.ParseErrorf("not a LUXI method: %s", req.Method)
	}
	return m(d, c)
}

// pickupJob answers PickupJob, which the real luxid reserves for itself.
func (d *Dispatcher) pickupJob(c *call) (any, error) {
	var id jobID
	if err := decodeArgs(c.args, &id); err != nil {
		return nil, err
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	return nil, gerrors.Generic("Luxi call 'PickupJob' is for internal use only")
}
