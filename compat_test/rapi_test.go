package compat_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/sandbox"
)

// rapiPrelude connects Ganeti's own RAPI client to the sandbox's RAPI
// daemon (started by startRAPI, which leaves the port beside the node
// root) and defines show(), which prints a result as sorted JSON with the
// values that differ from run to run replaced: times (config timestamps
// once a job changed the config, job and reason timestamps) and the
// master's free memory and disk as its noded reports them.
const rapiPrelude = `
import json, os, sys
from ganeti.rapi import client

root = os.environ["GANETI_ROOTDIR"]
with open(os.path.join(root, "..", "rapi-port")) as f:
    port = int(f.read())
rapi = client.GanetiRapiClient(
    "%s", port=port, username="%s", password="%s",
    curl_config_fn=client.GenericCurlConfig(
        cafile=os.path.join(root, "var/lib/ganeti/rapi.pem")))

VOLATILE = {"mfree", "dfree", "spfree", "mnode", "dtotal", "sptotal", "mtotal"}

def scrub(v, key=None):
    if key in VOLATILE:
        return "<volatile>"
    if isinstance(v, dict):
        return {k: scrub(x, k) for k, x in v.items()}
    if isinstance(v, list):
        if len(v) == 2 and all(isinstance(x, int) for x in v) and v[0] > 10**9:
            return "<timestamp>"
        return [scrub(x) for x in v]
    if isinstance(v, float) and v > 10**9:
        return "<time>"
    if isinstance(v, int) and not isinstance(v, bool) and v > 10**18:
        return "<time>"
    return v

def show(name, value):
    print(name, json.dumps(scrub(value), sort_keys=True, indent=1))
`

// rapiScript is a RAPI client script for the RAPI daemon at nodeIP: the
// prelude, then body.
func rapiScript(nodeIP, body string) string {
	return rapiPreludeFor(nodeIP) + body
}

// rapiPreludeFor fills in the address and the credentials.
func rapiPreludeFor(nodeIP string) string {
	return fmt.Sprintf(rapiPrelude, nodeIP, sandbox.RAPIUser, sandbox.RAPIPassword)
}

// vcsVersionRE finds vcs_version in RAPI's cluster info.
var vcsVersionRE = regexp.MustCompile(`"vcs_version": "[^"]*"`)

// rapiVCSVersion handles the value that differs by design in /2/info: the
// luxid's own name and version (see vcsVersion).
var rapiVCSVersion = normalization{
	name: "rapi-vcs-version",
	apply: func(t *testing.T, luxid string, r *result) {
		if luxid == goKind {
			for _, m := range vcsVersionRE.FindAllString(r.stdout, -1) {
				assert.Contains(t, m, "goluxid", "goluxid must name itself in its VCS version")
			}
		}
		r.stdout = vcsVersionRE.ReplaceAllString(r.stdout, `"vcs_version": "<normalized>"`)
	},
}

// rapiAnswered fails a step whose script did not get through: the scripts
// print something only after RAPI answered.
func rapiAnswered(t *testing.T, luxid string, r result) {
	assert.Equal(t, 0, r.exitCode, "%s: exit code; stderr: %s", luxid, r.stderr)
	assert.NotEmpty(t, r.stdout, "%s: no output", luxid)
}

// startRAPI starts the RAPI daemon of the sandbox and leaves its port
// where rapiPrelude reads it.
func startRAPI(t *testing.T, _ string, sb *sandbox.Sandbox) {
	t.Helper()
	port, err := sb.StartRAPI(context.Background())
	require.NoError(t, err, "start ganeti-rapi")
	require.NoError(t, os.WriteFile(filepath.Join(sb.Root(), "..", "rapi-port"), []byte(strconv.Itoa(port)), 0o644))
}

