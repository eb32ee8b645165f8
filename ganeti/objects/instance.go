package objects

import "encoding/json"

// Instance is one entry of "instances". A forthcoming instance (one being
// created) may lack any field but its uuid and serial number.
type Instance struct {
	Forthcoming      bool            `json:"forthcoming,omitempty"`
	Name             string          `json:"name"`
	PrimaryNode      string          `json:"primary_node"`
	OS               string          `json:"os"`
	Hypervisor       string          `json:"hypervisor"`
	HVParams         Params          `json:"hvparams"`
	BEParams         PartialBEParams `json:"beparams"`
	OSParams         Params          `json:"osparams"`
	OSParamsPrivate  Params          `json:"osparams_private"`
	AdminState       string          `json:"admin_state"`
	AdminStateSource string          `json:"admin_state_source"`
	NICs             []*NIC          `json:"nics"`
	// Disks lists the uuids of the instance's entries in "disks".
	Disks       []string  `json:"disks"`
	DisksActive bool      `json:"disks_active"`
	NetworkPort *int      `json:"network_port"`
	CTime       Timestamp `json:"ctime"`
	MTime       Timestamp `json:"mtime"`
	UUID        string    `json:"uuid"`
	Serial      int       `json:"serial_no"`
	Tags        []string  `json:"tags"`

	// Extra holds the keys this model does not know.
	Extra map[string]json.RawMessage `json:"-"`
	keys  keySet
}

// NIC is one network interface of an instance.
type NIC struct {
	MAC       string           `json:"mac"`
	IP        *string          `json:"ip"`
	NICParams PartialNICParams `json:"nicparams"`
	// Network is the uuid of the network the NIC is connected to.
	Network *string `json:"network"`
	Name    *string `json:"name"`
	UUID    string  `json:"uuid"`

	// Extra holds the keys this model does not know.
	Extra map[string]json.RawMessage `json:"-"`
	keys  keySet
}

// UnmarshalJSON keeps the keys read and any unknown ones.
func (i *Instance) UnmarshalJSON(data []byte) error {
	return decodeObject(data, i, &i.keys, &i.Extra)
}

// MarshalJSON writes back what was read.
func (i Instance) MarshalJSON() ([]byte, error) { return encodeObject(&i, i.keys, i.Extra) }

// UnmarshalJSON keeps the keys read and any unknown ones.
func (n *NIC) UnmarshalJSON(data []byte) error {
	return decodeObject(data, n, &n.keys, &n.Extra)
}

// MarshalJSON writes back what was read.
func (n NIC) MarshalJSON() ([]byte, error) { return encodeObject(&n, n.keys, n.Extra) }
