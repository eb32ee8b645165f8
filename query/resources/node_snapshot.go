package resources

import (
	"errors"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/query"
)

// nodeSnapshot holds what node, group and network queries derive from one
// configuration snapshot: items in output order, name lookups, the
// instances of each node, the nodes and instances of each group, the
// groups and instances of each network. A loaded configuration never
// changes, so the snapshot of the latest one is kept and shared by
// concurrent queries; each part is built on first use. The real luxid
// recomputes these per row (minutes for a node query on 1000 nodes).
type nodeSnapshot struct {
	cfg *objects.ConfigData

	nodesOnce sync.Once
	nodes     nodeNames[objects.Node]
	// groupParams are the filled node parameters of each group
	// (cluster ← group), by group uuid.
	groupParams map[string]objects.FilledNDParams

	instOnce sync.Once
	// primary and secondary list each node's instances (by node uuid),
	// in instance uuid order; the names lists are niceSorted, nameless
	// instances left out.
	primary, secondary           map[string][]*objects.Instance
	primaryNames, secondaryNames map[string][]string

	groupsOnce sync.Once
	groups     nodeNames[objects.NodeGroup]
	// groupNodes lists each group's nodes in node uuid order, by group
	// uuid; groupInstNames the niceSorted names of their primary
	// instances and groupInstCount how many there are.
	groupNodes     map[string][]*objects.Node
	groupInstNames map[string][]string
	groupInstCount map[string]int

	networksOnce sync.Once
	networks     nodeNames[objects.Network]
	// networkGroups lists the [name, mode, link, vlan] connections of
	// each network, in group uuid order; networkInsts the names of the
	// instances with a NIC on it, in instance uuid order.
	networkGroups map[string][][]string
	networkInsts  map[string][]string

	tablesOnce sync.Once
	nodeTable  *query.Table[*objects.Node, nodeLive]
	groupTable *query.Table[*objects.NodeGroup, struct{}]
	netTable   *query.Table[*objects.Network, struct{}]
}

// errNodeNoConfig fails a node, group or network query without a
// configuration; luxid answers ConfigurationError before getting here.
var errNodeNoConfig = errors.New("resources: query without a configuration")

// nodeSnapshotCache is the snapshot of the configuration queried last.
var nodeSnapshotCache atomic.Pointer[nodeSnapshot]

// nodeSnapshotOf returns the snapshot of cfg.
func nodeSnapshotOf(cfg *objects.ConfigData) *nodeSnapshot {
	if s := nodeSnapshotCache.Load(); s != nil && s.cfg == cfg {
		return s
	}
	s := &nodeSnapshot{cfg: cfg}
	nodeSnapshotCache.Store(s)
	return s
}

// nodeNames lists the objects of one kind in output order and looks them
// up by uuid or name.
type nodeNames[T any] struct {
	kind   string // "Node", "NodeGroup", "Network" in error messages
	byUUID map[string]*T
	// uuidOrder lists the objects in uuid order, sorted by niceSort of
	// name, ties kept in uuid order.
	uuidOrder, sorted []*T
	// byName maps a name to the object of the greatest uuid with it, as
	// Ganeti's name-keyed map does; names are its keys in byte order.
	byName map[string]*T
	names  []string
}

// newNodeNames indexes items.
func newNodeNames[T any](kind string, items map[string]*T, name func(*T) string) nodeNames[T] {
	ix := nodeNames[T]{kind: kind, byUUID: items, byName: make(map[string]*T, len(items))}
	for _, uuid := range slices.Sorted(maps.Keys(items)) {
		item := items[uuid]
		ix.uuidOrder = append(ix.uuidOrder, item)
		ix.byName[name(item)] = item
	}
	ix.sorted = slices.Clone(ix.uuidOrder)
	query.NiceSortFunc(ix.sorted, name)
	ix.names = slices.Sorted(maps.Keys(ix.byName))
	return ix
}

// find looks key up as Ganeti's getNode, getGroup and getNetwork do: an
// object of that uuid; else the object of that name; else the only one
// whose name starts with key and a dot.
func (ix *nodeNames[T]) find(key string) (*T, error) {
	if item, ok := ix.byUUID[key]; ok {
		return item, nil
	}
	if item, ok := ix.byName[key]; ok {
		return item, nil
	}
	prefix := key + "."
	i := sort.SearchStrings(ix.names, prefix)
	switch {
	case i == len(ix.names) || !strings.HasPrefix(ix.names[i], prefix):
		return nil, gerrors.OpPrereq(ix.kind+" name "+key+" not found", gerrors.CodeNoEnt)
	case i+1 < len(ix.names) && strings.HasPrefix(ix.names[i+1], prefix):
		return nil, gerrors.OpPrereq(ix.kind+" name "+key+" has multiple matches", gerrors.CodeNoEnt)
	}
	return ix.byName[ix.names[i]], nil
}

// selectItems returns the objects a query runs over: the wanted ones in
// order, duplicates kept, if the filter names some, else all in niceSort
// order.
func (ix *nodeNames[T]) selectItems(names []query.Value) ([]*T, error) {
	wanted := query.StringNames(names)
	if len(wanted) == 0 {
		return slices.Clone(ix.sorted), nil
	}
	items := make([]*T, len(wanted))
	for i, key := range wanted {
		item, err := ix.find(key)
		if err != nil {
			return nil, err
		}
		items[i] = item
	}
	return items, nil
}

