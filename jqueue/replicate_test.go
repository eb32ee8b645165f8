package jqueue

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type recordingReplicator struct {
	mu      sync.Mutex // guards the fields below
	updates []string
	renames [][2]string
	drains  []bool
}

func (r *recordingReplicator) DrainFlag(drain bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drains = append(r.drains, drain)
}

func (r *recordingReplicator) Update(path string, content []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.updates = append(r.updates, path+"="+string(content))
}

func (r *recordingReplicator) Rename(renames [][2]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.renames = append(r.renames, renames...)
}

// The serial, every durable job write and every archive move are
// replicated; the unsynced start-up rewrites are not, as in the real luxid.
func TestReplication(t *testing.T) {
	l := newLayout(t)
	q, err := Open(l, nil)
	require.NoError(t, err)
	rec := &recordingReplicator{}
	q.Replicator = rec
	ids, err := q.AllocateIDs(1)
	require.NoError(t, err)
	job := &Job{ID: ids[0], Ops: []*OpCode{}}
	require.NoError(t, q.AddJob(job))
	require.NoError(t, q.WriteJobNoDirSync(job))
	_, err = q.Archive(job.ID)
	require.NoError(t, err)
	data, err := job.Marshal()
	require.NoError(t, err)
	assert.Equal(t, []string{l.SerialFile + "=1\n", l.JobFile(1) + "=" + string(data)}, rec.updates)
	assert.Equal(t, [][2]string{{l.JobFile(1), l.ArchivedJobFile(1)}}, rec.renames)
	require.NoError(t, q.SetDrained(true))
	require.NoError(t, q.SetDrained(false))
	assert.Equal(t, []bool{true, false}, rec.drains)
}
