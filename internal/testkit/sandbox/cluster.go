package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ClusterNodes are the node names of a Cluster, the master first: the
// three nodes of the demo configuration.
var ClusterNodes = []string{"node1.example.com", "node2.example.com", "node3.example.com"}

// DefaultCandidates is the number of master candidates of a Cluster, the
// master included.
const DefaultCandidates = 2

// clusterFile lists a Cluster's node sandboxes in its base directory.
const clusterFile = "cluster.json"

// ClusterOptions configure a Cluster. Luxid must be set for Start.
type ClusterOptions struct {
	// Dir is the base directory. Empty: a new temporary directory under
	// /tmp. An existing directory must be empty.
	Dir string
	// Candidates is the number of master candidates, the master included
	// (1 to len(ClusterNodes)); DefaultCandidates if zero.
	Candidates int
	// Luxid, Probe, Debug, ExtraEnv, StartTimeout and StopTimeout are as
	// in Options; the luxid runs on the master.
	Luxid        []string
	Probe        Probe
	Debug        bool
	ExtraEnv     []string
	StartTimeout time.Duration
	StopTimeout  time.Duration
}

// Cluster is a sandboxed multi-node cluster on this machine: every node
// of ClusterNodes has its own root (side by side in the base directory,
// as Ganeti's virtual cluster lays them out), its own loopback address
// and its own Python noded; the master also runs wconfd and the luxid.
// The nodes share the cluster's certificates and secrets, each has its
// own client certificate, and the candidates' certificates are in the
// config's candidate_certs, which noded checks its RPC clients against.
// config.data is on the master candidates only, the ssconf files and an
// initialised job queue (by the node's noded, except on the master) are on
// every node, as Ganeti keeps them.
//
// Each node is a Sandbox whose own directory (daemon output, pids) is
// <base>/<hostname>.sb. A Cluster is not safe for concurrent use.
type Cluster struct {
	dir   string
	nodes []*Sandbox
}

// clusterState is the content of clusterFile.
type clusterState struct {
	Nodes []string `json:"nodes"` // node sandbox directories, the master first
}

// NewCluster lays out a cluster in a new or empty base directory; it
// starts nothing. On error nothing is left behind that it created.
func NewCluster(opts ClusterOptions) (*Cluster, error) {
	if opts.Candidates == 0 {
		opts.Candidates = DefaultCandidates
	}
	if opts.Candidates < 1 || opts.Candidates > len(ClusterNodes) {
		return nil, fmt.Errorf("cluster: %d master candidates, want 1 to %d", opts.Candidates, len(ClusterNodes))
	}
	if err := Prerequisites(); err != nil {
		return nil, err
	}
	ips, err := freeNodedIPs(len(ClusterNodes))
	if err != nil {
		return nil, err
	}
	dir, created, err := makeBaseDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	c, err := newCluster(dir, opts, ips)
	if err == nil {
		err = c.setup(opts.Candidates)
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("set up cluster in %s: %w", dir, err), undoSetup(dir, created))
	}
	return c, nil
}

// newCluster makes the node sandboxes' states.
func newCluster(dir string, opts ClusterOptions, ips []string) (*Cluster, error) {
	c := &Cluster{dir: dir}
	for i, name := range ClusterNodes {
		nodeOpts := Options{
			Hostname: name, NodeIP: ips[i], Noded: true, Probe: opts.Probe, Debug: opts.Debug,
			ExtraEnv: opts.ExtraEnv, StartTimeout: opts.StartTimeout, StopTimeout: opts.StopTimeout,
		}
		if i == 0 {
			nodeOpts.Luxid = opts.Luxid
		}
		st, err := newState(nodeOpts)
		if err != nil {
			return nil, err
		}
		st.Root = filepath.Join(dir, name)
		st.NodedOnly = i > 0
		s := newSandbox(filepath.Join(dir, name+".sb"), st)
		if err := s.checkSocketPath(); err != nil {
			return nil, err
		}
		c.nodes = append(c.nodes, s)
	}
	return c, nil
}

