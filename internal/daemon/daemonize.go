package daemon

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// envReadyFD tells a re-executed daemon which descriptor reports its
// start-up result to the process that started it.
const envReadyFD = "GOLUXID_READY_FD"

// readyOK is what the daemon reports when it started.
const readyOK = "ok"

// Detached reports whether this process is the daemon a Detach started.
// It marks the report descriptor close-on-exec, so that the processes the
// daemon starts never hold it open.
func Detached() bool {
	if os.Getenv(envReadyFD) == "" {
		return false
	}
	syscall.CloseOnExec(3)
	return true
}

// Detach runs this program again as a daemon: in a new session, in /,
// with umask 077, standard input from /dev/null and standard output and
// error appended to logPath, as Ganeti's daemons detach. It waits until the
// daemon reports its start-up (see ReportStarted) and returns nil if it
// started, or its error. Go cannot fork, so the daemon is a new execution
// of the same program with the same arguments.
func Detach(logPath string) error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("detaching: %w", err)
	}
	defer r.Close()
	logFile, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		w.Close()
		return fmt.Errorf("opening log file %s: %w", logPath, err)
	}
	defer logFile.Close()
	self, err := startedAs()
	if err != nil {
		w.Close()
		return err
	}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Args[0] = os.Args[0]
	cmd.Env = append(os.Environ(), envReadyFD+"=3")
	cmd.Dir = "/"
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	old := syscall.Umask(0o077)
	err = cmd.Start()
	syscall.Umask(old)
	w.Close()
	if err != nil {
		return fmt.Errorf("starting the daemon process: %w", err)
	}
	msg, _ := io.ReadAll(r)
	if string(msg) == readyOK {
		return cmd.Process.Release()
	}
	cmd.Wait()
	if len(msg) == 0 {
		return errors.New("the daemon process exited before it started")
	}
	return errors.New(strings.TrimSpace(string(msg)))
}

// startedAs is the path to run this program again by: the path it was
// started by if that names this program, so that a symlink such as
// /usr/sbin/ganeti-luxid keeps its name, else the program itself. Never
// /proc/self/exe: the process name tools look for (start-stop-daemon
// --name ganeti-luxid) is the last element of the path run.
func startedAs() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding this program: %w", err)
	}
	if !strings.ContainsRune(os.Args[0], '/') {
		return self, nil
	}
	arg0, err := filepath.Abs(os.Args[0])
	if err != nil {
		return self, nil
	}
	a, errA := os.Stat(arg0)
	b, errB := os.Stat(self)
	if errA != nil || errB != nil || !os.SameFile(a, b) {
		return self, nil
	}
	return arg0, nil
}

// ReportStarted tells the process that ran Detach how start-up went: nil
// for success, else the error. It does nothing in a process not started by
// Detach, and only the first report counts.
func ReportStarted(startErr error) {
	fd := os.Getenv(envReadyFD)
	if fd == "" {
		return
	}
	os.Unsetenv(envReadyFD)
	f := os.NewFile(3, "ready")
	if f == nil {
		return
	}
	defer f.Close()
	msg := readyOK
	if startErr != nil {
		msg = startErr.Error()
	}
	io.WriteString(f, msg)
}
