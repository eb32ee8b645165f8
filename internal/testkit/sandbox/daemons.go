package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Daemon names, also the names of their pid and output files.
const (
	Wconfd = "wconfd"
	Noded  = "noded"
	Luxid  = "luxid"
	RAPI   = "rapi"
)

// stopOrder stops the RAPI daemon and the luxid first, so that no new job
// starts, and wconfd, which the others talk to, last.
var stopOrder = []string{RAPI, Luxid, Noded, Wconfd}

// pollInterval is how often readiness and exit are checked.
const pollInterval = 20 * time.Millisecond

// daemon is one process the sandbox started.
type daemon struct {
	name string
	pid  int
	// cmd and done are set when this process started the daemon; done is
	// closed once it exited and was reaped. Daemons loaded from pid files
	// (Open) have neither.
	cmd  *exec.Cmd
	done chan struct{}
}

// exited reports whether a daemon started by this process has exited.
func (d *daemon) exited() bool {
	if d.done == nil {
		return false
	}
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// daemonEnv is the environment of the daemons and setup commands: vcluster
// mode, the system PATH, a fixed hash seed for the Python processes (job
// processes, noded) and a UTF-8 locale, whatever the caller's environment.
func (s *Sandbox) daemonEnv() []string {
	env := []string{
		"GANETI_ROOTDIR=" + s.Root(),
		"GANETI_HOSTNAME=" + s.st.Hostname,
		"PATH=" + stdPath,
		"PYTHONHASHSEED=0",
		"LANG=C.UTF-8",
	}
	return append(env, s.st.ExtraEnv...)
}

// startDaemon starts argv in its own session (and so its own process
// group, which its job processes inherit), with output appended to
// out/<name>.out, and records its pid.
func (s *Sandbox) startDaemon(name string, argv []string) (*daemon, error) {
	return s.startDaemonAs(name, argv, nil)
}

// startDaemonAs is startDaemon with the daemon running as cred (nil: as
// this process).
func (s *Sandbox) startDaemonAs(name string, argv []string, cred *syscall.Credential) (*daemon, error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("start %s: empty command line", name)
	}
	if s.st.Debug {
		argv = append(slices.Clone(argv), "-d")
	}
	out, err := os.OpenFile(s.OutFile(name), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("start %s: open output: %w", name, err)
	}
	defer out.Close() // the child keeps its own descriptor
	fmt.Fprintf(out, "=== %s: starting %s\n", time.Now().Format(time.RFC3339Nano), strings.Join(argv, " "))
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = "/"
	cmd.Env = s.daemonEnv()
	cmd.Stdout = out
	cmd.Stderr = out
	// Setsid implies a new process group; unlike Setpgid alone it also
	// detaches the daemons from the caller's terminal, so that they survive
	// a "gnt-sandbox up" whose shell goes away.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Credential: cred}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	d := &daemon{name: name, pid: cmd.Process.Pid, cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait() // the exit status is reported from ProcessState
		close(d.done)
	}()
	s.daemons[name] = d
	if err := s.recordPid(d); err != nil {
		return d, err
	}
	return d, nil
}

// waitReady polls ready until it succeeds, the daemon exits or the start
// timeout or ctx ends. Errors carry the tail of the daemon's output.
func (s *Sandbox) waitReady(ctx context.Context, d *daemon, what string, ready func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.st.StartTimeout)
	defer cancel()
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	var last error
	for {
		if last = ready(ctx); last == nil {
			return nil
		}
		select {
		case <-d.done:
			return fmt.Errorf("%s (pid %d) exited before %s: %s; output:\n%s",
				d.name, d.pid, what, d.cmd.ProcessState, tail(s.OutFile(d.name), tailLines))
		case <-ctx.Done():
			return fmt.Errorf("%s (pid %d) not ready (%s) after %s: %w (last probe: %v); output:\n%s",
				d.name, d.pid, what, s.st.StartTimeout, ctx.Err(), last, tail(s.OutFile(d.name), tailLines))
		case <-ticker.C:
		}
	}
}

// runningErr says that daemon name is running already, or is nil.
func (s *Sandbox) runningErr(name string) error {
	if d := s.daemons[name]; d != nil && s.alive(d) {
		return fmt.Errorf("%s already running (pid %d)", name, d.pid)
	}
	return nil
}

// StopWconfd stops the node's wconfd alone, as a crash of it would: the
// luxid and job processes keep running and find no WConfd.
func (s *Sandbox) StopWconfd() error { return s.stopDaemon(Wconfd) }

