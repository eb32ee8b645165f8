package objects

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// testConfigs lists the config files of testdata (testdata/README.md):
// the golden config and Ganeti's testsuite configs upgraded by
// mkupgraded.py.
func testConfigs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/*.json")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 11)
	return files
}

func loadFile(t *testing.T, path string) (*ConfigData, []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	cfg, err := Parse(data, 3000000)
	require.NoError(t, err, path)
	return cfg, data
}

func TestRoundTripIsLossless(t *testing.T) {
	for _, path := range testConfigs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			cfg, data := loadFile(t, path)
			out, err := json.Marshal(cfg)
			require.NoError(t, err)
			requireSameJSON(t, data, out)
		})
	}
}

// requireSameJSON compares two JSON documents value by value: the same
// keys everywhere, the same strings, booleans and list lengths, and
// numbers of equal value (5000000.0 equals 5000000).
func requireSameJSON(t *testing.T, want, got []byte) {
	t.Helper()
	var w, g any
	require.NoError(t, decodeNumbers(want, &w))
	require.NoError(t, decodeNumbers(got, &g))
	var diffs []string
	diffJSON("", w, g, &diffs)
	require.Empty(t, diffs)
}

func decodeNumbers(data []byte, v *any) error {
	dec := json.NewDecoder(bytesReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

func diffJSON(path string, want, got any, diffs *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: object became %T", path, got))
			return
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			wv, inW := w[k]
			gv, inG := g[k]
			switch {
			case !inG:
				*diffs = append(*diffs, path+"/"+k+": lost")
			case !inW:
				*diffs = append(*diffs, path+"/"+k+": added")
			default:
				diffJSON(path+"/"+k, wv, gv, diffs)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			*diffs = append(*diffs, fmt.Sprintf("%s: list %v became %v", path, want, got))
			return
		}
		for i := range w {
			diffJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], diffs)
		}
	case json.Number:
		g, ok := got.(json.Number)
		if !ok || !sameNumber(w, g) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %v became %v", path, want, got))
		}
	default:
		if want != got {
			*diffs = append(*diffs, fmt.Sprintf("%s: %#v became %#v", path, want, got))
		}
	}
}

func sameNumber(a, b json.Number) bool {
	ra, okA := new(big.Rat).SetString(string(a))
	rb, okB := new(big.Rat).SetString(string(b))
	return okA && okB && ra.Cmp(rb) == 0
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