// buildNodes indexes the nodes and the groups' node parameters.
func (s *nodeSnapshot) buildNodes() {
	s.nodesOnce.Do(func() {
		s.nodes = newNodeNames("Node", s.cfg.Nodes, func(n *objects.Node) string { return n.Name })
		s.groupParams = make(map[string]objects.FilledNDParams, len(s.cfg.NodeGroups))
		for uuid, g := range s.cfg.NodeGroups {
			s.groupParams[uuid] = s.cfg.GroupNDParams(g)
		}
	})
}

// nodeND returns a node's filled parameters (cluster ← group ← node), or
// false when its group is not in the configuration.
func (s *nodeSnapshot) nodeND(n *objects.Node) (objects.FilledNDParams, bool) {
	s.buildNodes()
	g, ok := s.groupParams[n.Group]
	if !ok {
		return objects.FilledNDParams{}, false
	}
	return objects.FillNDParams(g, n.NDParams), true
}

// buildInstances finds each node's primary and secondary instances as
// Ganeti's getNodeInstances does: primary by primary_node; secondary
// when some DRBD disk of the instance has the node as its peer of the
// primary.
func (s *nodeSnapshot) buildInstances() {
	s.instOnce.Do(func() {
		s.primary = map[string][]*objects.Instance{}
		s.secondary = map[string][]*objects.Instance{}
		var peers []string
		for _, uuid := range slices.Sorted(maps.Keys(s.cfg.Instances)) {
			inst := s.cfg.Instances[uuid]
			if inst.PrimaryNode == "" {
				continue // without a primary node it has neither
			}
			s.primary[inst.PrimaryNode] = append(s.primary[inst.PrimaryNode], inst)
			peers = peers[:0]
			for _, d := range inst.Disks {
				if peer, ok := nodeDRBDPeer(s.cfg.Disks[d], inst.PrimaryNode); ok && !slices.Contains(peers, peer) {
					peers = append(peers, peer)
				}
			}
			for _, peer := range peers {
				s.secondary[peer] = append(s.secondary[peer], inst)
			}
		}
		s.primaryNames = nodeInstanceNames(s.primary)
		s.secondaryNames = nodeInstanceNames(s.secondary)
	})
}

// nodeDRBDPeer returns the secondary node of a DRBD disk whose instance
// has primary as primary node: the disk's other node, or its first one
// when primary is neither.
func nodeDRBDPeer(d *objects.Disk, primary string) (string, bool) {
	if d == nil || d.LogicalID.DRBD == nil {
		return "", false
	}
	if id := d.LogicalID.DRBD; id.NodeA == primary {
		return id.NodeB, true
	}
	return d.LogicalID.DRBD.NodeA, true
}

// nodeInstanceNames returns the niceSorted names of each list.
func nodeInstanceNames(lists map[string][]*objects.Instance) map[string][]string {
	out := make(map[string][]string, len(lists))
	for key, insts := range lists {
		out[key] = nodeSortedNames(insts)
	}
	return out
}

// nodeSortedNames returns the names of insts, nameless ones left out,
// niceSorted; never nil.
func nodeSortedNames(insts []*objects.Instance) []string {
	names := make([]string, 0, len(insts))
	for _, inst := range insts {
		if inst.Name != "" {
			names = append(names, inst.Name)
		}
	}
	query.NiceSort(names)
	return names
}

// buildGroups indexes the groups with their nodes and instances.
func (s *nodeSnapshot) buildGroups() {
	s.groupsOnce.Do(func() {
		s.buildNodes()
		s.buildInstances()
		s.groups = newNodeNames("NodeGroup", s.cfg.NodeGroups, func(g *objects.NodeGroup) string { return g.Name })
		s.groupNodes = map[string][]*objects.Node{}
		for _, n := range s.nodes.uuidOrder {
			s.groupNodes[n.Group] = append(s.groupNodes[n.Group], n)
		}
		s.groupInstNames = map[string][]string{}
		s.groupInstCount = map[string]int{}
		for group, nodes := range s.groupNodes {
			var insts []*objects.Instance
			for _, n := range nodes {
				insts = append(insts, s.primary[n.UUID]...)
			}
			s.groupInstNames[group] = nodeSortedNames(insts)
			s.groupInstCount[group] = len(insts)
		}
	})
}

// buildNetworks indexes the networks with their groups and instances.
func (s *nodeSnapshot) buildNetworks() {
	s.networksOnce.Do(func() {
		s.networks = newNodeNames("Network", s.cfg.Networks, func(n *objects.Network) string { return n.Name })
		s.networkGroups = map[string][][]string{}
		for _, uuid := range slices.Sorted(maps.Keys(s.cfg.NodeGroups)) {
			g := s.cfg.NodeGroups[uuid]
			for net, p := range g.Networks {
				s.networkGroups[net] = append(s.networkGroups[net],
					[]string{g.Name, nodeOrDash(p.Mode), nodeOrDash(p.Link), nodeOrDash(p.VLAN)})
			}
		}
		s.networkInsts = map[string][]string{}
		for _, uuid := range slices.Sorted(maps.Keys(s.cfg.Instances)) {
			inst := s.cfg.Instances[uuid]
			if inst.Name == "" {
				continue
			}
			var seen []string
			for _, nic := range inst.NICs {
				if nic.Network != nil && !slices.Contains(seen, *nic.Network) {
					seen = append(seen, *nic.Network)
					s.networkInsts[*nic.Network] = append(s.networkInsts[*nic.Network], inst.Name)
				}
			}
		}
	})
}

// nodeOrDash returns *p, or "-" when unset.
func nodeOrDash(p *string) string {
	if p == nil {
		return "-"
	}
	return *p
}
