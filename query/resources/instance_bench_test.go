package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/internal/testkit/configgen"
	"github.com/goluxid/goluxid/query"
	"github.com/stretchr/testify/require"
)

// The benchmarks query the default generated cluster (1000 nodes, 10000
// instances of every disk template and NIC mode). Live data comes from a
// fake RPC where every online node answers at once, listing its primary
// instances as running; the other nodes are offline.

var (
	instBenchOnce sync.Once
	instBenchCfg  *objects.ConfigData
	instBenchRPC  *instBenchNodes
)

// instBenchNodes answers all_instances_info with precomputed payloads.
type instBenchNodes struct {
	payloads map[string]json.RawMessage // node uuid → answer
}

func (f *instBenchNodes) Call(_ context.Context, _ string, nodes []*objects.Node, _ func(*objects.Node) any) map[string]NodeResult {
	res := make(map[string]NodeResult, len(nodes))
	for _, n := range nodes {
		if n.Offline {
			res[n.UUID] = NodeResult{Offline: true}
			continue
		}
		p, ok := f.payloads[n.UUID]
		if !ok {
			p = json.RawMessage(`{}`)
		}
		res[n.UUID] = NodeResult{Payload: p}
	}
	return res
}

// instBenchSetup generates the cluster once; the configuration goes
// through config.data as luxid would load it.
func instBenchSetup(b *testing.B) (*objects.ConfigData, NodeRPC) {
	instBenchOnce.Do(func() {
		opts := configgen.Default()
		opts.Others = configgen.Unreachable
		data, err := configgen.Marshal(opts)
		require.NoError(b, err)
		instBenchCfg, err = objects.Parse(data, 3000000)
		require.NoError(b, err)
		byNode := map[string][]string{}
		for _, inst := range instBenchCfg.Instances {
			if inst.AdminState == objects.AdminUp {
				byNode[inst.PrimaryNode] = append(byNode[inst.PrimaryNode],
					fmt.Sprintf(`%q:{"memory":1024,"state":0,"vcpus":1,"time":5}`, inst.Name))
			}
		}
		instBenchRPC = &instBenchNodes{payloads: map[string]json.RawMessage{}}
		for node, entries := range byNode {
			instBenchRPC.payloads[node] = json.RawMessage("{" + strings.Join(entries, ",") + "}")
		}
	})
	return instBenchCfg, instBenchRPC
}

// instBenchFields are ten fields as "gnt-instance list -o" asks for them.
var instBenchFields = []string{"name", "os", "pnode", "admin_state", "status", "oper_ram",
	"disk_template", "be/maxmem", "nic.ips", "tags"}

// instBenchFilter mixes configuration and live leaves.
const instBenchFilter = `["&", ["=~", "name", "^inst[0-9]*5\\."], ["!", ["=[]", "tags", "env:prod"]],
	["|", ["==", "status", "running"], ["==", "admin_state", "down"]]]`

func BenchmarkQueryInstances(b *testing.B) {
	cfg, rpc := instBenchSetup(b)
	all := make([]string, 0, 292)
	for _, d := range instTable.Definitions(nil) {
		all = append(all, d.Name)
	}
	flt, err := query.ParseFilter([]byte(instBenchFilter))
	require.NoError(b, err)
	for _, fields := range []struct {
		name   string
		fields []string
	}{{"10fields", instBenchFields}, {"allfields", all}} {
		for _, f := range []struct {
			name   string
			filter *query.Filter
		}{{"nofilter", nil}, {"filter", flt}} {
			for _, encode := range []bool{false, true} {
				name := fields.name + "/" + f.name
				if encode {
					name += "/encoded"
				}
				b.Run(name, func(b *testing.B) {
					res, _ := New("instance", Env{Config: cfg, RPC: rpc})
					rows := 0
					for b.Loop() {
						r, err := res.Query(context.Background(), fields.fields, f.filter)
						if err != nil {
							b.Fatal(err)
						}
						rows = len(r.Data)
						if encode {
							if _, err := hsjson.Marshal(r); err != nil {
								b.Fatal(err)
							}
						}
					}
					b.ReportMetric(float64(rows), "rows")
				})
			}
		}
	}
}