func (s *Sandbox) startWconfd(ctx context.Context) error {
	d, err := s.startDaemon(Wconfd, append([]string{filepath.Join(HaskellSbin, "ganeti-wconfd")}, luxidFlags...))
	if err != nil {
		return err
	}
	sock := s.layout.WconfdSocket
	return s.waitReady(ctx, d, "accepting connections", func(ctx context.Context) error {
		return probeSocket(ctx, sock)
	})
}

// StartNoded starts the node's noded (again, e.g. after StopNoded) and
// waits until it listens. Its errors wrap ErrNodedStart.
func (s *Sandbox) StartNoded(ctx context.Context) error {
	if err := s.runningErr(Noded); err != nil {
		return fmt.Errorf("%w: %w", ErrNodedStart, err)
	}
	if err := s.startNoded(ctx); err != nil {
		return fmt.Errorf("%w: %w", ErrNodedStart, err)
	}
	return nil
}

// SignalNoded sends sig to the node's noded: SIGSTOP makes it hang as an
// overloaded or frozen node would (the kernel still accepts connections,
// nothing answers), SIGCONT lets it go on.
func (s *Sandbox) SignalNoded(sig syscall.Signal) error {
	d := s.daemons[Noded]
	if d == nil || !s.alive(d) {
		return errors.New("noded is not running")
	}
	s.signal(s.daemonProc(d), sig)
	return nil
}

// StopNoded stops the node's noded, as a crashed or stopped node daemon
// would leave the node: unreachable for RPC, its files untouched.
func (s *Sandbox) StopNoded() error { return s.stopDaemon(Noded) }

func (s *Sandbox) startNoded(ctx context.Context) error {
	if listening, err := tcpListening(s.st.NodeIP, nodedPort); err != nil {
		return err
	} else if listening {
		return fmt.Errorf("start noded: %s:%d is already in use (choose another NodeIP, e.g. FreeNodedIP())",
			s.st.NodeIP, nodedPort)
	}
	argv := []string{Python, filepath.Join(PythonShare, "ganeti-noded"), "-f", "--no-mlock", "-b", s.st.NodeIP}
	d, err := s.startDaemon(Noded, argv)
	if err != nil {
		return err
	}
	return s.waitReady(ctx, d, "listening on its port", func(context.Context) error {
		ok, err := tcpListening(s.st.NodeIP, nodedPort)
		if err == nil && !ok {
			err = errors.New("not listening yet")
		}
		return err
	})
}

// StartLuxid starts the luxid on the sandbox's current state and waits
// until it is ready. argv replaces the configured command line when given,
// so that a restart can switch between goluxid and the Haskell luxid.
func (s *Sandbox) StartLuxid(ctx context.Context, argv ...string) error {
	if len(argv) > 0 {
		if err := s.SetLuxid(argv...); err != nil {
			return err
		}
	}
	if err := s.runningErr(Luxid); err != nil {
		return err
	}
	d, err := s.startLuxid()
	if err != nil {
		return err
	}
	sock := s.layout.LuxiSocket
	if s.st.Probe == ProbeSocket {
		return s.waitReady(ctx, d, "accepting connections", func(ctx context.Context) error {
			return probeSocket(ctx, sock)
		})
	}
	return s.waitReady(ctx, d, "answering LUXI", func(ctx context.Context) error {
		return probeLUXI(ctx, sock)
	})
}

// startLuxid starts the luxid as Options.LuxidUser, or as this process.
func (s *Sandbox) startLuxid() (*daemon, error) {
	if s.st.LuxidUser == "" {
		return s.startDaemon(Luxid, s.st.Luxid)
	}
	cred, err := UserCredential(s.st.LuxidUser)
	if err != nil {
		return nil, fmt.Errorf("start luxid: %w", err)
	}
	return s.startDaemonAs(Luxid, s.st.Luxid, cred)
}

// SetLuxid replaces the luxid command line used by later starts.
func (s *Sandbox) SetLuxid(argv ...string) error {
	if len(argv) == 0 {
		return errors.New("set luxid: empty command line")
	}
	s.st.Luxid = slices.Clone(argv)
	return s.saveState()
}

