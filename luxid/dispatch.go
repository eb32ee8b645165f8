package luxid

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/luxi"
)

// Deps is what the dispatcher answers from.
type Deps struct {
	Config *config.Store
	Paths  *paths.Layout
	// VCSVersion is reported by QueryClusterInfo as vcs_version.
	VCSVersion string
	Logger     *slog.Logger
}

// call is the environment of one request.
type call struct {
	ctx  context.Context
	cfg  *config.Snapshot
	args json.RawMessage
}

// method answers one LUXI method.
type method func(d *Dispatcher, c *call) (any, error)

// Dispatcher answers LUXI requests; it implements luxi.Handler.
type Dispatcher struct {
	deps    Deps
	methods map[string]method
}

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
	}
	return d
}

// ServeLUXI answers one request.
func (d *Dispatcher) ServeLUXI(ctx context.Context, req luxi.Request) (any, error) {
	cfg, err := d.deps.Config.Snapshot()
	if err != nil {
		return nil, err
	}
	m, ok := d.methods[req.Method]
	if !ok {
		return nil, notImplemented(req.Method)
	}
	return m(d, &call{ctx: ctx, cfg: cfg, args: req.Args})
}

// notImplemented is the answer of a LUXI method whose implementation has not
// landed yet.
func notImplemented(method string) error {
	return gerrors.Generic("Luxi call '%s' is not implemented by goluxid yet", method)
}

// pickupJob answers PickupJob, which the real luxid reserves for itself.
func (d *Dispatcher) pickupJob(c *call) (any, error) {
	return nil, gerrors.Generic("Luxi call 'PickupJob' is for internal use only")
}
