package query

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Cell strings are written as the Haskell luxid writes them and decode to
// what the encoder's form decodes to.
func FuzzCellStrings(f *testing.F) {
	for _, s := range []string{"", "plain", `q"uote\`, "tab\tnl\nret\r\b\f", "ctl\x01\x1f", "<&>",
		"é✓😀", "bad\xffutf8", "line\u2028sep\u2029", "\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Normal(s).MarshalJSON()
		require.NoError(t, err)
		want, err := json.Marshal([]any{0, s})
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(got), "%q", s)
	})
}

func TestResultEncoding(t *testing.T) {
	r := &Result{
		Fields: []FieldDefinition{{Name: "a", Title: "A", Kind: KindText, Doc: "d"}},
		Data: [][]Cell{{Normal("x"), Normal(3), Normal(uint64(4)), Normal(true), Normal(1.5), Normal(2.0),
			Normal([]string{"p", "q"}), Normal(map[string]int{"k": 1}), Status(RSOffline), Normal(nil)}},
	}
	got, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Equal(t, `{"fields":[{"name":"a","title":"A","kind":"text","doc":"d"}],"data":[[[0,"x"],[0,3],[0,4],[0,true],[0,1.5],[0,2],[0,["p","q"]],[0,{"k":1}],[4,null],[0,null]]]}`, string(got))
}