// StopLuxid stops only the luxid, as a daemon restart would: its job
// processes keep running, and wconfd and noded stay up. Stop still finds and
// ends those job processes later.
func (s *Sandbox) StopLuxid() error {
	d := s.daemons[Luxid]
	if d == nil {
		return nil
	}
	err := s.terminate([]*proc{s.daemonProc(d)})
	delete(s.daemons, Luxid)
	if rmErr := os.Remove(s.pidFile(Luxid)); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
		err = errors.Join(err, fmt.Errorf("remove luxid pid file: %w", rmErr))
	}
	return err
}

// RestartLuxid stops the luxid and starts it again on the same state, with
// argv as the new command line if given.
func (s *Sandbox) RestartLuxid(ctx context.Context, argv ...string) error {
	if err := s.StopLuxid(); err != nil {
		return err
	}
	return s.StartLuxid(ctx, argv...)
}

// Stop ends every process of the sandbox: the daemons it started, found by
// pid, and the processes they spawned (job processes), found through their
// process groups and parents. Only processes whose environment carries this
// sandbox's GANETI_ROOTDIR are signalled, besides the daemons this process
// started itself. SIGTERM comes first, SIGKILL after the stop timeout.
// Stop can be called any number of times.
func (s *Sandbox) Stop() error {
	var errs []error
	for _, name := range stopOrder {
		errs = append(errs, s.stopDaemon(name))
	}
	// Job processes that outlived a luxid stopped by StopLuxid.
	errs = append(errs, s.terminate(s.findProcs(nil, s.recordedGroups())))
	if err := os.Remove(s.groupsFile()); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, fmt.Errorf("remove process group list: %w", err))
	}
	return errors.Join(errs...)
}

// stopDaemon stops daemon name, then whatever it spawned.
func (s *Sandbox) stopDaemon(name string) error {
	d := s.daemons[name]
	if d == nil {
		return nil
	}
	// Collect the children before the daemon goes: afterwards they are
	// re-parented and only their process group still links them to it.
	children := s.findProcs([]int{d.pid}, []int{d.pid})
	err := errors.Join(s.terminate([]*proc{s.daemonProc(d)}), s.terminate(children))
	delete(s.daemons, name)
	if rmErr := os.Remove(s.pidFile(name)); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
		err = errors.Join(err, fmt.Errorf("remove %s pid file: %w", name, rmErr))
	}
	return err
}

// alive reports whether d still runs as this sandbox's daemon.
func (s *Sandbox) alive(d *daemon) bool {
	if d.done != nil {
		return !d.exited()
	}
	return s.ours(d.pid)
}

// checkNotRunning refuses to start a sandbox whose daemons still run.
func (s *Sandbox) checkNotRunning() error {
	for _, name := range stopOrder {
		if d := s.daemons[name]; d != nil && s.alive(d) {
			return fmt.Errorf("%s already running (pid %d) in %s; stop the sandbox first", name, d.pid, s.dir)
		}
	}
	return nil
}

func (s *Sandbox) pidFile(name string) string {
	return filepath.Join(s.dir, "pids", name+".pid")
}

// groupsFile lists every process group the sandbox started, so that Stop
// finds job processes of a luxid that is gone.
func (s *Sandbox) groupsFile() string {
	return filepath.Join(s.dir, "pids", "groups")
}

func (s *Sandbox) recordPid(d *daemon) error {
	if err := os.WriteFile(s.pidFile(d.name), []byte(strconv.Itoa(d.pid)+"\n"), 0o644); err != nil {
		return fmt.Errorf("record %s pid: %w", d.name, err)
	}
	f, err := os.OpenFile(s.groupsFile(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("record %s process group: %w", d.name, err)
	}
	defer f.Close()
	if _, err := fmt.Fprintf(f, "%d\n", d.pid); err != nil {
		return fmt.Errorf("record %s process group: %w", d.name, err)
	}
	return nil
}

// loadPids reads the pid files of daemons another process started.
func (s *Sandbox) loadPids() error {
	for _, name := range stopOrder {
		data, err := os.ReadFile(s.pidFile(name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s pid: %w", name, err)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || pid <= 1 {
			return fmt.Errorf("bad pid file %s: %q", s.pidFile(name), data)
		}
		s.daemons[name] = &daemon{name: name, pid: pid}
	}
	return nil
}

func (s *Sandbox) recordedGroups() []int {
	data, err := os.ReadFile(s.groupsFile())
	if err != nil {
		return nil
	}
	var groups []int
	for _, f := range strings.Fields(string(data)) {
		if g, err := strconv.Atoi(f); err == nil && g > 1 {
			groups = append(groups, g)
		}
	}
	return groups
}
