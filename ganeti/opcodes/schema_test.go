package opcodes

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/hsshow"
)

func TestSchemaLoads(t *testing.T) {
	defs := schema30.Defs()
	require.Len(t, defs, 75, "Ganeti 3.0.2 has 75 opcodes")
	ids := make(map[string]bool)
	for _, d := range defs {
		assert.True(t, strings.HasPrefix(d.ID, "OP_"), d.ID)
		assert.False(t, ids[d.ID], "duplicate %s", d.ID)
		ids[d.ID] = true
		got, ok := schema30.Lookup(d.ID)
		assert.True(t, ok)
		assert.Same(t, d, got)
	}
	_, ok := schema30.Lookup("OP_DOES_NOT_EXIST")
	assert.False(t, ok)
	assert.Equal(t, "OP_CLUSTER_POST_INIT", defs[0].ID, "declaration order")
	assert.Equal(t, "OP_NETWORK_DISCONNECT", defs[len(defs)-1].ID, "declaration order")
}

// TestCommonParams checks that Python's common parameters are the ones
// decoded by hand, in the same order.
func TestCommonParams(t *testing.T) {
	var names []string
	for _, p := range schema30.CommonParams() {
		names = append(names, p.Name)
	}
	assert.Equal(t, commonKeys[:], names)
}

func TestParamFlags(t *testing.T) {
	td, ok := schema30.Lookup("OP_TEST_DELAY")
	require.True(t, ok)
	byName := map[string]Param{}
	for _, p := range td.Params {
		byName[p.Name] = p
	}
	assert.True(t, byName["duration"].Required)
	assert.False(t, byName["duration"].Optional())
	assert.JSONEq(t, `true`, string(byName["on_master"].Default))
	assert.True(t, byName["on_node_uuids"].Optional())
	assert.Equal(t, "duration", td.DscField)
	assert.Equal(t, "none", td.Result.Kind)
	assert.Equal(t, "Double", byName["duration"].Type.Name)
}

// TestSecretParams checks that the secret parameters are the
// osparams_secret of the three opcodes luxid reveals to the job process.
func TestSecretParams(t *testing.T) {
	var secret []string
	for _, d := range schema30.Defs() {
		for _, p := range d.Params {
			if p.Secret {
				secret = append(secret, d.ID+"."+p.Name)
				assert.Equal(t, `{"k":"maybe","of":[{"k":"object","of":[{"k":"secret","of":[{"k":"any"}]}]}]}`, typeJSON(t, p.Type))
			}
		}
	}
	assert.Equal(t, []string{
		"OP_INSTANCE_CREATE.osparams_secret",
		"OP_INSTANCE_REINSTALL.osparams_secret",
		"OP_TEST_OS_PARAMS.osparams_secret",
	}, secret)
}

func typeJSON(t *testing.T, typ *Type) string {
	t.Helper()
	data, err := json.Marshal(typ)
	require.NoError(t, err)
	return string(data)
}

// TestSummaryRules checks that every opcode named in the summary rules
// exists and has the parameter.
func TestSummaryRules(t *testing.T) {
	for id, rule := range summaryRules {
		d, ok := schema30.Lookup(id)
		if assert.True(t, ok, id) {
			assert.GreaterOrEqual(t, d.paramIndex(rule.param), 0, "%s.%s", id, rule.param)
		}
	}
}

// TestUnmappedChecks checks that the only checks the generator could not
// map are Python's address syntax checks, which luxid does not do.
func TestUnmappedChecks(t *testing.T) {
	var checks []string
	for _, u := range schema30.UnmappedChecks() {
		checks = append(checks, u.Check)
		assert.NotEmpty(t, u.In)
	}
	assert.Equal(t, []string{"_CheckCIDR6AddrNotation", "_CheckCIDR6NetNotation",
		"_CheckCIDRAddrNotation", "_CheckCIDRNetNotation"}, checks)
	for _, d := range schema30.Defs() {
		for _, p := range d.Params {
			walkTypes(p.Type, nil, func(tp, parent *Type) {
				if tp.Unmapped == "" {
					return
				}
				require.NotNil(t, parent, "%s.%s", d.ID, p.Name)
				assert.Equal(t, "and", parent.Kind, "%s.%s", d.ID, p.Name)
				assert.Equal(t, "string", parent.Of[0].Kind, "%s.%s", d.ID, p.Name)
			})
		}
	}
}

func walkTypes(tp, parent *Type, fn func(tp, parent *Type)) {
	fn(tp, parent)
	for _, c := range tp.Of {
		walkTypes(c, tp, fn)
	}
}

// TestNicParamsKeys checks the hand-written INicParams against the keys
// Python allows.
func TestNicParamsKeys(t *testing.T) {
	d, _ := schema30.Lookup("OP_CLUSTER_SET_PARAMS")
	p := d.Params[d.paramIndex("nicparams")]
	nic := p.Type.Of[0]
	require.Equal(t, "INicParams", nic.Name)
	var keys []string
	for _, v := range nic.Of[0].Values {
		keys = append(keys, v.(string))
	}
	sort.Strings(keys)
	assert.Equal(t, iNicParamsType.rec.names, keys)
}

// TestDiskIndexBound checks the bound of the disk indexes decoded outside
// the table against the table's.
func TestDiskIndexBound(t *testing.T) {
	d, _ := schema30.Lookup("OP_INSTANCE_GROW_DISK")
	disk := d.record.fields[d.paramIndex("disk")].typ
	require.Equal(t, tDiskIndex, disk.kind)
	assert.Equal(t, int64(maxDisks), disk.max)
}

