package sandbox

import (
	"encoding/json"
	"fmt"
	"os"

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
		return release.Ganeti30
	}
	return r
}

// packagesToInstall is the apt-get command that installs the release's
// packages.
func packagesToInstall() string {
	d := Ganeti.Dir
	return "apt-get install -y --no-install-recommends ganeti-" + d + " ganeti-haskell-" + d + " ganeti-testsuite"
}

// cfgupgrade is the installed release's configuration upgrade tool.
const cfgupgrade = "/usr/lib/ganeti/tools/cfgupgrade"

// configVersion returns the "version" of a config.data.
func configVersion(raw []byte) (int, error) {
	cfg, _, _, err := parseConfig(raw)
	if err != nil {
		return 0, err
	}
	n, ok := cfg["version"].(json.Number)
	if !ok {
		return 0, fmt.Errorf("base config: no version")
	}
	v, err := n.Int64()
	return int(v), err
}

// upgradeConfig brings the node's config.data, written from a base config
// of an older release, to the installed release with that release's own
// cfgupgrade, as an operator upgrading the cluster would. master is the
// master node's name, which cfgupgrade reads from ssconf; the setup
// helper rewrites every ssconf file afterwards.
func (s *Sandbox) upgradeConfig(master string) error {
	stem := s.layout.SsconfFileStem + "master_node"
	if err := os.WriteFile(stem, []byte(master+"\n"), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", stem, err)
	}
	return s.runSetupCommand("cfgupgrade", nil, Python, cfgupgrade, "--force", "--ignore-hostname")
}

// needsUpgrade reports whether a base config is older than the installed
// release.
func needsUpgrade(base []byte) (bool, error) {
	v, err := configVersion(base)
	if err != nil {
		return false, err
	}
	return v != Ganeti.ConfigVersion, nil
}
