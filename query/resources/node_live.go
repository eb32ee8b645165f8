package resources

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
)

// Live node data comes from noded's node_info. The request is [storage
// units, hypervisors]: the cluster's storage units only when a storage field
// is involved, the default hypervisor and its cluster parameters only when a
// hypervisor field is. The answer is [boot_id, [storage info…], [hypervisor
// info…]].

// nodeLive is one node's live data: the parsed node_info answer, or the
// status of every live cell when there is none.
type nodeLive struct {
	status query.ResultStatus
	info   *nodeInfo
}

// nodeInfo is a node_info answer.
type nodeInfo struct {
	bootID  string
	storage []nodeStorageInfo
	hv      []nodeHVInfo
}

// nodeStorageInfo is one storage unit's space; free and size may be
// unset.
type nodeStorageInfo struct {
	typ        string
	free, size *int64
}

// nodeHVInfo is the hypervisor's view of the node's memory and CPUs:
// the values of nodeHVKeys, in that order.
type nodeHVInfo [len(nodeHVKeys)]int64

// The storage and hypervisor fields that make node_info carry storage
// units, resp. the hypervisor.
var (
	nodeStorageFields = []string{"dtotal", "dfree", "spfree", "sptotal"}
	nodeHVFields      = []string{"mnode", "mfree", "mtotal", "cnodes", "csockets", "cnos", "ctotal"}
)

// nodeHVKeys are the mandatory keys of a hypervisor info object.
var nodeHVKeys = [...]string{"memory_total", "memory_free", "memory_dom0", "cpu_total", "cpu_nodes", "cpu_sockets", "cpu_dom0"}

// lvmPV is the storage type of spindles.
const lvmPV = "lvm-pv"

// nodeLiveFields are the runtime fields.
func nodeLiveFields() []nodeField {
	hv := func(name, title string, kind query.Kind, doc, key string) nodeField {
		i := slices.Index(nodeHVKeys[:], key)
		return nodeLiveField(name, title, kind, doc, func(info *nodeInfo) (any, bool) {
			if len(info.hv) == 0 {
				return nil, false
			}
			return info.hv[0][i], true
		})
	}
	storage := func(name, title string, kind query.Kind, doc string, spindles, free bool) nodeField {
		return nodeLiveField(name, title, kind, doc, func(info *nodeInfo) (any, bool) {
			for _, st := range info.storage {
				if (st.typ == lvmPV) != spindles {
					continue
				}
				v := st.size
				if free {
					v = st.free
				}
				if v == nil {
					return nil, false
				}
				return *v, true
			}
			return nil, false
		})
	}
	return []nodeField{
		nodeLiveField("bootid", "BootID", query.KindText,
			"Random UUID renewed for each system reboot, can be used for detecting reboots by tracking changes",
			func(info *nodeInfo) (any, bool) { return info.bootID, true }),
		hv("cnodes", "CNodes", query.KindNumber, "Number of NUMA domains on node (if exported by hypervisor)", "cpu_nodes"),
		hv("cnos", "CNOs", query.KindNumber, "Number of logical processors used by the node OS (dom0 for Xen)", "cpu_dom0"),
		hv("csockets", "CSockets", query.KindNumber, "Number of physical CPU sockets (if exported by hypervisor)", "cpu_sockets"),
		hv("ctotal", "CTotal", query.KindNumber, "Number of logical processors", "cpu_total"),
		storage("dfree", "DFree", query.KindUnit, "Available storage space on storage unit", false, true),
		storage("dtotal", "DTotal", query.KindUnit, "Total storage space on storage unit for instance disk allocation", false, false),
		storage("spfree", "SpFree", query.KindNumber, "Available spindles in volume group (exclusive storage only)", true, true),
		storage("sptotal", "SpTotal", query.KindNumber, "Total spindles in volume group (exclusive storage only)", true, false),
		hv("mfree", "MFree", query.KindUnit, "Memory available for instance allocations", "memory_free"),
		hv("mnode", "MNode", query.KindUnit, "Amount of memory used by node (dom0 for Xen)", "memory_dom0"),
		hv("mtotal", "MTotal", query.KindUnit, "Total amount of memory of physical machine", "memory_total"),
	}
}

// nodeLiveField is a runtime field extracting a value from node_info; a
// value not there has no data, as has a node without an answer.
func nodeLiveField(name, title string, kind query.Kind, doc string, get func(*nodeInfo) (any, bool)) nodeField {
	return nodeField{
		FieldDefinition: query.FieldDefinition{Name: name, Title: title, Kind: kind, Doc: doc},
		GetLive: func(_ *objects.Node, live nodeLive) query.Cell {
			if live.info == nil {
				if live.status == query.RSNormal {
					return query.Status(query.RSNoData)
				}
				return query.Status(live.status)
			}
			v, ok := get(live.info)
			if !ok {
				return query.Status(query.RSNoData)
			}
			return query.Normal(v)
		},
	}
}

