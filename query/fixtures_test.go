package query

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/internal/hsjson"
)

// The fixtures model the cluster and job queue of the golden captures in
// testdata/query-cases.json: nodes node1 (master), node2 (candidate, tags),
// node3 (offline), node10 (drained), all unreachable; jobs 1 (archived), 2,
// 3, 7 (unparseable) and 10.

// hsFloat is a float that encodes as Ganeti's Haskell encoder writes it.
type hsFloat float64

func (f hsFloat) MarshalJSON() ([]byte, error) { return []byte(hsjson.FormatDouble(float64(f))), nil }

type testNode struct {
	uuid, name             string
	master, candidate      bool
	offline, drained       bool
	tags                   []string
	ctime                  hsFloat
	pinstCnt               int
	mfree                  int // live: free memory when reachable
	reachable              bool
	primaryIP, secondaryIP string
	groupUUID              string
}

// testNodes are in config map order: ascending UUID.
var testNodes = []*testNode{
	{uuid: "0f0f0f0f-0000-4000-8000-000000000010", name: "node10.example.com", drained: true, ctime: 1349722460.022264, mfree: 512},
	{uuid: "2ae3d962-2dad-44f2-bdb1-85f77107f907", name: "node2.example.com", candidate: true, tags: []string{"rack:a", "ssd"}, ctime: 1343869045.604884, pinstCnt: 1, mfree: 2048},
	{uuid: "41f9c238-173c-4120-9e41-04ad379b647a", name: "node3.example.com", offline: true, ctime: 1343869205.934807, pinstCnt: 1},
	{uuid: "9a12d554-75c0-4cb1-8064-103365145db0", name: "node1.example.com", master: true, candidate: true, ctime: 1349722460.022264, pinstCnt: 1, mfree: 64},
}

// nodeLive is the live data of a node: a status other than RSNormal when
// the node could not be asked.
type nodeLive struct {
	status ResultStatus
	mfree  int
	bootID string
}

func (n *testNode) role() string {
	switch {
	case n.master:
		return "M"
	case n.candidate:
		return "C"
	case n.drained:
		return "D"
	case n.offline:
		return "O"
	}
	return "R"
}

func nodeConfigField(name, title string, kind Kind, doc string, get func(*testNode) any) Field[*testNode, nodeLive] {
	return Field[*testNode, nodeLive]{
		FieldDefinition: FieldDefinition{name, title, kind, doc},
		Get:             func(n *testNode) Cell { return Normal(get(n)) },
	}
}

func nodeLiveField(name, title string, kind Kind, doc string, get func(nodeLive) any) Field[*testNode, nodeLive] {
	return Field[*testNode, nodeLive]{
		FieldDefinition: FieldDefinition{name, title, kind, doc},
		GetLive: func(_ *testNode, l nodeLive) Cell {
			if l.status != RSNormal {
				return Status(l.status)
			}
			return Normal(get(l))
		},
	}
}

// nodeTable has a few of the real node fields, defined as luxid does.
var nodeTable = func() *Table[*testNode, nodeLive] {
	name := nodeConfigField("name", "Node", KindText, "Node name", func(n *testNode) any { return n.name })
	name.Mode = ModeHostname
	return NewTable(
		name,
		nodeConfigField("uuid", "UUID", KindText, "Node UUID", func(n *testNode) any { return n.uuid }),
		nodeConfigField("offline", "Offline", KindBool, "Whether node is marked offline", func(n *testNode) any { return n.offline }),
		nodeConfigField("drained", "Drained", KindBool, "Whether node is drained", func(n *testNode) any { return n.drained }),
		nodeConfigField("master", "IsMaster", KindBool, "Whether node is master", func(n *testNode) any { return n.master }),
		nodeConfigField("master_candidate", "MasterC", KindBool, "Whether node is a master candidate", func(n *testNode) any { return n.candidate }),
		nodeConfigField("tags", "Tags", KindOther, "Tags", func(n *testNode) any { return append([]string{}, n.tags...) }),
		nodeConfigField("ctime", "CTime", KindTimestamp, "Creation timestamp", func(n *testNode) any { return n.ctime }),
		nodeConfigField("pinst_cnt", "Pinst", KindNumber, "Number of instances with this node as primary", func(n *testNode) any { return n.pinstCnt }),
		nodeConfigField("role", "Role", KindText, `Node role; "M" for master, "C" for master candidate, "R" for regular, "D" for drained, "O" for offline`, func(n *testNode) any { return n.role() }),
		nodeLiveField("mfree", "MFree", KindUnit, "Memory available for instance allocations", func(l nodeLive) any { return l.mfree }),
		nodeLiveField("bootid", "BootID", KindText, "Random UUID renewed for each system reboot, can be used for detecting reboots by tracking changes", func(l nodeLive) any { return l.bootID }),
	)
}()

// lookupNode finds a node by UUID, exact name or unique name prefix.
func lookupNode(key string) (*testNode, error) {
	var partial []*testNode
	for _, n := range testNodes {
		if n.uuid == key || n.name == key {
			return n, nil
		}
		if HostnameMatch(n.name, key) {
			partial = append(partial, n)
		}
	}
	switch len(partial) {
	case 1:
		return partial[0], nil
	case 0:
		return nil, gerrors.OpPrereq("Node name "+key+" not found", gerrors.CodeNoEnt)
	}
	return nil, gerrors.OpPrereq("Node name "+key+" has multiple matches", gerrors.CodeNoEnt)
}

// nodeRPC records which nodes live data was fetched for.
type nodeRPC struct {
	asked []string
}

