package resources

import (
	"context"
	"encoding/json"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/query"
)

// The instance resource: every field of Ganeti's instance queries
// (instance_fields.go), the live data of the primary nodes
// (instance_live.go) and the instance status.

func init() {
	register("instance", func(env Env) (Queryable, error) { return instanceResource{env: env}, nil })
}

// instanceResource answers instance queries over one environment.
type instanceResource struct {
	env Env
}

// Query runs a Query over the instances.
func (r instanceResource) Query(ctx context.Context, fields []string, flt *query.Filter) (*query.Result, error) {
	return newInstQuery(r.env).resource().Query(ctx, fields, flt)
}

// QueryFields answers QueryFields over the instance fields.
func (instanceResource) QueryFields(names []string) query.FieldsResult {
	return instTable.QueryFields(names)
}

// ClassicFields are the fields QueryInstances matches names against.
func (instanceResource) ClassicFields() []string { return []string{"name", "uuid"} }

// instQuery is the state of one instance query: the configuration, its
// index and what every item shares.
type instQuery struct {
	env Env
	cfg *objects.ConfigData
	ix  *instIndex
	// defNIC is the cluster's default NIC parameters.
	defNIC objects.FilledNICParams
	// defBE is the cluster's default backend parameters; defBEOK is
	// false when the cluster has none, which leaves beparams without data.
	defBE   objects.FilledBEParams
	defBEOK bool
	// values caches the Haskell form of parameter values, which many
	// instances share (most come from the cluster's defaults).
	values map[string]json.RawMessage
	// sharedHV holds the filled hypervisor parameters of instances
	// without parameters of their own, by hypervisor, OS and whether the
	// global ones are left out: those instances share one (read-only) map.
	sharedHV map[instHVKey]map[string]json.RawMessage
}

// instHVKey tells apart the filled hypervisor parameters of instances
// without parameters of their own.
type instHVKey struct {
	hypervisor, os string
	skipGlobals    bool
}

// newInstQuery prepares a query over env.
func newInstQuery(env Env) *instQuery {
	q := &instQuery{
		env:      env,
		cfg:      env.Config,
		ix:       instIndexFor(env.Config),
		values:   map[string]json.RawMessage{},
		sharedHV: map[instHVKey]map[string]json.RawMessage{},
	}
	// Ganeti requires the cluster's default NIC parameters; without them
	// the built-in defaults stand in.
	q.defNIC, _ = q.cfg.Cluster.FilledNICParams()
	q.defBE, q.defBEOK = q.cfg.Cluster.FilledBEParams()
	return q
}

// resource returns the query resource of q.
func (q *instQuery) resource() *query.Resource[*instItem, *instLive] {
	return &query.Resource[*instItem, *instLive]{
		Table:     instTable,
		NameField: "name",
		Select:    q.selectItems,
		Live:      q.live,
	}
}

// selectItems returns the items a query runs over: the wanted instances
// in order, duplicates kept, when the filter names some (a failed lookup
// fails the query), else all of them in niceSort order of names.
func (q *instQuery) selectItems(_ context.Context, names []query.Value, _ []string) ([]*instItem, error) {
	wanted := query.StringNames(names)
	if len(wanted) == 0 {
		return q.all(), nil
	}
	items := make([]*instItem, len(wanted))
	for i, key := range wanted {
		inst, err := q.ix.findInstance(key)
		if err != nil {
			return nil, err
		}
		items[i] = &instItem{q: q, inst: inst}
	}
	return items, nil
}

// all returns every instance as an item, in niceSort order of names.
func (q *instQuery) all() []*instItem {
	q.ix.instances()
	items := make([]*instItem, len(q.ix.instSorted))
	backing := make([]instItem, len(items))
	for i, inst := range q.ix.instSorted {
		backing[i] = instItem{q: q, inst: inst}
		items[i] = &backing[i]
	}
	return items
}

// Bits of instItem.done: which lazily computed values are there.
const (
	doneKeys = 1 << iota
	donePrimary
	doneDisks
	doneSecondaries
	doneBE
	doneNICs
	doneHV
)