// TestRAPI drives the real ganeti-rapi with Ganeti's own RAPI client
// library, on both luxids: cluster info, bulk listings of nodes, instances,
// groups, networks and jobs, jobs submitted through RAPI (cluster tags
// added and removed), waiting for a job, queries with a filter, filter
// rules, and a network renamed (Ganeti 3.1).
func TestRAPI(t *testing.T) {
	steps := []jobStep{
		{name: "info", before: startRAPI, py: `show("info", rapi.GetInfo())`},
		{name: "nodes-bulk", py: `show("nodes", rapi.GetNodes(bulk=True))`},
		{name: "instances-bulk", py: `show("instances", rapi.GetInstances(bulk=True))`, check: bulkInstanceFields},
		{name: "groups-bulk", py: `show("groups", rapi.GetGroups(bulk=True))`},
		{name: "networks-bulk", py: `show("networks", rapi.GetNetworks(bulk=True))`},
		{name: "tags-add", py: `
job = rapi.AddClusterTags(["rapi-added"])
show("job", job)
show("done", rapi.WaitForJobCompletion(job, period=0.2, retries=100))
show("status", rapi.GetJobStatus(job))
show("tags", rapi.GetClusterTags())`},
		{name: "job-wait", py: `show("change", rapi.WaitForJobChange(1, ["status", "id"], None, None))`},
		{name: "tags-remove", py: `
job = rapi.DeleteClusterTags(["rapi-added"])
rapi.WaitForJobCompletion(job, period=0.2, retries=100)
show("tags", rapi.GetClusterTags())`},
		{name: "jobs-bulk", py: `show("jobs", rapi.GetJobs(bulk=True))`},
		{name: "jobs", py: `show("jobs", rapi.GetJobs())`},
		{name: "query-filter", py: `
show("instances", rapi.Query("instance", ["name", "pnode", "admin_state", "status"], qfilter=["|", ["=~", "name", "^inst"], ["=", "admin_state", "up"]]))
show("nodes", rapi.Query("node", ["name", "offline", "role", "pinst_cnt"]))
show("fields", rapi.QueryFields("group"))`},
		{name: "query-bad-filter", py: `
try:
    rapi.Query("node", ["name"], qfilter=["=", "nosuchfield", 1])
except client.GanetiApiError as err:
    show("error", [err.code, str(err)])`},
		{name: "filters", py: `
uuid = rapi.AddFilter(10, [["reason", ["=", "reason", "nothing"]]], "ACCEPT", reason_trail=[])
show("filters", json.loads(json.dumps(rapi.GetFilters(bulk=True)).replace(uuid, "<new uuid>")))
rapi.DeleteFilter(uuid)
show("after delete", rapi.GetFilters())`},
		{name: "network-rename", py: networkRenameScript},
		{name: "info-after", py: `show("info", rapi.GetInfo())`},
	}
	opts := sandbox.Options{Noded: true}
	// The RAPI host is the node's address, which each sandbox with noded
	// chooses; the scripts are completed per sandbox.
	for i := range steps {
		body := steps[i].py
		steps[i].py = ""
		steps[i].pyFor = func(sb *sandbox.Sandbox) string { return rapiScript(sb.NodeIP(), body) }
		steps[i].norms = append(steps[i].norms, nodeIPs, rapiVCSVersion)
		if steps[i].check == nil {
			steps[i].check = rapiAnswered
		}
	}
	compareJobSteps(t, opts, steps)
}

// bulkInstanceFields checks the bulk instance listing beyond its having
// answered: Ganeti 3.1's RAPI also asks for custom_osparams.
func bulkInstanceFields(t *testing.T, luxid string, r result) {
	rapiAnswered(t, luxid, r)
	const field = `"custom_osparams": {}`
	if sandbox.Ganeti.Dir == "3.1" {
		assert.Equal(t, 3, strings.Count(r.stdout, field), "%s: custom_osparams of each instance", luxid)
	} else {
		assert.NotContains(t, r.stdout, field, luxid)
	}
}

// networkRenameScript adds a network through RAPI and renames it
// (PUT /2/networks/<name>/rename, new in Ganeti 3.1; 3.0's RAPI answers
// 404), and lists the networks.
const networkRenameScript = `
job = rapi.CreateNetwork("rapi-net", "198.51.100.0/24", tags=[])
show("added", rapi.WaitForJobCompletion(job, period=0.2, retries=100))
try:
    job = rapi._SendRequest("PUT", "/2/networks/rapi-net/rename", None, {"new_name": "rapi-renamed"})
    show("job", job)
    show("renamed", rapi.WaitForJobCompletion(job, period=0.2, retries=100))
except client.GanetiApiError as err:
    show("error", [err.code, str(err)])
show("networks", rapi.GetNetworks())`
