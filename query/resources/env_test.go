package resources

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNewUnknownKind(t *testing.T) {
	for _, kind := range []string{"cluster", "os", "bogus"} {
		res, err := New(kind, Env{})
		assert.Nil(t, res, kind)
		assert.ErrorIs(t, err, ErrUnknownKind, kind)
	}
}
