package objects

import (
	"encoding/json"
	"fmt"
)

// ConfigVersion is the config.data format Ganeti 3.0 reads and writes
// (3.0.0 encoded as major*1000000 + minor*10000 + revision).
const ConfigVersion = 3000000

// ConfigData is the whole of config.data.
type ConfigData struct {
	Version    int                   `json:"version"`
	Serial     int                   `json:"serial_no"`
	Cluster    *Cluster              `json:"cluster"`
	Nodes      map[string]*Node      `json:"nodes"`
	NodeGroups map[string]*NodeGroup `json:"nodegroups"`
	Instances  map[string]*Instance  `json:"instances"`
	Networks   map[string]*Network   `json:"networks"`
	// Raw maps every top-level key of the file to its JSON.
	Raw map[string]json.RawMessage `json:"-"`
}

// Parse decodes config.data. It refuses a file of another format version
// rather than reading half of it.
func Parse(data []byte) (*ConfigData, error) {
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("parsing config: %w", err)
	}
	if probe.Version == nil {
		return nil, fmt.Errorf("parsing config: key 'version' not found")
	}
	if *probe.Version != ConfigVersion {
		return nil, &VersionMismatchError{Expected: ConfigVersion, Actual: *probe.Version}
	}
	cfg := &ConfigData{}
	if err := json.Unmarshal(data, cfg); err != nil {
		return nil, fmt.Errorf("parsing config: %w", err)
	}
	if err := json.Unmarshal(data, &cfg.Raw); err != nil {
		return nil, fmt.Errorf("parsing config: %w", err)
	}
	if cfg.Cluster == nil {
		return nil, fmt.Errorf("parsing config: key 'cluster' not found")
	}
	return cfg, nil
}

// VersionMismatchError says config.data is of a format this luxid does not
// read.
type VersionMismatchError struct {
	Expected, Actual int
}

func (e *VersionMismatchError) Error() string {
	return fmt.Sprintf("Cluster configuration version %d does not match the expected %d", e.Actual, e.Expected)
}

// MasterNode returns the master's node object, or nil when the cluster's
// master_node names no node.
func (c *ConfigData) MasterNode() *Node {
	return c.Nodes[c.Cluster.MasterNode]
}
