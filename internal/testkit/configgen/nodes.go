package configgen

import (
	"fmt"
	"strings"

	"github.com/goluxid/goluxid/ganeti/objects"
)

// baseTime is the ctime of the generated cluster (2023-11-14).
const baseTime objects.Timestamp = 1700000000

// Kinds of generated uuids: the first group of digits tells the kind.
const (
	kindNode = iota + 1
	kindGroup
	kindInstance
	kindDisk
	kindNIC
	kindNetwork
	kindFilter
	kindChildDisk
)

// uuid returns the deterministic uuid of the i-th object of a kind.
func uuid(kind, i int) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", kind, i)
}

// stamp returns a creation time i seconds after baseTime with a
// microsecond fraction, as Python's time.time() gives.
func (g *generator) stamp(i int) objects.Timestamp {
	micros := g.rng.IntN(1000000)
	return baseTime + objects.Timestamp(i) + objects.Timestamp(micros)/1e6
}

func ptr[T any](v T) *T { return &v }

// addGroups creates the node groups: "default" and group2, group3, ...,
// with a few custom parameters and the networks connected round-robin.
func (g *generator) addGroups() {
	policies := []string{"preferred", "preferred", "last_resort", "unallocable"}
	for i := range g.opts.Groups {
		grp := &objects.NodeGroup{
			Name:        fmt.Sprintf("group%d", i+1),
			AllocPolicy: policies[i%len(policies)],
			DiskParams:  map[string]objects.Params{},
			Networks:    map[string]objects.PartialNICParams{},
			CTime:       g.stamp(i),
			MTime:       g.stamp(i + 100),
			UUID:        uuid(kindGroup, i),
			Serial:      1 + i,
			Tags:        []string{},
		}
		if i == 0 {
			grp.Name = "default"
		}
		g.customizeGroup(i, grp)
		g.groups = append(g.groups, grp)
		g.cfg.NodeGroups[grp.UUID] = grp
	}
	for k, pool := range g.pools {
		grp := g.groups[k%len(g.groups)]
		grp.Networks[pool.net.UUID] = objects.PartialNICParams{
			Mode: ptr(objects.NICModeBridged), Link: ptr(fmt.Sprintf("br%d", 100+k)), VLAN: ptr(""),
		}
	}
	g.groupNodes = make([][]*objects.Node, len(g.groups))
}

// customizeGroup gives every group but the first something of its own.
func (g *generator) customizeGroup(i int, grp *objects.NodeGroup) {
	switch i % 4 {
	case 1:
		grp.NDParams.ExclusiveStorage = ptr(true)
		grp.IPolicy = objects.PartialIPolicy{
			MinMax: []objects.MinMaxISpecs{{
				Min: ispec(128, 1024, 1, 1, 1, 1),
				Max: ispec(65536, 2097152, 8, 16, 8, 12),
			}},
			SpindleRatio:  ptr(5.2),
			VCPURatio:     ptr(3.14),
			DiskTemplates: []string{objects.DTPlain, objects.DTDrbd},
		}
		grp.Tags = []string{"ssd", "zone:a"}
	case 2:
		grp.NDParams.SSHPort = ptr(2222)
		grp.DiskParams[objects.DTDrbd] = objects.Params{"resync-rate": []byte("2048"), "protocol": []byte(`"C"`)}
		grp.IPolicy.Std = &objects.PartialISpecParams{CPUCount: ptr(2), MemorySize: ptr(512)}
	case 3:
		grp.NDParams.OOBProgram = ptr("/bin/true")
		grp.Tags = []string{"zone:b"}
	}
}

// ispec returns complete instance specs.
func ispec(mem, disk, disks, cpus, nics, spindles int) objects.PartialISpecParams {
	return objects.PartialISpecParams{
		MemorySize: ptr(mem), DiskSize: ptr(disk), DiskCount: ptr(disks),
		CPUCount: ptr(cpus), NICCount: ptr(nics), SpindleUse: ptr(spindles),
	}
}

// addNodes creates the master (node index 0, group "default") and the
// other nodes, spread round-robin over the groups.
func (g *generator) addNodes() {
	for i := range g.opts.Nodes {
		n := g.node(i)
		grp := i % len(g.groups)
		n.Group = g.groups[grp].UUID
		g.nodes = append(g.nodes, n)
		g.groupNodes[grp] = append(g.groupNodes[grp], n)
		g.cfg.Nodes[n.UUID] = n
	}
}

// node builds node i; node 0 is the master.
func (g *generator) node(i int) *objects.Node {
	n := &objects.Node{
		Name:          fmt.Sprintf("node%d.example.com", i+1),
		PrimaryIP:     fmt.Sprintf("127.254.%d.%d", i/256, i%256),
		SecondaryIP:   fmt.Sprintf("127.253.%d.%d", i/256, i%256),
		MasterCapable: true,
		VMCapable:     true,
		Powered:       true,
		CTime:         g.stamp(i),
		MTime:         g.stamp(i + 1000),
		UUID:          uuid(kindNode, i),
		Serial:        1 + i%7,
		Tags:          []string{},
	}
	if i == 0 {
		n.Name, n.PrimaryIP, n.SecondaryIP = g.opts.MasterName, g.opts.MasterIP, g.opts.MasterIP
		n.MasterCandidate = true
		return n
	}
	if n.Name == g.opts.MasterName {
		n.Name = fmt.Sprintf("node%d-gen.example.com", i+1)
	}
	n.Offline = g.opts.Others == Offline
	n.Drained = i%97 == 0 && !n.Offline // Ganeti: a node is offline or drained, never both
	g.customizeNode(i, n)
	return n
}

// customizeNode gives some nodes tags and parameters of their own.
func (g *generator) customizeNode(i int, n *objects.Node) {
	if i%10 == 0 {
		n.Tags = append(n.Tags, fmt.Sprintf("rack:r%d", i/40))
	}
	if i%25 == 0 {
		n.Tags = append(n.Tags, "ssd")
	}
	if i%13 == 0 {
		n.NDParams.SpindleCount = ptr(2)
	}
	if i%31 == 0 {
		n.NDParams.CPUSpeed = ptr(1.5)
	}
}

// setCluster completes the cluster object from the options.
func (g *generator) setCluster() {
	cl := g.cfg.Cluster
	cl.Name = g.opts.ClusterName
	cl.MasterNode = g.nodes[0].UUID
	cl.MasterIP = g.opts.ClusterIP
	cl.PrimaryIPFamily, cl.MasterNetmask = objects.IPFamilyV4, 32
	if strings.Contains(g.opts.MasterIP, ":") {
		cl.PrimaryIPFamily, cl.MasterNetmask = objects.IPFamilyV6, 128
	}
	cl.HighestUsedPort = g.nextPort - 1
	cl.CTime, cl.MTime = baseTime, baseTime+objects.Timestamp(g.opts.Instances)
	cl.Serial = 1 + g.opts.Instances
}
