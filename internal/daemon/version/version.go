// Package version says which goluxid this is, for --version and for the
// vcs_version that QueryClusterInfo reports.
package version

import "runtime/debug"

// Version is goluxid's release, overridden at link time with
// -ldflags "-X github.com/goluxid/goluxid/internal/daemon/version.Version=…".
var Version = "0.1.0-dev"

// VCS is the string QueryClusterInfo answers as vcs_version: it names
// goluxid, where the Haskell luxid names Ganeti's package version.
func VCS() string {
	return "(goluxid) version " + Version + revision()
}

// revision returns " (rev <hash>)" when the binary was built from a git
// checkout with VCS stamping, else "".
func revision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return " (rev " + s.Value[:12] + ")"
		}
	}
	return ""
}
