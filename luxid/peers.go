package luxid

import (
	"encoding/json"
	"math"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/rpc"
)

// setWatcherPause answers SetWatcherPause [], [null] or [until]: the node
// daemons of the master and the master candidates write (or remove) the
// watcher pause file. Arguments that are not one number clear the pause,
// as the real luxid treats them. The answer is until, or null.
func (d *Dispatcher) setWatcherPause(c *call) (any, error) {
	until := pauseUntil(c.args)
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	if d.deps.Noded != nil {
		errs := d.deps.Noded.SetWatcherPause(c.ctx, rpc.Candidates(c.cfg.Data, true), until)
		d.logNodeErrors("set_watcher_pause", c.cfg.Data, errs)
	}
	if until == nil {
		return nil, nil
	}
	if *until == math.Trunc(*until) && math.Abs(*until) < 1<<53 {
		return int64(*until), nil
	}
	return *until, nil
}

// pauseUntil reads [until]; anything else means no pause.
func pauseUntil(args json.RawMessage) *float64 {
	var list []json.RawMessage
	if json.Unmarshal(args, &list) != nil || len(list) != 1 {
		return nil
	}
	var until float64
	if json.Unmarshal(list[0], &until) != nil {
		return nil
	}
	return &until
}

// replicateDrainFlag tells the master candidates' node daemons the queue's
// drain flag.
func (d *Dispatcher) replicateDrainFlag(c *call, drain bool) {
	if d.deps.Noded == nil {
		return
	}
	errs := d.deps.Noded.SetDrainFlag(c.ctx, rpc.Candidates(c.cfg.Data, false), drain)
	d.logNodeErrors("jobqueue_set_drain_flag", c.cfg.Data, errs)
}

// logNodeErrors logs the nodes an RPC failed on; callers go on regardless,
// as the real luxid does.
func (d *Dispatcher) logNodeErrors(procedure string, cfg *objects.ConfigData, errs map[string]error) {
	for uuid, err := range errs {
		if err == nil {
			continue
		}
		name := uuid
		if n, ok := cfg.Nodes[uuid]; ok {
			name = n.Name
		}
		d.deps.Logger.Warn("RPC failed", "procedure", procedure, "node", name, "error", err)
	}
}
