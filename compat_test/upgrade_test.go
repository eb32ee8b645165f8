package compat_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/internal/testkit/prereq"
	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// goldenJobs holds job files captured from Ganeti 3.0's luxid and job
// processes.
const goldenJobs = "../jqueue/testdata/golden"

// queue30 is the job queue a Ganeti 3.0 master leaves behind, as paths
// below queue/ and the captured file each holds. Job 3 depends on job 2,
// which is gone.
var queue30 = []struct{ path, golden string }{
	{"job-1", "job-1.success.json"},                    // success, by the job process
	{"job-3", "job-3.queued-as-written-by-luxid.json"}, // queued
	{"job-4", "job-4.error-duration0.json"},            // error (OpPrereqError)
	{"job-25", "spec-8_7.json"},                        // canceled while running
	{"job-26", "spec-8_1.json"},                        // queued
	{"archive/0/job-5", "spec-8_9.json"},               // error: its death detected by luxid
	{"archive/0/job-6", "spec-8_6.json"},               // canceled by luxid while queued
	{"archive/0/job-10", "spec-8_8.json"},              // error (OpPrereqError)
}

// queue30Serial is the queue's serial: above every job id, as after a job
// whose submission failed.
const queue30Serial = "30\n"

// queue30Files returns the node files of queue30 with its serial and the
// version file as Ganeti 3.0 writes them; the sandbox's ensure-dirs gives
// them Ganeti's owners and modes.
func queue30Files(t *testing.T) []sandbox.NodeFile {
	t.Helper()
	const dir = "var/lib/ganeti/queue"
	files := []sandbox.NodeFile{
		{Path: dir + "/serial", Data: []byte(queue30Serial)},
		{Path: dir + "/version", Data: []byte("1\n")},
	}
	for _, j := range queue30 {
		data, err := os.ReadFile(filepath.Join(goldenJobs, j.golden))
		if err != nil {
			t.Fatalf("read captured job file: %v", err)
		}
		files = append(files, sandbox.NodeFile{Path: dir + "/" + j.path, Data: data})
	}
	return files
}

// TestUpgradeFrom30 compares how the luxids of Ganeti 3.1 take over the job
// queue of a Ganeti 3.0 master whose config.data 3.1's cfgupgrade upgraded
// (the sandbox does that): live and archived jobs of every final status,
// listed, shown, archived and autoarchived, and two jobs still queued under
// 3.0 that 3.1's job process runs. It needs Ganeti 3.1: the queue it lays
// out is what 3.0 wrote for a later release to read, and scripts/test.sh
// selects it on 3.1 only.
func TestUpgradeFrom30(t *testing.T) {
	if sandbox.Ganeti.Dir != release.Ganeti31.Dir {
		prereq.Missing(t, "the upgrade from Ganeti 3.0 needs Ganeti %s; Ganeti %s is installed",
			release.Ganeti31.Dir, sandbox.Ganeti.Dir)
	}
	times := []normalization{jobTimestamps}
	steps := []jobStep{
		// Nothing changes the finished jobs; the queued ones start at once.
		{name: "list-finished", cmd: []string{"gnt-job", "list", "1", "4", "25"}},
		// Their timestamps are the captured ones, compared as they are.
		{name: "info-archived", cmd: []string{"gnt-job", "info", "5", "6", "10"}},
		{name: "list", cmd: []string{"gnt-job", "list"},
			before: waitJobsBefore(time.Minute, "success,error,canceled", 3, 26)},
		{name: "list-archived", cmd: []string{"gnt-job", "list", "--archived"}},
		{name: "list-all-fields", cmd: []string{"gnt-job", "list", "--archived", "-o", jobFieldsWithout("archived") + ",archived"},
			norms: []normalization{jobTimestamps, columnSpacing}},
		{name: "info", cmd: []string{"gnt-job", "info", "1", "3", "4", "5", "6", "10", "25", "26"}, norms: times},
		{name: "archive", cmd: []string{"gnt-job", "archive", "4"}},
		{name: "list-after-archive", cmd: []string{"gnt-job", "list"}},
		// Jobs 3 and 26 ended just now, the captured ones on 2026-11-27.
		{name: "autoarchive-1d", cmd: []string{"gnt-job", "autoarchive", "1d"},
			check: wantResult("Archived 2 jobs, 0 unchecked left\n", "", 0)},
		// 3.1's job process ran both queued jobs: job 3's dependency is gone.
		{name: "list-after-autoarchive", cmd: []string{"gnt-job", "list"},
			check: wantResult("ID Status  Summary\n"+
				" 3 error   TEST_DELAY(1000000000 ns)\n"+
				"26 success TEST_DELAY(2000000000 ns)\n", "", 0)},
		{name: "list-archived-after-autoarchive", cmd: []string{"gnt-job", "list", "--archived", "-o", "id,status,archived"}},
		{name: "submit-after-serial", cmd: []string{"gnt-debug", "delay", "--no-master", "--submit", "0.1"}},
		{name: "info-new", cmd: []string{"gnt-job", "info", "31"}, norms: times,
			before: waitJobsBefore(time.Minute, "success,error,canceled", 31)},
		{name: "job-files", py: jobFilesScript, norms: []normalization{jobTimestamps, jobPids}},
	}
	compareJobSteps(t, sandbox.Options{Noded: true, NodeFiles: queue30Files(t)}, steps)
}
