package sandbox

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/goluxid/goluxid/ganeti/paths"
)

// setupHelper finishes the node root with Ganeti's own Python library: the
// job queue's version and serial files and the ssconf files.
//
//go:embed setup_helper.py
var setupHelper []byte

// setupTimeout bounds each setup command (ensure-dirs, the helper).
const setupTimeout = time.Minute

// stdPath is the PATH of the daemons and clients: the system directories
// only, so that e.g. a pyenv python3 never shadows /usr/bin/python3.
const stdPath = "/usr/sbin:/usr/bin:/sbin:/bin"

// Prerequisites reports what this machine lacks to run a sandbox: root
// privileges, the Debian packages of a Ganeti release goluxid serves, or
// Ganeti's users.
func Prerequisites() error {
	var missing []string
	need := []string{
		filepath.Join(HaskellSbin, "ganeti-luxid"),
		filepath.Join(HaskellSbin, "ganeti-wconfd"),
		filepath.Join(PythonShare, "ganeti-noded"),
		filepath.Join(PythonShare, "ensure-dirs"),
		filepath.Join(ClientDir, "gnt-cluster"),
		Python,
	}
	for _, f := range need {
		if _, err := os.Stat(f); err != nil {
			missing = append(missing, f)
		}
	}
	if _, err := user.Lookup("gnt-masterd"); err != nil {
		missing = append(missing, "user gnt-masterd")
	}
	var problems []string
	if os.Geteuid() != 0 {
		problems = append(problems, "must run as root (the daemons chown files to the gnt-* users)")
	}
	if installErr != nil {
		problems = append(problems, installErr.Error())
	}
	if len(missing) > 0 {
		problems = append(problems, "missing "+strings.Join(missing, ", ")+"; install the Ganeti packages: "+packagesToInstall())
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("sandbox prerequisites: %s", strings.Join(problems, "; "))
}

// makeBaseDir returns the absolute base directory and whether it was
// created. An empty dir means a new directory under /tmp, whose short path
// keeps the socket paths below the AF_UNIX limit.
func makeBaseDir(dir string) (string, bool, error) {
	if dir == "" {
		d, err := os.MkdirTemp("/tmp", "gsb")
		if err != nil {
			return "", false, fmt.Errorf("create sandbox dir: %w", err)
		}
		return d, true, chmodBase(d)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false, fmt.Errorf("sandbox dir %s: %w", dir, err)
	}
	entries, err := os.ReadDir(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return "", false, fmt.Errorf("create sandbox dir: %w", err)
		}
		return abs, true, nil
	case err != nil:
		return "", false, fmt.Errorf("sandbox dir %s: %w", abs, err)
	case len(entries) > 0:
		return "", false, fmt.Errorf("sandbox dir %s is not empty", abs)
	}
	return abs, false, chmodBase(abs)
}

// checkSocketPath makes sure the longest socket path of a sandbox in dir
// fits into an AF_UNIX address.
func checkSocketPath(dir, hostname string) error {
	return checkSocketPathIn(paths.New(filepath.Join(dir, hostname)))
}

// checkSocketPath checks the socket paths of the sandbox's node root.
func (s *Sandbox) checkSocketPath() error { return checkSocketPathIn(s.layout) }

func checkSocketPathIn(layout *paths.Layout) error {
	sock := layout.WconfdSocket
	if len(sock) > maxSocketPath {
		return fmt.Errorf("sandbox dir path too long: %s is %d bytes, unix sockets allow %d",
			sock, len(sock), maxSocketPath)
	}
	return nil
}

// chmodBase lets Ganeti's users traverse the base directory, as they could
// a real node's /.
func chmodBase(dir string) error {
	if err := os.Chmod(dir, 0o755); err != nil {
		return fmt.Errorf("chmod sandbox dir: %w", err)
	}
	return nil
}

