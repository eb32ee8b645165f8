package bench

import (
	"context"
	"os/exec"

	"github.com/goluxid/goluxid/ganeti/paths"
)

// Luxid names one of the two daemons under test.
type Luxid string

// The luxids under test.
const (
	Go      Luxid = "goluxid"
	Haskell Luxid = "haskell"
)

// Luxids lists both luxids in report order.
var Luxids = []Luxid{Go, Haskell}

// Setup says which cluster a run needs.
type Setup struct {
	Luxid Luxid
	// Prepare, if set, changes the laid-out node root before any daemon
	// starts: it may rewrite config.data and fill the job queue.
	Prepare func(l *paths.Layout) error
	// BaseConfig, if set, replaces the demo cluster's config.data (the
	// master node still gets the sandbox's name and address).
	BaseConfig []byte
	// Noded also runs the master's node daemon, for jobs whose opcodes
	// make RPCs to the master.
	Noded bool
}

// Cluster is one running single-node cluster with one luxid.
type Cluster interface {
	// Layout gives the node root's paths (LUXI socket, queue, config).
	Layout() *paths.Layout
	// LuxidPid is the luxid's process id, 0 while it is stopped.
	LuxidPid() int
	// StopLuxid stops the luxid only.
	StopLuxid() error
	// StartLuxid starts the luxid again on the current state and returns
	// once it answers LUXI.
	StartLuxid(ctx context.Context) error
	// LuxidOutput is the file that receives the luxid's stdout and stderr.
	LuxidOutput() string
	// StartRAPI starts Ganeti's RAPI daemon in the cluster and returns
	// once it listens.
	StartRAPI(ctx context.Context) (RAPIEndpoint, error)
	// Client returns the command that runs the installed Ganeti client
	// name (e.g. "gnt-debug") with args against the cluster, in the
	// clients' environment; the caller sets its output and runs it.
	Client(ctx context.Context, name string, args ...string) *exec.Cmd
	// Close stops every daemon and removes the cluster's files.
	Close() error
}

// RAPIEndpoint is where a cluster's RAPI daemon answers, and how to log in.
type RAPIEndpoint struct {
	URL            string // https://host:port
	User, Password string
	// CAFile is the daemon's self-signed certificate.
	CAFile string
}

// Launcher builds and starts a cluster for s; it returns once the luxid
// answers LUXI.
type Launcher func(ctx context.Context, s Setup) (Cluster, error)
