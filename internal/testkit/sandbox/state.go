package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

// stateFile holds the sandbox's settings in its base directory, so that a
// later process can Open the sandbox.
const stateFile = "sandbox.json"

// state is the persisted, defaulted form of Options.
type state struct {
	Hostname     string        `json:"hostname"`
	NodeIP       string        `json:"node_ip"`
	MasterIP     string        `json:"master_ip"`
	Noded        bool          `json:"noded"`
	Luxid        []string      `json:"luxid"`
	LuxidUser    string        `json:"luxid_user,omitempty"`
	Probe        Probe         `json:"probe"`
	Debug        bool          `json:"debug"`
	ExtraEnv     []string      `json:"extra_env,omitempty"`
	StartTimeout time.Duration `json:"start_timeout"`
	StopTimeout  time.Duration `json:"stop_timeout"`
	// Root is the node root when it is not <dir>/<Hostname>: the nodes of
	// a Cluster have their roots side by side in the cluster's directory.
	Root string `json:"root,omitempty"`
	// NodedOnly marks a node other than the master of a Cluster: it runs
	// noded alone.
	NodedOnly bool `json:"noded_only,omitempty"`
}

// newState checks opts and fills in the defaults.
func newState(opts Options) (state, error) {
	st := state{
		Hostname:     opts.Hostname,
		NodeIP:       opts.NodeIP,
		Noded:        opts.Noded,
		Luxid:        append([]string(nil), opts.Luxid...),
		LuxidUser:    opts.LuxidUser,
		Probe:        opts.Probe,
		Debug:        opts.Debug,
		ExtraEnv:     append([]string(nil), opts.ExtraEnv...),
		StartTimeout: opts.StartTimeout,
		StopTimeout:  opts.StopTimeout,
	}
	if st.Hostname == "" {
		st.Hostname = DefaultHostname
	}
	if st.NodeIP == "" && st.Noded {
		// Several sandboxes with noded may start at once (parallel test
		// packages): each takes a loopback address of its own.
		ip, err := FreeNodedIP()
		if err != nil {
			return state{}, err
		}
		st.NodeIP = ip
	}
	if st.NodeIP == "" {
		st.NodeIP = DefaultNodeIP
	}
	if st.Probe == "" {
		st.Probe = ProbeLUXI
	}
	if st.StartTimeout <= 0 {
		st.StartTimeout = DefaultStartTimeout
	}
	if st.StopTimeout <= 0 {
		st.StopTimeout = DefaultStopTimeout
	}
	if err := st.check(); err != nil {
		return state{}, err
	}
	return st, nil
}

func (st state) check() error {
	ip := net.ParseIP(st.NodeIP)
	if ip == nil || ip.To4() == nil || !ip.IsLoopback() {
		return fmt.Errorf("node IP %q: must be a loopback IPv4 address", st.NodeIP)
	}
	if st.Probe != ProbeLUXI && st.Probe != ProbeSocket {
		return fmt.Errorf("unknown luxid probe %q", st.Probe)
	}
	if st.Hostname == "." || st.Hostname == ".." || filepath.Base(st.Hostname) != st.Hostname {
		return fmt.Errorf("hostname %q: must be a single path component", st.Hostname)
	}
	return nil
}

func (s *Sandbox) saveState() error {
	data, err := json.MarshalIndent(s.st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode sandbox state: %w", err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, stateFile), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write sandbox state: %w", err)
	}
	return nil
}

func loadState(dir string) (state, error) {
	data, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return state{}, fmt.Errorf("%s is not a sandbox (no %s)", dir, stateFile)
	}
	if err != nil {
		return state{}, fmt.Errorf("read sandbox state: %w", err)
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return state{}, fmt.Errorf("parse %s: %w", filepath.Join(dir, stateFile), err)
	}
	if err := st.check(); err != nil {
		return state{}, fmt.Errorf("%s: %w", filepath.Join(dir, stateFile), err)
	}
	return st, nil
}

// IsSandbox reports whether dir holds a sandbox made by New.
func IsSandbox(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, stateFile))
	return err == nil
}
