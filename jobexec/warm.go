package jobexec

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goluxid/goluxid/internal/inotify"
)

// helperScript is the warm-start helper. The interpreter reads it from a
// pipe on descriptor 4 (helperBootstrap), so that ps shows a short command.
//
//go:embed warmhelper.py
var helperScript string

// helperBootstrap runs the helper script read from descriptor 4.
const helperBootstrap = "import sys; exec(compile(open(4).read(), 'goluxid-warm-start-helper', 'exec'))"

// helperRetryDelay is how long Warm starts jobs cold after its helper could
// not be started, before it tries again.
const helperRetryDelay = time.Minute

// helperLoadTimeout bounds the helper's start and loading of exec.py.
const helperLoadTimeout = time.Minute

// Warm starts job processes by having a helper fork them from a Python
// interpreter that has loaded exec.py already, which saves each job the
// interpreter's start and the executor's imports (about 0.2 s of CPU).
// The child then runs exec.py's unchanged main() with the same argv, pipes
// and environment as a cold start, and the same handshake follows. While
// the helper is unavailable (not yet loaded, dead, or failing to load),
// jobs start cold; a new helper is started in the background.
//
// A warm job process is the helper's child, not the daemon's: the daemon
// follows it through a pidfd, and the helper reaps it.
type Warm struct {
	Cold   *Config // how to start the helper, and jobs when it is down
	Logger *slog.Logger

	mu       sync.Mutex // guards the fields below
	helper   *warmHelper
	starting chan struct{} // closed when the helper start under way ends
	retryAt  time.Time     // no helper start before then
	closed   bool
	// sources counts the changes seen in the Python tree; a helper whose
	// start began before the latest one may have loaded older code.
	sources uint64
	// watching is the subscription of WatchSources; nil if none.
	watching  *inotify.Sub
	stopWatch chan struct{} // closed by Close to end WatchSources' goroutine
	watchEnd  chan struct{} // closed when that goroutine has returned
}

// NewWarm returns a warm starter over cold. Its helper starts in the
// background at once.
func NewWarm(cold *Config, logger *slog.Logger) *Warm {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	w := &Warm{Cold: cold, Logger: logger}
	w.mu.Lock()
	w.launchLocked()
	w.mu.Unlock()
	return w
}

// Start starts the job process for jobID from the helper, or cold when the
// helper is unavailable, and runs the handshake.
func (w *Warm) Start(ctx context.Context, jobID uint64, secrets []byte, record RecordLivelock) (*Process, error) {
	h := w.currentHelper()
	if h == nil {
		return w.Cold.Start(ctx, jobID, secrets, record)
	}
	pipes, err := newJobPipes()
	if err != nil {
		return nil, fmt.Errorf("starting job %d: %w", jobID, err)
	}
	p, err := h.spawn(jobID, pipes, w.Cold.stepTimeout())
	pipes.closeChildEnds()
	if err != nil {
		pipes.closeOurEnds()
		w.Logger.Warn("warm start failed, starting the job cold", "job", jobID, "error", err)
		w.dropHelper(h)
		return w.Cold.Start(ctx, jobID, secrets, record)
	}
	return w.Cold.finishStart(ctx, p, pipes, secrets, record)
}

// currentHelper returns the ready helper, or nil (start cold) after
// launching a new one if none runs.
func (w *Warm) currentHelper() *warmHelper {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.helper != nil && !w.helper.gone() {
		return w.helper
	}
	if w.helper != nil {
		w.Logger.Warn("warm-start helper exited; starting a new one")
		w.helper.close() // returns at once: the helper has exited
		w.helper = nil
	}
	w.launchLocked()
	return nil
}

// launchLocked starts a helper in the background unless one is starting,
// the starter is closed, or the last failure is too recent. The goroutine
// ends by closing w.starting, which Close waits for; a helper that got
// ready after Close is stopped before that.
func (w *Warm) launchLocked() {
	if w.closed || w.starting != nil || time.Now().Before(w.retryAt) {
		return
	}
	starting := make(chan struct{})
	w.starting = starting
	sources := w.sources
	go func() {
		defer close(starting)
		h, err := startHelper(w.Cold)
		if !w.adopt(h, err, sources) {
			h.close()
		}
	}()
}

// adopt ends a helper start that began when the sources count was
// sources: it keeps h as the ready helper, or records the failure err.
// It reports false when h is ready but the starter was closed, or the
// Python tree changed, meanwhile; the caller then stops h.
func (w *Warm) adopt(h *warmHelper, err error, sources uint64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.starting = nil
	switch {
	case w.closed:
		return err != nil
	case sources != w.sources:
		w.launchLocked()
		return err != nil
	case err != nil:
		w.retryAt = time.Now().Add(helperRetryDelay)
		w.Logger.Error("cannot start the warm-start helper; jobs start cold", "retry_in", helperRetryDelay, "error", err)
	default:
		w.helper = h
		w.Logger.Info("warm-start helper ready", "pid", h.cmd.Process.Pid)
	}
	return true
}

