package hsshow

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// luxidCase is one value pretty-printed by Ganeti 3.0.2's luxid, recorded
// by testdata/capture.py.
type luxidCase struct {
	Args  string `json:"args"`
	Shown string `json:"shown"`
}

// lowBytes mangles s as luxid's answers do: each character becomes the
// low 8 bits of its code point.
func lowBytes(s string) string {
	return strings.Map(func(r rune) rune { return r & 0xff }, s)
}

// TestPrettyAgainstLuxid replays every recorded value: the same layout,
// byte for byte.
func TestPrettyAgainstLuxid(t *testing.T) {
	data, err := os.ReadFile("testdata/luxid-pretty.json")
	require.NoError(t, err)
	var cases []luxidCase
	require.NoError(t, json.Unmarshal(data, &cases))
	require.NotEmpty(t, cases)
	for _, c := range cases {
		assert.Equal(t, c.Shown, lowBytes(PrettyJSON([]byte(c.Args))), c.Args)
	}
}
