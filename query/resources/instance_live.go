package resources

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
)

// Live data of instances: all_instances_info on the primary nodes of the
// instances, instance_console_info when the console field is involved, and
// the instance status computed from them.

// Instance states in all_instances_info answers.
const (
	instStateRunning  = 0
	instStateShutdown = 1
)

// instInfo is what a node's hypervisor says about one instance.
type instInfo struct {
	Memory, State, VCPUs, Time int
}

// instLive is the runtime of one instance.
type instLive struct {
	// errStatus is RSNoData or RSOffline when the runtime is an error
	// (the primary node failed, or gave no answer); RSNormal otherwise.
	errStatus query.ResultStatus
	// info is the instance's live information, nil when it runs
	// nowhere; onPrimary tells whether it came from the primary node.
	info      *instInfo
	onPrimary bool
	// console is the console information, nil when there is none.
	console hsjson.Object
}

// errInstNoRPC is the failure of every node when there is no RPC client.
var errInstNoRPC = errors.New("no node RPC client")

// instCallNodes calls procedure on nodes through rpc and returns each
// node's result by uuid. Without a client every node fails, except the
// offline ones, which are never contacted. No call is made for no nodes.
func instCallNodes(ctx context.Context, rpc NodeRPC, procedure string, nodes []*objects.Node, body func(*objects.Node) any) map[string]NodeResult {
	if len(nodes) == 0 {
		return map[string]NodeResult{}
	}
	if rpc == nil {
		res := make(map[string]NodeResult, len(nodes))
		for _, n := range nodes {
			if n.Offline {
				res[n.UUID] = NodeResult{Offline: true}
			} else {
				res[n.UUID] = NodeResult{Err: errInstNoRPC}
			}
		}
		return res
	}
	return rpc.Call(ctx, procedure, nodes, body)
}

// instResultStatus returns the status of cells depending on a failed
// node result: RSOffline for offline nodes, RSNoData otherwise.
func instResultStatus(r NodeResult) query.ResultStatus {
	if r.Offline {
		return query.RSOffline
	}
	return query.RSNoData
}

// instNodeAnswer is one node's all_instances_info answer.
type instNodeAnswer struct {
	uuid string
	// status is RSNormal for a good answer, else the failure's status.
	status query.ResultStatus
	// infos maps instance name to its information; nil for a name the
	// node listed more than once.
	infos map[string]*instInfo
}

// live fetches the live data of items and hands each item with its
// runtime to emit.
func (q *instQuery) live(ctx context.Context, items []*instItem, fields []string, emit func(*instItem, *instLive) error) error {
	nodes := q.primaryNodes(items)
	body := q.allInstancesInfoBody(items)
	results := instCallNodes(ctx, q.env.RPC, "all_instances_info", nodes, func(*objects.Node) any { return body })
	answers := make([]instNodeAnswer, len(nodes))
	byUUID := make(map[string]*instNodeAnswer, len(nodes))
	anywhere := map[string]*instInfo{} // name → entry of the first node listing it once
	for i, n := range nodes {
		answers[i] = parseAllInstancesInfo(n.UUID, results)
		byUUID[n.UUID] = &answers[i]
		for name, info := range answers[i].infos {
			if _, seen := anywhere[name]; !seen && info != nil {
				anywhere[name] = info
			}
		}
	}
	var consoles map[string]hsjson.Object
	if slices.Contains(fields, "console") {
		consoles = q.consoles(ctx, items)
	}
	for _, it := range items {
		rt := instRuntime(it.inst, byUUID, anywhere)
		if rt.errStatus == query.RSNormal {
			if name, ok := it.name(); ok {
				rt.console = consoles[name]
			}
		}
		if err := emit(it, rt); err != nil {
			return err
		}
	}
	return nil
}

// primaryNodes returns the primary nodes of items, each once, in item
// order, leaving out unresolvable ones and those whose group is missing.
func (q *instQuery) primaryNodes(items []*instItem) []*objects.Node {
	var nodes []*objects.Node
	seen := map[*objects.Node]bool{}
	for _, it := range items {
		if it.inst.PrimaryNode == "" {
			continue
		}
		n := q.ix.node(it.inst.PrimaryNode)
		if n == nil || seen[n] {
			continue
		}
		seen[n] = true
		if _, ok := q.cfg.NodeGroups[n.Group]; ok {
			nodes = append(nodes, n)
		}
	}
	return nodes
}

// allInstancesInfoBody returns the argument of all_instances_info: the
// distinct hypervisors of items, in item order, and the cluster's
// parameters of each (keyed in Ganeti's hypervisor order).
func (q *instQuery) allInstancesInfoBody(items []*instItem) []any {
	hvs := []string{}
	params := map[string]objects.Params{}
	for _, it := range items {
		hv := it.inst.Hypervisor
		if hv == "" || !it.has("hypervisor") {
			continue
		}
		if _, ok := params[hv]; !ok {
			hvs = append(hvs, hv)
			params[hv] = q.cfg.Cluster.HVParams[hv]
		}
	}
	return []any{hvs, objects.EncodeHVParams(params)}
}

