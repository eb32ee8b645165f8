package resources

import (
	"fmt"
	"strconv"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
)

// The instance fields of Ganeti (292 with the aliases): named
// fields, be/* and hv/* parameters, disk and NIC aggregates and their
// per-index families, live fields and the common ones.

// instField is a field of the instance table.
type instField = query.Field[*instItem, *instLive]

// Limits of the per-index field families (MAX_DISKS, MAX_NICS).
const (
	instMaxDisks = 16
	instMaxNICs  = 8
)

// instTable holds every instance field.
var instTable = query.NewTable(instFields()...)

// instStatusDoc is the documentation of the status field.
const instStatusDoc = `Instance status; "running" if instance is set to be running and actually is, ` +
	`"ADMIN_down" if instance is stopped and is not running, ` +
	`"ERROR_wrongnode" if instance running, but not on its designated primary node, ` +
	`"ERROR_up" if instance should be stopped, but is actually running, ` +
	`"ERROR_down" if instance should run, but doesn't, ` +
	`"ERROR_nodedown" if instance's primary node is down, ` +
	`"ERROR_nodeoffline" if instance's primary node is marked offline, ` +
	`"ADMIN_offline" if instance is offline and does not use dynamic resources`

// instAliases are the fields offered under a second name: alias, field.
var instAliases = [][2]string{
	{"vcpus", "be/vcpus"},
	{"be/memory", "be/maxmem"},
	{"sda_size", "disk.size/0"},
	{"sdb_size", "disk.size/1"},
	{"ip", "nic.ip/0"},
	{"mac", "nic.mac/0"},
	{"bridge", "nic.bridge/0"},
	{"nic_mode", "nic.mode/0"},
	{"nic_link", "nic.link/0"},
	{"nic_network", "nic.network/0"},
}

// Shorthands for cells.
var (
	instNoData  = query.Status(query.RSNoData)
	instUnavail = query.Status(query.RSUnavail)
)

// instConf returns a configuration field.
func instConf(name, title string, kind query.Kind, doc string, get func(*instItem) query.Cell) instField {
	return instField{FieldDefinition: query.FieldDefinition{Name: name, Title: title, Kind: kind, Doc: doc}, Get: get}
}

// instLiveField returns a runtime field.
func instLiveField(name, title string, kind query.Kind, doc string, get func(*instItem, *instLive) query.Cell) instField {
	return instField{
		FieldDefinition: query.FieldDefinition{Name: name, Title: title, Kind: kind, Doc: doc},
		GetLive: func(it *instItem, rt *instLive) query.Cell {
			if rt == nil {
				return instNoData
			}
			return get(it, rt)
		},
	}
}

// instOptional returns the cell of a value an instance may lack (only a
// forthcoming one can): no data when missing.
func instOptional(it *instItem, key string, v any) query.Cell {
	if !it.has(key) {
		return instNoData
	}
	return query.Normal(v)
}

// instFields returns every instance field, aliases last.
func instFields() []instField {
	fields := instNamedFields()
	fields = append(fields, instParamFields()...)
	fields = append(fields, instDiskFields()...)
	fields = append(fields, instNICFields()...)
	fields = append(fields, instLiveFields()...)
	fields = append(fields, instCommonFields()...)
	byName := map[string]instField{}
	for _, f := range fields {
		byName[f.Name] = f
	}
	for _, a := range instAliases {
		f, ok := byName[a[1]]
		if !ok {
			panic("resources: alias of unknown instance field " + a[1])
		}
		f.Name = a[0]
		fields = append(fields, f)
	}
	return fields
}

