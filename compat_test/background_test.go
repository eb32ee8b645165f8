package compat_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// backgrounds are commands that one step starts and a later step waits
// for, so that the steps between them run while the command blocks (a
// client or the watcher waiting for a job that a filter rule holds). Each
// runs in its own process group; whatever a test leaves running is killed
// when it ends.
type backgrounds struct {
	running map[string]*backgroundCmd // by luxid and name
}

// backgroundCmd is one command started in the background.
type backgroundCmd struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{} // closed when cmd has been waited for
	err            error         // cmd.Wait's error, set before done is closed
}

func newBackgrounds(t *testing.T) *backgrounds {
	b := &backgrounds{running: map[string]*backgroundCmd{}}
	t.Cleanup(b.killAll)
	return b
}

// start returns a step that starts the client /usr/sbin/<cmd[0]> with
// the rest of cmd as arguments; wait(name) ends it.
func (b *backgrounds) start(name string, cmd ...string) jobStep {
	return b.step(name, func(sb *sandbox.Sandbox) *exec.Cmd {
		c := exec.Command(filepath.Join(sandbox.ClientDir, cmd[0]), cmd[1:]...)
		c.Env = sb.ClientEnv()
		return c
	})
}

// startPython returns a step that starts a Python script with Ganeti's
// library (as jobPython runs it); wait(name) ends it.
func (b *backgrounds) startPython(name, script string, args ...string) jobStep {
	return b.step(name, func(sb *sandbox.Sandbox) *exec.Cmd {
		c := exec.Command(sandbox.Python, append([]string{"-c", script}, args...)...)
		c.Env = append(sb.ClientEnv(), "PYTHONPATH="+sandbox.PythonShare)
		return c
	})
}

// step starts the command newCmd makes; the step's result is empty.
func (b *backgrounds) step(name string, newCmd func(*sandbox.Sandbox) *exec.Cmd) jobStep {
	return jobStep{name: "start-" + name, goFn: func(_ context.Context, t *testing.T, luxid string, sb *sandbox.Sandbox) result {
		t.Helper()
		key := luxid + "/" + name
		if b.running[key] != nil {
			t.Fatalf("%s: %s started twice", luxid, name)
		}
		bg := &backgroundCmd{cmd: newCmd(sb), done: make(chan struct{})}
		bg.cmd.Dir = "/"
		bg.cmd.Stdout, bg.cmd.Stderr = &bg.stdout, &bg.stderr
		bg.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := bg.cmd.Start(); err != nil {
			t.Fatalf("%s: start %s: %v", luxid, name, err)
		}
		go func() {
			bg.err = bg.cmd.Wait()
			close(bg.done)
		}()
		b.running[key] = bg
		return result{}
	}}
}

// wait returns a step that waits for the command started as name to end
// and has its output and exit code as result. A command still running
// after timeout is killed and fails the test.
func (b *backgrounds) wait(name string, timeout time.Duration) jobStep {
	return jobStep{name: "wait-" + name, timeout: timeout + killWait,
		goFn: func(_ context.Context, t *testing.T, luxid string, sb *sandbox.Sandbox) result {
			t.Helper()
			key := luxid + "/" + name
			bg := b.running[key]
			if bg == nil {
				t.Fatalf("%s: %s was not started", luxid, name)
			}
			delete(b.running, key)
			select {
			case <-bg.done:
			case <-time.After(timeout):
				bg.kill()
				t.Fatalf("%s: %s still running after %s; killed\nstdout: %s\nstderr: %s\n%s", luxid, name, timeout,
					bg.stdout.String(), bg.stderr.String(), luxidOutput(sb))
			}
			r := result{stdout: bg.stdout.String(), stderr: bg.stderr.String()}
			var exitErr *exec.ExitError
			switch {
			case bg.err == nil:
			case errors.As(bg.err, &exitErr) && exitErr.Exited():
				r.exitCode = exitErr.ExitCode()
			default:
				t.Fatalf("%s: %s: %v", luxid, name, bg.err)
			}
			return r
		}}
}

// killWait bounds the wait for a killed command to be reaped.
const killWait = 5 * time.Second

// kill ends the command's process group, unless the command has ended
// (its process id, which names the group, may then be reused), and waits
// for the command.
func (bg *backgroundCmd) kill() {
	select {
	case <-bg.done:
		return
	default:
	}
	_ = syscall.Kill(-bg.cmd.Process.Pid, syscall.SIGKILL) // fails only if the group just ended
	select {
	case <-bg.done:
	case <-time.After(killWait):
	}
}

func (b *backgrounds) killAll() {
	for key, bg := range b.running {
		bg.kill()
		delete(b.running, key)
	}
}