// setup lays out the node root: directories with Ganeti's owners and modes,
// the no-op master IP script, crypto, config.data, queue and ssconf files,
// the caller's node files, env.sh and the sandbox state.
func (s *Sandbox) setup() error {
	if err := s.checkSocketPath(); err != nil {
		return err
	}
	if err := s.makeDirs(); err != nil {
		return err
	}
	type cryptoResult struct {
		c   *clusterCrypto
		err error
	}
	crypto := make(chan cryptoResult, 1)
	go func() {
		c, err := generateCrypto(s.st.Hostname, time.Now())
		crypto <- cryptoResult{c, err}
	}()
	dirsErr := s.ensureDirs()
	res := <-crypto
	if err := errors.Join(dirsErr, res.err); err != nil {
		return err
	}
	if err := s.writeFiles(res.c); err != nil {
		return err
	}
	if err := s.upgradeIfOlder(s.base(), s.st.Hostname); err != nil {
		return err
	}
	if err := s.runSetupCommand("setup helper", setupHelper, Python, "-", PythonShare); err != nil {
		return err
	}
	if err := s.layNodeFiles(); err != nil {
		return err
	}
	// In full mode ensure-dirs also walks the queue's archive.
	if err := s.ensureDirs("--full-run"); err != nil {
		return err
	}
	if err := s.writeEnvFile(); err != nil {
		return err
	}
	return s.saveState()
}

// layNodeFiles writes Options.NodeFiles into the node root.
func (s *Sandbox) layNodeFiles() error {
	for _, f := range s.nodeFiles {
		if !filepath.IsLocal(f.Path) {
			return fmt.Errorf("node file %q: not a relative path inside the node root", f.Path)
		}
		path := filepath.Join(s.Root(), f.Path)
		if err := os.MkdirAll(filepath.Dir(path), nodeFileDirMode); err != nil {
			return fmt.Errorf("node file %s: %w", f.Path, err)
		}
		if err := os.WriteFile(path, f.Data, nodeFileMode); err != nil {
			return fmt.Errorf("node file %s: %w", f.Path, err)
		}
	}
	return nil
}

// makeDirs creates the directories ensure-dirs expects to exist already,
// plus the sandbox's own out/ and pids/.
func (s *Sandbox) makeDirs() error {
	dirs := []string{
		"etc/ganeti/scripts", "etc/default", "var/lock",
		"var/lib/ganeti", "var/log/ganeti", "var/run/ganeti",
	}
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(s.Root(), d), 0o755); err != nil {
			return fmt.Errorf("create node dir: %w", err)
		}
	}
	for _, d := range []string{"out", "pids"} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), 0o755); err != nil {
			return fmt.Errorf("create sandbox dir: %w", err)
		}
	}
	return nil
}

// ensureDirs runs Ganeti's ensure-dirs with args, which creates the
// remaining directories and gives directories and known files Ganeti's
// owners and modes.
func (s *Sandbox) ensureDirs(args ...string) error {
	argv := append([]string{Python, filepath.Join(PythonShare, "ensure-dirs")}, args...)
	return s.runSetupCommand("ensure-dirs", nil, argv...)
}

// runSetupCommand runs a setup step in vcluster mode, feeding stdin, with
// its output appended to out/setup.out.
func (s *Sandbox) runSetupCommand(what string, stdin []byte, argv ...string) error {
	out, err := os.OpenFile(s.OutFile("setup"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("%s: open output: %w", what, err)
	}
	defer out.Close()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = "/"
	cmd.Env = s.daemonEnv()
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stdout = out
	cmd.Stderr = out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w; output:\n%s", what, err, tail(s.OutFile("setup"), tailLines))
	}
	return nil
}

// writeFiles writes the files that a cluster init and node setup would
// create, before ensure-dirs fixes their owners.
func (s *Sandbox) writeFiles(c *clusterCrypto) error {
	cfg, masterIP, err := patchConfig(s.base(), configPatch{
		Hostname: s.st.Hostname, NodeIP: s.st.NodeIP, ClientDigest: c.clientDigest,
	})
	if err != nil {
		return err
	}
	s.st.MasterIP = masterIP
	return s.writeNodeFiles(cfg, c, c.client)
}

// base returns the configuration the node root is laid out from.
func (s *Sandbox) base() []byte {
	if s.baseConfig != nil {
		return s.baseConfig
	}
	return demoConfig
}

