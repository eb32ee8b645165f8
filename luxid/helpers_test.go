package luxid

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// objectKeys returns the top-level keys of the JSON object dec reads, in
// the order they appear.
func objectKeys(t *testing.T, dec *json.Decoder) []string {
	t.Helper()
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}
