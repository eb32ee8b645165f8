package resources

import (
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

// instIndex holds the lookup structures the instance and export queries
// need over one configuration snapshot: items in output order and name
// lookups. A configuration is never changed once loaded, so the index of
// the latest one is kept and shared by concurrent queries; each part is
// built on first use.
type instIndex struct {
	cfg *objects.ConfigData

	instOnce sync.Once
	// instSorted lists the instances by niceSort of name, ties in uuid
	// order (the order of Ganeti's configuration map).
	instSorted []*objects.Instance
	// instByName maps a name to the instance of the greatest uuid with
	// it, as Ganeti's name-keyed map of instances does; nameless
	// instances are left out.
	instByName map[string]*objects.Instance
	// instFirst maps a name to the instance of the least uuid with it,
	// the one Ganeti's exact-name lookup (getInstanceByName) finds.
	instFirst map[string]*objects.Instance
	// instNames are the keys of instByName in byte order.
	instNames []string

	nodeOnce sync.Once
	// nodeSorted lists the nodes by niceSort of name, ties in uuid order.
	nodeSorted []*objects.Node
	nodeByName map[string]*objects.Node
	nodeNames  []string
}

// instIndexCache is the index of the configuration queried last.
var instIndexCache atomic.Pointer[instIndex]

// instIndexFor returns the index of cfg.
func instIndexFor(cfg *objects.ConfigData) *instIndex {
	if ix := instIndexCache.Load(); ix != nil && ix.cfg == cfg {
		return ix
	}
	ix := &instIndex{cfg: cfg}
	instIndexCache.Store(ix)
	return ix
}

// instances builds the instance part of the index.
func (ix *instIndex) instances() {
	ix.instOnce.Do(func() {
		uuids := slices.Sorted(maps.Keys(ix.cfg.Instances))
		ix.instSorted = make([]*objects.Instance, len(uuids))
		ix.instByName = make(map[string]*objects.Instance, len(uuids))
		ix.instFirst = make(map[string]*objects.Instance, len(uuids))
		for i, u := range uuids {
			inst := ix.cfg.Instances[u]
			ix.instSorted[i] = inst
			if inst.Name == "" {
				continue
			}
			ix.instByName[inst.Name] = inst
			if _, ok := ix.instFirst[inst.Name]; !ok {
				ix.instFirst[inst.Name] = inst
			}
		}
		query.NiceSortFunc(ix.instSorted, func(i *objects.Instance) string { return i.Name })
		ix.instNames = slices.Sorted(maps.Keys(ix.instByName))
	})
}

// nodes builds the node part of the index.
func (ix *instIndex) nodes() {
	ix.nodeOnce.Do(func() {
		uuids := slices.Sorted(maps.Keys(ix.cfg.Nodes))
		ix.nodeSorted = make([]*objects.Node, len(uuids))
		ix.nodeByName = make(map[string]*objects.Node, len(uuids))
		for i, u := range uuids {
			n := ix.cfg.Nodes[u]
			ix.nodeSorted[i] = n
			ix.nodeByName[n.Name] = n
		}
		query.NiceSortFunc(ix.nodeSorted, func(n *objects.Node) string { return n.Name })
		ix.nodeNames = slices.Sorted(maps.Keys(ix.nodeByName))
	})
}

// sortedInstances returns the instances in output order (a copy).
func (ix *instIndex) sortedInstances() []*objects.Instance {
	ix.instances()
	return slices.Clone(ix.instSorted)
}

// sortedNodes returns the nodes in output order (a copy).
func (ix *instIndex) sortedNodes() []*objects.Node {
	ix.nodes()
	return slices.Clone(ix.nodeSorted)
}

// instLookupName resolves key among names (byte-ordered) as Ganeti's
// lookupName does: an equal name wins, else the only name starting with
// key and a dot; ok is false for no match, multiple for several.
func instLookupName(names []string, key string) (name string, ok, multiple bool) {
	prefix := key + "."
	i := sort.SearchStrings(names, prefix)
	if i < len(names) && strings.HasPrefix(names[i], prefix) {
		if i+1 < len(names) && strings.HasPrefix(names[i+1], prefix) {
			return "", false, true
		}
		return names[i], true, false
	}
	return "", false, false
}

// instLookupError is Ganeti's failed lookup of a kind's name.
func instLookupError(kind, key string, multiple bool) error {
	if multiple {
		return gerrors.OpPrereq(kind+" name "+key+" has multiple matches", gerrors.CodeNoEnt)
	}
	return gerrors.OpPrereq(kind+" name "+key+" not found", gerrors.CodeNoEnt)
}

// findInstance looks an instance up as Ganeti's getInstance does: by
// uuid, else by exact or abbreviated name.
func (ix *instIndex) findInstance(key string) (*objects.Instance, error) {
	if inst, ok := ix.cfg.Instances[key]; ok {
		return inst, nil
	}
	ix.instances()
	if inst, ok := ix.instByName[key]; ok {
		return inst, nil
	}
	name, ok, multiple := instLookupName(ix.instNames, key)
	if !ok {
		return nil, instLookupError("Instance", key, multiple)
	}
	return ix.instByName[name], nil
}

// findNode looks a node up as Ganeti's getNode does: by uuid, else by
// exact or abbreviated name.
func (ix *instIndex) findNode(key string) (*objects.Node, error) {
	if n, ok := ix.cfg.Nodes[key]; ok {
		return n, nil
	}
	ix.nodes()
	if n, ok := ix.nodeByName[key]; ok {
		return n, nil
	}
	name, ok, multiple := instLookupName(ix.nodeNames, key)
	if !ok {
		return nil, instLookupError("Node", key, multiple)
	}
	return ix.nodeByName[name], nil
}

// node returns the node key resolves to, nil if none.
func (ix *instIndex) node(key string) *objects.Node {
	if n, ok := ix.cfg.Nodes[key]; ok {
		return n
	}
	n, err := ix.findNode(key)
	if err != nil {
		return nil
	}
	return n
}

// instanceNamed returns the instance Ganeti's getInstanceByName finds
// for name: the first in uuid order with exactly that name.
func (ix *instIndex) instanceNamed(name string) *objects.Instance {
	ix.instances()
	return ix.instFirst[name]
}
