package rpc

import (
	"context"
	"log/slog"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/objects"
)

// QueueReplicator keeps the master candidates' copies of the job queue
// current: every queue write of the master is sent to the other master
// candidates' node daemons (jobqueue_update, jobqueue_rename), in
// parallel. A candidate that cannot be reached is logged and skipped, as
// the real luxid does.
type QueueReplicator struct {
	Client *Client
	Config *config.Store
	Logger *slog.Logger
}

// Update sends a queue file's new content.
func (r *QueueReplicator) Update(path string, content []byte) {
	nodes, cfg := r.targets()
	if len(nodes) == 0 {
		return
	}
	r.log("jobqueue_update", cfg, r.Client.JobqueueUpdate(context.Background(), nodes, path, content))
}

// Rename sends archive moves.
func (r *QueueReplicator) Rename(renames [][2]string) {
	nodes, cfg := r.targets()
	if len(nodes) == 0 {
		return
	}
	r.log("jobqueue_rename", cfg, r.Client.JobqueueRename(context.Background(), nodes, renames))
}

// targets are the master candidates other than the master.
func (r *QueueReplicator) targets() ([]*objects.Node, *objects.ConfigData) {
	snap, err := r.Config.Snapshot()
	if err != nil {
		return nil, nil
	}
	return Candidates(snap.Data, false), snap.Data
}

func (r *QueueReplicator) log(procedure string, cfg *objects.ConfigData, errs map[string]error) {
	for uuid, err := range errs {
		if err == nil || r.Logger == nil {
			continue
		}
		name := uuid
		if n, ok := cfg.Nodes[uuid]; ok {
			name = n.Name
		}
		r.Logger.Warn("replicating the job queue failed", "procedure", procedure, "node", name, "error", err)
	}
}