// upgradeIfOlder upgrades the node's config.data when base is of an older
// release than the installed one.
func (s *Sandbox) upgradeIfOlder(base []byte, master string) error {
	older, err := needsUpgrade(base)
	if err != nil || !older {
		return err
	}
	return s.upgradeConfig(master)
}

// writeNodeFiles writes the node's files: the cluster-wide crypto and
// secrets, the node's own client certificate, and config.data unless cfg
// is nil (Ganeti keeps the configuration on master candidates only).
func (s *Sandbox) writeNodeFiles(cfg []byte, c *clusterCrypto, client []byte) error {
	data, etc := s.layout.DataDir, filepath.Join(s.Root(), "etc/ganeti")
	type file struct {
		path string
		data []byte
		mode os.FileMode
	}
	files := []file{
		// use_external_mip_script=true in the config routes the master IP
		// (de)activation to this script, so no interface is ever touched.
		{filepath.Join(etc, "scripts/master-ip-setup"), []byte(masterIPScript(s.MasterIPLog())), 0o755},
		{filepath.Join(etc, "file-storage-paths"), []byte(fileStoragePaths), 0o600},
		{s.layout.ServerCert, c.server, 0o440},
		{s.layout.ClientCert, client, 0o440},
		{filepath.Join(data, "rapi.pem"), c.rapi, 0o440},
		{filepath.Join(data, "spice.pem"), c.spice, 0o440},
		{filepath.Join(data, "spice-ca.pem"), c.spiceCA, 0o440},
		{filepath.Join(data, "hmac.key"), []byte(c.hmacKey), 0o440},
		{filepath.Join(data, "cluster-domain-secret"), []byte(c.domainSecret), 0o640},
		{filepath.Join(data, "known_hosts"), nil, 0o644},
	}
	if cfg != nil {
		files = append(files, file{s.layout.ConfigFile, cfg, 0o640})
	}
	for _, f := range files {
		if err := os.WriteFile(f.path, f.data, f.mode); err != nil {
			return fmt.Errorf("write %s: %w", f.path, err)
		}
	}
	return nil
}

// masterIPScript is the master IP setup script: it configures nothing and
// appends each call ("start" or "stop", the master IP and its netdev) to
// log.
func masterIPScript(log string) string {
	return `#!/bin/sh
# goluxid sandbox: the master IP is never configured on an interface.
echo "$1 $MASTER_IP $MASTER_NETDEV" >> '` + strings.ReplaceAll(log, "'", `'\''`) + `'
exit 0
`
}

// MasterIPLog is the file the node's master IP setup script logs its
// calls to (noded runs it for node_activate_master_ip and
// node_deactivate_master_ip).
func (s *Sandbox) MasterIPLog() string {
	return filepath.Join(s.layout.LogDir, "master-ip-setup.log")
}

// fileStoragePaths allows no file storage directory: the demo config sets
// none.
const fileStoragePaths = "# No file storage directories are allowed in this sandbox.\n"

// writeEnvFile writes env.sh, which a shell sources to run the real clients
// against the sandbox.
func (s *Sandbox) writeEnvFile() error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Source me to use the sandbox in %s:  . %s/env.sh; gnt-cluster info\n", s.dir, s.dir)
	for _, kv := range []string{
		"GANETI_ROOTDIR=" + s.Root(),
		"GANETI_HOSTNAME=" + s.st.Hostname,
		"PYTHONHASHSEED=0",
		"GNT_SANDBOX_DIR=" + s.dir,
		"GNT_SANDBOX_LUXI_SOCKET=" + s.layout.LuxiSocket,
		"GNT_SANDBOX_QUEUE_DIR=" + s.layout.QueueDir,
	} {
		fmt.Fprintf(&b, "export %s\n", shellQuoteAssign(kv))
	}
	b.WriteString("export PATH=" + stdPath + ":\"$PATH\"\nunset PYTHONPATH PYTHONHOME\n")
	if err := os.WriteFile(filepath.Join(s.dir, "env.sh"), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write env.sh: %w", err)
	}
	return nil
}

// shellQuoteAssign quotes the value of a NAME=value pair for sh.
func shellQuoteAssign(kv string) string {
	name, value, _ := strings.Cut(kv, "=")
	return name + "='" + strings.ReplaceAll(value, "'", `'\''`) + "'"
}