// instNamedFields are the simple fields and those of the nodes.
func instNamedFields() []instField {
	return []instField{
		instConf("admin_state", "InstanceState", query.KindText, "Desired state of instance",
			func(it *instItem) query.Cell { return instOptional(it, "admin_state", it.inst.AdminState) }),
		instConf("admin_state_source", "InstanceStateSource", query.KindText, "Who last changed the desired state of the instance",
			func(it *instItem) query.Cell {
				return instOptional(it, "admin_state_source", it.inst.AdminStateSource)
			}),
		instConf("admin_up", "Autostart", query.KindBool, "Desired state of instance",
			func(it *instItem) query.Cell {
				return instOptional(it, "admin_state", it.inst.AdminState == objects.AdminUp)
			}),
		instConf("disks_active", "DisksActive", query.KindBool, "Desired state of instance disks",
			func(it *instItem) query.Cell { return instOptional(it, "disks_active", it.inst.DisksActive) }),
		{
			FieldDefinition: query.FieldDefinition{Name: "name", Title: "Instance", Kind: query.KindText, Doc: "Instance name"},
			Mode:            query.ModeHostname,
			Get:             func(it *instItem) query.Cell { return instOptional(it, "name", it.inst.Name) },
		},
		instConf("hypervisor", "Hypervisor", query.KindText, "Hypervisor name",
			func(it *instItem) query.Cell { return instOptional(it, "hypervisor", it.inst.Hypervisor) }),
		instConf("network_port", "Network_port", query.KindOther, "Instance network port if available (e.g. for VNC console)",
			func(it *instItem) query.Cell {
				if it.inst.NetworkPort == nil {
					return instUnavail
				}
				return query.Normal(*it.inst.NetworkPort)
			}),
		instConf("os", "OS", query.KindText, "Operating system",
			func(it *instItem) query.Cell { return instOptional(it, "os", it.inst.OS) }),
		{
			FieldDefinition: query.FieldDefinition{Name: "pnode", Title: "Primary_node", Kind: query.KindText, Doc: "Primary node"},
			Mode:            query.ModeHostname,
			Get: func(it *instItem) query.Cell {
				if it.primary(); it.pnode == nil {
					return instNoData
				}
				return query.Normal(it.pnode.Name)
			},
		},
		instConf("pnode.group", "PrimaryNodeGroup", query.KindText, "Primary node's group",
			func(it *instItem) query.Cell {
				if it.primary(); it.pgroup == nil {
					return instNoData
				}
				return query.Normal(it.pgroup.Name)
			}),
		instConf("pnode.group.uuid", "PrimaryNodeGroupUUID", query.KindText, "Primary node's group UUID",
			func(it *instItem) query.Cell {
				if it.primary(); it.pgroup == nil {
					return instNoData
				}
				return query.Normal(it.pgroup.UUID)
			}),
		instConf("snodes", "Secondary_Nodes", query.KindOther, "Secondary nodes; usually this will just be one node",
			func(it *instItem) query.Cell {
				snodes, ok := it.secondaries()
				if !ok {
					return instNoData
				}
				names := make([]string, len(snodes))
				for i, n := range snodes {
					names[i] = n.Name
				}
				return query.Normal(names)
			}),
		instConf("snodes.group", "SecondaryNodesGroups", query.KindOther, "Node groups of secondary nodes",
			func(it *instItem) query.Cell {
				return it.secondaryGroups(func(g *objects.NodeGroup) string { return g.Name })
			}),
		instConf("snodes.group.uuid", "SecondaryNodesGroupsUUID", query.KindOther, "Node group UUIDs of secondary nodes",
			func(it *instItem) query.Cell {
				return it.secondaryGroups(func(g *objects.NodeGroup) string { return g.UUID })
			}),
	}
}

// secondaryGroups returns an attribute of the groups of the secondary
// nodes; nodes whose group is missing are left out.
func (it *instItem) secondaryGroups(attr func(*objects.NodeGroup) string) query.Cell {
	snodes, ok := it.secondaries()
	if !ok {
		return instNoData
	}
	out := make([]string, 0, len(snodes))
	for _, n := range snodes {
		if g, ok := it.q.cfg.NodeGroups[n.Group]; ok {
			out = append(out, attr(g))
		}
	}
	return query.Normal(out)
}

