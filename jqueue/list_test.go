package jqueue

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListingAndReading(t *testing.T) {
	l := newLayout(t)
	copyGoldenQueue(t, l)
	require.NoError(t, os.WriteFile(filepath.Join(l.QueueDir, "job-11-123-4.tmp"), nil, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(l.QueueDir, "job-x"), nil, 0o600))
	q, err := Open(l, nil)
	require.NoError(t, err)
	live, err := q.LiveJobIDs()
	require.NoError(t, err)
	assert.Equal(t, []uint64{2, 3, 7, 10}, live)
	archived, err := q.ArchivedJobIDs()
	require.NoError(t, err)
	assert.Equal(t, []uint64{1}, archived)

	_, err = q.ReadJob(7)
	assert.ErrorIs(t, err, ErrCorrupt)
	job, wasArchived, err := q.ReadJobAnywhere(1)
	require.NoError(t, err)
	assert.True(t, wasArchived)
	assert.Equal(t, StatusSuccess, job.Status())
	_, err = q.ReadJob(1)
	assert.True(t, os.IsNotExist(err))
}
