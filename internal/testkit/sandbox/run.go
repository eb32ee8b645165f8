package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// ClientEnv is the environment of client commands: vcluster mode, the system
// PATH, a UTF-8 locale, and PYTHONHASHSEED=0 because some gnt-* output (the
// instance policy in "gnt-cluster info") is printed in Python's hash order.
// Nothing else is inherited, PYTHONPATH in particular.
func (s *Sandbox) ClientEnv() []string {
	return []string{
		"GANETI_ROOTDIR=" + s.Root(),
		"GANETI_HOSTNAME=" + s.st.Hostname,
		"PYTHONHASHSEED=0",
		"PATH=" + stdPath,
		"LANG=C.UTF-8",
	}
}

// Run runs the client /usr/sbin/<name> with args against the sandbox and
// returns its output and exit code. err is set only when the command could
// not run to completion (not found, killed, ctx ended), not for a non-zero
// exit code.
func (s *Sandbox) Run(ctx context.Context, name string, args ...string) (stdout, stderr string, exitCode int, err error) {
	if name == "" || strings.ContainsRune(name, '/') {
		return "", "", -1, fmt.Errorf("run %q: want the name of a command in %s", name, ClientDir)
	}
	cmd := exec.CommandContext(ctx, filepath.Join(ClientDir, name), args...)
	cmd.Env = s.ClientEnv()
	return runCommand(ctx, "run "+name+" "+strings.Join(args, " "), cmd)
}

// RunPython runs a Python script with Ganeti's library (PythonShare) in
// the clients' environment; its result is like Run's.
func (s *Sandbox) RunPython(ctx context.Context, script string, args ...string) (stdout, stderr string, exitCode int, err error) {
	cmd := exec.CommandContext(ctx, Python, append([]string{"-c", script}, args...)...)
	cmd.Env = append(s.ClientEnv(), "PYTHONPATH="+PythonShare)
	return runCommand(ctx, "python", cmd)
}

// runCommand runs cmd from / and returns its output and exit code; err
// (prefixed with what) only when it could not run to completion.
func runCommand(ctx context.Context, what string, cmd *exec.Cmd) (stdout, stderr string, exitCode int, err error) {
	var outBuf, errBuf bytes.Buffer
	cmd.Dir = "/"
	cmd.Stdout = &outBuf
	cmd.Stderr = &errBuf
	runErr := cmd.Run()
	stdout, stderr = outBuf.String(), errBuf.String()
	var exitErr *exec.ExitError
	switch {
	case runErr == nil:
		return stdout, stderr, 0, nil
	case ctx.Err() != nil:
		return stdout, stderr, -1, fmt.Errorf("%s: %w", what, ctx.Err())
	case errors.As(runErr, &exitErr) && exitErr.Exited():
		return stdout, stderr, exitErr.ExitCode(), nil
	default:
		return stdout, stderr, -1, fmt.Errorf("%s: %w", what, runErr)
	}
}