// live answers like a cluster whose reachable nodes are those marked so.
func (r *nodeRPC) live(_ context.Context, nodes []*testNode, _ []string, emit func(*testNode, nodeLive) error) error {
	for _, n := range nodes {
		r.asked = append(r.asked, n.name)
		l := nodeLive{status: RSNoData}
		switch {
		case n.offline:
			l.status = RSOffline
		case n.reachable:
			l = nodeLive{mfree: n.mfree, bootID: "boot-" + n.uuid[:4]}
		}
		if err := emit(n, l); err != nil {
			return err
		}
	}
	return nil
}

// nodeResource returns the node resource over nodes (testNodes if nil).
func nodeResource(nodes []*testNode, rpc *nodeRPC) *Resource[*testNode, nodeLive] {
	if nodes == nil {
		nodes = testNodes
	}
	return &Resource[*testNode, nodeLive]{
		Table:     nodeTable,
		NameField: "name",
		Select: SelectByName(
			func() []*testNode { return slices.Clone(nodes) },
			func(n *testNode) string { return n.name },
			lookupNode),
		Live: rpc.live,
	}
}

// testJob is a loaded job file; nil for a missing or unparseable one.
type testJob struct {
	status   string
	archived bool
	start    []int64
	opstatus []string
}

var (
	liveJobs = map[uint64]*testJob{
		2:  {status: "error", start: []int64{1400000100, 0}, opstatus: []string{"success", "error"}},
		3:  {status: "canceled", opstatus: []string{"canceled"}},
		7:  nil, // job-7 holds invalid JSON
		10: {status: "success", start: []int64{1400000300, 0}, opstatus: []string{"success"}},
	}
	archivedJobs = map[uint64]*testJob{
		1: {status: "success", archived: true, start: []int64{1400000001, 0}, opstatus: []string{"success"}},
	}
)

// jobGetters are the getters of the fake job resource.
var jobGetters = map[string]func(*testJob) any{
	"status":   func(j *testJob) any { return j.status },
	"archived": func(j *testJob) any { return j.archived },
	"priority": func(*testJob) any { return 0 },
	"start_ts": func(j *testJob) any { return j.start },
	"opstatus": func(j *testJob) any { return j.opstatus },
}

// jobTable has the job fields the golden cases use, defined as luxid does.
var jobTable = func() *Table[uint64, *testJob] {
	live := func(name, title string, kind Kind, doc string) Field[uint64, *testJob] {
		return Field[uint64, *testJob]{FieldDefinition: FieldDefinition{name, title, kind, doc}, GetLive: jobGetter(jobGetters[name])}
	}
	start := live("start_ts", "Start", KindOther, "Timestamp of job start (tuple containing seconds and microseconds)")
	start.Mode = ModeTimestamp
	return NewTable(
		Field[uint64, *testJob]{
			FieldDefinition: FieldDefinition{"id", "ID", KindNumber, "Job ID"},
			Get:             func(id uint64) Cell { return Normal(id) },
		},
		live("status", "Status", KindText, "Job status"),
		live("priority", "Priority", KindNumber, "Current job priority (19 to -20)"),
		live("archived", "Archived", KindBool, "Whether job is archived"),
		live("opstatus", "OpCode_status", KindOther, "List of opcodes status"),
		start,
	)
}()

func jobGetter(get func(*testJob) any) func(uint64, *testJob) Cell {
	return func(_ uint64, j *testJob) Cell {
		if j == nil || get == nil {
			return Status(RSUnavail)
		}
		if v := get(j); v != nil && !(isNilSlice(v)) {
			return Normal(v)
		}
		return Status(RSUnavail)
	}
}

func isNilSlice(v any) bool {
	s, ok := v.([]int64)
	return ok && s == nil
}

// jobResource selects jobs as luxid does: the requested ids in request
// order, else every live job (and the archived ones when the archived
// field is involved) in id order.
var jobResource = &Resource[uint64, *testJob]{
	Table:     jobTable,
	NameField: "id",
	Select: func(_ context.Context, names []Value, fields []string) ([]uint64, error) {
		if ids := requestedJobIDs(names); len(ids) > 0 {
			return ids, nil
		}
		var ids []uint64
		for id := range liveJobs {
			ids = append(ids, id)
		}
		if slices.Contains(fields, "archived") {
			for id := range archivedJobs {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		return ids, nil
	},
	Live: func(_ context.Context, ids []uint64, _ []string, emit func(uint64, *testJob) error) error {
		for _, id := range ids {
			job, ok := archivedJobs[id]
			if !ok {
				job = liveJobs[id]
			}
			if err := emit(id, job); err != nil {
				return err
			}
		}
		return nil
	},
}

// requestedJobIDs reads the job ids a query names, first occurrences
// only; the golden cases name valid ids only.
func requestedJobIDs(names []Value) []uint64 {
	var ids []uint64
	for _, n := range names {
		i, _ := n.Int64()
		id := uint64(i)
		if s, ok := n.Text(); ok {
			id, _ = strconv.ParseUint(s, 10, 64)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// joinNames is strings.Join for readability of expectations.
func joinNames(names ...string) string { return strings.Join(names, ",") }

// WithMatchTimeout sets how long one regular expression match of the
// filter may run before the evaluation fails; DefaultMatchTimeout if not
// given or not positive.
func WithMatchTimeout(d time.Duration) ParseOption {
	return func(p *parser) {
		if d > 0 {
			p.timeout = d
		}
	}
}

// IsInt reports whether v is an integer (and not a string).
func (v Value) IsInt() bool { return v.isInt }
