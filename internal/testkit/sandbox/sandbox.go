// Package sandbox builds and runs a sandboxed single-node Ganeti "virtual
// cluster" on this machine, of the release installed here (the variable
// Ganeti), so that goluxid and the Haskell ganeti-luxid can be started on
// identical state and driven by the real gnt-* clients.
//
// A sandbox is a base directory holding one node root (Ganeti's vcluster
// mode: GANETI_ROOTDIR=<base>/<hostname>, GANETI_HOSTNAME=<hostname>), the
// daemons' output (out/), their pids (pids/), the sandbox's own settings
// (sandbox.json), so that another process can Open and Stop it, and env.sh,
// which a shell sources to run the gnt-* clients against it. The node root
// is laid out from the bundled Ganeti 3.0 demo configuration, upgraded with
// the installed release's cfgupgrade when that release is newer, and the
// caller's own files (Options.NodeFiles, e.g. a job queue another release
// wrote) are laid in before any daemon starts; the real Haskell
// ganeti-wconfd, optionally the Python ganeti-noded and RAPI daemon, and
// one luxid (Haskell or goluxid) run in it as root with --no-user-checks.
// Only loopback addresses are used. Kill and EmptyRunDirs stand in for a
// power cut and the reboot after it: every process killed at once, then
// the run directory emptied.
//
// A Cluster is three such nodes side by side in one base directory, each
// with its own root, loopback address and noded, two of them master
// candidates; the master also runs wconfd and the luxid (see Cluster).
//
// A Sandbox is not safe for concurrent use.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/goluxid/goluxid/ganeti/paths"
)

// Installed locations of Ganeti (Debian packages ganeti-<release>,
// ganeti-haskell-<release> and ganeti).
const (
	ClientDir = "/usr/sbin"
	// Python is the interpreter Ganeti's Python code must run under; the
	// first python3 on PATH may lack Ganeti's dependencies.
	Python = "/usr/bin/python3"
)

// Ganeti is the release installed on this machine (release.Installed), which
// every sandbox runs: Ganeti 3.0 on Debian 12, 3.1 in the Debian 13 root.
// Without an installed Ganeti it names 3.0, and Prerequisites says what is
// missing.
var Ganeti = installedRelease()

// Where the installed release keeps its daemons and its Python code.
var (
	HaskellSbin = "/usr/lib/ganeti/" + Ganeti.Dir + "/usr/sbin"
	PythonShare = "/usr/share/ganeti/" + Ganeti.Dir
)

// Defaults for Options.
const (
	DefaultHostname     = "node1.example.com"
	DefaultNodeIP       = "127.0.0.1"
	DefaultStartTimeout = 30 * time.Second
	DefaultStopTimeout  = 10 * time.Second
)

// maxSocketPath is the longest path an AF_UNIX socket can be bound to.
const maxSocketPath = 107

// Probe says how Start decides that the luxid is ready.
type Probe string

const (
	// ProbeLUXI waits until QueryConfigValues(["cluster_name"]) succeeds.
	ProbeLUXI Probe = "luxi"
	// ProbeSocket waits until the LUXI socket accepts a connection.
	ProbeSocket Probe = "socket"
)