// instParamFields are the parameter dictionaries and the be/* and hv/*
// fields.
func instParamFields() []instField {
	fields := []instField{
		instConf("hvparams", "HypervisorParameters", query.KindOther, "Hypervisor parameters (merged)",
			func(it *instItem) query.Cell { return query.Normal(it.hvParams(true)) }),
		instConf("beparams", "BackendParameters", query.KindOther, "Backend parameters (merged)",
			func(it *instItem) query.Cell {
				be, ok := it.beParams()
				if !ok {
					return instNoData
				}
				return query.Normal(objects.EncodeBEParams(be))
			}),
		instConf("osparams", "OpSysParameters", query.KindOther, "Operating system parameters (merged)",
			func(it *instItem) query.Cell {
				return query.Normal(objects.EncodeParams(it.q.cfg.InstanceOSParams(it.inst)))
			}),
		instConf("custom_hvparams", "CustomHypervisorParameters", query.KindOther, "Custom hypervisor parameters",
			func(it *instItem) query.Cell { return query.Normal(objects.EncodeParams(it.inst.HVParams)) }),
		instConf("custom_beparams", "CustomBackendParameters", query.KindOther, "Custom backend parameters",
			func(it *instItem) query.Cell {
				return query.Normal(objects.EncodePartialBEParams(it.inst.BEParams))
			}),
		instConf("custom_osparams", "CustomOpSysParameters", query.KindOther, "Custom operating system parameters",
			func(it *instItem) query.Cell { return query.Normal(objects.EncodeParams(it.inst.OSParams)) }),
		instConf("custom_nicparams", "CustomNicParameters", query.KindOther, "Custom network interface parameters",
			func(it *instItem) query.Cell {
				out := make([]hsjson.Object, len(it.inst.NICs))
				for i, nic := range it.inst.NICs {
					out[i] = objects.EncodePartialNICParams(nic.NICParams)
				}
				return query.Normal(out)
			}),
	}
	be := []struct {
		name, title string
		kind        query.Kind
		get         func(objects.FilledBEParams) any
	}{
		{"minmem", "ConfigMinMem", query.KindUnit, func(p objects.FilledBEParams) any { return p.MinMem }},
		{"maxmem", "ConfigMaxMem", query.KindUnit, func(p objects.FilledBEParams) any { return p.MaxMem }},
		{"vcpus", "ConfigVCPUs", query.KindNumber, func(p objects.FilledBEParams) any { return p.VCPUs }},
		{"auto_balance", "Auto_balance", query.KindBool, func(p objects.FilledBEParams) any { return p.AutoBalance }},
		{"always_failover", "", query.KindBool, func(p objects.FilledBEParams) any { return p.AlwaysFailover }},
		{"spindle_use", "", query.KindNumber, func(p objects.FilledBEParams) any { return p.SpindleUse }},
	}
	for _, p := range be {
		get := p.get
		fields = append(fields, instConf("be/"+p.name, instTitleOr(p.title, "be/"+p.name), p.kind,
			`The "`+p.name+`" backend parameter`,
			func(it *instItem) query.Cell {
				params, ok := it.beParams()
				if !ok {
					return instNoData
				}
				return query.Normal(get(params))
			}))
	}
	for _, p := range instHVParams {
		key := p.name
		fields = append(fields, instConf("hv/"+key, instTitleOr(p.title, "hv/"+key), p.kind,
			`The "`+key+`" hypervisor parameter`,
			func(it *instItem) query.Cell {
				v, ok := it.hvParam(key)
				if !ok {
					return instUnavail
				}
				return query.Normal(it.q.value(v))
			}))
	}
	return fields
}

// instTitleOr returns title, or name when title is empty.
func instTitleOr(title, name string) string {
	if title == "" {
		return name
	}
	return title
}

