package objects

import "encoding/json"

// Params is a free-form parameter map as config.data stores it: the
// hvparams of one hypervisor, the osparams of one OS, the diskparams of one
// disk template, hv_state_static and the like. Values are kept as their
// JSON text.
type Params map[string]json.RawMessage

// The parameter records below come in pairs, like Ganeti's: a Partial
// record as an object stores it (a nil field is not set there) and a
// Filled record with every value inherited. Fields are in Ganeti's
// declaration order, which is the key order of the Haskell encoding.

// PartialNDParams are node parameters as a cluster, group or node stores
// them.
type PartialNDParams struct {
	OOBProgram       *string  `json:"oob_program"`
	SpindleCount     *int     `json:"spindle_count"`
	ExclusiveStorage *bool    `json:"exclusive_storage"`
	OVS              *bool    `json:"ovs"`
	OVSName          *string  `json:"ovs_name"`
	OVSLink          *string  `json:"ovs_link"`
	SSHPort          *int     `json:"ssh_port"`
	CPUSpeed         *float64 `json:"cpu_speed"`

	keys  keySet
	Extra map[string]json.RawMessage `json:"-"`
}

// FilledNDParams are node parameters with every value set.
type FilledNDParams struct {
	OOBProgram       string  `json:"oob_program"`
	SpindleCount     int     `json:"spindle_count"`
	ExclusiveStorage bool    `json:"exclusive_storage"`
	OVS              bool    `json:"ovs"`
	OVSName          string  `json:"ovs_name"`
	OVSLink          string  `json:"ovs_link"`
	SSHPort          int     `json:"ssh_port"`
	CPUSpeed         float64 `json:"cpu_speed"`
}

// PartialBEParams are instance backend parameters as the cluster's
// beparams group or an instance stores them.
type PartialBEParams struct {
	MinMem         *int  `json:"minmem"`
	MaxMem         *int  `json:"maxmem"`
	VCPUs          *int  `json:"vcpus"`
	AutoBalance    *bool `json:"auto_balance"`
	AlwaysFailover *bool `json:"always_failover"`
	SpindleUse     *int  `json:"spindle_use"`

	keys  keySet
	Extra map[string]json.RawMessage `json:"-"`
}

// FilledBEParams are backend parameters with every value set.
type FilledBEParams struct {
	MinMem         int  `json:"minmem"`
	MaxMem         int  `json:"maxmem"`
	VCPUs          int  `json:"vcpus"`
	AutoBalance    bool `json:"auto_balance"`
	AlwaysFailover bool `json:"always_failover"`
	SpindleUse     int  `json:"spindle_use"`
}

// PartialNICParams are NIC parameters as the cluster's nicparams group, a
// group's network connection or a NIC stores them.
type PartialNICParams struct {
	Mode *string `json:"mode"`
	Link *string `json:"link"`
	VLAN *string `json:"vlan"`

	keys  keySet
	Extra map[string]json.RawMessage `json:"-"`
}

// FilledNICParams are NIC parameters with every value set.
type FilledNICParams struct {
	Mode string `json:"mode"`
	Link string `json:"link"`
	VLAN string `json:"vlan"`
}

// PartialISpecParams are instance specs (one bound of an instance
// policy) as stored.
type PartialISpecParams struct {
	MemorySize *int `json:"memory-size"`
	DiskSize   *int `json:"disk-size"`
	DiskCount  *int `json:"disk-count"`
	CPUCount   *int `json:"cpu-count"`
	NICCount   *int `json:"nic-count"`
	SpindleUse *int `json:"spindle-use"`

	keys  keySet
	Extra map[string]json.RawMessage `json:"-"`
}

// FilledISpecParams are instance specs with every value set.
type FilledISpecParams struct {
	MemorySize int `json:"memory-size"`
	DiskSize   int `json:"disk-size"`
	DiskCount  int `json:"disk-count"`
	CPUCount   int `json:"cpu-count"`
	NICCount   int `json:"nic-count"`
	SpindleUse int `json:"spindle-use"`
}

