package luxid

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// [null] resumes the watcher ("gnt-cluster watcher continue"): it must not
// read as a pause until 0, which noded would write into the pause file.
func TestPauseUntil(t *testing.T) {
	for args, want := range map[string]any{
		`[1900000000]`: 1900000000.0, `[1.5]`: 1.5, `[null]`: nil, `[ null ]`: nil, `[]`: nil,
		`[1, 2]`: nil, `["x"]`: nil, `{}`: nil,
	} {
		got := pauseUntil(json.RawMessage(args))
		if want == nil {
			assert.Nil(t, got, args)
		} else if assert.NotNil(t, got, args) {
			assert.Equal(t, want, *got, args)
		}
	}
}