// instOrdinal writes n as an English instOrdinal: 1st, 2nd, 3rd, 4th, 11th.
func instOrdinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// instDiskSize returns a disk's size; only a forthcoming disk may lack it.
func instDiskSize(d *objects.Disk) (int, bool) {
	if d.Forthcoming && !instDiskHas(d, "size") {
		return 0, false
	}
	return d.Size, true
}

// instDiskType returns the template of a disk's logical id; only a
// forthcoming disk may lack it.
func instDiskType(d *objects.Disk) (string, bool) {
	l := d.LogicalID
	if l.Volume == nil && l.DRBD == nil && l.Path == nil && l.Named == nil {
		return "", false
	}
	return d.DevType, true
}

// instDiskHas reports whether a loaded disk has key.
func instDiskHas(d *objects.Disk, key string) bool {
	data, err := d.MarshalJSON()
	if err != nil {
		return false
	}
	members, err := instObjectMembers(data)
	if err != nil {
		return false
	}
	for _, m := range members {
		if m.Key == key {
			return string(m.Value) != "null"
		}
	}
	return false
}

// instDiskFields are the disk aggregates and per-disk fields.
func instDiskFields() []instField {
	withDisks := func(get func(it *instItem, disks []*objects.Disk) any) func(*instItem) query.Cell {
		return func(it *instItem) query.Cell {
			disks, ok := it.diskList()
			if !ok {
				return instNoData
			}
			return query.Normal(get(it, disks))
		}
	}
	fields := []instField{
		instConf("disk_usage", "DiskUsage", query.KindUnit,
			"Total disk space used by instance on each of its nodes; this is not the disk size visible to the instance, but the usage on the node",
			withDisks(func(_ *instItem, disks []*objects.Disk) any {
				total := 0
				for _, d := range disks {
					total += instDiskUsage(d)
				}
				return total
			})),
		instConf("disk.count", "Disks", query.KindNumber, "Number of disks",
			func(it *instItem) query.Cell { return query.Normal(len(it.inst.Disks)) }),
		instConf("disk.sizes", "Disk_sizes", query.KindOther, "List of disk sizes",
			withDisks(perDisk(func(d *objects.Disk) (any, bool) { return instDiskSize(d) }))),
		instConf("disk.spindles", "Disk_spindles", query.KindOther, "List of disk spindles",
			withDisks(perDisk(func(d *objects.Disk) (any, bool) { return derefAny(d.Spindles) }))),
		instConf("disk.names", "Disk_names", query.KindOther, "List of disk names",
			withDisks(perDisk(func(d *objects.Disk) (any, bool) { return derefAny(d.Name) }))),
		instConf("disk.uuids", "Disk_UUIDs", query.KindOther, "List of disk UUIDs",
			withDisks(func(_ *instItem, disks []*objects.Disk) any {
				out := make([]string, len(disks))
				for i, d := range disks {
					out[i] = d.UUID
				}
				return out
			})),
		instConf("disk_template", "Disk_template", query.KindText, "Instance disk template",
			withDisks(func(_ *instItem, disks []*objects.Disk) any { return instDiskTemplate(disks) })),
	}
	perDisk := []struct {
		name, title string
		kind        query.Kind
		doc         string
		get         func(*objects.Disk) (any, bool)
	}{
		{"disk.size/%d", "Disk/%d", query.KindUnit, "Disk size of %s disk",
			func(d *objects.Disk) (any, bool) { return instDiskSize(d) }},
		{"disk.spindles/%d", "DiskSpindles/%d", query.KindNumber, "Spindles of %s disk",
			func(d *objects.Disk) (any, bool) {
				if d.Spindles == nil {
					return nil, false
				}
				return *d.Spindles, true
			}},
		{"disk.name/%d", "DiskName/%d", query.KindText, "Name of %s disk",
			func(d *objects.Disk) (any, bool) {
				if d.Name == nil {
					return nil, false
				}
				return *d.Name, true
			}},
		{"disk.uuid/%d", "DiskUUID/%d", query.KindText, "UUID of %s disk",
			func(d *objects.Disk) (any, bool) { return d.UUID, true }},
	}
	for i := range instMaxDisks {
		for _, f := range perDisk {
			get := f.get
			fields = append(fields, instConf(fmt.Sprintf(f.name, i), fmt.Sprintf(f.title, i), f.kind, fmt.Sprintf(f.doc, instOrdinal(i+1)),
				func(it *instItem) query.Cell {
					disks, ok := it.diskList()
					switch {
					case !ok:
						return instNoData
					case i >= len(disks):
						return instUnavail
					}
					v, ok := get(disks[i])
					if !ok {
						return instUnavail
					}
					return query.Normal(v)
				}))
		}
	}
	return fields
}

