package luxid

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/config"
	"github.com/goluxid/goluxid/ganeti/paths"
	"github.com/goluxid/goluxid/ganeti/release"
	"github.com/goluxid/goluxid/internal/testkit/crashfs"
	"github.com/goluxid/goluxid/jqueue"
)

// Jobs a submission acknowledged survive a power cut right after the
// answer: each has its file, which parses, and the serial is above every
// acknowledged id, so that no id is given out twice.
func TestAcknowledgedJobsSurvivePowerCut(t *testing.T) {
	if !crashfs.InPrivateNamespace(t) {
		return
	}
	crashfs.RequireFuse(t)
	layout := paths.New(crashfs.Tmpfs(t))
	require.NoError(t, os.MkdirAll(layout.ArchiveDir, 0o750))
	data, err := os.ReadFile("testdata/config.data")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(layout.ConfigFile, data, 0o640))
	store := config.NewStore(layout.ConfigFile, 3000000)
	_, err = store.Reload()
	require.NoError(t, err)
	disk, err := crashfs.Mount(layout.QueueDir)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, disk.Close()) })

	queue, err := jqueue.Open(layout, nil)
	require.NoError(t, err)
	d := New(Deps{Config: store, Paths: layout, Queue: queue, Ganeti: release.Ganeti30, Opcodes: schema30, VCSVersion: "test"})
	var acknowledged []uint64
	for _, jobs := range []int{100, 1, 50} {
		acknowledged = append(acknowledged, submitManyAcknowledged(t, d, jobs)...)
	}
	single, err := callJSON(t, d, "SubmitJob", `[[`+delayOp+`]]`)
	require.NoError(t, err)
	id, err := strconv.ParseUint(single, 10, 64)
	require.NoError(t, err)
	acknowledged = append(acknowledged, id)

	stats, err := disk.Cut()
	require.NoError(t, err)
	t.Logf("cut: %+v", stats)
	require.NoError(t, disk.Remount())

	for _, id := range acknowledged {
		data, err := os.ReadFile(layout.JobFile(id))
		require.NoError(t, err, "acknowledged job %d", id)
		job, err := jqueue.ParseJob(data)
		require.NoError(t, err, "acknowledged job %d", id)
		assert.Equal(t, id, job.ID)
	}
	serial, err := os.ReadFile(layout.SerialFile)
	require.NoError(t, err)
	n, err := strconv.ParseUint(strings.TrimSpace(string(serial)), 10, 64)
	require.NoError(t, err, "serial file %q", serial)
	assert.GreaterOrEqual(t, n, acknowledged[len(acknowledged)-1], "the serial is above every acknowledged id")
}

// submitManyAcknowledged submits n jobs in one SubmitManyJobs and returns
// the ids acknowledged, failing t if any job was refused.
func submitManyAcknowledged(t *testing.T, d *Dispatcher, n int) []uint64 {
	t.Helper()
	got, err := callJSON(t, d, "SubmitManyJobs", `[[`+strings.Repeat(`[`+delayOp+`],`, n-1)+`[`+delayOp+`]]]`)
	require.NoError(t, err)
	var raw [][2]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(got), &raw))
	ids := make([]uint64, len(raw))
	for i, r := range raw {
		require.Equal(t, "true", string(r[0]), "job %d refused: %s", i, r[1])
		require.NoError(t, json.Unmarshal(r[1], &ids[i]))
	}
	require.Len(t, ids, n)
	return ids
}
