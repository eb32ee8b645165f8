package compat_test

import (
	"encoding/json"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/configgen"
	"github.com/goluxid/goluxid/internal/testkit/hang"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// allFields lists every field of a query kind from the real luxid's field
// catalogue (kept with the resources' tests).
func allFields(t *testing.T, kind string) string {
	t.Helper()
	data, err := os.ReadFile("../query/resources/testdata/" + kind + "-fields.json")
	require.NoError(t, err)
	var defs []struct {
		Name string `json:"name"`
	}
	require.NoError(t, json.Unmarshal(data, &defs))
	names := make([]string, len(defs))
	for i, d := range defs {
		names[i] = d.Name
	}
	return strings.Join(names, ",")
}

// TestQueries compares the list commands of nodes, instances, groups and
// networks on both luxids, with every field, with filters and with the live
// data of a real noded for the master (the other nodes are offline).
func TestQueries(t *testing.T) {
	compareOnBothLuxids(t, sandbox.Options{Noded: true}, []clientCase{
		{name: "node-list", cmd: []string{"gnt-node", "list"}},
		{name: "node-list-fields", cmd: []string{"gnt-node", "list-fields"}},
		{name: "node-config-fields", cmd: []string{"gnt-node", "list", "-o", "name,pip,sip,master_candidate,offline,drained,group,role,pinst_cnt,sinst_cnt,pinst_list,sinst_list,tags,ctime,mtime,serial_no,ndparams,custom_ndparams"}, norms: []normalization{nodeIPs, columnSpacing}},
		{name: "node-filter", cmd: []string{"gnt-node", "list", "--filter", `name =~ "^node[12]" and not offline`}},
		{name: "node-filter-bad", cmd: []string{"gnt-node", "list", "--filter", `bogus == 1`}},
		{name: "instance-list", cmd: []string{"gnt-instance", "list"}},
		{name: "instance-list-fields", cmd: []string{"gnt-instance", "list-fields"}},
		{name: "instance-all-fields", cmd: []string{"gnt-instance", "list", "--separator=|", "-o", allFields(t, "instance")}},
		{name: "instance-filter", cmd: []string{"gnt-instance", "list", "--filter", `pnode == "node2.example.com" or admin_state == "up"`}},
		{name: "group-all-fields", cmd: []string{"gnt-group", "list", "--separator=|", "-o", allFields(t, "group")}},
		{name: "group-list-fields", cmd: []string{"gnt-group", "list-fields"}},
		{name: "network-all-fields", cmd: []string{"gnt-network", "list", "--separator=|", "-o", allFields(t, "network")}},
		{name: "network-info", cmd: []string{"gnt-network", "info"}},
		{name: "group-info", cmd: []string{"gnt-group", "info"}},
		{name: "backup-list", cmd: []string{"gnt-backup", "list"}},
	})
}

// nodeIPs replaces the master's loopback address, which each sandbox with
// noded chooses for itself.
var nodeIPs = normalization{
	name: "node-ips",
	apply: func(t *testing.T, luxid string, r *result) {
		r.stdout = loopbackRE.ReplaceAllString(r.stdout, "<ip>")
	},
}

// TestQueriesOnGeneratedConfig compares the list commands on a generated
// cluster of 100 nodes in 3 groups with 1,000 instances of every disk
// template and NIC mode, networks and filter rules (internal/testkit/configgen),
// with every field; the master's live data comes from a real noded, every
// other node is offline.
func TestQueriesOnGeneratedConfig(t *testing.T) {
	opts := configgen.Default()
	opts.Nodes, opts.Groups, opts.Instances = 100, 3, 1000
	data, err := configgen.Marshal(opts)
	require.NoError(t, err)
	compareOnBothLuxids(t, sandbox.Options{Noded: true, BaseConfig: data}, []clientCase{
		{name: "node-all-fields", cmd: []string{"gnt-node", "list", "--separator=|", "-o", allFields(t, "node")}, norms: []normalization{nodeIPs}},
		{name: "instance-all-fields", cmd: []string{"gnt-instance", "list", "--separator=|", "-o", allFields(t, "instance")}},
		{name: "instance-filter", cmd: []string{"gnt-instance", "list", "--separator=|", "--filter", `(disk_template == "drbd" and be/memory > 512) or name =~ "7$"`}},
		{name: "group-all-fields", cmd: []string{"gnt-group", "list", "--separator=|", "-o", allFields(t, "group")}},
		{name: "network-all-fields", cmd: []string{"gnt-network", "list", "--separator=|", "-o", allFields(t, "network")}},
		{name: "filter-list", cmd: []string{"gnt-filter", "list", "--separator=|"}},
		{name: "cluster-info", cmd: []string{"gnt-cluster", "info"}},
	})
}

// TestQueriesWithUnreachableNodes compares the live fields of a generated
// cluster of 50 online nodes whose addresses refuse connections (every node
// but the master), so that every live-data failure path shows: nodes
// without data, instances on unreachable nodes.
func TestQueriesWithUnreachableNodes(t *testing.T) {
	opts := configgen.Default()
	opts.Nodes, opts.Groups, opts.Instances = 50, 2, 200
	opts.Others = configgen.Unreachable
	data, err := configgen.Marshal(opts)
	require.NoError(t, err)
	nodes, instances := rowsAtLeast(opts.Nodes), rowsAtLeast(opts.Instances)
	compareOnBothLuxids(t, sandbox.Options{Noded: true, BaseConfig: data}, []clientCase{
		{name: "node-list", cmd: []string{"gnt-node", "list", "--separator=|"}, norms: []normalization{nodes}},
		{name: "node-all-fields", cmd: []string{"gnt-node", "list", "--separator=|", "-o", allFields(t, "node")}, norms: []normalization{nodes, nodeIPs}},
		{name: "instance-list", cmd: []string{"gnt-instance", "list", "--separator=|"}, norms: []normalization{instances}},
		{name: "instance-live-fields", cmd: []string{"gnt-instance", "list", "--separator=|", "-o", "name,pnode,status,oper_state,oper_ram,oper_vcpus,console"}, norms: []normalization{instances}},
		{name: "node-filter-live", cmd: []string{"gnt-node", "list", "--separator=|", "--filter", `mfree > 0 or name == "node2.example.com"`}, norms: []normalization{rowsAtLeast(1)}},
	})
}

// rowsAtLeast checks that a list command succeeded with at least n rows
// (a header line comes on top), so that equal failures do not pass for
// equal lists.
func rowsAtLeast(n int) normalization {
	return normalization{
		name: "rows",
		apply: func(t *testing.T, luxid string, r *result) {
			assert.Equal(t, 0, r.exitCode, "%s: exit code; stderr: %s", luxid, r.stderr)
			assert.GreaterOrEqual(t, strings.Count(r.stdout, "\n"), n+1, "%s: rows", luxid)
		},
	}
}

// largeEnv, when set, runs TestQueriesOnLargeGeneratedConfig on the full
// size of a large cluster: the Haskell luxid needs minutes for its
// queries.
const largeEnv = "COMPAT_LARGE"

// TestQueriesOnLargeGeneratedConfig compares the list commands on the
// shape of a large cluster: nodes in 4 groups (all but the master
// offline) and ten instances per node with short names. With
// COMPAT_LARGE=1 it has the full size, 1,000 nodes and 10,000 instances;
// by default a twentieth of it, 50 nodes and 500 instances.
func TestQueriesOnLargeGeneratedConfig(t *testing.T) {
	opts := configgen.Default()
	if os.Getenv(largeEnv) == "" {
		opts.Nodes, opts.Instances = opts.Nodes/20, opts.Instances/20
	}
	opts.BareInstanceNames = true // Ganeti's ssconf holds at most 128 KiB of instance names
	data, err := configgen.Marshal(opts)
	require.NoError(t, err)
	compareOnBothLuxids(t, sandbox.Options{Noded: true, BaseConfig: data, StartTimeout: 5 * time.Minute}, []clientCase{
		{name: "node-list", cmd: []string{"gnt-node", "list", "--separator=|"}, norms: []normalization{rowsAtLeast(opts.Nodes)}},
		{name: "instance-list", cmd: []string{"gnt-instance", "list", "--separator=|"}, norms: []normalization{rowsAtLeast(opts.Instances)}},
		{name: "instance-fields", cmd: []string{"gnt-instance", "list", "--separator=|", "-o", "name,pnode,snodes,disk_template,be/memory,nic.ips,nic.modes,disk.sizes,tags,network_port"},
			norms: []normalization{rowsAtLeast(opts.Instances)}},
		{name: "group-all-fields", cmd: []string{"gnt-group", "list", "--separator=|", "-o", allFields(t, "group")}},
		{name: "network-all-fields", cmd: []string{"gnt-network", "list", "--separator=|", "-o", allFields(t, "network")}},
	})
}

// liveFieldCases list nodes and instances with their live fields.
var liveFieldCases = []clientCase{
	{name: "node-list", cmd: []string{"gnt-node", "list"}},
	{name: "node-live-fields", cmd: []string{"gnt-node", "list", "--separator=|", "-o", "name,dtotal,dfree,mtotal,mnode,mfree,ctotal,cnodes,csockets,bootid"}},
	{name: "instance-list", cmd: []string{"gnt-instance", "list"}},
	{name: "instance-live-fields", cmd: []string{"gnt-instance", "list", "--separator=|", "-o", "name,status,oper_state,oper_ram,oper_vcpus"}},
}

// TestQueriesWithNodedStopped compares the live fields when the master's
// node daemon does not run (connections refused).
func TestQueriesWithNodedStopped(t *testing.T) {
	compareOnBothLuxids(t, sandbox.Options{}, liveFieldCases)
}

// TestQueriesWithNodedHanging compares the live fields when the master's
// node daemon accepts connections and never answers: both luxids give up
// after their timeouts and show the same.
func TestQueriesWithNodedHanging(t *testing.T) {
	ip, err := sandbox.FreeNodedIP()
	require.NoError(t, err)
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "1811"))
	require.NoError(t, err)
	defer hang.Listen(ln).Close()
	compareOnBothLuxids(t, sandbox.Options{NodeIP: ip}, liveFieldCases)
}
