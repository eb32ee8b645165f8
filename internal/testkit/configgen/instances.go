package configgen

import (
	"encoding/hex"
	"fmt"

	"github.com/goluxid/goluxid/ganeti/objects"
)

// firstDRBDPort is the first port given to a DRBD disk or an instance's
// network port.
const firstDRBDPort = 11000

// Choices the instances cycle through.
var (
	hypervisors = []string{"kvm", "xen-pvm", "fake"}
	osNames     = []string{"debian-image", "busybox", "debootstrap+default"}
	diskSizes   = []int{1024, 2048, 10240, 20480, 102400}
	nicModes    = []string{objects.NICModeBridged, objects.NICModeRouted, objects.NICModeOVS}
)

// addInstances creates the instances with their disks; instance i uses
// disk template i mod 9, so every template is covered.
func (g *generator) addInstances() {
	for i := range g.opts.Instances {
		inst := g.instance(i)
		g.cfg.Instances[inst.UUID] = inst
	}
}

// instance builds instance i on a node of group i mod groups.
func (g *generator) instance(i int) *objects.Instance {
	template := objects.DiskTemplates[i%len(objects.DiskTemplates)]
	pnode, snode := g.placement(i)
	inst := &objects.Instance{
		Name:             g.instanceName(i),
		PrimaryNode:      pnode.UUID,
		OS:               osNames[g.rng.IntN(len(osNames))],
		Hypervisor:       hypervisors[i%len(hypervisors)],
		HVParams:         objects.Params{},
		OSParams:         objects.Params{},
		OSParamsPrivate:  objects.Params{},
		AdminState:       objects.AdminUp,
		AdminStateSource: objects.AdminSourceAdmin,
		CTime:            g.stamp(i),
		MTime:            g.stamp(i + 5000),
		UUID:             uuid(kindInstance, i),
		Serial:           1 + g.rng.IntN(5),
		Tags:             []string{},
	}
	g.setState(inst)
	g.customizeInstance(i, inst)
	inst.NICs = g.nics(i)
	inst.Disks = []string{}
	if template != objects.DTDiskless {
		for idx := range 1 + g.rng.IntN(2) {
			d := g.disk(template, inst, idx, pnode, snode)
			g.cfg.Disks[d.UUID] = d
			inst.Disks = append(inst.Disks, d.UUID)
		}
	}
	return inst
}

// placement picks the primary node of instance i, and a secondary node
// for DRBD: the next node of the same group, or of the cluster when the
// group has only one.
func (g *generator) placement(i int) (pnode, snode *objects.Node) {
	members := g.groupNodes[i%len(g.groupNodes)]
	k := (i / len(g.groupNodes)) % len(members)
	pnode = members[k]
	if len(members) > 1 {
		return pnode, members[(k+1)%len(members)]
	}
	for _, n := range g.nodes {
		if n != pnode {
			return pnode, n
		}
	}
	return pnode, pnode
}

// setState chooses the admin state: mostly up, some down, a few offline.
func (g *generator) setState(inst *objects.Instance) {
	switch r := g.rng.IntN(100); {
	case r < 5:
		inst.AdminState = objects.AdminOffline
	case r < 20:
		inst.AdminState = objects.AdminDown
		if r%2 == 0 {
			inst.AdminStateSource = objects.AdminSourceUser
		}
	}
	inst.DisksActive = inst.AdminState == objects.AdminUp
}

// customizeInstance gives some instances parameters and tags of their own.
func (g *generator) customizeInstance(i int, inst *objects.Instance) {
	switch i % 7 {
	case 1:
		inst.BEParams.MaxMem, inst.BEParams.MinMem = ptr(1024), ptr(512)
	case 2:
		inst.BEParams.VCPUs = ptr(2)
	case 3:
		inst.OSParams["dhcp"] = []byte(`"no"`)
	}
	if inst.Hypervisor == "kvm" {
		// From the DRBD ports' counter: Ganeti refuses a config in which
		// a port is used twice.
		inst.NetworkPort = ptr(g.nextPort)
		g.nextPort++
		if i%5 == 0 {
			inst.HVParams["kernel_args"] = []byte(`"ro quiet"`)
		}
	}
	if i%4 == 0 {
		inst.Tags = append(inst.Tags, fmt.Sprintf("team:t%d", i%9))
	}
	if i%6 == 0 {
		inst.Tags = append(inst.Tags, "env:prod")
	}
}

