package compat_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// opcodeFieldsScript prints, for every opcode of every live job file in
// job id order, its OP_ID and those of the parameters named as arguments
// that luxid wrote, in the file's order: the parameters whose defaults or
// existence differ between the releases.
const opcodeFieldsScript = `
import json, os, re, sys
from ganeti import pathutils
keys = sys.argv[1:]
qdir = pathutils.QUEUE_DIR
names = [n for n in os.listdir(qdir) if re.match(r"^job-\d+$", n)]
for name in sorted(names, key=lambda n: int(n[4:])):
    with open(os.path.join(qdir, name)) as f:
        job = json.load(f)
    for op in job["ops"]:
        inp = op["input"]
        fields = ["%s=%s" % (k, json.dumps(v)) for k, v in inp.items() if k in keys]
        print(" ".join([name, inp["OP_ID"]] + fields))
`

// releaseRule is the filter rule the release opcode tests hold jobs with.
const releaseRule = "aaaaaaaa-0000-4000-8000-0000000000e1"

// TestInstanceDefaultsAndNetworkRename compares what the luxids write into
// the job files of instance modifications and renames, where Ganeti 3.1
// changed defaults (hotplug true, name_check and ip_check false) and
// dropped hotplug_if_possible: opcodes without those parameters (submitted
// through LUXI) get the release's defaults, and the clients' options reach
// the job file. A filter rule holds every job, so the files are the
// luxid's. Then the held jobs are canceled and a network renamed, with
// OP_NETWORK_RENAME, new in 3.1 (3.0's client has no such command).
func TestInstanceDefaultsAndNetworkRename(t *testing.T) {
	const inst = "instance1.example.com"
	modify := []string{"gnt-instance", "modify", "--submit", "-B", "memory=256"}
	rename := []string{"gnt-instance", "rename", "--submit"}
	jobFields := []string{"hotplug", "hotplug_if_possible", "name_check", "ip_check"}
	compareJobSteps(t, sandbox.Options{}, []jobStep{
		{name: "pause-all", cmd: []string{"gnt-filter", "replace", "--action", "PAUSE", "--predicates", "[]", releaseRule}},
		{name: "submit-without-defaults", py: `
from ganeti import luxi, opcodes
cl = luxi.Client()
print(cl.SubmitJob([opcodes.OpInstanceSetParams(instance_name="instance1.example.com", beparams={"memory": 256})]))
print(cl.SubmitJob([opcodes.OpInstanceRename(instance_name="instance1.example.com", new_name="instance9.example.com")]))
`, check: wantResult("1\n2\n", "", 0)},
		{name: "modify", cmd: append(modify, inst), check: wantResult("", "JobID: 3\n", 0)},
		{name: "modify-hotplug-option", cmd: append(modify, onRelease("--hotplug", "--no-hotplug"), inst),
			check: wantResult("", "JobID: 4\n", 0)},
		{name: "rename", cmd: append(rename, inst, "instance9.example.com"), check: wantResult("", "JobID: 5\n", 0)},
		{name: "rename-check-options", cmd: append(append(rename, argsOnRelease("--no-name-check --no-ip-check --force",
			"--name-check --ip-check")...), inst, "instance9.example.com"), check: wantResult("", "JobID: 6\n", 0)},
		{name: "opcode-fields", py: opcodeFieldsScript, args: jobFields, check: wantResult(onRelease(`
job-1 OP_INSTANCE_SET_PARAMS hotplug=false hotplug_if_possible=false
job-2 OP_INSTANCE_RENAME name_check=true ip_check=true
job-3 OP_INSTANCE_SET_PARAMS hotplug=false hotplug_if_possible=false
job-4 OP_INSTANCE_SET_PARAMS hotplug=true hotplug_if_possible=false
job-5 OP_INSTANCE_RENAME name_check=true ip_check=true
job-6 OP_INSTANCE_RENAME name_check=false ip_check=false
`, `
job-1 OP_INSTANCE_SET_PARAMS hotplug=true
job-2 OP_INSTANCE_RENAME name_check=false ip_check=false
job-3 OP_INSTANCE_SET_PARAMS hotplug=true
job-4 OP_INSTANCE_SET_PARAMS hotplug=false
job-5 OP_INSTANCE_RENAME name_check=false ip_check=false
job-6 OP_INSTANCE_RENAME name_check=true ip_check=true
`)[1:], "", 0)},
		{name: "job-files", py: jobFilesScript, norms: []normalization{jobTimestamps, jobPids}},
		{name: "jobs", cmd: []string{"gnt-job", "list", "--no-headers", "-o", "id,status,summary"}},
		// The option the other release has: the client refuses it alike.
		{name: "modify-other-hotplug-option", cmd: append(modify, onRelease("--no-hotplug", "--hotplug"), inst)},
		{name: "modify-hotplug-if-possible", cmd: append(modify, "--hotplug-if-possible", inst)},
		{name: "cancel-held", cmd: []string{"gnt-job", "cancel", "--pending", "--force"}},
		{name: "delete-pause", cmd: []string{"gnt-filter", "delete", releaseRule}},
		{name: "network-rename", cmd: []string{"gnt-network", "rename", "a network", "renamed-net"},
			norms: []normalization{jobTimestamps},
			check: func(t *testing.T, luxid string, r result) {
				assert.Equal(t, onRelease(1, 0), r.exitCode, "%s: exit code; stderr: %s", luxid, r.stderr)
			}},
		{name: "network-list", cmd: []string{"gnt-network", "list", "--no-headers", "--separator=|", "-o", "name,network"},
			check: wantResult(onRelease("a network", "renamed-net")+"|203.0.113.0/24\n", "", 0)},
		{name: "network-info", cmd: []string{"gnt-network", "info"}},
		{name: "jobs-after-rename", cmd: []string{"gnt-job", "list", "--no-headers", "-o", "id,status,summary"}},
	})
}

