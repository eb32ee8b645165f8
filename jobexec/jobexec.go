// Package jobexec starts Ganeti's Python job process for a job and hands it
// what it needs, following the handshake of the real luxid.
//
// # Handshake
//
// The child runs `<python> <exec.py> <job id>` with two pipes as its stdin
// and stdout; messages on them are framed as package uds describes (text
// ended by 0x03):
//
//	child → luxid   absolute path of the child's livelock
//	luxid → child   "" (luxid has recorded the livelock in the job file)
//	child → luxid   "" (asking for the secret parameters)
//	luxid → child   JSON list, one element per opcode: its secret
//	                parameters or null
//
// Then both pipes are closed and the job process runs on its own, talking
// to WConfd and rewriting its job file. Each step may take at most the
// step timeout (30 s); on any failure the child is ended with SIGTERM,
// SIGABRT and SIGKILL in turn and the start fails.
//
// Unlike the Haskell luxid, which ignores SIGCHLD and so makes every job
// process inherit SIGCHLD ignored (its commands then report exit code 0
// whatever happened), children here keep the default disposition and are
// reaped by Wait.
//
// # Warm start
//
// Warm starts the same children from a helper (warmhelper.py) that has
// loaded exec.py once: `<python> -c <bootstrap> <exec.py> 3`, the script
// read from descriptor 4, a SOCK_SEQPACKET control socket on descriptor 3.
// The helper sends "ready" once loaded; each request is a job id with the
// child's stdin and stdout attached, answered by "pid <pid>" with a pidfd
// attached, or by "error <text>". The handshake then runs as above. A warm
// child is the helper's, which reaps it; the daemon follows and signals
// it through the pidfd. While no helper is ready, jobs start cold. A
// change of any file in the release's Python tree or the executor's
// directory (seen through the daemon's inotify watcher) retires the
// helper and starts a new one, so that no job runs older code than a cold
// start would. Close stops the helper, and one still starting, and waits
// until they have exited; running jobs go on.
package jobexec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/goluxid/goluxid/ganeti/uds"
)

const (
	// DefaultPython is the interpreter Debian builds Ganeti's Python for.
	DefaultPython = "/usr/bin/python3"
	// execScriptInTree is the job executor within a release's Python tree.
	execScriptInTree = "ganeti/jqueue/exec.py"
	// DefaultStepTimeout bounds each handshake step, as the real luxid does.
	DefaultStepTimeout = 30 * time.Second
)

// maxHandshakeMessage bounds what the child may send during the handshake.
const maxHandshakeMessage = 64 << 10

// Config says how to start job processes.
type Config struct {
	Python string // interpreter; DefaultPython if empty
	// PythonPath is the Python tree of the installed Ganeti release
	// (/usr/share/ganeti/3.1): the child's PYTHONPATH, and where its
	// ganeti/jqueue/exec.py is run from.
	PythonPath  string
	ExecScript  string // another exec.py to run (tests); empty for the release's
	Debug       bool   // GNT_DEBUG=1 for the child
	StepTimeout time.Duration
	// Env is the child's environment before GNT_DEBUG and PYTHONPATH are
	// set; os.Environ() if nil.
	Env []string
	// Stderr receives the child's stderr; os.Stderr if nil.
	Stderr io.Writer
}

// Starter starts job processes: Config starts each from scratch, Warm
// forks them from a helper that has loaded exec.py already.
type Starter interface {
	Start(ctx context.Context, jobID uint64, secrets []byte, record RecordLivelock) (*Process, error)
}

// Process is a started job process.
type Process struct {
	JobID    uint64
	Pid      int
	Livelock string
	done     chan struct{}
	waitErr  error
	// signal sends a signal to the process, safe after it has exited.
	signal func(syscall.Signal) error
}

// Done is closed when the process has exited (and been reaped, when it is
// the daemon's own child).
func (p *Process) Done() <-chan struct{} { return p.done }

// RecordLivelock is called with the child's livelock path before the child
// is told to go on; the caller writes it into the job file. An error aborts
// the start.
type RecordLivelock func(path string) error

// jobPipes are the two pipes of a job process: the child's ends become its
// stdin and stdout, the daemon keeps the others for the handshake.
type jobPipes struct {
	childIn, childOut  *os.File // the child's stdin and stdout
	fromChild, toChild *os.File
}

func newJobPipes() (*jobPipes, error) {
	childIn, toChild, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	fromChild, childOut, err := os.Pipe()
	if err != nil {
		childIn.Close()
		toChild.Close()
		return nil, err
	}
	return &jobPipes{childIn: childIn, childOut: childOut, fromChild: fromChild, toChild: toChild}, nil
}

// closeChildEnds closes the child's ends once the child holds them.
func (jp *jobPipes) closeChildEnds() {
	jp.childIn.Close()
	jp.childOut.Close()
}

// closeOurEnds closes the daemon's ends after the handshake.
func (jp *jobPipes) closeOurEnds() {
	jp.fromChild.Close()
	jp.toChild.Close()
}

// Start starts the job process for jobID, runs the handshake and returns
// the running process. secrets is the JSON list of secret parameters.
func (c *Config) Start(ctx context.Context, jobID uint64, secrets []byte, record RecordLivelock) (*Process, error) {
	pipes, err := newJobPipes()
	if err != nil {
		return nil, fmt.Errorf("starting job %d: %w", jobID, err)
	}
	cmd := c.command(jobID, pipes.childIn, pipes.childOut)
	startErr := cmd.Start()
	pipes.closeChildEnds()
	if startErr != nil {
		pipes.closeOurEnds()
		return nil, fmt.Errorf("starting job %d: %w", jobID, startErr)
	}
	p := &Process{JobID: jobID, Pid: cmd.Process.Pid, done: make(chan struct{}),
		signal: func(sig syscall.Signal) error { return cmd.Process.Signal(sig) }}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return c.finishStart(ctx, p, pipes, secrets, record)
}

