// Package paths names every file and directory luxid uses, the way Ganeti
// lays them out.
//
// Ganeti's virtual-cluster mode runs several nodes on one machine by giving
// each a root directory in GANETI_ROOTDIR; the Haskell daemons simply put that
// string in front of every absolute path (no cleaning, no check of the host
// name), and so does this package. The node's own name comes from
// GANETI_HOSTNAME when it is set, else from the host's fully qualified name.
package paths

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Environment variables that move a node into a virtual cluster.
const (
	EnvRootDir  = "GANETI_ROOTDIR"
	EnvHostname = "GANETI_HOSTNAME"
)

// Layout holds every path of one node. Build it with FromEnv or New; the
// zero value is not useful.
type Layout struct {
	// Root is the prefix of every path ("" outside a virtual cluster).
	Root string

	DataDir     string // /var/lib/ganeti
	RunDir      string // /var/run/ganeti
	LogDir      string // /var/log/ganeti
	SocketDir   string // /var/run/ganeti/socket
	ConfigFile  string // config.data
	SsconfDir   string // where ssconf_* files live (the data dir)
	QueueDir    string
	ArchiveDir  string
	SerialFile  string
	VersionFile string
	QueueLock   string
	DrainFile   string

	LivelockDir    string
	LuxidMsgDir    string
	LuxiSocket     string // ganeti-query, the socket luxid serves
	WconfdSocket   string
	PidFile        string
	LogFile        string // luxi-daemon.log
	WatcherPause   string
	ServerCert     string // server.pem: RPC CA bundle
	ClientCert     string // client.pem: RPC client certificate
	InstReasonDir  string
	JobsLogFile    string
	CommandsLog    string
	SsconfFileStem string // prefix of ssconf files: <data>/ssconf_
}

// FromEnv returns the layout for GANETI_ROOTDIR (empty when unset).
func FromEnv() *Layout {
	return New(os.Getenv(EnvRootDir))
}

// New returns the layout below root; root is prepended as a plain string.
func New(root string) *Layout {
	data := root + "/var/lib/ganeti"
	run := root + "/var/run/ganeti"
	logs := root + "/var/log/ganeti"
	queue := data + "/queue"
	sockets := run + "/socket"
	return &Layout{
		Root:           root,
		DataDir:        data,
		RunDir:         run,
		LogDir:         logs,
		SocketDir:      sockets,
		ConfigFile:     data + "/config.data",
		SsconfDir:      data,
		SsconfFileStem: data + "/ssconf_",
		QueueDir:       queue,
		ArchiveDir:     queue + "/archive",
		SerialFile:     queue + "/serial",
		VersionFile:    queue + "/version",
		QueueLock:      queue + "/lock",
		DrainFile:      queue + "/drain",
		LivelockDir:    run + "/livelocks",
		LuxidMsgDir:    run + "/luxidmessages",
		LuxiSocket:     sockets + "/ganeti-query",
		WconfdSocket:   sockets + "/ganeti-wconfd",
		PidFile:        run + "/ganeti-luxid.pid",
		LogFile:        logs + "/luxi-daemon.log",
		WatcherPause:   data + "/watcher.pause",
		ServerCert:     data + "/server.pem",
		ClientCert:     data + "/client.pem",
		InstReasonDir:  run + "/instance-reason",
		JobsLogFile:    logs + "/jobs.log",
		CommandsLog:    logs + "/commands.log",
	}
}

// JobFile is the live file of job id.
func (l *Layout) JobFile(id uint64) string {
	return l.QueueDir + "/job-" + strconv.FormatUint(id, 10)
}

// ArchivedJobFile is where job id lives once archived: one directory per
// 10,000 job ids.
func (l *Layout) ArchivedJobFile(id uint64) string {
	return filepath.Join(l.ArchiveDir, strconv.FormatUint(id/10000, 10), "job-"+strconv.FormatUint(id, 10))
}

// Ssconf is the path of the ssconf file holding key (e.g. "master_node").
func (l *Layout) Ssconf(key string) string {
	return l.SsconfFileStem + key
}

// LuxidMessage is the file through which luxid tells running job id of a
// priority change.
func (l *Layout) LuxidMessage(id uint64) string {
	return l.LuxidMsgDir + "/" + strconv.FormatUint(id, 10) + ".prio"
}

// Hostname returns the node's name as Ganeti sees it: GANETI_HOSTNAME when
// set, else the canonical name of the host name, else the host name itself.
func Hostname() (string, error) {
	if name := os.Getenv(EnvHostname); name != "" {
		return name, nil
	}
	host, err := os.Hostname()
	if err != nil {
		return "", err
	}
	return canonicalName(host), nil
}

// canonicalName resolves host to its fully qualified name the way getaddrinfo
// with AI_CANONNAME does, keeping host when the lookup fails.
func canonicalName(host string) string {
	cname, err := net.LookupCNAME(host)
	if err != nil || cname == "" {
		return host
	}
	return strings.TrimSuffix(cname, ".")
}
