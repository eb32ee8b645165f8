package objects

import "encoding/json"

// Cluster is the "cluster" object of config.data.
type Cluster struct {
	Name               string   `json:"cluster_name"`
	UUID               string   `json:"uuid"`
	MasterNode         string   `json:"master_node"`
	Tags               []string `json:"tags"`
	EnabledHypervisors []string `json:"enabled_hypervisors"`
	PrimaryIPFamily    int      `json:"primary_ip_family"`
	MaxRunningJobs     int      `json:"max_running_jobs"`
	MaxTrackedJobs     int      `json:"max_tracked_jobs"`
	ModifySSHSetup     bool     `json:"modify_ssh_setup"`
	SSHKeyType         string   `json:"ssh_key_type"`
	SSHKeyBits         int      `json:"ssh_key_bits"`

	// Raw maps every key of the cluster object to its JSON as stored.
	Raw map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON fills the typed fields and keeps the raw object.
func (c *Cluster) UnmarshalJSON(data []byte) error {
	type plain Cluster
	if err := json.Unmarshal(data, (*plain)(c)); err != nil {
		return err
	}
	return json.Unmarshal(data, &c.Raw)
}
