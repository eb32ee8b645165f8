package objects

import "encoding/json"

// Node is one entry of "nodes".
type Node struct {
	Name            string          `json:"name"`
	PrimaryIP       string          `json:"primary_ip"`
	SecondaryIP     string          `json:"secondary_ip"`
	MasterCandidate bool            `json:"master_candidate"`
	Offline         bool            `json:"offline"`
	Drained         bool            `json:"drained"`
	Group           string          `json:"group"`
	MasterCapable   bool            `json:"master_capable"`
	VMCapable       bool            `json:"vm_capable"`
	NDParams        PartialNDParams `json:"ndparams"`
	Powered         bool            `json:"powered"`
	HVStateStatic   Params          `json:"hv_state_static"`
	DiskStateStatic Params          `json:"disk_state_static"`
	CTime           Timestamp       `json:"ctime"`
	MTime           Timestamp       `json:"mtime"`
	UUID            string          `json:"uuid"`
	Serial          int             `json:"serial_no"`
	Tags            []string        `json:"tags"`

	// Extra holds the keys this model does not know.
	Extra map[string]json.RawMessage `json:"-"`
	keys  keySet
}

// NodeGroup is one entry of "nodegroups".
type NodeGroup struct {
	Name string `json:"name"`
	// Members is not written by Ganeti; luxid computes a group's nodes.
	Members     []string        `json:"members"`
	NDParams    PartialNDParams `json:"ndparams"`
	AllocPolicy string          `json:"alloc_policy"`
	IPolicy     PartialIPolicy  `json:"ipolicy"`
	// DiskParams maps disk template to parameter overrides.
	DiskParams map[string]Params `json:"diskparams"`
	// Networks maps the uuid of each connected network to the NIC
	// parameters of the connection.
	Networks        map[string]PartialNICParams `json:"networks"`
	HVStateStatic   Params                      `json:"hv_state_static"`
	DiskStateStatic Params                      `json:"disk_state_static"`
	CTime           Timestamp                   `json:"ctime"`
	MTime           Timestamp                   `json:"mtime"`
	UUID            string                      `json:"uuid"`
	Serial          int                         `json:"serial_no"`
	Tags            []string                    `json:"tags"`

	// Extra holds the keys this model does not know.
	Extra map[string]json.RawMessage `json:"-"`
	keys  keySet
}

// UnmarshalJSON keeps the keys read and any unknown ones.
func (n *Node) UnmarshalJSON(data []byte) error {
	return decodeObject(data, n, &n.keys, &n.Extra)
}

// MarshalJSON writes back what was read.
func (n Node) MarshalJSON() ([]byte, error) { return encodeObject(&n, n.keys, n.Extra) }

// UnmarshalJSON keeps the keys read and any unknown ones.
func (g *NodeGroup) UnmarshalJSON(data []byte) error {
	return decodeObject(data, g, &g.keys, &g.Extra)
}

// MarshalJSON writes back what was read.
func (g NodeGroup) MarshalJSON() ([]byte, error) { return encodeObject(&g, g.keys, g.Extra) }
