// Package constants holds the Ganeti 3.0.2 build constants that luxid
// reports or obeys: versions, timeouts and the daemon's identity.
package constants

// Versions reported by QueryClusterInfo and checked against config.data.
const (
	ReleaseVersion  = "3.0.2"
	ProtocolVersion = 3000000
	ConfigVersion   = 3000000
	OSAPIVersion    = 20 // the highest of the supported OS API versions
	ExportVersion   = 0
)

// Daemon identity as Debian's build of Ganeti defines it.
const (
	LuxidName    = "ganeti-luxid"
	LuxidUser    = "gnt-masterd"
	LuxidGroup   = "gnt-luxid"
	DaemonsGroup = "gnt-daemons"
	// LuxiSocketMode is the mode of the ganeti-query socket.
	LuxiSocketMode = 0o660
	// ExitNotMaster is the exit code of a master daemon started on a node
	// that is not the master (EXIT_NOTMASTER).
	ExitNotMaster = 11
	// ExitFailure is the exit code of a daemon that failed to start.
	ExitFailure = 1
)