// dropHelper stops a helper that failed a request.
func (w *Warm) dropHelper(h *warmHelper) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.helper == h {
		w.helper = nil
	}
	h.close()
}

// Close stops the helper, and one still starting, and returns when both
// have exited; running jobs go on. Later starts are cold.
func (w *Warm) Close() error {
	w.mu.Lock()
	w.closed = true
	h, starting := w.helper, w.starting
	w.helper = nil
	watching, watchEnd := w.watching, w.watchEnd
	w.mu.Unlock()
	if watching != nil {
		close(w.stopWatch)
		<-watchEnd
		watching.Close()
	}
	if h != nil {
		h.close()
	}
	if starting != nil {
		<-starting
	}
	return nil
}

// WatchSources has watcher tell of every change of a file in the
// release's Python tree (and the executor's directory), and retires the
// helper on each: a new one loads the changed code, and jobs start cold
// until it is ready, so that no job runs code older than a cold start
// would. Python's byte-code caches (__pycache__) are not watched: job
// processes write them.
func (w *Warm) WatchSources(watcher *inotify.Watcher) error {
	dirs, err := w.Cold.sourceDirs()
	if err != nil {
		return fmt.Errorf("finding the job executor's sources: %w", err)
	}
	sub, err := watcher.SubscribeDirs(dirs)
	if err != nil {
		return fmt.Errorf("watching the job executor's sources: %w", err)
	}
	end, stop := make(chan struct{}), make(chan struct{})
	w.mu.Lock()
	if w.closed || w.watching != nil {
		w.mu.Unlock()
		sub.Close()
		return errors.New("warm-start sources: already watched, or closed")
	}
	w.watching, w.stopWatch, w.watchEnd = sub, stop, end
	w.mu.Unlock()
	go func() {
		defer close(end)
		w.followSources(sub, stop)
	}()
	return nil
}

// followSources retires the helper on every wake-up of sub until stop
// is closed.
func (w *Warm) followSources(sub *inotify.Sub, stop <-chan struct{}) {
	for {
		select {
		case <-sub.C:
			if !w.retireHelper() {
				return
			}
		case <-stop:
			return
		}
	}
}

// retireHelper stops the current helper after a change of the sources and
// starts a new one; false once the starter is closed.
func (w *Warm) retireHelper() bool {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return false
	}
	w.sources++
	w.retryAt = time.Time{}
	old := w.helper
	w.helper = nil
	w.launchLocked()
	w.mu.Unlock()
	if old != nil {
		w.Logger.Info("the job executor's sources changed; restarting the warm-start helper", "old_pid", old.cmd.Process.Pid)
		old.close()
	}
	return true
}

// warmHelper is one running helper process and its control socket.
type warmHelper struct {
	cmd    *exec.Cmd
	exited chan struct{}

	mu   sync.Mutex // guards conn's request-reply exchange: one at a time
	conn *net.UnixConn
}

// startHelper starts the helper and waits until it has loaded exec.py.
func startHelper(c *Config) (*warmHelper, error) {
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("warm-start helper: %w", err)
	}
	ours := os.NewFile(uintptr(pair[0]), "warm-helper-control")
	theirs := os.NewFile(uintptr(pair[1]), "warm-helper-control")
	script, err := scriptPipe()
	if err != nil {
		ours.Close()
		theirs.Close()
		return nil, fmt.Errorf("warm-start helper: %w", err)
	}
	cmd := exec.Command(orDefault(c.Python, DefaultPython), "-c", helperBootstrap, c.execScript(), "3")
	cmd.ExtraFiles = []*os.File{theirs, script}
	cmd.Env = c.env()
	cmd.Stderr = c.stderr()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	startErr := cmd.Start()
	theirs.Close()
	script.Close()
	if startErr != nil {
		ours.Close()
		return nil, fmt.Errorf("warm-start helper: %w", startErr)
	}
	conn, err := net.FileConn(ours)
	ours.Close()
	h := &warmHelper{cmd: cmd, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(h.exited)
	}()
	if err != nil {
		h.kill()
		return nil, fmt.Errorf("warm-start helper: %w", err)
	}
	h.conn = conn.(*net.UnixConn)
	if err := h.awaitReady(helperLoadTimeout); err != nil {
		h.close()
		return nil, err
	}
	return h, nil
}

