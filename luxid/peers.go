package luxid

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"math"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/ganeti/rpc"
)

// ActivateMasterIP asks the master's noded to bring up the master IP, as
// the real luxid does once at start-up (in the background): a failure is
// only logged (by the RPC client).
func ActivateMasterIP(ctx context.Context, noded *rpc.Client, cfg *config.Store, logger *slog.Logger) {
	snap, err := cfg.Snapshot()
	if err != nil {
		logger.Warn("not activating the master IP: no configuration", "error", err)
		return
	}
	master := snap.Data.MasterNode()
	if master == nil {
		logger.Warn("not activating the master IP: the configuration names no master node")
		return
	}
	logger.Debug("Activating master IP address")
	params := rpc.MasterNetworkOf(snap.Data)
	err = noded.ActivateMasterIP(ctx, master, params, snap.Data.Cluster.UseExternalMIPScript)
	logger.Debug("finished activating master IP address", "error", err)
}

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

// pauseUntil reads [until]; anything else, [null] included, means no
// pause.
func pauseUntil(args json.RawMessage) *float64 {
	var list []json.RawMessage
	if json.Unmarshal(args, &list) != nil || len(list) != 1 || string(bytes.TrimSpace(list[0])) == "null" {
		return nil
	}
	var until float64
	if json.Unmarshal(list[0], &until) != nil {
		return nil
	}
	return &until
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
