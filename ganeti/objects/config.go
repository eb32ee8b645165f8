package objects

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// ConfigVersion is the config.data format Ganeti 3.0 reads and writes
// (3.0.0 encoded as major*1000000 + minor*10000 + revision).
const ConfigVersion = 3000000

// ConfigData is the whole of config.data. Maps are keyed by uuid.
type ConfigData struct {
	Version    int                    `json:"version"`
	Cluster    *Cluster               `json:"cluster"`
	Nodes      map[string]*Node       `json:"nodes"`
	NodeGroups map[string]*NodeGroup  `json:"nodegroups"`
	Instances  map[string]*Instance   `json:"instances"`
	Networks   map[string]*Network    `json:"networks"`
	Disks      map[string]*Disk       `json:"disks"`
	Filters    map[string]*FilterRule `json:"filters"`
	CTime      Timestamp              `json:"ctime"`
	MTime      Timestamp              `json:"mtime"`
	Serial     int                    `json:"serial_no"`

	// Raw maps every top-level key of the file to its JSON. The values
	// share memory with the data given to Parse.
	Raw map[string]json.RawMessage `json:"-"`
	// Extra holds the top-level keys this model does not know.
	Extra map[string]json.RawMessage `json:"-"`
	keys  keySet
}

// ErrNoCluster is returned for a config.data without a cluster object.
var ErrNoCluster = errors.New("parsing config: key 'cluster' not found")

// Parse decodes config.data. Integral numbers written with a fraction are
// read as integers first (hsjson.NormalizeNumbers), as Ganeti's Haskell
// readers accept them. Parse refuses a file of another format version
// before reading anything else, and returns nothing of a file it cannot
// read whole. The result shares memory with data, which the caller must
// not change afterwards.
func Parse(data []byte) (*ConfigData, error) {
	if !json.Valid(data) {
		var v any
		return nil, fmt.Errorf("parsing config: %w", json.Unmarshal(data, &v))
	}
	data = hsjson.NormalizeNumbers(data)
	members, err := splitObject(data)
	if err != nil {
		return nil, fmt.Errorf("parsing config: %w", err)
	}
	if err := checkVersion(members); err != nil {
		return nil, err
	}
	cfg := &ConfigData{}
	if err := decodeMembers(members, cfg, &cfg.keys, &cfg.Extra); err != nil {
		return nil, fmt.Errorf("parsing config: %w", err)
	}
	if cfg.Cluster == nil {
		return nil, ErrNoCluster
	}
	cfg.Raw = rawMembers(members, false)
	return cfg, nil
}

// checkVersion finds the top-level "version" among members and refuses
// any but ConfigVersion.
func checkVersion(members []member) error {
	for _, m := range members {
		if string(m.key) != "version" {
			continue
		}
		v, ok := parseInt(m.value)
		if !ok || !isNumber(m.value) {
			return fmt.Errorf("parsing config: key 'version': not an integer: %s", m.value)
		}
		if v != ConfigVersion {
			return &VersionMismatchError{Expected: ConfigVersion, Actual: int(v)}
		}
		return nil
	}
	return fmt.Errorf("parsing config: key 'version' not found")
}

// MarshalJSON writes the whole file back: every key it was read with, in
// byte order.
func (c ConfigData) MarshalJSON() ([]byte, error) { return encodeObject(&c, c.keys, c.Extra) }

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
