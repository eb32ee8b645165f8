package objects

// Node is one entry of "nodes".
type Node struct {
	Name            string   `json:"name"`
	UUID            string   `json:"uuid"`
	PrimaryIP       string   `json:"primary_ip"`
	SecondaryIP     string   `json:"secondary_ip"`
	Group           string   `json:"group"`
	Offline         bool     `json:"offline"`
	Drained         bool     `json:"drained"`
	MasterCandidate bool     `json:"master_candidate"`
	MasterCapable   bool     `json:"master_capable"`
	VMCapable       bool     `json:"vm_capable"`
	Tags            []string `json:"tags"`
}

// NodeGroup is one entry of "nodegroups".
type NodeGroup struct {
	Name string   `json:"name"`
	UUID string   `json:"uuid"`
	Tags []string `json:"tags"`
}

// Instance is one entry of "instances".
type Instance struct {
	Name        string   `json:"name"`
	UUID        string   `json:"uuid"`
	PrimaryNode string   `json:"primary_node"`
	Tags        []string `json:"tags"`
}

// Network is one entry of "networks".
type Network struct {
	Name string   `json:"name"`
	UUID string   `json:"uuid"`
	Tags []string `json:"tags"`
}
