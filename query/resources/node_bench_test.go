package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/internal/testkit/configgen"
	"github.com/goluxid/goluxid/query"
)

// nodeBenchConfig is configgen's default cluster (1000 nodes, 10000
// instances) with every node online, built once.
var nodeBenchConfig = sync.OnceValues(func() (*objects.ConfigData, error) {
	opts := configgen.Default()
	opts.Others = configgen.Unreachable
	return configgen.Generate(opts)
})

// nodeBenchRPC answers node_info at once for every node, as a client
// that got every answer would.
type nodeBenchRPC struct{}

func (nodeBenchRPC) Call(_ context.Context, _ string, nodes []*objects.Node, body func(*objects.Node) any) map[string]NodeResult {
	out := make(map[string]NodeResult, len(nodes))
	for _, n := range nodes {
		_ = body(n)
		out[n.UUID] = NodeResult{Payload: json.RawMessage(nodeInfoPayload)}
	}
	return out
}

// nodeBenchQuery runs fields and filter of kind on the big config.
func nodeBenchQuery(b *testing.B, kind string, fields []string, filter string, encode bool) {
	cfg, err := nodeBenchConfig()
	require.NoError(b, err)
	flt, err := query.ParseFilter([]byte(filter))
	require.NoError(b, err)
	res, _ := New(kind, Env{Config: cfg, RPC: nodeBenchRPC{}})
	ctx := context.Background()
	rows := 0
	for b.Loop() {
		r, err := res.Query(ctx, fields, flt)
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
}

// nodeAllFields lists every field of kind.
func nodeAllFields(kind string) []string {
	res, _ := New(kind, Env{})
	var names []string
	for _, d := range res.QueryFields(nil).Fields {
		names = append(names, d.Name)
	}
	return names
}

func BenchmarkNodeQueryAllFields(b *testing.B) {
	b.Run("query", func(b *testing.B) { nodeBenchQuery(b, "node", nodeAllFields("node"), "null", false) })
	b.Run("query+encode", func(b *testing.B) { nodeBenchQuery(b, "node", nodeAllFields("node"), "null", true) })
	var config []string
	for _, f := range nodeAllFields("node") {
		if f, _ := nodeDefinitions.Field(f); !f.IsRuntime() {
			config = append(config, f.Name)
		}
	}
	b.Run("config fields+encode", func(b *testing.B) { nodeBenchQuery(b, "node", config, "null", true) })
}

func BenchmarkNodeQueryFiltered(b *testing.B) {
	fields := []string{"name", "pinst_cnt", "sinst_list", "group", "role"}
	b.Run("config fields", func(b *testing.B) {
		nodeBenchQuery(b, "node", fields, `["&",["=~","name","^node1"],[">","pinst_cnt",9],["=[]","tags","ssd"]]`, true)
	})
	b.Run("live field", func(b *testing.B) {
		nodeBenchQuery(b, "node", append(fields, "mfree"), `["&",["=~","name","^node1"],[">","mfree",1000]]`, true)
	})
	var names []string
	for i := 1; i <= 1000; i += 10 {
		names = append(names, fmt.Sprintf(`["==","name","node%d"]`, i))
	}
	b.Run("100 names", func(b *testing.B) {
		nodeBenchQuery(b, "node", fields, `["|",`+strings.Join(names, ",")+`]`, true)
	})
}

func BenchmarkNodeQueryNewSnapshot(b *testing.B) {
	cfg, err := nodeBenchConfig()
	require.NoError(b, err)
	res, _ := New("node", Env{Config: cfg})
	for b.Loop() {
		nodeSnapshotCache.Store(nil) // as after a configuration reload
		if _, err := res.Query(context.Background(), []string{"name", "pinst_cnt", "sinst_cnt"}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGroupNetworkQueryAllFields(b *testing.B) {
	b.Run("group", func(b *testing.B) { nodeBenchQuery(b, "group", nodeAllFields("group"), "null", true) })
	b.Run("network", func(b *testing.B) { nodeBenchQuery(b, "network", nodeAllFields("network"), "null", true) })
}
