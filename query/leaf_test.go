package query

import (
	"encoding/json"
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/internal/hsjson"
)

// encodeError is the wire form of a query failure, as luxid answers it.
func encodeError(t *testing.T, err error) string {
	t.Helper()
	data, merr := hsjson.Marshal(gerrors.Encode(err))
	require.NoError(t, merr)
	return string(data)
}

type leafCase struct {
	name   string
	filter string
	mode   FilterMode
	value  any
	want   bool
	err    string // the encoded error, if any
}

func runLeafCases(t *testing.T, cases []leafCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, tt.filter)
			got, err := matchCell(f, tt.mode, Normal(tt.value))
			if tt.err != "" {
				require.Error(t, err)
				assert.Equal(t, tt.err, encodeError(t, err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestLeafTrue(t *testing.T) {
	runLeafCases(t, []leafCase{
		{name: "true", filter: `["?", "f"]`, value: true, want: true},
		{name: "false", filter: `["?", "f"]`, value: false, want: false},
		{name: "string", filter: `["?", "f"]`, value: "node1.example.com",
			err: `["ParameterError",["Unexpected value '\"node1.example.com\"' in boolean context"]]`},
		{name: "number", filter: `["?", "f"]`, value: 0,
			err: `["ParameterError",["Unexpected value '0' in boolean context"]]`},
		{name: "null", filter: `["?", "f"]`, value: nil,
			err: `["ParameterError",["Unexpected value 'null' in boolean context"]]`},
		{name: "list", filter: `["?", "f"]`, value: []any{true, 1.5, "x"},
			err: `["ParameterError",["Unexpected value '[true, 1.5, \"x\"]' in boolean context"]]`},
	})
}

func TestLeafCompare(t *testing.T) {
	huge, _ := new(big.Int).SetString("100000000000000000000000000000", 10)
	runLeafCases(t, []leafCase{
		{name: "string equal", filter: `["==", "f", "node1"]`, value: "node1", want: true},
		{name: "string not equal", filter: `["==", "f", "node1"]`, value: "node1.example.com", want: false},
		{name: "string less", filter: `["<", "f", "node2"]`, value: "node10.example.com", want: true},
		{name: "string greater", filter: `[">", "f", "node2"]`, value: "node3", want: true},
		{name: "string code points", filter: `[">", "f", "z"]`, value: "é", want: true},
		{name: "string less equal", filter: `["<=", "f", "a"]`, value: "a", want: true},
		{name: "string greater equal", filter: `[">=", "f", "b"]`, value: "a", want: false},
		{name: "int equal", filter: `["==", "f", 5]`, value: 5, want: true},
		{name: "int less", filter: `["<", "f", 5]`, value: int64(-7), want: true},
		{name: "uint", filter: `[">", "f", 5]`, value: uint64(math.MaxUint64), want: true},
		{name: "float vs int", filter: `[">=", "f", 1349722460]`, value: 1.349722460022264e9, want: true},
		{name: "float equal int", filter: `["==", "f", 7]`, value: 7.0, want: true},
		{name: "float fraction", filter: `["==", "f", 2]`, value: 2.5, want: false},
		{name: "float just above", filter: `[">", "f", 2]`, value: math.Nextafter(2, 3), want: true},
		{name: "big float", filter: `["<", "f", 9007199254740993]`, value: 9007199254740992.0, want: true},
		{name: "infinity", filter: `[">", "f", 1e30]`, value: math.Inf(1), want: true},
		{name: "json number", filter: `["<", "f", 2]`, value: json.Number("1.999"), want: true},
		{name: "big int field", filter: `[">", "f", 5]`, value: huge, want: true},
		{name: "big filter value", filter: `["<", "f", 1e40]`, value: huge, want: true},
		{name: "string vs int", filter: `["==", "f", 5]`, value: "node1.example.com",
			err: `["ParameterError",["Invalid types in comparison, trying to compare \"node1.example.com\" with 'NumericValue 5'"]]`},
		{name: "bool vs string", filter: `["==", "f", "true"]`, value: false,
			err: `["ParameterError",["Invalid types in comparison, trying to compare false with 'QuotedString \"true\"'"]]`},
		{name: "int vs string", filter: `["==", "f", "3"]`, value: 3,
			err: `["ParameterError",["Invalid types in comparison, trying to compare 3 with 'QuotedString \"3\"'"]]`},
		{name: "negative shown in parens", filter: `["<", "f", -5]`, value: "x",
			err: `["ParameterError",["Invalid types in comparison, trying to compare \"x\" with 'NumericValue (-5)'"]]`},
		{name: "null vs int", filter: `[">", "f", 1]`, value: nil,
			err: `["ParameterError",["Invalid types in comparison, trying to compare null with 'NumericValue 1'"]]`},
		{name: "list vs string", filter: `["==", "f", "a"]`, value: []string{"a"},
			err: `["ParameterError",["Invalid types in comparison, trying to compare [\"a\"] with 'QuotedString \"a\"'"]]`},
		{name: "object vs int", filter: `["==", "f", 1]`, value: map[string]any{"b": 0.05, "a": nil},
			err: `["ParameterError",["Invalid types in comparison, trying to compare {\"a\": null, \"b\": 5.0e-2} with 'NumericValue 1'"]]`},
		{name: "non-ASCII shown escaped", filter: `["==", "f", "é\u0001"]`, value: 1,
			err: `["ParameterError",["Invalid types in comparison, trying to compare 1 with 'QuotedString \"\\233\\SOH\"'"]]`},
		{name: "NaN", filter: `["==", "f", 1]`, value: math.NaN(),
			err: `["ParameterError",["Invalid types in comparison, trying to compare NaN with 'NumericValue 1'"]]`},
	})
}

// TestLeafHostname checks "==" on hostname fields: "node1" matches
// "node1" and "node1.example.com", never "node10.example.com".
func TestLeafHostname(t *testing.T) {
	runLeafCases(t, []leafCase{
		{name: "short name", filter: `["==", "name", "node1"]`, mode: ModeHostname, value: "node1.example.com", want: true},
		{name: "exact", filter: `["==", "name", "node1.example.com"]`, mode: ModeHostname, value: "node1.example.com", want: true},
		{name: "bare", filter: `["==", "name", "node1"]`, mode: ModeHostname, value: "node1", want: true},
		{name: "other node", filter: `["==", "name", "node1"]`, mode: ModeHostname, value: "node10.example.com", want: false},
		{name: "case sensitive", filter: `["==", "name", "NODE1"]`, mode: ModeHostname, value: "node1.example.com", want: false},
		{name: "partial component", filter: `["==", "name", "node1.ex"]`, mode: ModeHostname, value: "node1.example.com", want: false},
		{name: "not equal", filter: `["!=", "name", "node1"]`, mode: ModeHostname, value: "node1.example.com", want: false},
		{name: "less compares whole", filter: `["<", "name", "node1"]`, mode: ModeHostname, value: "node1.example.com", want: false},
		{name: "normal mode exact", filter: `["==", "name", "node1"]`, value: "node1.example.com", want: false},
		{name: "numeric field", filter: `["==", "name", "node1"]`, mode: ModeHostname, value: 5,
			err: `["ProgrammerError",["QffHostname field returned a numeric value"]]`},
		{name: "integer filter value", filter: `["==", "name", 5]`, mode: ModeHostname, value: "node1",
			err: `["ParameterError",["Invalid types in comparison, trying to compare \"node1\" with 'NumericValue 5'"]]`},
	})
}

// TestLeafTimestamp checks that timestamp fields filter on their seconds.
func TestLeafTimestamp(t *testing.T) {
	ts := []int64{1400000100, 999999}
	runLeafCases(t, []leafCase{
		{name: "greater", filter: `[">", "start_ts", 1400000099]`, mode: ModeTimestamp, value: ts, want: true},
		{name: "equal ignores usec", filter: `["==", "start_ts", 1400000100]`, mode: ModeTimestamp, value: ts, want: true},
		{name: "less", filter: `["<", "start_ts", 1400000100]`, mode: ModeTimestamp, value: ts, want: false},
		{name: "array", filter: `[">=", "start_ts", 1]`, mode: ModeTimestamp, value: [2]int64{1, 2}, want: true},
		{name: "any list", filter: `["<=", "start_ts", 1]`, mode: ModeTimestamp, value: []any{1, 0.5}, want: true},
		{name: "boolean context", filter: `["?", "start_ts"]`, mode: ModeTimestamp, value: ts,
			err: `["ParameterError",["Unexpected value '1400000100' in boolean context"]]`},
		{name: "string operand", filter: `["==", "start_ts", "x"]`, mode: ModeTimestamp, value: ts,
			err: `["ParameterError",["Invalid types in comparison, trying to compare 1400000100 with 'QuotedString \"x\"'"]]`},
		{name: "not a timestamp", filter: `[">", "start_ts", 1]`, mode: ModeTimestamp, value: 5,
			err: `["ProgrammerError",["Internal error: Getter returned non-timestamp for QffTimestamp"]]`},
		{name: "three elements", filter: `[">", "start_ts", 1]`, mode: ModeTimestamp, value: []int{1, 2, 3},
			err: `["ProgrammerError",["Internal error: Getter returned non-timestamp for QffTimestamp"]]`},
		{name: "normal mode", filter: `[">", "start_ts", 1]`, value: ts,
			err: `["ParameterError",["Invalid types in comparison, trying to compare [1400000100, 999999] with 'NumericValue 1'"]]`},
	})
}

func TestLeafRegexp(t *testing.T) {
	runLeafCases(t, []leafCase{
		{name: "search", filter: `["=~", "f", "example"]`, value: "node1.example.com", want: true},
		{name: "anchored", filter: `["=~", "f", "^node[12]\\."]`, value: "node10.example.com", want: false},
		{name: "case insensitive", filter: `["=~", "f", "(?i)^NODE1"]`, value: "node10.example.com", want: true},
		{name: "bool", filter: `["=~", "f", "."]`, value: false,
			err: `["ParameterError",["Invalid field value used in regexp matching, expecting string but got 'false'"]]`},
		{name: "list", filter: `["=~", "f", "."]`, value: []string{"a"},
			err: `["ParameterError",["Invalid field value used in regexp matching, expecting string but got '[\"a\"]'"]]`},
	})
}

func TestLeafContains(t *testing.T) {
	runLeafCases(t, []leafCase{
		{name: "string member", filter: `["=[]", "tags", "ssd"]`, value: []string{"rack:a", "ssd"}, want: true},
		{name: "string absent", filter: `["=[]", "tags", "hdd"]`, value: []string{"rack:a", "ssd"}, want: false},
		{name: "empty list", filter: `["=[]", "tags", "ssd"]`, value: []string{}, want: false},
		{name: "char array element", filter: `["=[]", "tags", "ssd"]`, value: []any{[]any{"s", "s", "d"}}, want: true},
		{name: "int member", filter: `["=[]", "l", 2]`, value: []int{1, 2}, want: true},
		{name: "rounds half to even up", filter: `["=[]", "l", 2]`, value: []float64{1.5}, want: true},
		{name: "rounds half to even down", filter: `["=[]", "l", 2]`, value: []float64{2.5}, want: true},
		{name: "rounds 3.5 to 4", filter: `["=[]", "l", 4]`, value: []float64{3.5}, want: true},
		{name: "rounds -1.5 to -2", filter: `["=[]", "l", -2]`, value: []float64{-1.5}, want: true},
		{name: "rounds 2.6", filter: `["=[]", "l", 2]`, value: []float64{2.6}, want: false},
		{name: "on string", filter: `["=[]", "name", "x"]`, value: "node1.example.com",
			err: `["GenericError",["Cannot convert value '\"node1.example.com\"', error: Unable to read list"]]`},
		{name: "mixed list", filter: `["=[]", "l", "a"]`, value: []any{"a", 1},
			err: `["GenericError",["Cannot convert value '[\"a\", 1]', error: Unable to read String"]]`},
		{name: "null element", filter: `["=[]", "l", 1]`, value: []any{1, nil},
			err: `["GenericError",["Cannot convert value '[1, null]', error: Unable to read Integer"]]`},
		{name: "strings for integer", filter: `["=[]", "l", 1]`, value: []string{"1"},
			err: `["GenericError",["Cannot convert value '[\"1\"]', error: Unable to read Integer"]]`},
		{name: "long char element", filter: `["=[]", "l", "a"]`, value: []any{[]any{"ab"}},
			err: `["GenericError",["Cannot convert value '[[\"ab\"]]', error: Unable to read Char"]]`},
	})
}

// TestLeafNoValue checks that cells without a value pass every leaf.
func TestLeafNoValue(t *testing.T) {
	filters := []string{`["?", "f"]`, `["==", "f", 1]`, `["<", "f", "a"]`, `["=~", "f", "x"]`, `["=[]", "f", 1]`}
	for _, src := range filters {
		for _, status := range []ResultStatus{RSUnknown, RSNoData, RSUnavail, RSOffline} {
			for _, mode := range []FilterMode{ModeNormal, ModeHostname, ModeTimestamp} {
				ok, err := matchCell(mustParse(t, src), mode, Cell{Status: status, Value: "ignored"})
				require.NoError(t, err)
				assert.True(t, ok, "%s status %d", src, status)
			}
		}
	}
}

func TestValue(t *testing.T) {
	huge, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
	v := BigIntValue(huge)
	assert.True(t, v.IsInt())
	_, small := v.Int64()
	assert.False(t, small)
	assert.Equal(t, "NumericValue (-123456789012345678901234567890)", v.Show())
	assert.Equal(t, huge, v.BigInt())
	assert.Equal(t, `QuotedString "a\"b\\"`, StringValue(`a"b\`).Show())
	assert.Equal(t, -1, StringValue("zzz").Compare(IntValue(-5)), "strings sort before integers")
	assert.Equal(t, 1, IntValue(2).Compare(v))
	assert.Equal(t, 0, IntValue(7).Compare(BigIntValue(big.NewInt(7))))
	assert.Equal(t, -1, StringValue("a").Compare(StringValue("b")))
	assert.Nil(t, StringValue("x").BigInt())
	s, ok := StringValue("x").Text()
	assert.True(t, ok)
	assert.Equal(t, "x", s)
	assert.Equal(t, `"x"`, StringValue("x").String())
}