// finishStart runs the handshake with a started child; a child that fails
// it is ended.
func (c *Config) finishStart(ctx context.Context, p *Process, pipes *jobPipes, secrets []byte, record RecordLivelock) (*Process, error) {
	err := c.handshake(ctx, p, pipes.fromChild, pipes.toChild, secrets, record)
	pipes.closeOurEnds()
	if err != nil {
		p.terminate()
		return nil, fmt.Errorf("job %d: %w", p.JobID, err)
	}
	return p, nil
}

// command builds the child's command line and environment.
func (c *Config) command(jobID uint64, stdin, stdout *os.File) *exec.Cmd {
	cmd := exec.Command(orDefault(c.Python, DefaultPython), c.execScript(), strconv.FormatUint(jobID, 10))
	cmd.Stdin, cmd.Stdout = stdin, stdout
	cmd.Stderr = c.stderr()
	cmd.Env = c.env()
	// Its own process group: a signal to the daemon's group (Ctrl-C in a
	// terminal) must not reach running jobs.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// stderr is where job processes write their stderr.
func (c *Config) stderr() io.Writer {
	if c.Stderr == nil {
		return os.Stderr
	}
	return c.Stderr
}

// stepTimeout bounds each step of the handshake.
func (c *Config) stepTimeout() time.Duration {
	if c.StepTimeout <= 0 {
		return DefaultStepTimeout
	}
	return c.StepTimeout
}

// env is the child's environment: the base one with GNT_DEBUG and
// PYTHONPATH set.
func (c *Config) env() []string {
	base := c.Env
	if base == nil {
		base = os.Environ()
	}
	env := make([]string, 0, len(base)+2)
	for _, kv := range base {
		if strings.HasPrefix(kv, "GNT_DEBUG=") || strings.HasPrefix(kv, "PYTHONPATH=") {
			continue
		}
		env = append(env, kv)
	}
	debug := "0"
	if c.Debug {
		debug = "1"
	}
	return append(env, "GNT_DEBUG="+debug, "PYTHONPATH="+c.PythonPath)
}

// sourceDirs are the directories of the files a warm-start helper loads:
// the release's Python tree and the executor's own directory, without
// Python's byte-code caches.
func (c *Config) sourceDirs() ([]string, error) {
	var dirs []string
	err := filepath.WalkDir(c.PythonPath, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case !d.IsDir():
			return nil
		case d.Name() == "__pycache__":
			return filepath.SkipDir
		}
		dirs = append(dirs, path)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if own := filepath.Dir(c.execScript()); !slices.Contains(dirs, own) {
		dirs = append(dirs, own)
	}
	return dirs, nil
}

// execScript is the job executor the child runs.
func (c *Config) execScript() string {
	if c.ExecScript != "" {
		return c.ExecScript
	}
	return filepath.Join(c.PythonPath, execScriptInTree)
}

// handshake exchanges the four messages of the protocol.
func (c *Config) handshake(ctx context.Context, p *Process, from, to *os.File, secrets []byte, record RecordLivelock) error {
	timeout := c.stepTimeout()
	r := uds.NewReader(from, maxHandshakeMessage)
	w := uds.NewWriter(to)
	path, err := readStep(ctx, from, r, timeout, "livelock path")
	if err != nil {
		return err
	}
	if !strings.HasPrefix(string(path), "/") {
		return fmt.Errorf("job process sent %q instead of its livelock path", truncate(path))
	}
	p.Livelock = string(path)
	if err := record(p.Livelock); err != nil {
		return fmt.Errorf("recording the livelock: %w", err)
	}
	if err := writeStep(to, w, nil, timeout); err != nil {
		return err
	}
	if _, err := readStep(ctx, from, r, timeout, "request for secret parameters"); err != nil {
		return err
	}
	return writeStep(to, w, secrets, timeout)
}

// readStep reads one message within timeout.
func readStep(ctx context.Context, f *os.File, r *uds.Reader, timeout time.Duration, what string) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := f.SetReadDeadline(deadline); err != nil {
		return nil, fmt.Errorf("waiting for the %s: %w", what, err)
	}
	msg, err := r.ReadMessage()
	if err != nil {
		return nil, fmt.Errorf("waiting for the %s: %w", what, err)
	}
	return msg, nil
}

// writeStep writes one message within timeout.
func writeStep(f *os.File, w *uds.Writer, msg []byte, timeout time.Duration) error {
	if err := f.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return fmt.Errorf("writing to the job process: %w", err)
	}
	if err := w.WriteMessage(msg); err != nil {
		return fmt.Errorf("writing to the job process: %w", err)
	}
	return nil
}

// terminate ends a child whose start failed: SIGTERM, SIGABRT, then
// SIGKILL, checking 0.1 s after each whether it is gone.
func (p *Process) terminate() {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGABRT, syscall.SIGKILL} {
		select {
		case <-p.done:
			return
		default:
		}
		if err := p.signal(sig); err != nil && (errors.Is(err, os.ErrProcessDone) || errors.Is(err, os.ErrClosed)) {
			return
		}
		select {
		case <-p.done:
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
	<-p.done
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func truncate(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}