// Options configure a sandbox. The zero value is usable except that Luxid
// must be set for Start.
type Options struct {
	// Dir is the base directory. Empty: a new temporary directory under
	// /tmp. An existing directory must be empty.
	Dir string
	// Hostname is the node's name (GANETI_HOSTNAME); DefaultHostname if empty.
	Hostname string
	// NodeIP is the node's primary and secondary IP, patched into the
	// config at runtime; noded binds to it. A loopback IPv4 address,
	// DefaultNodeIP if empty. The cluster's master IP is moved if it
	// would collide.
	NodeIP string
	// Noded also starts the Python ganeti-noded on NodeIP port 1811.
	Noded bool
	// Luxid is the luxid command line, e.g. HaskellLuxid() or
	// GoLuxid(path). It must run in the foreground.
	Luxid []string
	// LuxidUser, if set, is the system user the luxid runs as, with its
	// groups (Ganeti runs it as gnt-masterd); empty: as this process.
	LuxidUser string
	// Probe selects the luxid readiness check; ProbeLUXI if empty.
	Probe Probe
	// Debug passes -d to every daemon.
	Debug bool
	// BaseConfig, if set, is the config.data to start from instead of the
	// bundled demo config (for example a large generated one). It is
	// patched the same way: the master node gets Hostname and NodeIP.
	BaseConfig []byte
	// NodeFiles are laid into the node root after Ganeti's own setup,
	// replacing what it wrote there, and before New's last ensure-dirs,
	// which gives the files Ganeti knows (the job queue's, archived jobs
	// included) their owners and modes: for example a job queue another
	// release wrote.
	NodeFiles []NodeFile
	// ExtraEnv is appended to the daemons' environment (e.g. GOCOVERDIR).
	ExtraEnv []string
	// StartTimeout bounds the wait for each daemon to become ready.
	StartTimeout time.Duration
	// StopTimeout is how long Stop waits after SIGTERM before SIGKILL.
	StopTimeout time.Duration
}

// NodeFile is a file for Options.NodeFiles, written with mode 0640 (missing
// directories above it 0750) before ensure-dirs sees it.
type NodeFile struct {
	Path string // relative to the node root
	Data []byte
}

// Modes of node files and of the directories made for them.
const (
	nodeFileMode    = 0o640
	nodeFileDirMode = 0o750
)

// luxidFlags are the flags a luxid needs in the sandbox: foreground, running
// as root, and no master vote (the other two nodes are offline).
var luxidFlags = []string{"-f", "--no-user-checks", "--no-voting", "--yes-do-it"}

// HaskellLuxid returns the command line of Ganeti's own luxid.
func HaskellLuxid() []string {
	return append([]string{filepath.Join(HaskellSbin, "ganeti-luxid")}, luxidFlags...)
}

// GoLuxid returns the command line of the goluxid binary at bin.
func GoLuxid(bin string) []string {
	return append([]string{bin}, luxidFlags...)
}

// Sandbox is one sandboxed node: its directories and the daemons it runs.
type Sandbox struct {
	// baseConfig and nodeFiles are Options.BaseConfig and NodeFiles,
	// used by setup only.
	baseConfig []byte
	nodeFiles  []NodeFile
	dir        string
	st         state
	layout     *paths.Layout
	daemons    map[string]*daemon
}

// New creates the base directory and lays out a complete node root in it;
// it starts nothing. On error nothing is left behind that New created.
func New(opts Options) (*Sandbox, error) {
	st, err := newState(opts)
	if err != nil {
		return nil, err
	}
	if opts.Dir != "" {
		abs, err := filepath.Abs(opts.Dir)
		if err != nil {
			return nil, fmt.Errorf("sandbox dir %s: %w", opts.Dir, err)
		}
		if err := checkSocketPath(abs, st.Hostname); err != nil {
			return nil, err
		}
	}
	if err := Prerequisites(); err != nil {
		return nil, err
	}
	dir, created, err := makeBaseDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	s := newSandbox(dir, st)
	s.baseConfig = opts.BaseConfig
	s.nodeFiles = opts.NodeFiles
	if err := s.setup(); err != nil {
		return nil, errors.Join(fmt.Errorf("set up sandbox in %s: %w", dir, err), undoSetup(dir, created))
	}
	return s, nil
}

// undoSetup removes what a failed setup left in dir: dir itself if New
// created it, else its contents (it was empty).
func undoSetup(dir string, created bool) error {
	var err error
	if created {
		err = os.RemoveAll(dir)
	} else {
		var entries []os.DirEntry
		entries, err = os.ReadDir(dir)
		for _, e := range entries {
			err = errors.Join(err, os.RemoveAll(filepath.Join(dir, e.Name())))
		}
	}
	if err != nil {
		return fmt.Errorf("clean up after failed setup: %w", err)
	}
	return nil
}

