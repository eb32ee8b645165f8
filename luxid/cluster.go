package luxid

import (
	"encoding/json"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goluxid/goluxid/ganeti/constants"
	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/internal/hsshow"
)

// clusterInfoStored lists, in the real luxid's order, the QueryClusterInfo
// keys after "diskparams" that are answered with the cluster's stored value
// of the same name.
var clusterInfoStored = []string{
	"candidate_pool_size", "max_running_jobs", "max_tracked_jobs", "mac_prefix",
	"master_netdev", "master_netmask", "use_external_mip_script", "volume_group_name",
	"drbd_usermode_helper", "file_storage_dir", "shared_file_storage_dir",
	"gluster_storage_dir", "maintain_node_health",
}

// clusterInfoTail lists the stored keys answered after primary_ip_version
// and before the data collectors.
var clusterInfoTail = []string{
	"prealloc_wipe_disks", "hidden_os", "blacklisted_os", "enabled_disk_templates",
	"install_image", "instance_communication_network", "zeroing_image",
	"compression_tools", "enabled_user_shutdown",
}

// queryClusterInfo answers QueryClusterInfo (arguments ignored): Ganeti's
// versions, this machine's architecture and the cluster object's values.
func (d *Dispatcher) queryClusterInfo(c *call) (any, error) {
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	cfg := c.cfg.Data
	cl := cfg.Cluster
	master, err := cfg.FindNode(cl.MasterNode)
	if err != nil {
		return nil, err
	}
	var defaultHV any
	if len(cl.EnabledHypervisors) > 0 {
		defaultHV = cl.EnabledHypervisors[0]
	}
	obj := hsjson.Object{
		hsjson.KV("software_version", d.deps.Ganeti.Version),
		hsjson.KV("protocol_version", d.deps.Ganeti.ProtocolVersion),
		hsjson.KV("config_version", d.deps.Ganeti.ConfigVersion),
		hsjson.KV("os_api_version", constants.OSAPIVersion),
		hsjson.KV("export_version", constants.ExportVersion),
		hsjson.KV("vcs_version", d.deps.VCSVersion),
		hsjson.KV("architecture", []string{strconv.Itoa(strconv.IntSize) + "bits", machineName()}),
		hsjson.KV("name", cl.Name),
		hsjson.KV("master", master.Name),
		hsjson.KV("default_hypervisor", defaultHV),
		hsjson.KV("enabled_hypervisors", cl.EnabledHypervisors),
		hsjson.KV("hvparams", objects.EncodeHVParams(cl.HVParams)),
		hsjson.KV("os_hvp", objects.EncodeOSHVP(cl.OSHVP)),
		hsjson.KV("beparams", objects.EncodeClusterBEParams(cl)),
		hsjson.KV("osparams", objects.EncodeParamsMap(cl.OSParams)),
		hsjson.KV("ipolicy", objects.EncodeIPolicy(cl.FilledIPolicy())),
		hsjson.KV("nicparams", objects.EncodeClusterNICParams(cl)),
		hsjson.KV("ndparams", objects.EncodeNDParams(cl.FilledNDParams())),
		hsjson.KV("diskparams", objects.EncodeParamsMap(cl.DiskParams)),
	}
	obj = appendStored(obj, cl, clusterInfoStored)
	obj = append(obj,
		hsjson.KV("ctime", objects.EncodeTimestamp(cl.CTime)),
		hsjson.KV("mtime", objects.EncodeTimestamp(cl.MTime)),
		hsjson.KV("uuid", cl.UUID),
		hsjson.KV("tags", objects.EncodeTags(cl.Tags)),
	)
	obj = appendStored(obj, cl, []string{"uid_pool", "default_iallocator", "default_iallocator_params", "reserved_lvs"})
	obj = append(obj, hsjson.KV("primary_ip_version", ipVersion(cl.PrimaryIPFamily)))
	obj = appendStored(obj, cl, clusterInfoTail)
	active, interval, err := dataCollectors(cl)
	if err != nil {
		return nil, err
	}
	return append(obj,
		hsjson.KV("enabled_data_collectors", active),
		hsjson.KV("data_collector_interval", interval),
		hsjson.KV("modify_ssh_setup", cl.ModifySSHSetup),
		hsjson.KV("ssh_key_type", cl.SSHKeyType),
		hsjson.KV("ssh_key_bits", cl.SSHKeyBits),
	), nil
}

// appendStored appends the cluster's stored values of keys to obj; a key
// missing from the file is answered as null.
func appendStored(obj hsjson.Object, cl *objects.Cluster, keys []string) hsjson.Object {
	for _, k := range keys {
		var v any
		if raw, ok := cl.Raw[k]; ok {
			v = raw
		}
		obj = append(obj, hsjson.KV(k, v))
	}
	return obj
}

