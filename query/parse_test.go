package query

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/hsjson"
)

func TestParseFilterRoundTrip(t *testing.T) {
	tests := []struct {
		name, in, out string
	}{
		{"null", `null`, `null`},
		{"and", `["&", ["?", "a"], ["?", "b"]]`, `["&",["?","a"],["?","b"]]`},
		{"empty and", `["&"]`, `["&"]`},
		{"empty or", `["|"]`, `["|"]`},
		{"not", `["!", ["?", "offline"]]`, `["!",["?","offline"]]`},
		{"equal", `["==", "name", "node1"]`, `["==","name","node1"]`},
		{"legacy equal", `["=", "name", "node1"]`, `["==","name","node1"]`},
		{"not equal", `["!=", "name", "x"]`, `["!",["==","name","x"]]`},
		{"less", `["<", "id", 5]`, `["<","id",5]`},
		{"greater", `[">", "mfree", 1024]`, `[">","mfree",1024]`},
		{"less equal", `["<=", "a", -3]`, `["<=","a",-3]`},
		{"greater equal", `[">=", "ctime", 1349722460]`, `[">=","ctime",1349722460]`},
		{"regexp", `["=~", "name", "^node[12]\\."]`, `["=~","name","^node[12]\\."]`},
		{"contains", `["=[]", "tags", "ssd"]`, `["=[]","tags","ssd"]`},
		{"float one", `["==", "a", 1.0]`, `["==","a",1]`},
		{"exponent one", `["==", "a", 1e0]`, `["==","a",1]`},
		{"big exponent", `["==", "a", 12E2]`, `["==","a",1200]`},
		{"minus zero", `["==", "a", -0]`, `["==","a",0]`},
		{"huge integer", `["==", "a", 1e30]`, `["==","a",1000000000000000000000000000000]`},
		{"null operands", `["&", null, ["|", null]]`, `["&",null,["|",null]]`},
		{"char array field", `["==", ["n", "a", "m", "e"], "x"]`, `["==","name","x"]`},
		{"char array regexp", `["=~", "name", ["^", "a"]]`, `["=~","name","^a"]`},
		{"no html escaping", `["==", "a", "<&>"]`, `["==","a","<&>"]`},
		{"unicode", `["==", "a", "é☃"]`, `["==","a","é☃"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFilter([]byte(tt.in))
			require.NoError(t, err)
			out, err := hsjson.Marshal(f) // as the LUXI layer encodes
			require.NoError(t, err)
			assert.Equal(t, tt.out, string(out))
			again, err := ParseFilter(out)
			require.NoError(t, err)
			assert.Equal(t, f, again)
		})
	}
}

// TestParseFilterErrors checks the texts of Ganeti's errors for filters
// that do not decode.
func TestParseFilterErrors(t *testing.T) {
	tests := []struct {
		name, in, msg string
	}{
		{"unknown operator", `["~~", "name", "x"]`, `Unknown filter operand '~~'`},
		{"bogus operator", `["bogusop"]`, `Unknown filter operand 'bogusop'`},
		{"nested unknown operator", `["&", ["?", "a"], ["|", ["bogusop", 1]]]`, `Unknown filter operand 'bogusop'`},
		{"fraction", `["==", "pinst_cnt", 1.5]`, `Cannot deserialise numeric filter value, expecting integral but got a fractional value: 3 % 2`},
		{"negative fraction", `["<", "a", -0.25]`, `Cannot deserialise numeric filter value, expecting integral but got a fractional value: (-1) % 4`},
		{"small exponent", `["<", "a", 5e-1]`, `Cannot deserialise numeric filter value, expecting integral but got a fractional value: 1 % 2`},
		{"exponent out of range", `["<", "a", 1e99999]`, `Cannot deserialise numeric filter value, exponent out of range: 1e99999`},
		{"bool value", `["==", "offline", true]`, `Cannot deserialise filter value, expecting string or integer, got true`},
		{"null value", `["==", "offline", null]`, `Cannot deserialise filter value, expecting string or integer, got null`},
		{"list value", `["==", "a", [1, "b"]]`, `Cannot deserialise filter value, expecting string or integer, got [1, "b"]`},
		{"object value", `["=[]", "a", {"k": 1.5, "j": [true]}]`, `Cannot deserialise filter value, expecting string or integer, got {"k": 1.5, "j": [true]}`},
		{"not two operands", `["!", ["?", "offline"], ["?", "drained"]]`, `Cannot deserialise field, expected [filter] but got [["?", "offline"], ["?", "drained"]]`},
		{"not no operand", `["!"]`, `Cannot deserialise field, expected [filter] but got []`},
		{"true no operand", `["?"]`, `Cannot deserialise field, expected [fieldname] but got []`},
		{"true two operands", `["?", "a", "b"]`, `Cannot deserialise field, expected [fieldname] but got ["a", "b"]`},
		{"binary one operand", `["==", "name"]`, `Cannot deserialise field/value pair, expected [fieldname, value] but got ["name"]`},
		{"not equal three operands", `["!=", "a", 1, 2]`, `Cannot deserialise field/value pair, expected [fieldname, value] but got ["a", 1, 2]`},
		{"string filter", `"name"`, `Cannot deserialise filter: expected array [string, args], got "name"`},
		{"empty array", `[]`, `Cannot deserialise filter: expected array [string, args], got []`},
		{"number head", `[1, 2]`, `Cannot deserialise filter: expected array [string, args], got [1, 2]`},
		{"object filter", `{"a": "b"}`, `Cannot deserialise filter: expected array [string, args], got {"a": "b"}`},
		{"bool child", `["|", true]`, `Cannot deserialise filter: expected array [string, args], got true`},
		{"numeric field", `["==", 5, "x"]`, `Unable to read String`},
		{"field before value", `["==", 5, true]`, `Unable to read String`},
		{"long char", `["?", ["a", "bc"]]`, `Unable to read Char`},
		{"numeric regexp", `["=~", "name", 5]`, `Unable to read String`},
		{"bad regexp", `["=~", "name", "("]`, `(1,"missing )")`},
		{"unmatched paren", `["=~", "name", "ab)c"]`, `(2,"unmatched parentheses")`},
		{"unterminated class", `["=~", "name", "[a"]`, `(2,"missing terminating ] for character class")`},
		{"trailing backslash", `["=~", "name", "a\\"]`, `(2,"\\ at end of pattern")`},
		{"nothing to repeat", `["=~", "name", "*a"]`, `(0,"nothing to repeat")`},
		{"quote in control", "[\"=~\", \"name\", \"\\u0001(\"]", `(2,"missing )")`},
		{"invalid JSON", `["==", "a"`, `Cannot deserialise filter: invalid JSON: unexpected end of JSON input`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFilter([]byte(tt.in))
			require.Error(t, err)
			assert.Nil(t, f)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.msg, pe.Msg)
			assert.Equal(t, "query: invalid filter: "+tt.msg, err.Error())
		})
	}
}

// nested returns a filter of depth levels: "!" around "!" around a leaf.
func nested(depth int) string {
	return strings.Repeat(`["!",`, depth-1) + `["?","a"]` + strings.Repeat(`]`, depth-1)
}

func TestParseFilterDepth(t *testing.T) {
	f, err := ParseFilter([]byte(nested(MaxDepth)))
	require.NoError(t, err)
	ok, err := f.Eval(func(*Filter) (bool, error) { return true, nil })
	require.NoError(t, err)
	assert.Equal(t, MaxDepth%2 == 1, ok)

	for _, depth := range []int{MaxDepth + 1, 10000, 100000} {
		_, err := ParseFilter([]byte(nested(depth)))
		var pe *ParseError
		require.ErrorAs(t, err, &pe, "depth %d", depth)
		assert.Contains(t, pe.Msg, "more than the 1000 allowed")
	}
	// Brackets inside strings do not count.
	_, err = ParseFilter([]byte(`["==", "a", "` + strings.Repeat("[", 5000) + `"]`))
	assert.NoError(t, err)
}

// TestParseFilterHugeOr parses and evaluates an "in"-style list of many
// alternatives without trouble.
func TestParseFilterHugeOr(t *testing.T) {
	const n = 100000
	var b strings.Builder
	b.WriteString(`["|"`)
	for i := range n {
		b.WriteString(`,["==","id",`)
		b.WriteString(strings.Repeat("1", 1) + string(rune('0'+i%10)))
		b.WriteString(`]`)
	}
	b.WriteString(`]`)
	f, err := ParseFilter([]byte(b.String()))
	require.NoError(t, err)
	require.Len(t, f.Children, n)
	names, simple := f.RequestedNames("id")
	assert.True(t, simple)
	assert.Len(t, names, n)
	visited := 0
	ok, err := f.Eval(func(leaf *Filter) (bool, error) {
		visited++
		v, _ := leaf.Value.Int64()
		return v == 19, nil
	})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, 10, visited, "| stops at the first true operand")
}

func TestFilterFields(t *testing.T) {
	f, err := ParseFilter([]byte(`["|", ["&", ["?", "a"], ["!=", "b", 1]], ["=~", "a", "x"], null, ["=[]", "c", "y"]]`))
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "a", "c"}, f.Fields())
	assert.Nil(t, (*Filter)(nil).Fields())
}
