package sandbox

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// demoConfig is a Ganeti 3.0 config.data derived from the testsuite's
// cluster_config_2.16.json: three nodes of which only the master
// (node1.example.com, 127.0.0.1) is online, three instances, two node groups,
// a network and a cluster tag. It is patched at runtime, never edited.
//
//go:embed demo-config.json
var demoConfig []byte

// fallbackMasterIP replaces the config's master IP when the node IP equals
// it: the master IP must not be a node's IP (config verify).
const fallbackMasterIP = "127.0.0.3"

// configPatch lists the runtime values written into the demo config.
type configPatch struct {
	Hostname     string
	NodeIP       string
	ClientDigest string // SHA-1 of the master's client.pem certificate
}

// patchConfig returns the demo config for p and the master IP it uses. The
// master node gets p's name and IP, and its client certificate becomes the
// only candidate certificate, as cluster init would record it.
func patchConfig(raw []byte, p configPatch) ([]byte, string, error) {
	cfg, cluster, nodes, err := parseConfig(raw)
	if err != nil {
		return nil, "", err
	}
	masterUUID, _ := cluster["master_node"].(string)
	master, ok := nodes[masterUUID].(map[string]any)
	if !ok {
		return nil, "", fmt.Errorf("base config: master node %q not found", masterUUID)
	}
	master["name"] = p.Hostname
	master["primary_ip"] = p.NodeIP
	master["secondary_ip"] = p.NodeIP
	masterIP := moveMasterIP(cluster, p.NodeIP)
	cluster["candidate_certs"] = map[string]any{masterUUID: p.ClientDigest}
	out, err := encodeConfig(cfg)
	return out, masterIP, err
}

// clusterNode is what the configuration of a Cluster says of one node.
type clusterNode struct {
	Name         string // as in the base config
	IP           string // primary and secondary IP
	Candidate    bool   // master candidate (the master always is)
	ClientDigest string // SHA-1 of the node's client.pem certificate
}

// patchClusterConfig returns the demo config for a cluster of nodes, named
// as in the config, and the master IP it uses: every node online with its
// IP, the candidates marked and their client certificates recorded in
// candidate_certs, the candidate pool as large as the candidates.
func patchClusterConfig(raw []byte, nodes []clusterNode) ([]byte, string, error) {
	cfg, cluster, cfgNodes, err := parseConfig(raw)
	if err != nil {
		return nil, "", err
	}
	byName := map[string]map[string]any{}
	for _, n := range cfgNodes {
		if node, ok := n.(map[string]any); ok {
			name, _ := node["name"].(string)
			byName[name] = node
		}
	}
	certs := map[string]any{}
	masterIP, _ := cluster["master_ip"].(string)
	for _, n := range nodes {
		node, ok := byName[n.Name]
		if !ok {
			return nil, "", fmt.Errorf("base config: no node %q", n.Name)
		}
		node["primary_ip"] = n.IP
		node["secondary_ip"] = n.IP
		node["offline"] = false
		node["master_candidate"] = n.Candidate
		if n.Candidate {
			certs[node["uuid"].(string)] = n.ClientDigest
		}
		masterIP = moveMasterIP(cluster, n.IP)
	}
	cluster["candidate_certs"] = certs
	cluster["candidate_pool_size"] = len(certs)
	out, err := encodeConfig(cfg)
	return out, masterIP, err
}

// parseConfig parses a config.data, keeping numbers verbatim ("5000000.0"
// must stay a float), and returns its cluster and nodes objects too.
func parseConfig(raw []byte) (cfg, cluster, nodes map[string]any, err error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&cfg); err != nil {
		return nil, nil, nil, fmt.Errorf("parse base config: %w", err)
	}
	cluster, ok := cfg["cluster"].(map[string]any)
	if !ok {
		return nil, nil, nil, fmt.Errorf("base config: no cluster object")
	}
	nodes, _ = cfg["nodes"].(map[string]any)
	return cfg, cluster, nodes, nil
}

// moveMasterIP replaces the cluster's master IP by fallbackMasterIP if a
// node uses it, and returns the master IP.
func moveMasterIP(cluster map[string]any, nodeIP string) string {
	masterIP, _ := cluster["master_ip"].(string)
	if masterIP == nodeIP {
		masterIP = fallbackMasterIP
		cluster["master_ip"] = masterIP
	}
	return masterIP
}

func encodeConfig(cfg map[string]any) ([]byte, error) {
	out, err := hsjson.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return out, nil
}