// instItem is one instance of a query with the values its fields share,
// computed on first use. Items are used by one goroutine at a time.
type instItem struct {
	q    *instQuery
	inst *objects.Instance
	done uint

	// keys are the keys a forthcoming instance has (others have all).
	keys map[string]json.RawMessage
	// pnode is the primary node as Ganeti's getPrimaryNode finds it, nil
	// on failure; pgroup is its group, nil if missing.
	pnode  *objects.Node
	pgroup *objects.NodeGroup
	// disks are the instance's disks; disksOK is false if one is missing.
	disks   []*objects.Disk
	disksOK bool
	// snodes are the secondary nodes; snodesOK is false on failure.
	snodes   []*objects.Node
	snodesOK bool
	be       objects.FilledBEParams
	beOK     bool
	nics     []objects.FilledNICParams
	// hvCluster and hvOS are the cluster's and the OS's hypervisor
	// parameters below the instance's own.
	hvCluster, hvOS objects.Params
}

// has reports whether the instance has a value for key. Only
// forthcoming instances may lack the keys Ganeti otherwise requires.
func (it *instItem) has(key string) bool {
	if !it.inst.Forthcoming {
		return true
	}
	if it.done&doneKeys == 0 {
		it.done |= doneKeys
		if data, err := json.Marshal(it.inst); err == nil {
			_ = json.Unmarshal(data, &it.keys)
		}
	}
	v, ok := it.keys[key]
	return ok && string(v) != "null"
}

// name returns the instance name, false when missing.
func (it *instItem) name() (string, bool) {
	return it.inst.Name, it.has("name")
}

// primary computes the primary node and its group as Ganeti's
// getPrimaryNode does: the primary node of the instance found by exact
// name, looked up by uuid or name.
func (it *instItem) primary() {
	if it.done&donePrimary != 0 {
		return
	}
	it.done |= donePrimary
	name, ok := it.name()
	if !ok {
		return
	}
	named := it.q.ix.instanceNamed(name)
	if named == nil || named.PrimaryNode == "" {
		return
	}
	it.pnode = it.q.ix.node(named.PrimaryNode)
	if it.pnode != nil {
		it.pgroup = it.q.cfg.NodeGroups[it.pnode.Group]
	}
}

// diskList computes the instance's disks.
func (it *instItem) diskList() ([]*objects.Disk, bool) {
	if it.done&doneDisks == 0 {
		it.done |= doneDisks
		it.disks, it.disksOK = instDisks(it.q.cfg, it.inst)
	}
	return it.disks, it.disksOK
}

// instDisks returns the disks of inst, false if one is not in the
// configuration.
func instDisks(cfg *objects.ConfigData, inst *objects.Instance) ([]*objects.Disk, bool) {
	disks := make([]*objects.Disk, len(inst.Disks))
	for i, u := range inst.Disks {
		d, ok := cfg.Disks[u]
		if !ok {
			return nil, false
		}
		disks[i] = d
	}
	return disks, true
}

// secondaries computes the secondary nodes as Ganeti's
// getSecondaryNodes does: the nodes of the DRBD disks (and their
// children) of the instance found by exact name, each once, without the
// primary node.
func (it *instItem) secondaries() ([]*objects.Node, bool) {
	if it.done&doneSecondaries != 0 {
		return it.snodes, it.snodesOK
	}
	it.done |= doneSecondaries
	it.primary()
	name, ok := it.name()
	if it.pnode == nil || !ok {
		return nil, false
	}
	named := it.q.ix.instanceNamed(name)
	disks, ok := instDisks(it.q.cfg, named)
	if !ok {
		return nil, false
	}
	seen := map[*objects.Node]bool{it.pnode: true}
	snodes := []*objects.Node{}
	var walk func(d *objects.Disk)
	walk = func(d *objects.Disk) {
		if drbd := d.LogicalID.DRBD; drbd != nil {
			for _, key := range []string{drbd.NodeA, drbd.NodeB} {
				if n := it.q.ix.node(key); n != nil && !seen[n] {
					seen[n] = true
					snodes = append(snodes, n)
				}
			}
		}
		for _, c := range d.Children {
			walk(c)
		}
	}
	for _, d := range disks {
		walk(d)
	}
	it.snodes, it.snodesOK = snodes, true
	return snodes, true
}