// instDiskUsage is the space a disk takes on its nodes: DRBD adds its
// metadata, diskless and block device disks take none.
func instDiskUsage(d *objects.Disk) int {
	size, _ := instDiskSize(d)
	dt, _ := instDiskType(d)
	switch dt {
	case objects.DTDrbd:
		return size + instDRBDMetaSize
	case objects.DTDiskless, objects.DTBlock:
		return 0
	}
	return size
}

// instDRBDMetaSize is the size of a DRBD disk's metadata volume in MiB.
const instDRBDMetaSize = 128

// instDiskTemplate is the instance's disk template from its disks: the one
// template of all of them, "diskless" without disks, "mixed" for several.
func instDiskTemplate(disks []*objects.Disk) string {
	template := ""
	for _, d := range disks {
		dt, ok := instDiskType(d)
		switch {
		case !ok:
		case template == "":
			template = dt
		case template != dt:
			return "mixed"
		}
	}
	if template == "" {
		return objects.DTDiskless
	}
	return template
}

// instNICFields are the NIC aggregates and per-NIC fields.
func instNICFields() []instField {
	const aggDoc = "List containing each network interface's "
	perNIC := func(get func(it *instItem, i int, nic *objects.NIC) any) func(*instItem) query.Cell {
		return func(it *instItem) query.Cell {
			out := make([]any, len(it.inst.NICs))
			for i, nic := range it.inst.NICs {
				out[i] = get(it, i, nic)
			}
			return query.Normal(out)
		}
	}
	stringList := func(get func(it *instItem, i int, nic *objects.NIC) string) func(*instItem) query.Cell {
		return func(it *instItem) query.Cell {
			out := make([]string, len(it.inst.NICs))
			for i, nic := range it.inst.NICs {
				out[i] = get(it, i, nic)
			}
			return query.Normal(out)
		}
	}
	fields := []instField{
		instConf("nic.count", "NICs", query.KindNumber, "Number of network interfaces",
			func(it *instItem) query.Cell { return query.Normal(len(it.inst.NICs)) }),
		instConf("nic.macs", "NIC_MACs", query.KindOther, aggDoc+"MAC address",
			stringList(func(_ *instItem, _ int, nic *objects.NIC) string { return nic.MAC })),
		instConf("nic.ips", "NIC_IPs", query.KindOther, aggDoc+"IP address",
			perNIC(func(_ *instItem, _ int, nic *objects.NIC) any { return instOptString(nic.IP) })),
		instConf("nic.names", "NIC_Names", query.KindOther, aggDoc+"name",
			perNIC(func(_ *instItem, _ int, nic *objects.NIC) any { return instOptString(nic.Name) })),
		instConf("nic.uuids", "NIC_UUIDs", query.KindOther, aggDoc+"UUID",
			stringList(func(_ *instItem, _ int, nic *objects.NIC) string { return nic.UUID })),
		instConf("nic.modes", "NIC_modes", query.KindOther, aggDoc+"mode",
			stringList(func(it *instItem, i int, _ *objects.NIC) string { return it.nicParams()[i].Mode })),
		instConf("nic.vlans", "NIC_VLANs", query.KindOther, aggDoc+"VLAN",
			perNIC(func(it *instItem, i int, _ *objects.NIC) any { return instNICVLAN(it.nicParams()[i]) })),
		instConf("nic.bridges", "NIC_bridges", query.KindOther, aggDoc+"bridge",
			perNIC(func(it *instItem, i int, _ *objects.NIC) any { return instNICBridge(it.nicParams()[i]) })),
		instConf("nic.links", "NIC_links", query.KindOther, aggDoc+"link",
			stringList(func(it *instItem, i int, _ *objects.NIC) string { return it.nicParams()[i].Link })),
		instConf("nic.networks", "NIC_networks", query.KindOther, "List containing each interface's network",
			perNIC(func(_ *instItem, _ int, nic *objects.NIC) any { return instOptString(nic.Network) })),
		instConf("nic.networks.names", "NIC_networks_names", query.KindOther, "List containing the name of each interface's network",
			perNIC(func(it *instItem, _ int, nic *objects.NIC) any {
				if name, ok := it.networkName(nic); ok {
					return name
				}
				return nil
			})),
	}
	indexed := []struct {
		name, title string
		doc         string
		get         func(it *instItem, i int, nic *objects.NIC) any // nil: unavailable
	}{
		{"nic.ip/%d", "NicIP/%d", "IP address", func(_ *instItem, _ int, nic *objects.NIC) any { return instOptString(nic.IP) }},
		{"nic.uuid/%d", "NicUUID/%d", "UUID address", func(_ *instItem, _ int, nic *objects.NIC) any { return nic.UUID }},
		{"nic.mac/%d", "NicMAC/%d", "MAC address", func(_ *instItem, _ int, nic *objects.NIC) any { return nic.MAC }},
		{"nic.name/%d", "NicName/%d", "Name address", func(_ *instItem, _ int, nic *objects.NIC) any { return instOptString(nic.Name) }},
		{"nic.network/%d", "NicNetwork/%d", "Network", func(_ *instItem, _ int, nic *objects.NIC) any { return instOptString(nic.Network) }},
		{"nic.mode/%d", "NicMode/%d", "Mode", func(it *instItem, i int, _ *objects.NIC) any { return it.nicParams()[i].Mode }},
		{"nic.link/%d", "NicLink/%d", "Link", func(it *instItem, i int, _ *objects.NIC) any { return it.nicParams()[i].Link }},
		{"nic.vlan/%d", "NicVLAN/%d", "VLAN", func(it *instItem, i int, _ *objects.NIC) any { return instNICVLAN(it.nicParams()[i]) }},
		{"nic.network.name/%d", "NicNetworkName/%d", "Network name", func(it *instItem, _ int, nic *objects.NIC) any {
			if name, ok := it.networkName(nic); ok {
				return name
			}
			return nil
		}},
		{"nic.bridge/%d", "NicBridge/%d", "Bridge", func(it *instItem, i int, _ *objects.NIC) any { return instNICBridge(it.nicParams()[i]) }},
	}
	for i := range instMaxNICs {
		for _, f := range indexed {
			get := f.get
			fields = append(fields, instConf(fmt.Sprintf(f.name, i), fmt.Sprintf(f.title, i), query.KindText,
				f.doc+" of "+instOrdinal(i+1)+" network interface",
				func(it *instItem) query.Cell {
					if i >= len(it.inst.NICs) {
						return instUnavail
					}
					v := get(it, i, it.inst.NICs[i])
					if v == nil {
						return instUnavail
					}
					return query.Normal(v)
				}))
		}
	}
	return fields
}