// MinMaxISpecs is one element of an instance policy's "minmax" list as
// stored.
type MinMaxISpecs struct {
	Min PartialISpecParams `json:"min"`
	Max PartialISpecParams `json:"max"`

	keys  keySet
	Extra map[string]json.RawMessage `json:"-"`
}

// FilledMinMaxISpecs is a minmax element with every spec set.
type FilledMinMaxISpecs struct {
	Min FilledISpecParams `json:"min"`
	Max FilledISpecParams `json:"max"`
}

// PartialIPolicy is an instance policy as the cluster or a group stores
// it. MinMax and DiskTemplates are nil when not set.
type PartialIPolicy struct {
	MinMax        []MinMaxISpecs      `json:"minmax"`
	Std           *PartialISpecParams `json:"std"`
	SpindleRatio  *float64            `json:"spindle-ratio"`
	VCPURatio     *float64            `json:"vcpu-ratio"`
	DiskTemplates []string            `json:"disk-templates"`

	keys  keySet
	Extra map[string]json.RawMessage `json:"-"`
}

// FilledIPolicy is an instance policy with every value set.
type FilledIPolicy struct {
	MinMax        []FilledMinMaxISpecs `json:"minmax"`
	Std           FilledISpecParams    `json:"std"`
	SpindleRatio  float64              `json:"spindle-ratio"`
	VCPURatio     float64              `json:"vcpu-ratio"`
	DiskTemplates []string             `json:"disk-templates"`
}

// UnmarshalJSON keeps the keys read and any unknown ones.
func (p *PartialNDParams) UnmarshalJSON(data []byte) error {
	return decodeObject(data, p, &p.keys, &p.Extra)
}

// MarshalJSON writes back what was read.
func (p PartialNDParams) MarshalJSON() ([]byte, error) { return encodeObject(&p, p.keys, p.Extra) }

// UnmarshalJSON keeps the keys read and any unknown ones.
func (p *PartialBEParams) UnmarshalJSON(data []byte) error {
	return decodeObject(data, p, &p.keys, &p.Extra)
}

// MarshalJSON writes back what was read.
func (p PartialBEParams) MarshalJSON() ([]byte, error) { return encodeObject(&p, p.keys, p.Extra) }

// UnmarshalJSON keeps the keys read and any unknown ones.
func (p *PartialNICParams) UnmarshalJSON(data []byte) error {
	return decodeObject(data, p, &p.keys, &p.Extra)
}

// MarshalJSON writes back what was read.
func (p PartialNICParams) MarshalJSON() ([]byte, error) { return encodeObject(&p, p.keys, p.Extra) }

// UnmarshalJSON keeps the keys read and any unknown ones.
func (p *PartialISpecParams) UnmarshalJSON(data []byte) error {
	return decodeObject(data, p, &p.keys, &p.Extra)
}

// MarshalJSON writes back what was read.
func (p PartialISpecParams) MarshalJSON() ([]byte, error) {
	return encodeObject(&p, p.keys, p.Extra)
}

// UnmarshalJSON keeps the keys read and any unknown ones.
func (m *MinMaxISpecs) UnmarshalJSON(data []byte) error {
	return decodeObject(data, m, &m.keys, &m.Extra)
}

// MarshalJSON writes back what was read.
func (m MinMaxISpecs) MarshalJSON() ([]byte, error) { return encodeObject(&m, m.keys, m.Extra) }

// UnmarshalJSON keeps the keys read and any unknown ones.
func (p *PartialIPolicy) UnmarshalJSON(data []byte) error {
	return decodeObject(data, p, &p.keys, &p.Extra)
}

// MarshalJSON writes back what was read.
func (p PartialIPolicy) MarshalJSON() ([]byte, error) { return encodeObject(&p, p.keys, p.Extra) }