// nodeLiveData calls node_info on the nodes that passed the first filter
// pass and hands each its answer. Nodes whose group is missing are not
// called ("Broken configuration"), nor is a node listed twice: Ganeti
// pairs answers with nodes only when the pairing is unique. Offline nodes
// have RS_OFFLINE cells, failed calls RS_NODATA; without a client every
// other node fails.
func nodeLiveData(ctx context.Context, rpc NodeRPC, s *nodeSnapshot, nodes []*objects.Node, fields []string, emit func(*objects.Node, nodeLive) error) error {
	count := make(map[string]int, len(nodes))
	for _, n := range nodes {
		count[n.UUID]++
	}
	valid := func(n *objects.Node) bool {
		_, ok := s.nodeND(n)
		return ok && count[n.UUID] == 1
	}
	var targets []*objects.Node
	for _, n := range nodes {
		if valid(n) {
			targets = append(targets, n)
		}
	}
	var results map[string]NodeResult
	if rpc != nil && len(targets) > 0 {
		body, err := s.nodeInfoBodies(fields)
		if err != nil {
			return err
		}
		results = rpc.Call(ctx, "node_info", targets, func(n *objects.Node) any {
			nd, _ := s.nodeND(n)
			return body[nd.ExclusiveStorage]
		})
	}
	for _, n := range nodes {
		r, answered := results[n.UUID]
		live := nodeLive{status: query.RSNoData}
		switch {
		case !valid(n):
		case r.Offline, rpc == nil && n.Offline: // not contacted
			live.status = query.RSOffline
		case !answered || r.Err != nil:
		default:
			if info, err := parseNodeInfo(r.Payload); err == nil {
				live = nodeLive{status: query.RSNormal, info: info}
			}
		}
		if err := emit(n, live); err != nil {
			return err
		}
	}
	return nil
}

// nodeInfoBodies returns the node_info body of the nodes without and
// with exclusive storage, for a query involving fields.
func (s *nodeSnapshot) nodeInfoBodies(fields []string) (map[bool]json.RawMessage, error) {
	involves := func(domain []string) bool {
		return slices.ContainsFunc(fields, func(f string) bool { return slices.Contains(domain, f) })
	}
	hvs := []any{}
	if involves(nodeHVFields) {
		hv := "xen-pvm" // Ganeti's fallback for a cluster without hypervisors
		if enabled := s.cfg.Cluster.EnabledHypervisors; len(enabled) > 0 {
			hv = enabled[0]
		}
		hvs = append(hvs, []any{hv, objects.EncodeParams(s.cfg.Cluster.HVParams[hv])})
	}
	out := make(map[bool]json.RawMessage, 2)
	for _, es := range []bool{false, true} {
		units := []any{}
		if involves(nodeStorageFields) {
			units = nodeStorageUnits(s.cfg.Cluster, es)
		}
		data, err := hsjson.Marshal([]any{units, hvs})
		if err != nil {
			return nil, fmt.Errorf("node_info request: %w", err)
		}
		out[es] = data
	}
	return out, nil
}

// nodeStorageUnits are the cluster's storage units as node_info takes
// them, [type, key, params]: the default storage of each enabled disk
// template that has one (the volume group for drbd and plain, the file
// storage directory for file), then the volume group's spindles, each
// once. LVM units carry the node's exclusive storage flag.
func nodeStorageUnits(c *objects.Cluster, exclusive bool) []any {
	type unit struct{ typ, key string }
	var units []unit
	add := func(u unit) {
		if !slices.Contains(units, u) {
			units = append(units, u)
		}
	}
	for _, dt := range c.EnabledDiskTemplates {
		switch dt {
		case objects.DTDrbd, objects.DTPlain:
			if c.VolumeGroupName != nil {
				add(unit{"lvm-vg", *c.VolumeGroupName})
			}
		case objects.DTFile:
			add(unit{"file", c.FileStorageDir})
		}
	}
	if c.VolumeGroupName != nil {
		add(unit{lvmPV, *c.VolumeGroupName})
	}
	out := make([]any, len(units))
	for i, u := range units {
		params := []any{}
		if u.typ == "lvm-vg" || u.typ == lvmPV {
			params = []any{exclusive}
		}
		out[i] = []any{u.typ, u.key, params}
	}
	return out
}

// errNodeInfo is a node_info answer of the wrong shape.
var errNodeInfo = errors.New("malformed node_info answer")

