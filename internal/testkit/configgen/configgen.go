// Package configgen builds large, valid Ganeti 3.0 config.data files (a
// sandbox of a later release upgrades them) for tests and benchmarks: many
// nodes in several groups, many instances using every disk template and
// every NIC mode, with tags, networks and filter rules. The output depends
// only on the Options, so two runs give the same bytes.
//
// The master node is given by name and address, so that a sandbox can run
// the real daemons on the result. Every other node is either marked
// offline or has loopback addresses nothing listens on (127.254.0.0/16),
// so that nothing ever leaves the machine.
package configgen

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
)

// OtherNodes says how the nodes other than the master are set up.
type OtherNodes int

const (
	// Offline marks them offline, so no daemon contacts them.
	Offline OtherNodes = iota
	// Unreachable keeps them online with addresses in 127.254.0.0/16,
	// where connections are refused at once.
	Unreachable
)

// Options describe the config to build. Zero fields take the defaults of
// Default.
type Options struct {
	Nodes     int
	Groups    int
	Instances int
	Networks  int
	Filters   int
	// MasterName and MasterIP are the master node's name and its primary
	// and secondary address.
	MasterName string
	MasterIP   string
	// ClusterIP is the cluster's master_ip; it must differ from every
	// node's address.
	ClusterIP   string
	ClusterName string
	Others      OtherNodes
	// Seed varies sizes, states and parameters.
	Seed uint64
	// BareInstanceNames names instances "instN" instead of
	// "instN.example.com": Ganeti writes the instance names into one
	// ssconf file of at most 128 KiB, which the long names of 10,000
	// instances overflow.
	BareInstanceNames bool
}

// Default returns the default options: 1000 nodes in 4 groups, 10000
// instances, 3 networks, 4 filter rules, master node1.example.com on
// 127.0.0.1, every other node offline.
func Default() Options {
	return Options{
		Nodes:       1000,
		Groups:      4,
		Instances:   10000,
		Networks:    3,
		Filters:     4,
		MasterName:  "node1.example.com",
		MasterIP:    "127.0.0.1",
		ClusterIP:   "127.0.0.2",
		ClusterName: "cluster.example.com",
		Others:      Offline,
		Seed:        1,
	}
}

// withDefaults fills the zero fields of o from Default.
func (o Options) withDefaults() Options {
	d := Default()
	setInt := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setStr := func(v *string, def string) {
		if *v == "" {
			*v = def
		}
	}
	setInt(&o.Nodes, d.Nodes)
	setInt(&o.Groups, d.Groups)
	setInt(&o.Instances, d.Instances)
	setInt(&o.Networks, d.Networks)
	setInt(&o.Filters, d.Filters)
	setStr(&o.MasterName, d.MasterName)
	setStr(&o.MasterIP, d.MasterIP)
	setStr(&o.ClusterIP, d.ClusterIP)
	setStr(&o.ClusterName, d.ClusterName)
	return o
}

// validate rejects options no valid config can be built from.
func (o Options) validate() error {
	switch {
	case o.Nodes < 2:
		return fmt.Errorf("configgen: need at least 2 nodes (DRBD needs two), got %d", o.Nodes)
	case o.Groups < 1 || o.Groups > o.Nodes:
		return fmt.Errorf("configgen: %d groups for %d nodes", o.Groups, o.Nodes)
	case o.Nodes > 65000:
		return fmt.Errorf("configgen: at most 65000 nodes, got %d", o.Nodes)
	case o.Instances < 0 || o.Networks < 0 || o.Filters < 0:
		return fmt.Errorf("configgen: negative count in %+v", o)
	}
	return nil
}

// clusterTemplate is the generated cluster object before setCluster: it
// has every key of Ganeti 3.0's Cluster record (so every key is written
// back), Ganeti's built-in hvparams and diskparams, and the settings of a
// sandbox (master IP on lo through a no-op script, /etc/hosts and SSH left
// alone).
//
//go:embed cluster.json
var clusterTemplate []byte

// Generate builds the config described by opts.
func Generate(opts Options) (*objects.ConfigData, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	g := &generator{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15))}
	return g.build()
}

// Marshal returns the config described by opts as config.data bytes.
func Marshal(opts Options) ([]byte, error) {
	cfg, err := Generate(opts)
	if err != nil {
		return nil, err
	}
	data, err := hsjson.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("configgen: encoding: %w", err)
	}
	return data, nil
}

// generator holds the state of one build.
type generator struct {
	opts Options
	rng  *rand.Rand
	cfg  *objects.ConfigData

	nodes  []*objects.Node // index 0 is the master
	groups []*objects.NodeGroup
	pools  []*netPool // one per network
	// groupNodes lists each group's nodes, by group index.
	groupNodes [][]*objects.Node
	// minors counts the DRBD minors used per node uuid.
	minors   map[string]int
	nextPort int
}

// formatVersion is the config.data format generated: Ganeti 3.0's. A
// sandbox of a later release upgrades it with that release's cfgupgrade.
const formatVersion = 3000000

// build creates the objects in dependency order: networks before the
// groups that connect them, groups before nodes, nodes before instances.
func (g *generator) build() (*objects.ConfigData, error) {
	cl := &objects.Cluster{}
	if err := json.Unmarshal(clusterTemplate, cl); err != nil {
		return nil, fmt.Errorf("configgen: cluster template: %w", err)
	}
	g.cfg = &objects.ConfigData{
		Version:    formatVersion,
		Cluster:    cl,
		Nodes:      map[string]*objects.Node{},
		NodeGroups: map[string]*objects.NodeGroup{},
		Instances:  map[string]*objects.Instance{},
		Networks:   map[string]*objects.Network{},
		Disks:      map[string]*objects.Disk{},
		Filters:    map[string]*objects.FilterRule{},
		Serial:     1 + g.opts.Instances,
		CTime:      baseTime,
		MTime:      baseTime + 1,
	}
	g.minors = map[string]int{}
	g.nextPort = firstDRBDPort
	g.addNetworks()
	g.addGroups()
	g.addNodes()
	g.addInstances()
	g.finishNetworks()
	g.addFilters()
	g.setCluster()
	return g.cfg, nil
}