// parseAllInstancesInfo reads the answer of node uuid. An answer that is
// not an object of instance information is a failure of the node.
func parseAllInstancesInfo(uuid string, results map[string]NodeResult) instNodeAnswer {
	ans := instNodeAnswer{uuid: uuid}
	r, ok := results[uuid]
	switch {
	case !ok:
		ans.status = query.RSNoData
		return ans
	case r.Offline || r.Err != nil:
		ans.status = instResultStatus(r)
		return ans
	}
	members, err := instObjectMembers(r.Payload)
	if err != nil {
		ans.status = query.RSNoData
		return ans
	}
	ans.infos = make(map[string]*instInfo, len(members))
	for _, m := range members {
		info, err := parseInstInfo(m.Value)
		if err != nil {
			return instNodeAnswer{uuid: uuid, status: query.RSNoData}
		}
		if _, dup := ans.infos[m.Key]; dup {
			ans.infos[m.Key] = nil // Ganeti wants a unique entry
			continue
		}
		ans.infos[m.Key] = info
	}
	return ans
}

// instReadInt reads a JSON number as Haskell reads an Int: rounded to
// the nearest integer.
func instReadInt(n json.Number) (int, error) {
	if i, err := n.Int64(); err == nil {
		return int(i), nil
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("bad number %s", n)
	}
	return int(math.RoundToEven(f)), nil
}

// instRuntime finds an instance's runtime among the node answers as
// Ganeti's getInstanceInfo does: the primary node's entry first, else
// the entry of the first node (in call order) listing the instance, a
// wrong node (anywhere); else the primary node's failure, or "not
// running" if it answered. A primary node that was not asked
// (unresolvable, invalid group) is a failure.
func instRuntime(inst *objects.Instance, byUUID map[string]*instNodeAnswer, anywhere map[string]*instInfo) *instLive {
	if inst.PrimaryNode == "" {
		return &instLive{}
	}
	primary := byUUID[inst.PrimaryNode]
	if primary != nil && primary.status == query.RSNormal {
		if info := primary.infos[inst.Name]; info != nil {
			return &instLive{info: info, onPrimary: true}
		}
	}
	if info := anywhere[inst.Name]; info != nil {
		return &instLive{info: info}
	}
	switch {
	case primary == nil:
		return &instLive{errStatus: query.RSNoData} // "Node response not present"
	case primary.status != query.RSNormal:
		return &instLive{errStatus: primary.status}
	}
	return &instLive{}
}

// consoles fetches the console information of items from their primary
// nodes, keyed by instance name. When the parameters of one instance
// cannot be built, nothing is fetched (Ganeti then makes every console
// cell "no data").
func (q *instQuery) consoles(ctx context.Context, items []*instItem) map[string]hsjson.Object {
	sorted := slices.Clone(items)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].inst.PrimaryNode < sorted[j].inst.PrimaryNode })
	var nodes []*objects.Node
	bodies := map[*objects.Node]map[string]hsjson.Object{}
	encoded := map[any]json.RawMessage{} // nodes and groups, written once
	encode := func(v any) json.RawMessage {
		if data, ok := encoded[v]; ok {
			return data
		}
		data, err := hsjson.Marshal(v)
		if err != nil {
			data = json.RawMessage("null")
		}
		encoded[v] = data
		return data
	}
	for _, it := range sorted {
		it.primary()
		be, beOK := it.beParams()
		if it.pnode == nil || it.pgroup == nil || !beOK {
			return nil
		}
		name, ok := it.name()
		if !ok {
			continue
		}
		body, seen := bodies[it.pnode]
		if !seen {
			body = map[string]hsjson.Object{}
			bodies[it.pnode] = body
			nodes = append(nodes, it.pnode)
		}
		body[name] = hsjson.Object{
			hsjson.KV("instance", it.inst),
			hsjson.KV("node", encode(it.pnode)),
			hsjson.KV("group", encode(it.pgroup)),
			hsjson.KV("hvParams", it.hvParams(false)),
			hsjson.KV("beParams", objects.EncodeBEParams(be)),
		}
	}
	results := instCallNodes(ctx, q.env.RPC, "instance_console_info", nodes, func(n *objects.Node) any { return bodies[n] })
	consoles := map[string]hsjson.Object{}
	ambiguous := map[string]bool{}
	for _, n := range nodes {
		r, ok := results[n.UUID]
		if !ok || r.Offline || r.Err != nil {
			continue
		}
		infos, err := parseConsoleInfos(r.Payload)
		if err != nil {
			continue
		}
		for _, info := range infos {
			if _, dup := consoles[info.key]; dup {
				ambiguous[info.key] = true
			}
			consoles[info.key] = info.value
		}
	}
	for name := range ambiguous {
		delete(consoles, name)
	}
	return consoles
}