// CreateCluster is NewCluster followed by Start. If Start fails (it stops
// what it started), a temporary base directory is removed; a given Dir is
// kept for inspection. A noded that loses its address to another sandbox
// starting at the same moment makes it try again with other addresses.
func CreateCluster(ctx context.Context, opts ClusterOptions) (*Cluster, error) {
	for attempt := 1; ; attempt++ {
		c, err := createCluster(ctx, opts)
		if err == nil || opts.Dir != "" || attempt == nodedAttempts || !errors.Is(err, ErrNodedStart) {
			return c, err
		}
	}
}

func createCluster(ctx context.Context, opts ClusterOptions) (*Cluster, error) {
	c, err := NewCluster(opts)
	if err != nil {
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		if opts.Dir == "" {
			err = errors.Join(err, c.Close())
		}
		return nil, err
	}
	return c, nil
}

// OpenCluster loads the cluster NewCluster made in dir, with the pids of
// the daemons another process started there.
func OpenCluster(dir string) (*Cluster, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open cluster %s: %w", dir, err)
	}
	data, err := os.ReadFile(filepath.Join(abs, clusterFile))
	if err != nil {
		return nil, fmt.Errorf("open cluster: %w", err)
	}
	var cs clusterState
	if err := json.Unmarshal(data, &cs); err != nil {
		return nil, fmt.Errorf("parse %s: %w", filepath.Join(abs, clusterFile), err)
	}
	c := &Cluster{dir: abs}
	for _, nodeDir := range cs.Nodes {
		s, err := Open(filepath.Join(abs, nodeDir))
		if err != nil {
			return nil, err
		}
		c.nodes = append(c.nodes, s)
	}
	if len(c.nodes) == 0 {
		return nil, fmt.Errorf("open cluster %s: no nodes", abs)
	}
	return c, nil
}

// Dir is the base directory, the parent of every node root.
func (c *Cluster) Dir() string { return c.dir }

// Master is the master node, which runs wconfd and the luxid.
func (c *Cluster) Master() *Sandbox { return c.nodes[0] }

// Nodes are all nodes, the master first, in the order of ClusterNodes.
func (c *Cluster) Nodes() []*Sandbox { return c.nodes }

// Node returns the node named name, or nil.
func (c *Cluster) Node(name string) *Sandbox {
	for _, s := range c.nodes {
		if s.Hostname() == name {
			return s
		}
	}
	return nil
}

// Start starts every node's noded and the master's wconfd and luxid, and
// waits until all are ready. If one fails, the cluster is stopped again.
func (c *Cluster) Start(ctx context.Context) error {
	errs := c.eachNode(func(s *Sandbox) error { return s.Start(ctx) })
	if err := errors.Join(errs...); err != nil {
		return errors.Join(err, c.Stop())
	}
	return nil
}

// Stop stops the master's daemons first (no new job starts), then the
// other nodes'.
func (c *Cluster) Stop() error {
	var errs []error
	for _, s := range c.nodes {
		errs = append(errs, s.Stop())
	}
	return errors.Join(errs...)
}

// Close stops the cluster and removes its base directory.
func (c *Cluster) Close() error {
	err := c.Stop()
	if rmErr := os.RemoveAll(c.dir); rmErr != nil {
		err = errors.Join(err, fmt.Errorf("remove cluster dir: %w", rmErr))
	}
	return err
}

// eachNode runs fn on every node at once and returns their errors.
func (c *Cluster) eachNode(fn func(*Sandbox) error) []error {
	errs := make([]error, len(c.nodes))
	var wg sync.WaitGroup
	for i, s := range c.nodes {
		wg.Go(func() { errs[i] = fn(s) })
	}
	wg.Wait()
	return errs
}