// beParams returns the filled backend parameters, false when the
// cluster has no defaults.
func (it *instItem) beParams() (objects.FilledBEParams, bool) {
	if it.done&doneBE == 0 {
		it.done |= doneBE
		if it.q.defBEOK {
			it.be, it.beOK = objects.FillBEParams(it.q.defBE, it.inst.BEParams), true
		}
	}
	return it.be, it.beOK
}

// nicParams returns the filled parameters of every NIC.
func (it *instItem) nicParams() []objects.FilledNICParams {
	if it.done&doneNICs == 0 {
		it.done |= doneNICs
		it.nics = make([]objects.FilledNICParams, len(it.inst.NICs))
		for i, nic := range it.inst.NICs {
			it.nics[i] = objects.FillNICParams(it.q.defNIC, nic.NICParams)
		}
	}
	return it.nics
}

// hvLevels finds the cluster's and OS's hypervisor parameters of the
// instance's hypervisor.
func (it *instItem) hvLevels() {
	if it.done&doneHV == 0 {
		it.done |= doneHV
		cl := it.q.cfg.Cluster
		it.hvCluster = cl.HVParams[it.inst.Hypervisor]
		it.hvOS = cl.OSHVP[it.inst.OS][it.inst.Hypervisor]
	}
}

// hvParam returns one filled hypervisor parameter: the instance's own
// value, else the OS's, else the cluster's. Global parameters have none.
func (it *instItem) hvParam(key string) (json.RawMessage, bool) {
	if isHVGlobal(key) {
		return nil, false
	}
	if v, ok := it.inst.HVParams[key]; ok {
		return v, true
	}
	it.hvLevels()
	if v, ok := it.hvOS[key]; ok {
		return v, true
	}
	v, ok := it.hvCluster[key]
	return v, ok
}

// hvParams returns the filled hypervisor parameters, without the global
// ones when skipGlobals is set. The map must not be changed.
func (it *instItem) hvParams(skipGlobals bool) map[string]json.RawMessage {
	if len(it.inst.HVParams) != 0 {
		return it.mergeHVParams(skipGlobals)
	}
	key := instHVKey{it.inst.Hypervisor, it.inst.OS, skipGlobals}
	if m, ok := it.q.sharedHV[key]; ok {
		return m
	}
	m := it.mergeHVParams(skipGlobals)
	it.q.sharedHV[key] = m
	return m
}

// mergeHVParams computes the filled hypervisor parameters.
func (it *instItem) mergeHVParams(skipGlobals bool) map[string]json.RawMessage {
	it.hvLevels()
	out := make(map[string]json.RawMessage, len(it.hvCluster)+len(it.hvOS)+len(it.inst.HVParams))
	for _, level := range []objects.Params{it.hvCluster, it.hvOS, it.inst.HVParams} {
		for k, v := range level {
			if !skipGlobals || !isHVGlobal(k) {
				out[k] = it.q.value(v)
			}
		}
	}
	return out
}

// value returns a parameter value from config.data as the Haskell luxid
// writes it (see objects.Value), computed once per query and value.
func (q *instQuery) value(raw json.RawMessage) json.RawMessage {
	if v, ok := q.values[string(raw)]; ok {
		return v
	}
	enc, err := objects.Value(raw).MarshalJSON()
	if err != nil {
		enc = raw // not valid JSON: let the encoder report it
	}
	q.values[string(raw)] = enc
	return enc
}

// isHVGlobal reports whether key is a cluster-wide hypervisor parameter.
func isHVGlobal(key string) bool {
	for _, g := range objects.HVGlobals {
		if g == key {
			return true
		}
	}
	return false
}
