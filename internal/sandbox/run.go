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
	var outBuf, errBuf bytes.Buffer
	cmd := exec.CommandContext(ctx, filepath.Join(ClientDir, name), args...)
	cmd.Dir = "/"
	cmd.Env = s.ClientEnv()
	cmd.Stdout = &outBuf
	cmd.Stderr = &errBuf
	runErr := cmd.Run()
	stdout, stderr = outBuf.String(), errBuf.String()
	var exitErr *exec.ExitError
	switch {
	case runErr == nil:
		return stdout, stderr, 0, nil
	case ctx.Err() != nil:
		return stdout, stderr, -1, fmt.Errorf("run %s %s: %w", name, strings.Join(args, " "), ctx.Err())
	case errors.As(runErr, &exitErr) && exitErr.Exited():
		return stdout, stderr, exitErr.ExitCode(), nil
	default:
		return stdout, stderr, -1, fmt.Errorf("run %s %s: %w", name, strings.Join(args, " "), runErr)
	}
}
