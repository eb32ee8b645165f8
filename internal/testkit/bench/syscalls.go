package bench

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Syscall counts come from perf stat counting tracepoints on every thread
// of the luxid (threads started later included), with the counters
// switched on and off through perf's control pipe so that only the
// workload is counted. Counting a tracepoint costs a few nanoseconds per
// call, unlike strace, which stops the process at every call; the counts
// do not depend on the machine's speed, only on what the daemon does.

// syscallEvents are the tracepoints counted: every system call, and the
// calls that make data durable.
var syscallEvents = []string{"raw_syscalls:sys_enter", "syscalls:sys_enter_fsync", "syscalls:sys_enter_fdatasync"}

// syscallCounts are the counts of one counted span.
type syscallCounts struct {
	total, syncs int64 // every call; fsync and fdatasync
}

// perfAck bounds the wait for perf to acknowledge a command.
const perfAck = 30 * time.Second

// syscallCounter is a running perf stat attached to a process, counters
// off until enable.
type syscallCounter struct {
	cmd      *exec.Cmd
	ctl      *os.File // commands to perf
	ack      *bufio.Reader
	ackFile  *os.File
	out      string // perf's report
	waitDone chan error
}

// attachSyscallCounter starts perf stat on pid, writing its report into
// dir. perf must be installed (Debian: linux-perf).
func attachSyscallCounter(pid int, dir string) (*syscallCounter, error) {
	perf, err := exec.LookPath("perf")
	if err != nil {
		return nil, fmt.Errorf("bench: counting system calls needs perf (Debian: linux-perf): %w", err)
	}
	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	ackR, ackW, err := os.Pipe()
	if err != nil {
		ctlR.Close()
		ctlW.Close()
		return nil, err
	}
	out, err := os.CreateTemp(dir, "perf-stat-*.csv")
	if err != nil {
		closeFiles(ctlR, ctlW, ackR, ackW)
		return nil, err
	}
	out.Close()
	// fd 3 and 4 in perf are ExtraFiles 0 and 1.
	cmd := exec.Command(perf, "stat", "-x", ",", "-o", out.Name(), "-D", "-1", "--control", "fd:3,4",
		"-e", strings.Join(syscallEvents, ","), "-p", strconv.Itoa(pid))
	cmd.ExtraFiles = []*os.File{ctlR, ackW}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		closeFiles(ctlR, ctlW, ackR, ackW)
		os.Remove(out.Name())
		return nil, fmt.Errorf("bench: perf stat: %w", err)
	}
	closeFiles(ctlR, ackW)
	c := &syscallCounter{cmd: cmd, ctl: ctlW, ack: bufio.NewReader(ackR), ackFile: ackR, out: out.Name(),
		waitDone: make(chan error, 1)}
	go func() {
		err := cmd.Wait()
		if err != nil && stderr.Len() > 0 {
			err = fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
		}
		c.waitDone <- err
	}()
	return c, nil
}

func closeFiles(files ...*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// command sends perf a control command and waits for its "ack".
func (c *syscallCounter) command(cmd string) error {
	if _, err := c.ctl.WriteString(cmd + "\n"); err != nil {
		return fmt.Errorf("bench: perf %s: %w", cmd, err)
	}
	if err := c.ackFile.SetReadDeadline(time.Now().Add(perfAck)); err != nil {
		return fmt.Errorf("bench: perf %s: %w", cmd, err)
	}
	line, err := c.ack.ReadString('\n')
	if err != nil {
		return fmt.Errorf("bench: perf %s: no acknowledgement: %w", cmd, err)
	}
	// perf writes "ack\n" with the string's NUL, which leads the next line.
	if strings.Trim(line, "\x00\n") != "ack" {
		return fmt.Errorf("bench: perf %s: answered %q", cmd, line)
	}
	return nil
}

// count runs work with the counters on and returns what they counted;
// the counter is finished afterwards, whatever happened.
func (c *syscallCounter) count(work func() error) (syscallCounts, error) {
	err := c.command("enable")
	if err == nil {
		err = work()
		err = errors.Join(err, c.command("disable"))
	}
	counts, ferr := c.finish()
	if err != nil {
		return syscallCounts{}, err
	}
	return counts, ferr
}

// finish stops perf and reads its report.
func (c *syscallCounter) finish() (syscallCounts, error) {
	defer os.Remove(c.out)
	defer closeFiles(c.ctl, c.ackFile)
	// perf stat -p stops on SIGINT and writes its report.
	if err := c.cmd.Process.Signal(syscall.SIGINT); err != nil {
		return syscallCounts{}, fmt.Errorf("bench: stopping perf: %w", err)
	}
	select {
	case err := <-c.waitDone:
		if err != nil && !interrupted(err) {
			return syscallCounts{}, fmt.Errorf("bench: perf stat: %w", err)
		}
	case <-time.After(perfAck):
		c.cmd.Process.Kill()
		<-c.waitDone
		return syscallCounts{}, errors.New("bench: perf stat did not stop")
	}
	data, err := os.ReadFile(c.out)
	if err != nil {
		return syscallCounts{}, fmt.Errorf("bench: perf stat report: %w", err)
	}
	return parsePerfStat(string(data))
}

// interrupted reports whether perf's exit was the SIGINT that stopped it.
func interrupted(err error) bool {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return false
	}
	ws, ok := exit.Sys().(syscall.WaitStatus)
	return ok && (ws.Signaled() && ws.Signal() == syscall.SIGINT || ws.ExitStatus() == 130)
}

// parsePerfStat reads perf stat's CSV report (-x ,): per event a line
// "count,unit,event,…", the count "<not counted>" when the event never
// fired while enabled.
func parsePerfStat(report string) (syscallCounts, error) {
	counts := map[string]int64{}
	for _, line := range strings.Split(report, "\n") {
		fields := strings.Split(line, ",")
		if len(fields) < 3 || strings.HasPrefix(line, "#") {
			continue
		}
		event := fields[2]
		switch v := fields[0]; {
		case strings.HasPrefix(v, "<not"):
			counts[event] = 0
		default:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return syscallCounts{}, fmt.Errorf("bench: perf stat report: line %q", line)
			}
			counts[event] = n
		}
	}
	for _, ev := range syscallEvents {
		if _, ok := counts[ev]; !ok {
			return syscallCounts{}, fmt.Errorf("bench: perf stat report has no count of %s: %q", ev, report)
		}
	}
	return syscallCounts{
		total: counts[syscallEvents[0]],
		syncs: counts[syscallEvents[1]] + counts[syscallEvents[2]],
	}, nil
}

// countSyscalls counts pid's system calls while work runs; dir holds
// perf's report meanwhile.
func countSyscalls(pid int, dir string, work func() error) (syscallCounts, error) {
	c, err := attachSyscallCounter(pid, filepath.Clean(dir))
	if err != nil {
		return syscallCounts{}, err
	}
	return c.count(work)
}
