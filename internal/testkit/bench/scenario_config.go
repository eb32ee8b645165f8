package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/goluxid/goluxid/internal/testkit/configgen"
	"github.com/goluxid/goluxid/luxi"
)

// rapiBulkFields are the fields the RAPI daemon asks luxid for in a bulk
// listing (GET /2/instances?bulk=1, /2/nodes?bulk=1): Ganeti 3.0's
// I_FIELDS and N_FIELDS of lib/rapi/rlib2.py.
var rapiBulkFields = map[string][]string{
	"instance": {"name", "admin_state", "os", "pnode", "snodes", "disk_template",
		"nic.ips", "nic.macs", "nic.modes", "nic.uuids", "nic.names", "nic.links",
		"nic.networks", "nic.networks.names", "nic.bridges", "network_port",
		"disk.sizes", "disk.spindles", "disk_usage", "disk.uuids", "disk.names",
		"beparams", "hvparams", "oper_state", "oper_ram", "oper_vcpus", "status",
		"custom_hvparams", "custom_beparams", "custom_nicparams",
		"ctime", "mtime", "uuid", "serial_no", "tags"},
	"node": {"name", "offline", "master_candidate", "drained", "dtotal", "dfree",
		"sptotal", "spfree", "mtotal", "mnode", "mfree", "pinst_cnt", "sinst_cnt",
		"ctotal", "cnos", "cnodes", "csockets", "pip", "sip", "role",
		"pinst_list", "sinst_list", "master_capable", "vm_capable", "ndparams",
		"group.uuid", "ctime", "mtime", "uuid", "serial_no", "tags"},
}

// generatedCluster is the config of the query scenarios: instances
// instances on a tenth as many nodes in 4 groups; every node but the
// master is offline, and the bench runs no noded, so the live fields cost
// one refused connection. Above 5,000 instances their names are short
// enough for Ganeti's ssconf size limit.
func generatedCluster(instances int) func() ([]byte, error) {
	return func() ([]byte, error) {
		opts := configgen.Default()
		opts.Instances = instances
		opts.Nodes = max(instances/10, 4)
		opts.BareInstanceNames = instances > 5000
		return configgen.Marshal(opts)
	}
}

// queryConfigScenario queries every item of kind ("instance" or "node")
// of a generated cluster with instances instances, with the RAPI bulk
// fields, reps times after one untimed query.
func queryConfigScenario(kind string, instances, reps int) scenario {
	rows := instances
	if kind == "node" {
		rows = max(instances/10, 4)
	}
	return scenario{
		name:   fmt.Sprintf("query%ss-%d", kind, instances),
		family: fmt.Sprintf("query%ss", kind),
		about:  fmt.Sprintf("Query %s with the RAPI bulk fields over %d %ss (generated cluster, %d instances)", kind, rows, kind, instances),
		config: generatedCluster(instances),
		run: func(ctx context.Context, r *run) (*figures, error) {
			c, err := dial(ctx, r.socket())
			if err != nil {
				return nil, err
			}
			defer c.Close()
			if err := queryAll(ctx, c, kind, rows); err != nil {
				return nil, err
			}
			lat, l, err := timedUnderLoad(r.cluster.LuxidPid(), reps, func() error { return queryAll(ctx, c, kind, rows) })
			if err != nil {
				return nil, err
			}
			var f figures
			f.add("query time (median of runs)", "ms", Lower, ms(percentile(lat, 50)))
			f.add(kind+"s listed/s", "1/s", Higher, perSecond(rows, percentile(lat, 50)))
			l.addCPUPer(&f, "query", reps, "ms")
			l.addPeaks(&f)
			return &f, nil
		},
	}
}

// queryLimit bounds one query of a generated cluster: the Haskell luxid
// took over ten minutes for the nodes of the 10,000-instance cluster.
const queryLimit = 2 * time.Minute

// queryAll runs a Query of every item of kind with the RAPI bulk fields
// and checks the number of rows and that every cell has a status.
func queryAll(ctx context.Context, c *luxi.Client, kind string, want int) error {
	ctx, cancel := context.WithTimeout(ctx, queryLimit)
	defer cancel()
	raw, err := c.Call(ctx, "Query", []any{kind, rapiBulkFields[kind], nil})
	if err != nil {
		return fmt.Errorf("Query %s: %w", kind, err)
	}
	var answer struct {
		Data [][][2]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return fmt.Errorf("Query %s: answer: %w", kind, err)
	}
	if len(answer.Data) != want {
		return fmt.Errorf("Query %s listed %d, the cluster has %d", kind, len(answer.Data), want)
	}
	for _, row := range answer.Data {
		if len(row) != len(rapiBulkFields[kind]) {
			return fmt.Errorf("Query %s: a row of %d cells for %d fields", kind, len(row), len(rapiBulkFields[kind]))
		}
	}
	return nil
}
