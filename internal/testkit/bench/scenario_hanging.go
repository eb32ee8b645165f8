package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/goluxid/goluxid/ganeti/rpc"
	"github.com/goluxid/goluxid/internal/testkit/configgen"
	"github.com/goluxid/goluxid/internal/testkit/hang"
)

// hangingNodesScenario asks for live node fields on a generated cluster of
// n nodes whose node daemons, all but the master's, accept connections and
// never answer: the RPC fan-out must cost about one timeout, not one per
// node or per batch of nodes.
func hangingNodesScenario(n int) scenario {
	return scenario{
		name:   fmt.Sprintf("querynodes-hanging-%d", n),
		family: "querynodes-hanging",
		about:  fmt.Sprintf("Query node [name, mfree, dfree, ctotal] over %d nodes whose noded accepts and never answers", n),
		config: func() ([]byte, error) {
			opts := configgen.Default()
			opts.Nodes, opts.Instances = n, n
			opts.Others = configgen.Unreachable
			return configgen.Marshal(opts)
		},
		run: func(ctx context.Context, r *run) (*figures, error) {
			ips, err := otherNodeIPs(r.cluster.Layout().ConfigFile)
			if err != nil {
				return nil, err
			}
			holes, err := listenSilently(ips, rpc.DefaultPort)
			if err != nil {
				return nil, err
			}
			defer holes.Close()
			c, err := dial(ctx, r.socket())
			if err != nil {
				return nil, err
			}
			defer c.Close()
			var took time.Duration
			l, err := underLoad(r.cluster.LuxidPid(), func() error {
				qctx, cancel := context.WithTimeout(ctx, queryLimit)
				defer cancel()
				start := time.Now()
				_, err := c.Call(qctx, "Query", []any{"node", []string{"name", "mfree", "dfree", "ctotal"}, nil})
				took = time.Since(start)
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("Query node: %w", err)
			}
			var f figures
			f.add("live query time", "ms", Lower, ms(took))
			f.note("%s: %d connections reached the %d silent nodes", r.luxid, holes.Accepted(), len(ips))
			l.addPeaks(&f)
			return &f, nil
		},
	}
}

// otherNodeIPs returns the primary addresses of every node of config.data
// but the master.
func otherNodeIPs(configFile string) ([]string, error) {
	data, err := os.ReadFile(configFile)
	if err != nil {
		return nil, err
	}
	var cfg struct {
		Cluster struct {
			MasterNode string `json:"master_node"`
		} `json:"cluster"`
		Nodes map[string]struct {
			PrimaryIP string `json:"primary_ip"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", configFile, err)
	}
	var ips []string
	for uuid, n := range cfg.Nodes {
		if uuid != cfg.Cluster.MasterNode {
			ips = append(ips, n.PrimaryIP)
		}
	}
	return ips, nil
}

// listenSilently listens on port at every address in ips and never
// answers.
func listenSilently(ips []string, port int) (*hang.Listener, error) {
	var lns []net.Listener
	for _, ip := range ips {
		ln, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
		if err != nil {
			return nil, errors.Join(fmt.Errorf("silent node %s: %w", ip, err), hang.Listen(lns...).Close())
		}
		lns = append(lns, ln)
	}
	return hang.Listen(lns...), nil
}
