package compat_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// jobStep is one step of a job scenario: a real client command or a Python
// script using Ganeti's own library, run against the sandbox in order. Job
// ids are deterministic (each sandbox starts with an empty queue), so later
// steps name jobs by number.
type jobStep struct {
	name string
	cmd  []string // client in /usr/sbin and its arguments, or
	py   string   // a Python script run with Ganeti's library (jobPython)
	// pyFor, if set, gives the Python script for the sandbox it runs on.
	pyFor func(sb *sandbox.Sandbox) string
	// goFn, if set, is the step itself: Go code that inspects or changes
	// the sandbox and reports what it found as the step's result.
	goFn func(ctx context.Context, t *testing.T, luxid string, sb *sandbox.Sandbox) result
	args []string // arguments of py
	// before, if set, prepares the step (waits for a job state, changes
	// the config, restarts the luxid) on the sandbox of luxid.
	before func(t *testing.T, luxid string, sb *sandbox.Sandbox)
	norms  []normalization // applied to both results before comparing
	// only, if set, runs the step on that luxid alone (a behaviour the
	// other luxid does not share or that cannot be run against it); check
	// must then say what is expected.
	only string
	// differs marks a documented intentional difference: the results are
	// not compared, check asserts each luxid's own result.
	differs bool
	// check, if set, asserts each luxid's own (normalized) result.
	check   func(t *testing.T, luxid string, r result)
	timeout time.Duration // clientTimeout if zero
}

func (s jobStep) what() string {
	if s.goFn != nil {
		return "check " + s.name
	}
	if s.py != "" || s.pyFor != nil {
		return "python script " + s.name
	}
	return strings.Join(s.cmd, " ")
}

// logStepsEnv, if set, logs every step's result (with go test -v).
const logStepsEnv = "COMPAT_LOG_STEPS"

// compareJobSteps runs steps on a sandbox with goluxid, then on one with
// the Haskell luxid, and compares the results step by step (expected: the
// Haskell luxid's result). goluxid runs the steps in its default start
// mode (warm), and on the release otherStartModeOn names also with
// --cold-start, as the Haskell luxid starts job processes (those results
// are the subtests under "cold-start").
func compareJobSteps(t *testing.T, opts sandbox.Options, steps []jobStep) {
	t.Helper()
	for _, s := range steps {
		if (s.only != "" || s.differs) && s.check == nil {
			t.Fatalf("step %s is not compared between the luxids and has no check", s.name)
		}
	}
	sandbox.RequireForTest(t)
	opts.Luxid = sandbox.GoLuxid(goluxidBinary(t))
	goResults := runJobSteps(t, goKind, opts, steps)
	var coldResults []*result
	if sandbox.Ganeti.Dir == otherStartModeOn {
		opts.Luxid = append(sandbox.GoLuxid(goluxidBinary(t)), "--cold-start")
		coldResults = runJobSteps(t, goKind, opts, steps)
	}
	opts.Luxid = sandbox.HaskellLuxid()
	hsResults := runJobSteps(t, haskellKind, opts, steps)
	compareStepResults(t, steps, goResults, hsResults)
	if coldResults != nil {
		t.Run("cold-start", func(t *testing.T) {
			compareStepResults(t, steps, coldResults, hsResults)
		})
	}
}

// otherStartModeOn is the release on which the job-running tests also run
// goluxid in the start mode that is not its default (README, "Which tests
// run where"); every release runs them in the default mode.
const otherStartModeOn = "3.0"

// compareStepResults compares goluxid's results of the steps with the
// Haskell luxid's, or checks each alone where the step says so.
func compareStepResults(t *testing.T, steps []jobStep, goResults, hsResults []*result) {
	t.Helper()
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			gor, hsr := clone(goResults[i]), clone(hsResults[i])
			if s.only == "" && !s.differs {
				c := clientCase{name: s.name, cmd: []string{s.what()}, norms: s.norms}
				compareResults(t, c, *gor, *hsr)
			} else {
				for _, n := range s.norms {
					if gor != nil {
						n.apply(t, goKind, gor)
					}
					if hsr != nil {
						n.apply(t, haskellKind, hsr)
					}
				}
			}
			if s.check != nil {
				if gor != nil {
					s.check(t, goKind, *gor)
				}
				if hsr != nil {
					s.check(t, haskellKind, *hsr)
				}
			}
		})
	}
}