// nics builds one to three NICs, cycling through the NIC modes; some are
// connected to a network and get an address from it.
func (g *generator) nics(i int) []*objects.NIC {
	count := 1 + g.rng.IntN(3)
	nics := make([]*objects.NIC, count)
	for k := range count {
		n := i*3 + k
		nic := &objects.NIC{
			MAC:  fmt.Sprintf("aa:00:%02x:%02x:%02x", n>>16&0xff, n>>8&0xff, n&0xff),
			UUID: uuid(kindNIC, n),
		}
		switch mode := nicModes[(i+k)%len(nicModes)]; mode {
		case objects.NICModeRouted:
			nic.NICParams = objects.PartialNICParams{Mode: ptr(mode), Link: ptr("rt100")}
		case objects.NICModeOVS:
			nic.NICParams = objects.PartialNICParams{Mode: ptr(mode), Link: ptr("switch1"), VLAN: ptr(fmt.Sprintf(".%d", 100+n%10))}
		}
		if k == 0 && i%5 == 0 {
			g.connect(nic, i)
		}
		if k > 0 {
			nic.Name = ptr(fmt.Sprintf("eth%d", k))
		}
		nics[k] = nic
	}
	return nics
}

// disk builds disk idx of inst in the shape of template.
func (g *generator) disk(template string, inst *objects.Instance, idx int, pnode, snode *objects.Node) *objects.Disk {
	n := len(g.cfg.Disks)
	d := &objects.Disk{
		DevType: template,
		Nodes:   []string{pnode.UUID},
		IVName:  fmt.Sprintf("disk/%d", idx),
		Size:    diskSizes[g.rng.IntN(len(diskSizes))],
		Mode:    objects.DiskReadWrite,
		Params:  objects.Params{},
		UUID:    uuid(kindDisk, n),
		Serial:  1,
		CTime:   inst.CTime,
		MTime:   inst.CTime,
	}
	base := fmt.Sprintf("%s.disk%d", d.UUID, idx)
	dir := fmt.Sprintf("%s/disk%d", inst.Name, idx)
	switch template {
	case objects.DTPlain:
		d.LogicalID.Volume = &objects.LogicalVolume{VG: "xenvg", LV: base}
		if n%3 == 0 {
			d.Spindles = ptr(1)
		}
	case objects.DTDrbd:
		g.makeDRBD(d, base, pnode, snode)
	case objects.DTFile:
		d.LogicalID.Path = &objects.PathLogicalID{Driver: "loop", Path: "/srv/ganeti/file-storage/" + dir}
	case objects.DTSharedFile:
		d.LogicalID.Path = &objects.PathLogicalID{Driver: "loop", Path: "/srv/ganeti/shared-file-storage/" + dir}
	case objects.DTGluster:
		d.LogicalID.Path = &objects.PathLogicalID{Driver: "loop", Path: "/var/run/ganeti/gluster/ganeti/" + dir}
	case objects.DTBlock:
		d.LogicalID.Path = &objects.PathLogicalID{Driver: "manual", Path: fmt.Sprintf("/dev/disk/by-id/gen-%d-%d", n, idx)}
	case objects.DTRbd:
		d.LogicalID.Named = &objects.NamedLogicalID{Owner: "rbd", Name: base + ".rbd"}
	case objects.DTExt:
		d.LogicalID.Named = &objects.NamedLogicalID{Owner: "ext-provider", Name: base + ".ext"}
		d.Params["access"] = []byte(`"userspace"`)
	}
	if n%11 == 0 {
		d.Name = ptr(fmt.Sprintf("data%d", idx))
	}
	return d
}

// makeDRBD turns d into a DRBD disk between pnode and snode with its data
// and metadata volumes as children.
func (g *generator) makeDRBD(d *objects.Disk, base string, pnode, snode *objects.Node) {
	n := len(g.cfg.Disks)
	secret := make([]byte, 20)
	for i := range secret {
		secret[i] = byte(g.rng.IntN(256))
	}
	d.Nodes = []string{pnode.UUID, snode.UUID}
	d.LogicalID.DRBD = &objects.DRBDLogicalID{
		NodeA: pnode.UUID, NodeB: snode.UUID, Port: g.nextPort,
		MinorA: g.minors[pnode.UUID], MinorB: g.minors[snode.UUID],
		Secret: hex.EncodeToString(secret),
	}
	g.nextPort++
	g.minors[pnode.UUID]++
	g.minors[snode.UUID]++
	child := func(suffix string, size, k int) *objects.Disk {
		return &objects.Disk{
			DevType:   objects.DTPlain,
			LogicalID: objects.LogicalID{Volume: &objects.LogicalVolume{VG: "xenvg", LV: base + suffix}},
			Nodes:     d.Nodes,
			Size:      size,
			Params:    objects.Params{},
			UUID:      uuid(kindChildDisk, 2*n+k),
			Serial:    1,
			CTime:     d.CTime,
			MTime:     d.MTime,
		}
	}
	d.Children = []*objects.Disk{child("_data", d.Size, 0), child("_meta", 128, 1)}
}

// instanceName is the name of the i-th instance (from 0).
func (g *generator) instanceName(i int) string {
	if g.opts.BareInstanceNames {
		return fmt.Sprintf("inst%d", i+1)
	}
	return fmt.Sprintf("inst%d.example.com", i+1)
}