// nodeStorageWire is a storage info object as received.
type nodeStorageWire struct {
	Name json.RawMessage `json:"name"`
	Type json.RawMessage `json:"type"`
	Free json.RawMessage `json:"storage_free"`
	Size json.RawMessage `json:"storage_size"`
}

// nodeHVWire is a hypervisor info object as received.
type nodeHVWire struct {
	MemoryTotal json.RawMessage `json:"memory_total"`
	MemoryFree  json.RawMessage `json:"memory_free"`
	MemoryDom0  json.RawMessage `json:"memory_dom0"`
	CPUTotal    json.RawMessage `json:"cpu_total"`
	CPUNodes    json.RawMessage `json:"cpu_nodes"`
	CPUSockets  json.RawMessage `json:"cpu_sockets"`
	CPUDom0     json.RawMessage `json:"cpu_dom0"`
	MemoryHV    json.RawMessage `json:"memory_hv"`
	HVVersion   json.RawMessage `json:"hv_version"`
}

// parseNodeInfo reads a node_info answer as strictly as Ganeti: a list of
// boot id, storage infos (name and type strings, optional integer
// storage_free and storage_size) and hypervisor infos (the integers of
// nodeHVKeys, optional integer memory_hv and list of integers
// hv_version); null stands for an unset optional value.
func parseNodeInfo(payload json.RawMessage) (*nodeInfo, error) {
	var parts []json.RawMessage
	if err := json.Unmarshal(payload, &parts); err != nil || len(parts) != 3 {
		return nil, errNodeInfo
	}
	info := &nodeInfo{}
	var storage []nodeStorageWire
	var hvs []nodeHVWire
	if !nodeReadString(parts[0], &info.bootID) ||
		!nodeIsList(parts[1]) || json.Unmarshal(parts[1], &storage) != nil ||
		!nodeIsList(parts[2]) || json.Unmarshal(parts[2], &hvs) != nil {
		return nil, errNodeInfo
	}
	var name string
	for _, w := range storage {
		var st nodeStorageInfo
		if !nodeReadString(w.Name, &name) || !nodeReadString(w.Type, &st.typ) ||
			!nodeReadOptInt(w.Free, &st.free) || !nodeReadOptInt(w.Size, &st.size) {
			return nil, errNodeInfo
		}
		info.storage = append(info.storage, st)
	}
	var memHV *int64
	for _, w := range hvs {
		var h nodeHVInfo
		for i, raw := range [...]json.RawMessage{w.MemoryTotal, w.MemoryFree, w.MemoryDom0, w.CPUTotal, w.CPUNodes, w.CPUSockets, w.CPUDom0} {
			var ok bool
			if h[i], ok = nodeReadInt(raw); !ok {
				return nil, errNodeInfo
			}
		}
		if !nodeReadOptInt(w.MemoryHV, &memHV) || !nodeReadOptIntList(w.HVVersion) {
			return nil, errNodeInfo
		}
		info.hv = append(info.hv, h)
	}
	return info, nil
}

// The readers below take parts of a document encoding/json validated.

// nodeIsNull reports whether raw is absent or null.
func nodeIsNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// nodeIsList reports whether raw is a JSON list.
func nodeIsList(raw json.RawMessage) bool {
	return len(raw) > 0 && raw[0] == '['
}

// nodeReadString reads a JSON string.
func nodeReadString(raw json.RawMessage, s *string) bool {
	if len(raw) < 2 || raw[0] != '"' {
		return false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		*s = string(raw[1 : len(raw)-1])
		return true
	}
	return json.Unmarshal(raw, s) == nil
}

// nodeReadInt reads an integer as Haskell's Int reads a JSON number:
// rounded half to even.
func nodeReadInt(raw json.RawMessage) (int64, bool) {
	if len(raw) == 0 || raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return 0, false
	}
	if i, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return i, true
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.Abs(f) >= 1<<63 {
		return 0, false
	}
	return int64(math.RoundToEven(f)), true
}

// nodeReadOptInt reads an optional integer: unset when absent or null.
func nodeReadOptInt(raw json.RawMessage, v **int64) bool {
	if nodeIsNull(raw) {
		*v = nil
		return true
	}
	i, ok := nodeReadInt(raw)
	*v = &i
	return ok
}

// nodeReadOptIntList checks an optional list of integers.
func nodeReadOptIntList(raw json.RawMessage) bool {
	if nodeIsNull(raw) {
		return true
	}
	var list []json.RawMessage
	if !nodeIsList(raw) || json.Unmarshal(raw, &list) != nil {
		return false
	}
	for _, e := range list {
		if _, ok := nodeReadInt(e); !ok {
			return false
		}
	}
	return true
}
