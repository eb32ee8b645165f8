package resources

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQueryFieldsCatalogues compares QueryFields [kind, null] with the
// real luxid's answers (testdata/<kind>-fields.json, the "fields" list
// pretty-printed with one-space indentation), byte for byte both as
// pretty-printed and in the compact wire form.
func TestQueryFieldsCatalogues(t *testing.T) {
	for _, kind := range []string{"instance", "export", "lock"} {
		t.Run(kind, func(t *testing.T) {
			want, err := os.ReadFile("testdata/" + kind + "-fields.json")
			require.NoError(t, err)
			res, err := New(kind, Env{Config: goldenConfig(t)})
			require.NoError(t, err)
			for _, names := range [][]string{nil, {}} {
				fields := res.QueryFields(names)
				got, err := json.MarshalIndent(fields.Fields, "", " ")
				require.NoError(t, err)
				assert.Equal(t, string(want), string(got))

				var defs []query.FieldDefinition
				require.NoError(t, json.Unmarshal(want, &defs))
				wire, err := hsjson.Marshal(query.FieldsResult{Fields: defs})
				require.NoError(t, err)
				gotWire, err := hsjson.Marshal(fields)
				require.NoError(t, err)
				assert.Equal(t, string(wire), string(gotWire))
			}
		})
	}
}

func TestInstanceFieldCount(t *testing.T) {
	res, _ := New("instance", Env{Config: goldenConfig(t)})
	defs := res.QueryFields(nil).Fields
	assert.Len(t, defs, 292)
	counts := map[string]int{}
	for _, d := range defs {
		switch {
		case len(d.Name) > 3 && d.Name[:3] == "hv/":
			counts["hv"]++
		case len(d.Name) > 3 && d.Name[:3] == "be/":
			counts["be"]++
		}
	}
	assert.Equal(t, map[string]int{"hv": 82, "be": 7}, counts)
}

func TestQueryFieldsSubsetInstance(t *testing.T) {
	res, _ := New("instance", Env{Config: goldenConfig(t)})
	got := res.QueryFields([]string{"sda_size", "nonexistent", "hv/acpi"}).Fields
	assert.Equal(t, []query.FieldDefinition{
		{Name: "sda_size", Title: "Disk/0", Kind: query.KindUnit, Doc: "Disk size of 1st disk"},
		{Name: "nonexistent", Title: "nonexistent", Kind: query.KindUnknown, Doc: "Unknown field 'nonexistent'"},
		{Name: "hv/acpi", Title: "ACPI", Kind: query.KindBool, Doc: `The "acpi" hypervisor parameter`},
	}, got)
}

func TestClassicFields(t *testing.T) {
	env := Env{Config: goldenConfig(t)}
	for kind, want := range map[string][]string{
		"instance": {"name", "uuid"},
		"export":   {"node", "node"},
		"lock":     {"name", "uuid"},
	} {
		res, err := New(kind, env)
		require.NoError(t, err)
		assert.Equal(t, want, res.ClassicFields(), kind)
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 111: "111th", 101: "101st"} {
		assert.Equal(t, want, instOrdinal(n))
	}
}
