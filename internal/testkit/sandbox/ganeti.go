package sandbox

import (
	"github.com/goluxid/goluxid/ganeti/release"
)

// installErr is why no installed release was found, if none was.
var installErr error

// installedRelease returns the installed release, or Ganeti 3.0 (whose
// packages Prerequisites then asks for) when none is found.
func installedRelease() release.Release {
	r, err := release.Installed()
	if err != nil {
		installErr = err
		return release.Release{Dir: "3.0", Version: "3.0.2", ConfigVersion: 3000000,
			ProtocolVersion: 3000000, LuxiVersion: 3000000, PythonDir: "/usr/share/ganeti/3.0"}
	}
	return r
}

// packagesToInstall is the apt-get command that installs the release's
// packages.
func packagesToInstall() string {
	d := Ganeti.Dir
	return "apt-get install -y --no-install-recommends ganeti-" + d + " ganeti-haskell-" + d + " ganeti-testsuite"
}
