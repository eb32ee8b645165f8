// Package constants holds the Ganeti build constants that luxid reports or
// obeys and that are the same in every release goluxid serves: the
// versions of interfaces that did not change (OS API, export) and the
// daemon's identity (name, user and groups, socket mode, exit codes). What
// differs between releases comes from package release.
package constants

// Versions reported by QueryClusterInfo.
const (
	OSAPIVersion  = 20 // the highest of the supported OS API versions
	ExportVersion = 0
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