// Create is New followed by Start. If Start fails (it stops what it
// started), a temporary base directory is removed; a given Dir is kept for
// inspection.
//
// A noded whose address the sandbox chose itself (Noded without NodeIP,
// in a temporary directory) may lose its port to a sandbox another test
// package starts at the same moment; Create then tries other addresses.
func Create(ctx context.Context, opts Options) (*Sandbox, error) {
	retry := opts.Noded && opts.NodeIP == "" && opts.Dir == ""
	for attempt := 1; ; attempt++ {
		s, err := create(ctx, opts)
		if err == nil || !retry || attempt == nodedAttempts || !errors.Is(err, ErrNodedStart) {
			return s, err
		}
	}
}

// nodedAttempts bounds Create's tries of noded addresses.
const nodedAttempts = 10

// ErrNodedStart marks a failed start of the sandbox's noded.
var ErrNodedStart = errors.New("sandbox: noded did not start")

// create is one try of Create.
func create(ctx context.Context, opts Options) (*Sandbox, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	if err := s.Start(ctx); err != nil {
		if opts.Dir == "" {
			err = errors.Join(err, s.Close())
		}
		return nil, err
	}
	return s, nil
}

// Open loads the sandbox that New made in dir, including the pids of the
// daemons another process started there, so that it can be stopped or
// restarted.
func Open(dir string) (*Sandbox, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open sandbox %s: %w", dir, err)
	}
	st, err := loadState(abs)
	if err != nil {
		return nil, err
	}
	s := newSandbox(abs, st)
	if err := s.loadPids(); err != nil {
		return nil, err
	}
	return s, nil
}

func newSandbox(dir string, st state) *Sandbox {
	root := st.Root
	if root == "" {
		root = filepath.Join(dir, st.Hostname)
	}
	return &Sandbox{dir: dir, st: st, layout: paths.New(root), daemons: map[string]*daemon{}}
}

// Start starts wconfd, noded (if enabled) and the luxid, each in its own
// session and process group, and waits until each is ready; a node of a
// Cluster other than the master starts its noded only. If a step fails,
// what was started is stopped again.
func (s *Sandbox) Start(ctx context.Context) error {
	if err := s.checkNotRunning(); err != nil {
		return err
	}
	var err error
	if !s.st.NodedOnly {
		err = s.startWconfd(ctx)
	}
	if err == nil && s.st.Noded {
		err = s.StartNoded(ctx)
	}
	if err == nil && !s.st.NodedOnly {
		err = s.StartLuxid(ctx)
	}
	if err != nil {
		return errors.Join(err, s.Stop())
	}
	return nil
}

// Close stops the sandbox and removes its base directory.
func (s *Sandbox) Close() error {
	err := s.Stop()
	if rmErr := os.RemoveAll(s.dir); rmErr != nil {
		err = errors.Join(err, fmt.Errorf("remove sandbox dir: %w", rmErr))
	}
	return err
}

// Dir is the base directory.
func (s *Sandbox) Dir() string { return s.dir }

// Root is the node root, the value of GANETI_ROOTDIR.
func (s *Sandbox) Root() string { return s.layout.Root }

// Hostname is the node's name, the value of GANETI_HOSTNAME.
func (s *Sandbox) Hostname() string { return s.st.Hostname }

// NodeIP is the node's primary IP.
func (s *Sandbox) NodeIP() string { return s.st.NodeIP }

// Layout gives the paths of the node root.
func (s *Sandbox) Layout() *paths.Layout { return s.layout }

// LuxiSocket is the path of the LUXI socket the luxid serves.
func (s *Sandbox) LuxiSocket() string { return s.layout.LuxiSocket }

// OutFile is the file that receives the stdout and stderr of daemon name
// ("wconfd", "noded", "luxid" or "setup").
func (s *Sandbox) OutFile(name string) string {
	return filepath.Join(s.dir, "out", name+".out")
}

// Pid returns the pid of daemon name, or 0 if the sandbox does not run it.
func (s *Sandbox) Pid(name string) int {
	if d := s.daemons[name]; d != nil {
		return d.pid
	}
	return 0
}
