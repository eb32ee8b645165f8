package sandbox

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
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
	var cfg map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep numbers verbatim ("5000000.0" must stay a float)
	if err := dec.Decode(&cfg); err != nil {
		return nil, "", fmt.Errorf("parse base config: %w", err)
	}
	cluster, ok := cfg["cluster"].(map[string]any)
	if !ok {
		return nil, "", fmt.Errorf("base config: no cluster object")
	}
	masterUUID, _ := cluster["master_node"].(string)
	nodes, _ := cfg["nodes"].(map[string]any)
	master, ok := nodes[masterUUID].(map[string]any)
	if !ok {
		return nil, "", fmt.Errorf("base config: master node %q not found", masterUUID)
	}
	master["name"] = p.Hostname
	master["primary_ip"] = p.NodeIP
	master["secondary_ip"] = p.NodeIP
	masterIP, _ := cluster["master_ip"].(string)
	if masterIP == p.NodeIP {
		masterIP = fallbackMasterIP
		cluster["master_ip"] = masterIP
	}
	cluster["candidate_certs"] = map[string]any{masterUUID: p.ClientDigest}

	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(cfg); err != nil {
		return nil, "", fmt.Errorf("encode config: %w", err)
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), masterIP, nil
}
