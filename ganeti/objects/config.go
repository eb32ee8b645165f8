package objects

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/goluxid/goluxid/internal/hsjson"
)

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

// Parse decodes config.data of format version (the release's
// CONFIG_VERSION, major·10⁶ + minor·10⁴ + revision; the model is the same
// for every release goluxid serves). Integral numbers written with a
// fraction are read as integers first (hsjson.NormalizeNumbers), as
// Ganeti's Haskell readers accept them. Parse refuses a file of another
// format version before reading anything else, and returns nothing of a
// file it cannot read whole. The result shares memory with data, which
// the caller must not change afterwards.
func Parse(data []byte, version int) (*ConfigData, error) {
	if !json.Valid(data) {
		var v any
		return nil, fmt.Errorf("parsing config: %w", json.Unmarshal(data, &v))
	}
	data = hsjson.NormalizeNumbers(data)
	members, err := splitObject(data)
	if err != nil {
		return nil, fmt.Errorf("parsing config: %w", err)
	}
	if err := checkVersion(members, version); err != nil {
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
// any but want.
func checkVersion(members []member, want int) error {
	for _, m := range members {
		if string(m.key) != "version" {
			continue
		}
		v, ok := parseInt(m.value)
		if !ok || !isNumber(m.value) {
			return fmt.Errorf("parsing config: key 'version': not an integer: %s", m.value)
		}
		if v != int64(want) {
			return &VersionMismatchError{Expected: want, Actual: int(v)}
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
	return fmt.Sprintf("Cluster configuration version %d (%s) does not match the expected %d (%s, the installed release)",
		e.Actual, releaseOf(e.Actual), e.Expected, releaseOf(e.Expected))
}

// releaseOf names the Ganeti release a format version belongs to.
func releaseOf(version int) string {
	return fmt.Sprintf("Ganeti %d.%d", version/1000000, version%1000000/10000)
}

// MasterNode returns the master's node object, or nil when the cluster's
// master_node names no node.
func (c *ConfigData) MasterNode() *Node {
	return c.Nodes[c.Cluster.MasterNode]
}