// instConsole is one instance's console information.
type instConsole struct {
	key   string
	value hsjson.Object
}

// parseConsoleInfos reads an instance_console_info answer: instance name
// to console information, each rewritten with Ganeti's keys in its
// order. Any malformed entry makes the whole answer unusable.
func parseConsoleInfos(data []byte) ([]instConsole, error) {
	members, err := instObjectMembers(data)
	if err != nil {
		return nil, err
	}
	out := make([]instConsole, 0, len(members))
	for _, m := range members {
		var raw struct {
			Instance *string
			Kind     *string
			Message  *string
			Host     *string
			Port     *json.Number
			User     *string
			Command  *[]string
			Display  *string
		}
		if err := json.Unmarshal(m.Value, &raw); err != nil {
			return nil, err
		}
		if raw.Instance == nil || raw.Kind == nil {
			return nil, errors.New("console info: missing instance or kind")
		}
		obj := hsjson.Object{hsjson.KV("instance", *raw.Instance), hsjson.KV("kind", *raw.Kind)}
		if raw.Message != nil {
			obj = append(obj, hsjson.KV("message", *raw.Message))
		}
		if raw.Host != nil {
			obj = append(obj, hsjson.KV("host", *raw.Host))
		}
		if raw.Port != nil {
			port, err := instReadInt(*raw.Port)
			if err != nil {
				return nil, err
			}
			obj = append(obj, hsjson.KV("port", port))
		}
		if raw.User != nil {
			obj = append(obj, hsjson.KV("user", *raw.User))
		}
		if raw.Command != nil {
			obj = append(obj, hsjson.KV("command", append([]string{}, *raw.Command...)))
		}
		if raw.Display != nil {
			obj = append(obj, hsjson.KV("display", *raw.Display))
		}
		out = append(out, instConsole{key: m.Key, value: obj})
	}
	return out, nil
}

// Instance status values (Ganeti's InstanceStatus).
const (
	instStatusRunning       = "running"
	instStatusAdminDown     = "ADMIN_down"
	instStatusAdminOffline  = "ADMIN_offline"
	instStatusErrorDown     = "ERROR_down"
	instStatusErrorUp       = "ERROR_up"
	instStatusNodeDown      = "ERROR_nodedown"
	instStatusNodeOffline   = "ERROR_nodeoffline"
	instStatusUserDown      = "USER_down"
	instStatusWrongNode     = "ERROR_wrongnode"
	instUserShutdownHVParam = "user_shutdown"
)

// status computes the instance status: the primary node's offline flag
// first, then the runtime.
func (it *instItem) status(rt *instLive) string {
	inst := it.inst
	if inst.PrimaryNode != "" {
		if pn := it.q.ix.node(inst.PrimaryNode); pn != nil && pn.Offline {
			return instStatusNodeOffline
		}
	}
	admin, hasAdmin := inst.AdminState, it.has("admin_state")
	switch {
	case rt.errStatus != query.RSNormal:
		return instStatusNodeDown
	case rt.info != nil:
		return it.liveStatus(rt, admin, hasAdmin)
	}
	// Not running anywhere.
	switch {
	case !hasAdmin:
		return instStatusAdminDown
	case admin == objects.AdminUp:
		return instStatusErrorDown
	case admin == objects.AdminOffline:
		return instStatusAdminOffline
	case admin == objects.AdminDown && it.has("admin_state_source") &&
		inst.AdminStateSource == objects.AdminSourceUser && it.q.cfg.Cluster.EnabledUserShutdown:
		return instStatusUserDown
	}
	return instStatusAdminDown
}

// liveStatus is the status of an instance some node reports.
func (it *instItem) liveStatus(rt *instLive, admin string, hasAdmin bool) string {
	up := hasAdmin && admin == objects.AdminUp
	switch {
	case !rt.onPrimary:
		return instStatusWrongNode
	case rt.info.State == instStateRunning && up:
		return instStatusRunning
	case rt.info.State == instStateRunning:
		return instStatusErrorUp
	case up && it.userDownAllowed():
		return instStatusUserDown
	case up:
		return instStatusErrorDown
	}
	return instStatusAdminDown
}

// userDownAllowed reports whether a shutdown of the instance from inside
// counts as USER_down: user shutdown is enabled cluster-wide and the
// hypervisor is not KVM or has user_shutdown set.
func (it *instItem) userDownAllowed() bool {
	if !it.q.cfg.Cluster.EnabledUserShutdown {
		return false
	}
	if it.inst.Hypervisor != "kvm" || !it.has("hypervisor") {
		return true
	}
	v, ok := it.hvParam(instUserShutdownHVParam)
	return ok && string(bytes.TrimSpace(v)) == "true"
}
