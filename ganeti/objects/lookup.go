package objects

import (
	"sort"
	"strings"

	"github.com/goluxid/goluxid/ganeti/gerrors"
)

// Match is how well a lookup key matched a name.
type Match int

// Ganeti's match priorities, best first.
const (
	ExactMatch Match = iota
	MultipleMatch
	PartialMatch
	FailMatch
)

// LookupName finds the name that key stands for: the name equal to key, or
// else the one name that starts with key followed by a dot ("node1" for
// "node1.example.com"). Two such names make the key ambiguous.
func LookupName(names []string, key string) (string, Match) {
	best, found := "", FailMatch
	for _, name := range names {
		switch {
		case name == key:
			return name, ExactMatch
		case strings.HasPrefix(name, key+"."):
			if found == PartialMatch || found == MultipleMatch {
				found = MultipleMatch
				continue
			}
			best, found = name, PartialMatch
		}
	}
	if found == MultipleMatch {
		return "", MultipleMatch
	}
	return best, found
}

// lookup finds an object by uuid, else by (possibly abbreviated) name, and
// fails with Ganeti's OpPrereqError naming kind.
func lookup[T any](kind string, items map[string]*T, nameOf func(*T) string, key string) (*T, error) {
	if item, ok := items[key]; ok {
		return item, nil
	}
	byName := make(map[string]*T, len(items))
	names := make([]string, 0, len(items))
	for _, item := range items {
		name := nameOf(item)
		byName[name] = item
		names = append(names, name)
	}
	sort.Strings(names)
	name, match := LookupName(names, key)
	switch match {
	case ExactMatch, PartialMatch:
		return byName[name], nil
	case MultipleMatch:
		return nil, gerrors.OpPrereq(kind+" name "+key+" has multiple matches", gerrors.CodeNoEnt)
	default:
		return nil, gerrors.OpPrereq(kind+" name "+key+" not found", gerrors.CodeNoEnt)
	}
}

// FindNode looks a node up by uuid or name.
func (c *ConfigData) FindNode(key string) (*Node, error) {
	return lookup("Node", c.Nodes, func(n *Node) string { return n.Name }, key)
}

// FindInstance looks an instance up by uuid or name.
func (c *ConfigData) FindInstance(key string) (*Instance, error) {
	return lookup("Instance", c.Instances, func(i *Instance) string { return i.Name }, key)
}

// FindNodeGroup looks a node group up by uuid or name.
func (c *ConfigData) FindNodeGroup(key string) (*NodeGroup, error) {
	return lookup("NodeGroup", c.NodeGroups, func(g *NodeGroup) string { return g.Name }, key)
}

// FindNetwork looks a network up by uuid or name.
func (c *ConfigData) FindNetwork(key string) (*Network, error) {
	return lookup("Network", c.Networks, func(n *Network) string { return n.Name }, key)
}
