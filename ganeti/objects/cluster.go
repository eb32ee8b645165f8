package objects

import "encoding/json"

// Cluster is the "cluster" object of config.data, with every field of
// Ganeti's Cluster record, the same in 3.0 and 3.1. Fields Ganeti may
// leave unset are pointers.
type Cluster struct {
	RSAHostKeyPub        string   `json:"rsahostkeypub"`
	DSAHostKeyPub        *string  `json:"dsahostkeypub"`
	HighestUsedPort      int      `json:"highest_used_port"`
	TCPUDPPortPool       []int    `json:"tcpudp_port_pool"`
	MACPrefix            string   `json:"mac_prefix"`
	VolumeGroupName      *string  `json:"volume_group_name"`
	ReservedLVs          []string `json:"reserved_lvs"`
	DRBDUsermodeHelper   *string  `json:"drbd_usermode_helper"`
	MasterNode           string   `json:"master_node"`
	MasterIP             string   `json:"master_ip"`
	MasterNetdev         string   `json:"master_netdev"`
	MasterNetmask        int      `json:"master_netmask"`
	UseExternalMIPScript bool     `json:"use_external_mip_script"`
	Name                 string   `json:"cluster_name"`
	FileStorageDir       string   `json:"file_storage_dir"`
	SharedFileStorageDir string   `json:"shared_file_storage_dir"`
	GlusterStorageDir    string   `json:"gluster_storage_dir"`
	EnabledHypervisors   []string `json:"enabled_hypervisors"`
	// HVParams maps hypervisor name to its cluster-wide parameters.
	HVParams map[string]Params `json:"hvparams"`
	// OSHVP maps OS name, then hypervisor name, to parameter overrides.
	OSHVP map[string]map[string]Params `json:"os_hvp"`
	// BEParams holds one group, "default".
	BEParams               map[string]PartialBEParams `json:"beparams"`
	OSParams               map[string]Params          `json:"osparams"`
	OSParamsPrivateCluster map[string]Params          `json:"osparams_private_cluster"`
	// NICParams holds one group, "default".
	NICParams            map[string]PartialNICParams `json:"nicparams"`
	NDParams             PartialNDParams             `json:"ndparams"`
	DiskParams           map[string]Params           `json:"diskparams"`
	CandidatePoolSize    int                         `json:"candidate_pool_size"`
	ModifyEtcHosts       bool                        `json:"modify_etc_hosts"`
	ModifySSHSetup       bool                        `json:"modify_ssh_setup"`
	MaintainNodeHealth   bool                        `json:"maintain_node_health"`
	UIDPool              []UIDRange                  `json:"uid_pool"`
	DefaultIAllocator    string                      `json:"default_iallocator"`
	DefaultIAllocParams  Params                      `json:"default_iallocator_params"`
	HiddenOS             []string                    `json:"hidden_os"`
	BlacklistedOS        []string                    `json:"blacklisted_os"`
	PrimaryIPFamily      int                         `json:"primary_ip_family"`
	PreallocWipeDisks    bool                        `json:"prealloc_wipe_disks"`
	IPolicy              PartialIPolicy              `json:"ipolicy"`
	HVStateStatic        Params                      `json:"hv_state_static"`
	DiskStateStatic      Params                      `json:"disk_state_static"`
	EnabledDiskTemplates []string                    `json:"enabled_disk_templates"`
	// CandidateCerts maps node uuid to the digest of its client
	// certificate.
	CandidateCerts      map[string]string `json:"candidate_certs"`
	MaxRunningJobs      int               `json:"max_running_jobs"`
	MaxTrackedJobs      int               `json:"max_tracked_jobs"`
	InstallImage        string            `json:"install_image"`
	InstanceCommNetwork string            `json:"instance_communication_network"`
	ZeroingImage        string            `json:"zeroing_image"`
	CompressionTools    []string          `json:"compression_tools"`
	EnabledUserShutdown bool              `json:"enabled_user_shutdown"`
	// DataCollectors maps collector name to its settings.
	DataCollectors map[string]DataCollectorConfig `json:"data_collectors"`
	SSHKeyType     string                         `json:"ssh_key_type"`
	SSHKeyBits     int                            `json:"ssh_key_bits"`
	CTime          Timestamp                      `json:"ctime"`
	MTime          Timestamp                      `json:"mtime"`
	UUID           string                         `json:"uuid"`
	Serial         int                            `json:"serial_no"`
	Tags           []string                       `json:"tags"`

	// Raw maps every key of the cluster object to its JSON as stored.
	Raw map[string]json.RawMessage `json:"-"`
	// Extra holds the keys this model does not know.
	Extra map[string]json.RawMessage `json:"-"`
	keys  keySet
}

// UIDRange is one [low, high] range of the cluster's uid pool.
type UIDRange [2]int

// DataCollectorConfig is the setting of one data collector.
type DataCollectorConfig struct {
	Active bool `json:"active"`
	// Interval is in microseconds.
	Interval int64 `json:"interval"`

	keys  keySet
	Extra map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON fills the typed fields and keeps the raw object.
func (c *Cluster) UnmarshalJSON(data []byte) error {
	members, err := splitObject(data)
	if err != nil {
		return err
	}
	if err := decodeMembers(members, c, &c.keys, &c.Extra); err != nil {
		return err
	}
	c.Raw = rawMembers(members, true)
	return nil
}

// MarshalJSON writes the cluster back with every key it was read with.
func (c Cluster) MarshalJSON() ([]byte, error) { return encodeObject(&c, c.keys, c.Extra) }

// UnmarshalJSON keeps the keys read and any unknown ones.
func (d *DataCollectorConfig) UnmarshalJSON(data []byte) error {
	return decodeObject(data, d, &d.keys, &d.Extra)
}

// MarshalJSON writes back what was read.
func (d DataCollectorConfig) MarshalJSON() ([]byte, error) {
	return encodeObject(&d, d.keys, d.Extra)
}
