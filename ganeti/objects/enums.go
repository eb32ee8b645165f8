package objects

// Hypervisors lists Ganeti's hypervisor names in the order of its
// Hypervisor type, which is the order of every hypervisor-keyed map the
// Haskell daemons write (cluster hvparams, the inner maps of os_hvp).
var Hypervisors = []string{"kvm", "xen-pvm", "chroot", "xen-hvm", "lxc", "fake"}

// Disk templates (a disk's dev_type).
const (
	DTDiskless   = "diskless"
	DTFile       = "file"
	DTSharedFile = "sharedfile"
	DTPlain      = "plain"
	DTBlock      = "blockdev"
	DTDrbd       = "drbd"
	DTRbd        = "rbd"
	DTExt        = "ext"
	DTGluster    = "gluster"
)

// DiskTemplates lists the disk templates in the order of Ganeti's
// DiskTemplate type.
var DiskTemplates = []string{DTDiskless, DTFile, DTSharedFile, DTPlain, DTBlock, DTDrbd, DTRbd, DTExt, DTGluster}

// NIC modes (nicparams "mode").
const (
	NICModeBridged = "bridged"
	NICModeRouted  = "routed"
	NICModeOVS     = "openvswitch"
)

// Instance admin states and their sources.
const (
	AdminUp          = "up"
	AdminDown        = "down"
	AdminOffline     = "offline"
	AdminSourceAdmin = "admin"
	AdminSourceUser  = "user"
)

// DefaultParamGroup is the key of the cluster's only beparams and
// nicparams group (Ganeti's PP_DEFAULT).
const DefaultParamGroup = "default"

// HVGlobals are the hypervisor parameters that are cluster-wide only:
// an instance's filled hvparams leave them out (Ganeti's HVC_GLOBALS).
var HVGlobals = []string{"migration_bandwidth", "migration_mode", "migration_port", "xen_cmd"}

// IP families as primary_ip_family stores them (Python's socket.AF_INET
// and AF_INET6).
const (
	IPFamilyV4 = 2
	IPFamilyV6 = 10
)
