package bench

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDiskOf(t *testing.T) {
	dir := t.TempDir()
	assert.Contains(t, diskOf(dir), "(mounted at /", "the mount holding a temporary directory is visible here")
	assert.NotEqual(t, "unknown", fsType(dir))
	assert.Equal(t, "unknown", fsType(dir+"/missing"))
}