// TestEnumOrders checks the Haskell constructor orders the generator adds.
func TestEnumOrders(t *testing.T) {
	d, _ := schema30.Lookup("OP_CLUSTER_VERIFY")
	codes := d.Params[d.paramIndex("ignore_errors")].Type.Of[0]
	assert.Equal(t, "CVErrorCode", codes.Name)
	assert.Equal(t, "ECLUSTERCFG", codes.Values[0])
	assert.Equal(t, "EEXTAGS", codes.Values[len(codes.Values)-1])

	q, _ := schema30.Lookup("OP_QUERY")
	what := q.Params[q.paramIndex("what")].Type
	assert.Equal(t, "QueryTypeOp", what.Name)
	assert.NotContains(t, what.Values, "job", "Haskell's QueryTypeOp has no LUXI-only kinds")
}

// TestEveryOpcodeAccepted builds for every opcode an instance with a
// sample value for each required parameter: it validates, and its
// canonical form validates to itself.
func TestEveryOpcodeAccepted(t *testing.T) {
	for _, d := range schema30.Defs() {
		t.Run(d.ID, func(t *testing.T) {
			raw := sampleOpcode(t, d, "")
			op, err := schema30.Validate(raw)
			require.NoError(t, err, "%s", raw)
			out, err := op.MarshalJSON()
			require.NoError(t, err)
			again, err := schema30.Validate(out)
			require.NoError(t, err, "%s", out)
			out2, err := again.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, string(out), string(out2))
			assert.True(t, strings.HasPrefix(op.Summary(), d.ID[3:]))
		})
	}
}

// TestEveryRequiredParamMissing leaves out each required parameter in
// turn.
func TestEveryRequiredParamMissing(t *testing.T) {
	for _, d := range schema30.Defs() {
		for _, p := range d.Params {
			if !p.Required {
				continue
			}
			raw := sampleOpcode(t, d, p.Name)
			_, err := schema30.Validate(raw)
			var obj struct{ keys []string }
			obj.keys = objectKeys(t, raw)
			want := "key '" + p.Name + "' not found, object contains only " + hsshow.Strings(obj.keys)
			if assert.Error(t, err, "%s without %s", d.ID, p.Name) {
				assert.Equal(t, want, err.Error())
			}
		}
	}
}

// TestEveryParamWrongType gives each parameter a value of a JSON type no
// decoder accepts for it.
func TestEveryParamWrongType(t *testing.T) {
	for _, d := range schema30.Defs() {
		for i, p := range d.Params {
			bad, ok := wrongValue(d.record.fields[i].typ)
			if !ok {
				continue
			}
			var fields map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(sampleOpcode(t, d, ""), &fields))
			fields[p.Name] = json.RawMessage(bad)
			raw, err := json.Marshal(fields)
			require.NoError(t, err)
			_, err = schema30.Validate(raw)
			if assert.Error(t, err, "%s.%s = %s", d.ID, p.Name, bad) {
				assert.True(t, strings.HasPrefix(err.Error(), "Can't parse value for '"+p.Name+"': "), err.Error())
			}
		}
	}
}

// wrongValue returns JSON that a value of t never reads from.
func wrongValue(t *typ) (string, bool) {
	switch t.kind {
	case tAny:
		return "", false
	case tBool:
		return `"x"`, true
	case tString, tNonEmpty, tEnum:
		return `{}`, true
	case tExportTarget:
		return `true`, true
	}
	return `"x"`, true
}

// sampleOpcode returns an opcode of d with every required parameter but
// leave set to a sample value.
func sampleOpcode(t *testing.T, d *Def, leave string) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"OP_ID":"` + d.ID + `","reason":[]`)
	for i, p := range d.Params {
		if !p.Required || p.Name == leave {
			continue
		}
		b.WriteString(`,"` + p.Name + `":` + sampleValue(d.record.fields[i].typ))
	}
	b.WriteString("}")
	return []byte(b.String())
}

// sampleValue returns JSON that a value of t reads from.
func sampleValue(t *typ) string {
	switch t.kind {
	case tBool:
		return "false"
	case tInt, tPositive:
		return "1"
	case tNonNeg, tDiskIndex:
		return "0"
	case tDouble:
		return "1.5"
	case tString, tNonEmpty, tExportTarget:
		return `"x"`
	case tEnum:
		return `"` + t.enum.values[0] + `"`
	case tList, tSet, tRecreateDisks, tSetParamsMods:
		return "[]"
	case tContainer, tObject, tRecord:
		return "{}"
	case tTuple:
		parts := make([]string, len(t.elems))
		for i, e := range t.elems {
			parts[i] = sampleValue(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case tOr:
		return sampleValue(t.elems[0])
	}
	return "null"
}

func objectKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	v, err := parseJSON(raw, nil)
	require.NoError(t, err)
	return v.keys()
}

// TestDefaultsDecode checks that every default is a value of its type
// (loadTable would fail otherwise) and is written back.
func TestDefaultsDecode(t *testing.T) {
	d, _ := schema30.Lookup("OP_INSTANCE_CREATE")
	i := slices.IndexFunc(d.Params, func(p Param) bool { return p.Name == "source_shutdown_timeout" })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "120", string(appendValue(nil, &d.record.fields[i].def)))
}