// dataCollectors splits the cluster's data collector settings into the
// "active" and "interval" maps QueryClusterInfo answers.
func dataCollectors(cl *objects.Cluster) (active, interval map[string]json.RawMessage, err error) {
	var collectors map[string]struct {
		Active   json.RawMessage `json:"active"`
		Interval json.RawMessage `json:"interval"`
	}
	if raw, ok := cl.Raw["data_collectors"]; ok {
		if err := json.Unmarshal(raw, &collectors); err != nil {
			return nil, nil, gerrors.Configuration("invalid data_collectors: " + err.Error())
		}
	}
	active = make(map[string]json.RawMessage, len(collectors))
	interval = make(map[string]json.RawMessage, len(collectors))
	for name, dc := range collectors {
		active[name] = dc.Active
		interval[name] = dc.Interval
	}
	return active, interval, nil
}

// ipVersion maps Ganeti's stored address family to the IP version.
func ipVersion(family int) int {
	if family == 10 {
		return 6
	}
	return 4
}

// machineName is the processor name as uname -m (and Haskell's
// System.Info.arch) spells it.
func machineName() string {
	switch runtime.GOARCH {
	case "amd64":
		return "x86_64"
	case "386":
		return "i386"
	case "arm64":
		return "aarch64"
	default:
		return runtime.GOARCH
	}
}

// queryConfigValues answers QueryConfigValues [[names]]: the value of each
// named setting, null for names it does not know.
func (d *Dispatcher) queryConfigValues(c *call) (any, error) {
	var names []string
	if err := decodeArgs(c.args, &names); err != nil {
		return nil, err
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	values := make([]any, len(names))
	for i, name := range names {
		values[i] = d.configValue(c, name)
	}
	return values, nil
}

// configValue is one value of QueryConfigValues.
func (d *Dispatcher) configValue(c *call, name string) any {
	cl := c.cfg.Data.Cluster
	switch name {
	case "cluster_name":
		return cl.Name
	case "master_node":
		if n, err := c.cfg.Data.FindNode(cl.MasterNode); err == nil {
			return n.Name
		}
		return nil
	case "drain_flag":
		return fileExists(d.deps.Paths.DrainFile)
	case "watcher_pause":
		return watcherPausedUntil(d.deps.Paths.WatcherPause, time.Now())
	case "modify_ssh_setup":
		return cl.ModifySSHSetup
	case "ssh_key_type":
		return cl.SSHKeyType
	case "ssh_key_bits":
		return cl.SSHKeyBits
	default:
		return nil
	}
}

// fileExists reports whether path names an existing file.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// watcherPausedUntil returns the time until which the watcher is paused,
// or nil when the pause file is missing, unreadable or in the past.
func watcherPausedUntil(path string, now time.Time) any {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	until, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil || until <= now.Unix() {
		return nil
	}
	return until
}

// tagKinds maps QueryTags' kind argument to the lookup of its object.
var tagKinds = map[string]func(cfg *objects.ConfigData, name string) ([]string, error){
	"cluster": func(cfg *objects.ConfigData, _ string) ([]string, error) {
		return tagsOf(cfg.Cluster, nil, func() []string { return cfg.Cluster.Tags })
	},
	"node": func(cfg *objects.ConfigData, name string) ([]string, error) {
		n, err := cfg.FindNode(name)
		return tagsOf(n, err, func() []string { return n.Tags })
	},
	"instance": func(cfg *objects.ConfigData, name string) ([]string, error) {
		i, err := cfg.FindInstance(name)
		return tagsOf(i, err, func() []string { return i.Tags })
	},
	"nodegroup": func(cfg *objects.ConfigData, name string) ([]string, error) {
		g, err := cfg.FindNodeGroup(name)
		return tagsOf(g, err, func() []string { return g.Tags })
	},
	"network": func(cfg *objects.ConfigData, name string) ([]string, error) {
		n, err := cfg.FindNetwork(name)
		return tagsOf(n, err, func() []string { return n.Tags })
	},
}

// tagsOf returns the tags of a found object sorted, as Ganeti's tag sets
// are, and never nil.
func tagsOf[T any](_ *T, err error, tags func() []string) ([]string, error) {
	if err != nil {
		return nil, err
	}
	sorted := append([]string{}, tags()...)
	sort.Strings(sorted)
	return sorted, nil
}

// queryTags answers QueryTags [kind, name].
func (d *Dispatcher) queryTags(c *call) (any, error) {
	var kind, name string
	if err := decodeArgs(c.args, &kind, &name); err != nil {
		return nil, err
	}
	find, ok := tagKinds[kind]
	if !ok {
		return nil, convertError(c.args, "Invalid string value for type TagKind: "+hsshow.String(kind))
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	return find(c.cfg.Data, name)
}