// clone copies a result, so that normalizing it for one comparison leaves
// it as it was for the next.
func clone(r *result) *result {
	if r == nil {
		return nil
	}
	c := *r
	return &c
}

// runJobSteps starts one sandbox, runs the steps meant for luxid in order
// and stops the sandbox. Steps for the other luxid only get nil.
func runJobSteps(t *testing.T, luxid string, opts sandbox.Options, steps []jobStep) []*result {
	t.Helper()
	start := time.Now()
	sb, err := sandbox.Create(context.Background(), opts)
	if err != nil {
		t.Fatalf("start sandbox with %s: %v", luxid, err)
	}
	t.Logf("%s sandbox %s started in %s", luxid, sb.Dir(), time.Since(start).Round(time.Millisecond))
	defer func() {
		stop := time.Now()
		if err := sb.Close(); err != nil {
			t.Errorf("close %s sandbox: %v", luxid, err)
		}
		t.Logf("%s steps took %s (stop %s)", luxid, time.Since(start).Round(time.Millisecond),
			time.Since(stop).Round(time.Millisecond))
	}()
	return runStepsOn(t, luxid, sb, steps)
}

// runStepsOn runs the steps meant for luxid in order on sb. Steps for the
// other luxid only get nil.
func runStepsOn(t *testing.T, luxid string, sb *sandbox.Sandbox, steps []jobStep) []*result {
	t.Helper()
	results := make([]*result, len(steps))
	for i, s := range steps {
		if s.only != "" && s.only != luxid {
			continue
		}
		if s.before != nil {
			s.before(t, luxid, sb)
		}
		timeout := s.timeout
		if timeout == 0 {
			timeout = clientTimeout
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		var r result
		var err error
		switch {
		case s.goFn != nil:
			r = s.goFn(ctx, t, luxid, sb)
		case s.pyFor != nil:
			r.stdout, r.stderr, r.exitCode, err = jobPython(ctx, sb, s.pyFor(sb), s.args...)
		case s.py != "":
			r.stdout, r.stderr, r.exitCode, err = jobPython(ctx, sb, s.py, s.args...)
		default:
			r.stdout, r.stderr, r.exitCode, err = sb.Run(ctx, s.cmd[0], s.cmd[1:]...)
		}
		cancel()
		if err != nil {
			t.Fatalf("%s: step %s: %s: %v\nstdout: %s\nstderr: %s\n%s", luxid, s.name, s.what(), err,
				r.stdout, r.stderr, luxidOutput(sb))
		}
		if os.Getenv(logStepsEnv) != "" {
			t.Logf("%s: step %s: %s: exit %d\nstdout:\n%s\nstderr:\n%s", luxid, s.name, s.what(), r.exitCode,
				r.stdout, r.stderr)
		}
		results[i] = &r
	}
	return results
}

// jobPython runs a Python script with Ganeti's library
// (sandbox.PythonShare) in the clients' environment. Its result is like
// sb.Run's.
func jobPython(ctx context.Context, sb *sandbox.Sandbox, script string, args ...string) (stdout, stderr string, exitCode int, err error) {
	return sb.RunPython(ctx, script, args...)
}

// mustPython runs a helper script that must succeed and returns its stdout.
func mustPython(t *testing.T, sb *sandbox.Sandbox, timeout time.Duration, script string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	stdout, stderr, code, err := jobPython(ctx, sb, script, args...)
	if err != nil || code != 0 {
		t.Fatalf("helper script failed (exit %d, %v)\nstdout: %s\nstderr: %s\n%s", code, err, stdout, stderr,
			luxidOutput(sb))
	}
	return stdout
}

// waitJobsScript polls QueryJobs until each job given as an argument has one
// of the statuses given as the first argument (comma-separated), for at
// most the seconds given as the second argument.
const waitJobsScript = `
import sys, time
from ganeti import luxi
want = sys.argv[1].split(",")
deadline = time.time() + float(sys.argv[2])
ids = [int(a) for a in sys.argv[3:]]
cl = luxi.Client()
while True:
    statuses = [s for (s,) in cl.QueryJobs(ids, ["status"])]
    if all(s in want for s in statuses):
        break
    if time.time() > deadline:
        sys.exit("jobs %s still have statuses %s, want one of %s" % (ids, statuses, want))
    time.sleep(0.02)
`

// waitJobs waits until every job in ids has one of statuses.
func waitJobs(t *testing.T, sb *sandbox.Sandbox, timeout time.Duration, statuses string, ids ...int) {
	t.Helper()
	args := []string{statuses, strconv.FormatFloat(timeout.Seconds(), 'f', 3, 64)}
	for _, id := range ids {
		args = append(args, strconv.Itoa(id))
	}
	mustPython(t, sb, timeout+30*time.Second, waitJobsScript, args...)
}

// waitJobsBefore is a before hook for waitJobs.
func waitJobsBefore(timeout time.Duration, statuses string, ids ...int) func(*testing.T, string, *sandbox.Sandbox) {
	return func(t *testing.T, _ string, sb *sandbox.Sandbox) {
		t.Helper()
		waitJobs(t, sb, timeout, statuses, ids...)
	}
}

// maxJobsLine is the line of "gnt-cluster info" that shows the cluster's
// max_running_jobs.
const maxJobsLine = "  maximal number of jobs running simultaneously: "

// setMaxRunningJobs rewrites config.data the way WConfd does (a new file
// renamed over the old one) with max_running_jobs n, and waits until the
// luxid reports the new value.
func setMaxRunningJobs(t *testing.T, sb *sandbox.Sandbox, n int) {
	t.Helper()
	path := sb.Layout().ConfigFile
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var cfg map[string]any
	require.NoError(t, json.Unmarshal(data, &cfg))
	cfg["cluster"].(map[string]any)["max_running_jobs"] = n
	cfg["serial_no"] = cfg["serial_no"].(float64) + 1
	out, err := json.Marshal(cfg)
	require.NoError(t, err)
	tmp := filepath.Join(filepath.Dir(path), ".config.data.new")
	require.NoError(t, os.WriteFile(tmp, out, 0o640))
	require.NoError(t, os.Rename(tmp, path))

	want := maxJobsLine + strconv.Itoa(n) + "\n"
	deadline := time.Now().Add(5 * time.Second)
	for {
		stdout, _, code, err := sb.Run(context.Background(), "gnt-cluster", "info")
		require.NoError(t, err)
		if code == 0 && strings.Contains(stdout, want) {
			return
		}
		require.True(t, time.Now().Before(deadline), "luxid did not pick up max_running_jobs %d within 5 s", n)
		time.Sleep(50 * time.Millisecond)
	}
}

func setMaxRunningJobsBefore(n int) func(*testing.T, string, *sandbox.Sandbox) {
	return func(t *testing.T, _ string, sb *sandbox.Sandbox) {
		t.Helper()
		setMaxRunningJobs(t, sb, n)
	}
}

// Patterns of the values that differ from run to run in job output and job
// files.
var (
	// Reason trail and other nanosecond timestamps.
	jqNanosRE = regexp.MustCompile(`(^|[^0-9])1[0-9]{18}([^0-9]|$)`)
	// Seconds since the epoch, alone, in [sec, usec] pairs and in livelock
	// names (job_000001_1795765561).
	jqSecondsRE = regexp.MustCompile(`(^|[^0-9])1[0-9]{9}([^0-9]|$)`)
	// The microseconds after normalized seconds.
	jqMicrosRE = regexp.MustCompile(`<sec>(, ?)[0-9]{1,6}`)
	// FormatTimestamp: 2026-11-27 04:46:10.354480.
	jqDateRE = regexp.MustCompile(`[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?`)
	// Feedback lines: "Fri Nov 27 07:49:50 2026  - INFO: ...".
	jqCtimeRE = regexp.MustCompile(`[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}`)
	// gnt-job info: "(delta 0.183900s)" and "1.243258 seconds".
	jqDeltaRE    = regexp.MustCompile(`\(delta -?[0-9]+\.[0-9]{6}s\)`)
	jqDurationRE = regexp.MustCompile(`Total processing time: -?[0-9]+\.[0-9]{6} seconds`)
	// Process ids of job processes.
	jqPidRE  = regexp.MustCompile(`(with pid |process_id: |"process_id": ?)[0-9]+`)
	jqRunsRE = regexp.MustCompile(` {2,}`)
)

// normalizeJobTimes replaces every timestamp form of job output by a
// placeholder.
func normalizeJobTimes(s string) string {
	// Twice, as adjacent matches share their delimiters.
	for range 2 {
		s = jqNanosRE.ReplaceAllString(s, "${1}<ns>${2}")
		s = jqSecondsRE.ReplaceAllString(s, "${1}<sec>${2}")
	}
	s = jqMicrosRE.ReplaceAllString(s, "<sec>${1}<usec>")
	s = jqDateRE.ReplaceAllString(s, "<time>")
	s = jqCtimeRE.ReplaceAllString(s, "<ctime>")
	s = jqDeltaRE.ReplaceAllString(s, "(delta <delta>s)")
	s = jqDurationRE.ReplaceAllString(s, "Total processing time: <delta> seconds")
	return s
}

// jobTimestamps replaces job, opcode, log and reason timestamps and the
// deltas computed from them; they differ from run to run.
var jobTimestamps = normalization{
	name: "job-timestamps",
	apply: func(t *testing.T, luxid string, r *result) {
		r.stdout = normalizeJobTimes(r.stdout)
		r.stderr = normalizeJobTimes(r.stderr)
	},
}

// jobPids replaces the process ids of job processes.
var jobPids = normalization{
	name: "job-pids",
	apply: func(t *testing.T, luxid string, r *result) {
		r.stdout = jqPidRE.ReplaceAllString(r.stdout, "${1}<pid>")
		r.stderr = jqPidRE.ReplaceAllString(r.stderr, "${1}<pid>")
	},
}

// columnSpacing collapses the padding between table columns: the width of
// a column holding raw [sec, usec] timestamps depends on the number of
// digits of the microseconds. Use it only together with jobTimestamps and
// compare the alignment of such tables without timestamp columns too.
var columnSpacing = normalization{
	name: "column-spacing",
	apply: func(t *testing.T, luxid string, r *result) {
		lines := strings.Split(r.stdout, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight(jqRunsRE.ReplaceAllString(l, " "), " ")
		}
		r.stdout = strings.Join(lines, "\n")
	},
}

// wantResult returns a check that requires exactly this result.
func wantResult(stdout, stderr string, code int) func(*testing.T, string, result) {
	return func(t *testing.T, luxid string, r result) {
		t.Helper()
		assert.Equal(t, code, r.exitCode, "%s: exit code", luxid)
		assert.Equal(t, stdout, r.stdout, "%s: stdout", luxid)
		assert.Equal(t, stderr, r.stderr, "%s: stderr", luxid)
	}
}

// perLuxid returns a check that applies the check of the luxid at hand.
func perLuxid(goCheck, hsCheck func(*testing.T, string, result)) func(*testing.T, string, result) {
	return func(t *testing.T, luxid string, r result) {
		t.Helper()
		if luxid == goKind {
			goCheck(t, luxid, r)
		} else {
			hsCheck(t, luxid, r)
		}
	}
}

// jobFilesScript prints every job file of the queue (live and archived),
// loaded with Ganeti's own jqueue code (_QueuedJob.Restore), field by field,
// together with each file's writer style, key order, mode and owner, and the
// other files of the queue directory. Paths are shown relative to the node
// root; a livelock path outside it (in a job file written on another node)
// is marked as such.
const jobFilesScript = `
import grp, json, os, pwd, re, stat
from ganeti import jqueue, pathutils, serializer

root = os.environ["GANETI_ROOTDIR"]

def rel(path):
    if path is None:
        return None
    if not path.startswith(root + "/"):
        return "(outside the node root) " + path
    return "$ROOT" + path[len(root):]

def meta(path):
    st = os.stat(path)
    kind = "dir" if stat.S_ISDIR(st.st_mode) else "file"
    return "%s %04o %s:%s" % (kind, stat.S_IMODE(st.st_mode),
                              pwd.getpwuid(st.st_uid).pw_name,
                              grp.getgrgid(st.st_gid).gr_name)

def style(raw):
    if raw.startswith('{"id":') and not raw.endswith("\n"):
        return "compact JSON, no final newline (luxid)"
    if raw.startswith('{"id": ') and raw.endswith("}\n"):
        return "spaced JSON, final newline (job process)"
    return "unknown: %r" % raw[:20]

def dump(v):
    return json.dumps(v, sort_keys=True)

def show_job(label, path, archived):
    raw = open(path).read()
    order = json.loads(raw)  # keeps the file's key order
    job = jqueue._QueuedJob.Restore(None, serializer.LoadJson(raw), False, archived)
    print("%s: %s" % (label, meta(path)))
    print("  writer:", style(raw))
    print("  key order:", ",".join(order))
    for i, op in enumerate(order["ops"]):
        print("  op %d key order: %s" % (i, ",".join(op)))
        print("  op %d input key order: %s" % (i, ",".join(op["input"])))
    print("  id:", job.id)
    print("  status:", job.CalcStatus())
    print("  priority:", job.CalcPriority())
    print("  received_timestamp:", dump(job.received_timestamp))
    print("  start_timestamp:", dump(job.start_timestamp))
    print("  end_timestamp:", dump(job.end_timestamp))
    print("  livelock:", rel(job.livelock))
    print("  process_id:", job.process_id)
    print("  log_serial:", job.log_serial)
    for i, op in enumerate(job.ops):
        print("  op %d input: %s" % (i, dump(op.input.__getstate__())))
        print("  op %d summary: %s" % (i, op.input.Summary()))
        print("  op %d status: %s" % (i, op.status))
        print("  op %d result: %s" % (i, dump(op.result)))
        print("  op %d log: %s" % (i, dump(op.log)))
        print("  op %d priority: %s" % (i, op.priority))
        print("  op %d start_timestamp: %s" % (i, dump(op.start_timestamp)))
        print("  op %d exec_timestamp: %s" % (i, dump(op.exec_timestamp)))
        print("  op %d end_timestamp: %s" % (i, dump(op.end_timestamp)))

def jobkey(name):
    m = re.match(r"^job-(\d+)$", name)
    return (0, int(m.group(1)), "") if m else (1, 0, name)

qdir = pathutils.QUEUE_DIR
print("queue dir:", rel(qdir), meta(qdir))
for name in sorted(os.listdir(qdir), key=jobkey):
    path = os.path.join(qdir, name)
    if name == "archive":
        print("archive:", meta(path))
        for bucket in sorted(os.listdir(path)):
            bpath = os.path.join(path, bucket)
            print("archive/%s: %s" % (bucket, meta(bpath)))
            for jname in sorted(os.listdir(bpath), key=jobkey):
                show_job("archive/%s/%s" % (bucket, jname), os.path.join(bpath, jname), True)
    elif name.startswith("job-"):
        show_job(name, path, False)
    elif name in ("serial", "version"):
        print("%s: %s %r" % (name, meta(path), open(path).read()))
    else:
        print("%s: %s" % (name, meta(path)))
`
