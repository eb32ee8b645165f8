// Package release says which Ganeti release a node runs, and the version
// numbers luxid reports and checks for it. goluxid serves Ganeti 3.0
// (Debian 12) and 3.1 (Debian 13) from one binary; everything that differs
// between them is chosen by the Release found here.
//
// The installed release is the one Ganeti's own selector points to:
// /usr/share/ganeti/default, a link to /usr/share/ganeti/<major.minor> (the
// same link that picks the Python code of the gnt-* commands and the job
// processes). Its ganeti/_constants.py, written by Ganeti's build, holds
// the numbers as Python assignments:
//
//	DIR_VERSION = "3.1"
//	RELEASE_VERSION = "3.1.0~rc2"
//	CONFIG_VERSION = 3010000
//	PROTOCOL_VERSION = 3010000
//	LUXI_VERSION = 3010000
//
// A version number is major·10⁶ + minor·10⁴ + revision; config.data's
// "version" must equal CONFIG_VERSION of the installed release.
package release

import (
	"bufio"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// DefaultShare is Ganeti's link to the Python tree of the active release.
const DefaultShare = "/usr/share/ganeti/default"

// Release is one installed Ganeti release.
type Release struct {
	// Dir is the release's major.minor ("3.0", "3.1"): Ganeti's DIR_VERSION.
	Dir string
	// Version is the software version QueryClusterInfo reports ("3.0.2").
	Version string
	// ConfigVersion is the version of the config.data format it reads.
	ConfigVersion int
	// ProtocolVersion is the node RPC protocol version it reports.
	ProtocolVersion int
	// LuxiVersion is the version LUXI requests and replies carry.
	LuxiVersion int
	// PythonDir holds its Python package "ganeti" (/usr/share/ganeti/3.1).
	PythonDir string
}

// The releases as Debian ships them: Ganeti 3.0 in Debian 12, 3.1 in
// Debian 13.
var (
	Ganeti30 = Release{Dir: "3.0", Version: "3.0.2", ConfigVersion: 3000000, ProtocolVersion: 3000000,
		LuxiVersion: 3000000, PythonDir: "/usr/share/ganeti/3.0"}
	Ganeti31 = Release{Dir: "3.1", Version: "3.1.0~rc2", ConfigVersion: 3010000, ProtocolVersion: 3010000,
		LuxiVersion: 3010000, PythonDir: "/usr/share/ganeti/3.1"}
)

// supported are the releases goluxid serves, by Dir.
var supported = map[string]Release{Ganeti30.Dir: Ganeti30, Ganeti31.Dir: Ganeti31}

// ErrUnsupported reports a Ganeti release goluxid does not serve.
var ErrUnsupported = errors.New("release: unsupported Ganeti release")

// Installed returns the release DefaultShare points to.
func Installed() (Release, error) {
	return FromShare(DefaultShare)
}

// FromShare returns the release whose Python tree share is or links to.
func FromShare(share string) (Release, error) {
	dir, err := filepath.EvalSymlinks(share)
	if err != nil {
		return Release{}, fmt.Errorf("release: finding the installed Ganeti: %w", err)
	}
	consts, err := readConstants(filepath.Join(dir, "ganeti", "_constants.py"))
	if err != nil {
		return Release{}, err
	}
	r, err := fromConstants(consts)
	if err != nil {
		return Release{}, fmt.Errorf("release: Ganeti in %s: %w", dir, err)
	}
	r.PythonDir = dir
	return r, nil
}

// fromConstants builds a Release from _constants.py's assignments and
// checks that goluxid supports it.
func fromConstants(consts map[string]string) (Release, error) {
	var r Release
	var err error
	r.Dir, err = stringConstant(consts, "DIR_VERSION")
	if err == nil {
		r.Version, err = stringConstant(consts, "RELEASE_VERSION")
	}
	for _, c := range []struct {
		name string
		to   *int
	}{{"CONFIG_VERSION", &r.ConfigVersion}, {"PROTOCOL_VERSION", &r.ProtocolVersion}, {"LUXI_VERSION", &r.LuxiVersion}} {
		if err == nil {
			*c.to, err = intConstant(consts, c.name)
		}
	}
	if err != nil {
		return Release{}, err
	}
	want, ok := supported[r.Dir]
	if !ok {
		return Release{}, fmt.Errorf("%w %s (goluxid serves %s)", ErrUnsupported, r.Version, Supported())
	}
	if r.ConfigVersion != want.ConfigVersion {
		return Release{}, fmt.Errorf("%w %s: config version %d, expected %d", ErrUnsupported, r.Version, r.ConfigVersion, want.ConfigVersion)
	}
	return r, nil
}

// Supported names the releases goluxid serves, oldest first ("3.0, 3.1").
func Supported() string {
	dirs := slices.Sorted(maps.Keys(supported))
	return strings.Join(dirs, ", ")
}

// readConstants reads the top-level NAME = VALUE lines of a generated
// _constants.py, values as written.
func readConstants(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	defer f.Close()
	consts := make(map[string]string)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " = ")
		if ok && name != "" && !strings.ContainsAny(name, " \t#") {
			consts[name] = value
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("release: reading %s: %w", path, err)
	}
	return consts, nil
}

func stringConstant(consts map[string]string, name string) (string, error) {
	v, ok := consts[name]
	if !ok {
		return "", fmt.Errorf("no %s", name)
	}
	s, err := strconv.Unquote(v)
	if err != nil {
		return "", fmt.Errorf("%s = %s is not a string", name, v)
	}
	return s, nil
}

func intConstant(consts map[string]string, name string) (int, error) {
	v, ok := consts[name]
	if !ok {
		return 0, fmt.Errorf("no %s", name)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s = %s is not a number", name, v)
	}
	return n, nil
}