// scriptPipe returns the read end of a pipe holding the helper script.
func scriptPipe() (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer w.Close()
	if len(helperScript) > 60<<10 { // must fit the pipe's buffer
		r.Close()
		return nil, errors.New("helper script too large for a pipe")
	}
	if _, err := w.WriteString(helperScript); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// awaitReady waits for the helper's "ready".
func (h *warmHelper) awaitReady(timeout time.Duration) error {
	h.conn.SetReadDeadline(time.Now().Add(timeout))
	buf := make([]byte, 64)
	n, err := h.conn.Read(buf)
	if err != nil {
		return fmt.Errorf("warm-start helper did not get ready: %w", err)
	}
	if string(buf[:n]) != "ready" {
		return fmt.Errorf("warm-start helper sent %q instead of ready", truncate(buf[:n]))
	}
	return nil
}

// spawn has the helper fork the job process with the pipes' child ends as
// its stdin and stdout.
func (h *warmHelper) spawn(jobID uint64, pipes *jobPipes, timeout time.Duration) (*Process, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	rights := unix.UnixRights(int(pipes.childIn.Fd()), int(pipes.childOut.Fd()))
	h.conn.SetDeadline(time.Now().Add(timeout))
	if _, _, err := h.conn.WriteMsgUnix([]byte(strconv.FormatUint(jobID, 10)), rights, nil); err != nil {
		return nil, fmt.Errorf("asking the warm-start helper for job %d: %w", jobID, err)
	}
	buf := make([]byte, 512)
	oob := make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := h.conn.ReadMsgUnix(buf, oob)
	if err != nil {
		return nil, fmt.Errorf("waiting for the warm-start helper (job %d): %w", jobID, err)
	}
	pidfd, err := receivedFD(oob[:oobn])
	if err != nil {
		return nil, fmt.Errorf("warm-start helper reply for job %d: %w", jobID, err)
	}
	reply := string(buf[:n])
	pidText, ok := strings.CutPrefix(reply, "pid ")
	pid, convErr := strconv.Atoi(pidText)
	if !ok || convErr != nil || pidfd < 0 {
		if pidfd >= 0 {
			unix.Close(pidfd)
		}
		return nil, fmt.Errorf("warm-start helper could not start job %d: %s", jobID, truncate(buf[:n]))
	}
	return followPidfd(jobID, pid, pidfd), nil
}

// receivedFD returns the descriptor passed in a control message, -1 if
// there is none.
func receivedFD(oob []byte) (int, error) {
	if len(oob) == 0 {
		return -1, nil
	}
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return -1, err
	}
	fd := -1
	for _, m := range msgs {
		fds, err := unix.ParseUnixRights(&m)
		if err != nil {
			continue
		}
		for _, f := range fds {
			if fd < 0 {
				fd = f
			} else {
				unix.Close(f)
			}
		}
	}
	return fd, nil
}

// followPidfd makes a Process of a job process the daemon did not start
// itself: Done closes when the pidfd reports the exit, and signals go
// through the pidfd, so they never reach a process that reused the pid.
func followPidfd(jobID uint64, pid, pidfd int) *Process {
	unix.SetNonblock(pidfd, true)
	f := os.NewFile(uintptr(pidfd), "pidfd:"+strconv.Itoa(pid))
	p := &Process{JobID: jobID, Pid: pid, done: make(chan struct{})}
	p.signal = func(sig syscall.Signal) error {
		return controlFD(f, func(fd int) error { return unix.PidfdSendSignal(fd, sig, nil, 0) })
	}
	go func() {
		waitReadable(f)
		f.Close()
		close(p.done)
	}()
	return p
}

// controlFD runs op on f's descriptor, which f keeps open meanwhile.
func controlFD(f *os.File, op func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var opErr error
	if err := rc.Control(func(fd uintptr) { opErr = op(int(fd)) }); err != nil {
		return err
	}
	if errors.Is(opErr, unix.ESRCH) {
		return os.ErrProcessDone
	}
	return opErr
}

// waitReadable blocks until the pidfd f is readable (its process exited),
// through the runtime's poller.
func waitReadable(f *os.File) {
	rc, err := f.SyscallConn()
	if err == nil {
		err = rc.Read(func(fd uintptr) bool { return pollPidfd(int(fd), 0) })
	}
	if err != nil { // not pollable by the runtime: block a thread instead
		controlFD(f, func(fd int) error {
			for !pollPidfd(fd, -1) {
			}
			return nil
		})
	}
}

// pollPidfd reports whether pidfd is readable within timeout milliseconds
// (-1: no limit), or cannot be polled at all.
func pollPidfd(pidfd, timeout int) bool {
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, timeout)
		if err == unix.EINTR {
			continue
		}
		return err != nil || n > 0
	}
}

// gone reports whether the helper process has exited.
func (h *warmHelper) gone() bool {
	select {
	case <-h.exited:
		return true
	default:
		return false
	}
}

// close ends the helper: closing its socket makes it exit; it is killed
// if it has not within a second.
func (h *warmHelper) close() {
	if h.conn != nil {
		h.conn.Close()
	}
	select {
	case <-h.exited:
	case <-time.After(time.Second):
		h.kill()
	}
}

func (h *warmHelper) kill() {
	h.cmd.Process.Kill()
	<-h.exited
}