// setup lays out every node root as a cluster init and node additions
// would leave them: directories with Ganeti's owners, crypto, config.data
// on the candidates, ssconf files everywhere, the master's job queue. The
// other nodes' nodeds initialise their queues when they start, as on a
// real node; leaving that to them saves two Python runs per node.
func (c *Cluster) setup(candidates int) error {
	type cryptoResult struct {
		c   *clusterCrypto
		err error
	}
	crypto := make(chan cryptoResult, 1)
	go func() {
		cc, err := generateClusterCrypto(ClusterNodes, time.Now())
		crypto <- cryptoResult{cc, err}
	}()
	dirsErr := errors.Join(c.eachNode(func(s *Sandbox) error {
		if err := s.makeDirs(); err != nil || s != c.Master() {
			return err
		}
		return s.ensureDirs()
	})...)
	res := <-crypto
	if err := errors.Join(dirsErr, res.err); err != nil {
		return err
	}
	cfg, err := c.writeConfig(res.c, candidates)
	if err != nil {
		return err
	}
	for i, s := range c.nodes {
		var nodeCfg []byte
		if i < candidates {
			nodeCfg = cfg
		}
		if err := s.writeNodeFiles(nodeCfg, res.c, res.c.clients[i].pem); err != nil {
			return err
		}
	}
	if err := c.upgradeConfig(candidates); err != nil {
		return err
	}
	if err := c.Master().runSetupCommand("setup helper", setupHelper, Python, "-", PythonShare); err != nil {
		return err
	}
	if err := c.copySsconf(); err != nil {
		return err
	}
	if err := errors.Join(c.eachNode(func(s *Sandbox) error {
		if err := s.ensureDirs(); err != nil {
			return err
		}
		if err := s.writeEnvFile(); err != nil {
			return err
		}
		return s.saveState()
	})...); err != nil {
		return err
	}
	return c.saveState()
}

// writeConfig makes the cluster's config.data and records the master IP
// in every node's state.
func (c *Cluster) writeConfig(cc *clusterCrypto, candidates int) ([]byte, error) {
	nodes := make([]clusterNode, len(c.nodes))
	for i, s := range c.nodes {
		nodes[i] = clusterNode{Name: s.Hostname(), IP: s.NodeIP(), Candidate: i < candidates,
			ClientDigest: cc.clients[i].digest}
	}
	cfg, masterIP, err := patchClusterConfig(demoConfig, nodes)
	if err != nil {
		return nil, err
	}
	for _, s := range c.nodes {
		s.st.MasterIP = masterIP
	}
	return cfg, nil
}

// upgradeConfig upgrades the master's config.data when the demo config is
// of an older release than the installed one, and gives the other
// candidates the same file, as WConfd would.
func (c *Cluster) upgradeConfig(candidates int) error {
	master := c.Master()
	older, err := needsUpgrade(demoConfig)
	if err != nil || !older {
		return err
	}
	if err := master.upgradeConfig(master.Hostname()); err != nil {
		return err
	}
	data, err := os.ReadFile(master.layout.ConfigFile)
	if err != nil {
		return fmt.Errorf("read upgraded config: %w", err)
	}
	for _, s := range c.nodes[1:candidates] {
		if err := os.WriteFile(s.layout.ConfigFile, data, 0o640); err != nil {
			return fmt.Errorf("write upgraded config: %w", err)
		}
	}
	return nil
}

// copySsconf copies the master's ssconf files to the other nodes: they
// are the same on every node (wconfd sends them all the same values).
func (c *Cluster) copySsconf() error {
	master := c.Master()
	files, err := filepath.Glob(filepath.Join(master.layout.DataDir, "ssconf_*"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no ssconf files on the master (%v)", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("read ssconf file: %w", err)
		}
		for _, s := range c.nodes[1:] {
			dst := filepath.Join(s.layout.DataDir, filepath.Base(f))
			if err := os.WriteFile(dst, data, 0o444); err != nil {
				return fmt.Errorf("write ssconf file: %w", err)
			}
		}
	}
	return nil
}

func (c *Cluster) saveState() error {
	var cs clusterState
	for _, s := range c.nodes {
		cs.Nodes = append(cs.Nodes, filepath.Base(s.dir))
	}
	data, err := json.MarshalIndent(cs, "", "  ")
	if err != nil {
		return fmt.Errorf("encode cluster state: %w", err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, clusterFile), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write cluster state: %w", err)
	}
	return nil
}

// freeNodedIPs returns n distinct loopback addresses of 127.0.100.0/24 on
// which noded's port is free.
func freeNodedIPs(n int) ([]string, error) {
	start := rand.IntN(254)
	var out []string
	for i := 0; i < 254 && len(out) < n; i++ {
		ip := fmt.Sprintf("127.0.100.%d", 1+(start+i)%254)
		busy, err := tcpListening(ip, nodedPort)
		if err != nil {
			return nil, err
		}
		if !busy {
			out = append(out, ip)
		}
	}
	if len(out) < n {
		return nil, fmt.Errorf("only %d loopback addresses with a free noded port, need %d: %s",
			len(out), n, strings.Join(out, ", "))
	}
	return out, nil
}