// argsOnRelease is onRelease for arguments, given space-separated.
func argsOnRelease(v30, v31 string) []string {
	return strings.Fields(onRelease(v30, v31))
}

// TestVerifyDisksOpcodes compares the verify-disks jobs of Ganeti 3.1,
// whose opcodes gained is_strict (default true): "gnt-cluster
// verify-disks" and its --no-strict form (3.1's client only), and
// OP_CLUSTER_VERIFY_DISKS and OP_GROUP_VERIFY_DISKS submitted through LUXI
// without is_strict. Filter rules hold the per-group jobs and the directly
// submitted cluster job, so that their files are the luxid's; then they
// run and the clients report.
func TestVerifyDisksOpcodes(t *testing.T) {
	const waitJob = 60 * time.Second
	const holdRule = "aaaaaaaa-0000-4000-8000-0000000000e2"
	bg := newBackgrounds(t)
	// Job ids: on 3.1, --no-strict submits job 4, which submits 5 and 6.
	clusterJob, groupJob := onRelease(4, 7), onRelease(5, 8)
	allJobs := make([]int, groupJob+2) // the cluster job submits two more
	for i := range allJobs {
		allJobs[i] = i + 1
	}
	steps := []jobStep{
		{name: "pause-group-verify", cmd: []string{"gnt-filter", "replace", "--action", "PAUSE",
			"--predicates", `[["opcode", ["=", "OP_ID", "OP_GROUP_VERIFY_DISKS"]]]`, releaseRule}},
		bg.start("verify-disks", "gnt-cluster", "verify-disks"),
		withBefore(bg.start("verify-disks-no-strict", "gnt-cluster", "verify-disks", "--no-strict"),
			waitJobsBefore(waitJob, "success", 1)),
		{name: "pause-cluster-job", cmd: []string{"gnt-filter", "replace", "--action", "PAUSE",
			"--predicates", `[["jobid", ["=", "id", ` + strconv.Itoa(clusterJob) + `]]]`, holdRule},
			before: waitJobsBefore(waitJob, "success", onRelease(1, 4))},
		{name: "submit-without-is-strict", py: `
from ganeti import luxi, opcodes
cl = luxi.Client()
print(cl.SubmitJob([opcodes.OpClusterVerifyDisks()]))
print(cl.SubmitJob([opcodes.OpGroupVerifyDisks(group_name="default")]))
`, check: wantResult(onRelease("4\n5\n", "7\n8\n"), "", 0)},
		{name: "opcode-fields", py: opcodeFieldsScript, args: []string{"group_name", "is_strict"},
			check: wantResult(onRelease(verifyDisksFields30, verifyDisksFields31), "", 0)},
		{name: "job-files", py: jobFilesScript, norms: []normalization{jobTimestamps, jobPids}},
		{name: "delete-pause-cluster-job", cmd: []string{"gnt-filter", "delete", holdRule}},
		{name: "delete-pause-group-verify", cmd: []string{"gnt-filter", "delete", releaseRule}},
		bg.wait("verify-disks", waitJob),
		bg.wait("verify-disks-no-strict", waitJob),
		{name: "jobs", cmd: []string{"gnt-job", "list", "--no-headers", "-o", "id,status,summary"},
			before: waitJobsBefore(waitJob, "success", allJobs...)},
	}
	compareJobSteps(t, sandbox.Options{Noded: true}, steps)
}

// The verify-disks opcodes as the luxid wrote them (jobs 1 and 4 ran, so
// the job process rewrote theirs).
const (
	verifyDisksFields30 = `job-1 OP_CLUSTER_VERIFY_DISKS group_name=null
job-2 OP_GROUP_VERIFY_DISKS group_name="5244a46d-7506-4e14-922d-02b58153dde1"
job-3 OP_GROUP_VERIFY_DISKS group_name="6c0a8916-b719-45ad-95dd-82192b1e473f"
job-4 OP_CLUSTER_VERIFY_DISKS
job-5 OP_GROUP_VERIFY_DISKS group_name="default"
`
	verifyDisksFields31 = `job-1 OP_CLUSTER_VERIFY_DISKS group_name=null is_strict=true
job-2 OP_GROUP_VERIFY_DISKS group_name="5244a46d-7506-4e14-922d-02b58153dde1" is_strict=true
job-3 OP_GROUP_VERIFY_DISKS group_name="6c0a8916-b719-45ad-95dd-82192b1e473f" is_strict=true
job-4 OP_CLUSTER_VERIFY_DISKS group_name=null is_strict=false
job-5 OP_GROUP_VERIFY_DISKS group_name="5244a46d-7506-4e14-922d-02b58153dde1" is_strict=false
job-6 OP_GROUP_VERIFY_DISKS group_name="6c0a8916-b719-45ad-95dd-82192b1e473f" is_strict=false
job-7 OP_CLUSTER_VERIFY_DISKS is_strict=true
job-8 OP_GROUP_VERIFY_DISKS group_name="default" is_strict=true
`
)