// instOptString returns *s, or nil (a JSON null) when s is not set.
func instOptString(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// instNICVLAN is a NIC's VLAN, which only Open vSwitch NICs have.
func instNICVLAN(p objects.FilledNICParams) any {
	if p.Mode != objects.NICModeOVS {
		return nil
	}
	return p.VLAN
}

// instNICBridge is a NIC's bridge, the link of bridged NICs.
func instNICBridge(p objects.FilledNICParams) any {
	if p.Mode != objects.NICModeBridged {
		return nil
	}
	return p.Link
}

// networkName returns the name of the network a NIC is connected to;
// false when it is connected to none, or to one not in the
// configuration (which makes Ganeti's luxid fail the request).
func (it *instItem) networkName(nic *objects.NIC) (string, bool) {
	if nic.Network == nil {
		return "", false
	}
	nw, ok := it.q.cfg.Networks[*nic.Network]
	if !ok {
		return "", false
	}
	return nw.Name, true
}

// instLiveFields are the fields that need the nodes' live data.
func instLiveFields() []instField {
	fromInfo := func(get func(*instInfo) int) func(*instItem, *instLive) query.Cell {
		return func(_ *instItem, rt *instLive) query.Cell {
			switch {
			case rt.errStatus != query.RSNormal:
				return query.Status(rt.errStatus)
			case rt.info == nil:
				return instUnavail
			}
			return query.Normal(get(rt.info))
		}
	}
	return []instField{
		instLiveField("status", "Status", query.KindText, instStatusDoc,
			func(it *instItem, rt *instLive) query.Cell { return query.Normal(it.status(rt)) }),
		instLiveField("oper_state", "Running", query.KindBool, "Actual state of instance",
			func(_ *instItem, rt *instLive) query.Cell {
				if rt.errStatus != query.RSNormal {
					return instNoData
				}
				return query.Normal(rt.info != nil)
			}),
		instLiveField("console", "Console", query.KindOther, "Instance console information",
			func(_ *instItem, rt *instLive) query.Cell {
				switch {
				case rt.errStatus != query.RSNormal:
					return query.Status(rt.errStatus)
				case rt.console == nil:
					return instNoData
				}
				return query.Normal(rt.console)
			}),
		instLiveField("oper_ram", "Memory", query.KindUnit, "Actual memory usage as seen by hypervisor",
			fromInfo(func(i *instInfo) int { return i.Memory })),
		instLiveField("oper_vcpus", "VCPUs", query.KindNumber, "Actual number of VCPUs as seen by hypervisor",
			fromInfo(func(i *instInfo) int { return i.VCPUs })),
	}
}

// instCommonFields are the fields every configuration object has.
func instCommonFields() []instField {
	return []instField{
		instConf("ctime", "CTime", query.KindTimestamp, "Creation timestamp",
			func(it *instItem) query.Cell { return query.Normal(objects.EncodeTimestamp(it.inst.CTime)) }),
		instConf("mtime", "MTime", query.KindTimestamp, "Modification timestamp",
			func(it *instItem) query.Cell { return query.Normal(objects.EncodeTimestamp(it.inst.MTime)) }),
		instConf("serial_no", "SerialNo", query.KindNumber, "Instance object serial number, incremented on each modification",
			func(it *instItem) query.Cell { return query.Normal(it.inst.Serial) }),
		instConf("uuid", "UUID", query.KindText, "Instance UUID",
			func(it *instItem) query.Cell { return query.Normal(it.inst.UUID) }),
		instConf("forthcoming", "Forthcoming", query.KindBool, "whether the Instance is forthcoming",
			func(it *instItem) query.Cell { return query.Normal(it.inst.Forthcoming) }),
		instConf("tags", "Tags", query.KindOther, "Tags",
			func(it *instItem) query.Cell { return query.Normal(objects.EncodeTags(it.inst.Tags)) }),
	}
}

// perDisk lists f's value for each disk, null where f has none.
func perDisk(f func(*objects.Disk) (any, bool)) func(*instItem, []*objects.Disk) any {
	return func(_ *instItem, disks []*objects.Disk) any {
		out := make([]any, len(disks))
		for i, d := range disks {
			if v, ok := f(d); ok {
				out[i] = v
			}
		}
		return out
	}
}

// derefAny returns *p, and whether p is set.
func derefAny[T any](p *T) (any, bool) {
	if p == nil {
		return nil, false
	}
	return *p, true
}
