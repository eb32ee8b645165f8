package hsshow

import (
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/hsjson"
)

func TestShow(t *testing.T) {
	tests := []struct{ in, want string }{
		{`null`, `JSNull`},
		{`true`, `JSBool True`},
		{`false`, `JSBool False`},
		{`0.5`, `JSRational False (1 % 2)`},
		{`-2`, `JSRational False ((-2) % 1)`},
		{`1e2`, `JSRational False (100 % 1)`},
		{`1e99999`, `JSRational False (1e99999)`},
		{`[]`, `JSArray []`},
		{`[1]`, `JSArray [JSRational False (1 % 1)]`},
		{`{}`, `JSObject (JSONObject {fromJSObject = []})`},
		{`"é"`, `JSString (JSONString {fromJSString = "\233"})`},
		{`["Query",true,-1.5]`, `JSArray [JSString (JSONString {fromJSString = "Query"}),JSBool True,JSRational False ((-3) % 2)]`},
		{`{"a":null}`, `JSObject (JSONObject {fromJSObject = [("a",JSNull)]})`},
		{`{"a":"b","a":[]}`, `JSObject (JSONObject {fromJSObject = [("a",JSString (JSONString {fromJSString = "b"})),("a",JSArray [])]})`},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, ShowJSON([]byte(tc.in)), tc.in)
	}
	assert.Equal(t, "not json", ShowJSON([]byte("not json")))
}

func TestConstructors(t *testing.T) {
	v := JSArray([]Value{
		JSNull(), JSBool(true), JSInt(-3), JSRat(big.NewRat(1, 3)), JSDouble(0.5), JSDouble(1e21),
		JSDouble(math.Inf(1)), JSString("x"), JSObject([]Member{{Key: "k", Value: Verbatim("<?>")}}),
	})
	assert.Equal(t, `JSArray [JSNull,JSBool True,JSRational False ((-3) % 1),JSRational False (1 % 3),`+
		`JSRational False (1 % 2),JSRational False (1000000000000000000000 % 1),Infinity,`+
		`JSString (JSONString {fromJSString = "x"}),JSObject (JSONObject {fromJSObject = [("k",<?>)]})]`, v.Show())
	assert.Equal(t, `[null, true, -3, 0.3333333333333333, 0.5, 1000000000000000000000,`+
		"\n"+` Infinity, "x", {"k": <?>}]`, v.Pretty())
	assert.Equal(t, "JSNull", Value{}.Show())
}

func TestParse(t *testing.T) {
	_, err := Parse([]byte(`[1] [2]`))
	assert.Error(t, err)
	_, err = Parse([]byte(`[1`))
	assert.Error(t, err)
	_, err = Parse([]byte(strings.Repeat("[", hsjson.MaxDepth+1) + strings.Repeat("]", hsjson.MaxDepth+1)))
	assert.ErrorIs(t, err, hsjson.ErrTooDeep)
	v, err := Parse([]byte(strings.Repeat("[", hsjson.MaxDepth) + strings.Repeat("]", hsjson.MaxDepth)))
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("[", hsjson.MaxDepth)+strings.Repeat("]", hsjson.MaxDepth), v.Pretty())
}

// TestPretty's cases were checked against Ganeti 3.0.2's luxid.
func TestPretty(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"null", `null`, `null`},
		{"bools", `[true, false]`, `[true, false]`},
		{"empty", `[[], {}]`, `[[], {}]`},
		{"separators", `{"a":[1,2],"b":{"c":null}}`, `{"a": [1, 2], "b": {"c": null}}`},
		{"duplicate keys kept", `{"a":1,"a":2}`, `{"a": 1, "a": 2}`},
		{"escapes", `"a\"\\\u0001\u007f\u0085\u00a0/é\n"`, "\"a\\\"\\\\\\u0001\\u007f\\u0085\u00a0/é\\u000a\""},
		{"integral numbers", `[1.0, 1e2, -0.0, 100.000, 3.0e-0, 1E+2]`, `[1, 100, 0, 100, 3, 100]`},
		{"doubles", `[1.5, 0.05, 1e-3, 12345678.9, -2.25, 0.1]`, `[1.5, 5.0e-2, 1.0e-3, 1.23456789e7, -2.25, 0.1]`},
		{"tiny", `[1e-500, -1e-500, 5e-324]`, `[0.0, -0.0, 5.0e-324]`},
		{"big integer", `123456789012345678901234567890`, `123456789012345678901234567890`},
		{"long fraction", `1.` + strings.Repeat("0", 2000) + `1`, `1.0`},
		{"long integral", `3` + strings.Repeat("0", 2000) + `e-2000`, `3`},
		{"tiny with huge exponent", `0.` + strings.Repeat("0", 2000) + `1e-999999999`, `0.0`},
		{"unexpandable", `1e99999`, `1e99999`},
		{
			// Observed with the real luxid (ReplaceFilter arguments).
			"wraps at the ribbon",
			`["aaaaaaaa-0000-4000-8000-00000000000a", 0, [["bogus", ["=", "a", "b"]]], "CONTINUE", []]`,
			"[\"aaaaaaaa-0000-4000-8000-00000000000a\", 0,\n [[\"bogus\", [\"=\", \"a\", \"b\"]]], \"CONTINUE\", []]",
		},
		{
			// Exactly 67 characters fit on a line; 68 do not.
			"ribbon of 67",
			`["` + strings.Repeat("a", 30) + `", "` + strings.Repeat("b", 29) + `"]`,
			`["` + strings.Repeat("a", 30) + `", "` + strings.Repeat("b", 29) + `"]`,
		},
		{
			"68 characters wrap",
			`["` + strings.Repeat("a", 30) + `", "` + strings.Repeat("b", 30) + `"]`,
			`["` + strings.Repeat("a", 30) + "\",\n \"" + strings.Repeat("b", 30) + `"]`,
		},
		{
			// Widths count characters, not bytes.
			"characters",
			`["` + strings.Repeat("é", 30) + `", "` + strings.Repeat("ü", 29) + `"]`,
			`["` + strings.Repeat("é", 30) + `", "` + strings.Repeat("ü", 29) + `"]`,
		},
		{
			// The closing brackets cannot go to the next line, so they
			// count against the line of the last item.
			"closing text counts",
			`[[["` + strings.Repeat("a", 30) + `", "` + strings.Repeat("b", 26) + `"]]]`,
			`[[["` + strings.Repeat("a", 30) + "\",\n   \"" + strings.Repeat("b", 26) + `"]]]`,
		},
		{
			// An item that takes several lines is followed by a new line.
			"after a broken item",
			`[["` + strings.Repeat("a", 40) + `", "` + strings.Repeat("b", 40) + `"], 1]`,
			`[["` + strings.Repeat("a", 40) + "\",\n  \"" + strings.Repeat("b", 40) + "\"],\n 1]",
		},
		{
			// An item that does not fit after the previous one starts a
			// line and may then break itself.
			"item moved, then broken",
			`[1, ["` + strings.Repeat("a", 40) + `", "` + strings.Repeat("b", 40) + `"]]`,
			"[1,\n [\"" + strings.Repeat("a", 40) + "\",\n  \"" + strings.Repeat("b", 40) + "\"]]",
		},
		{
			// Object fields: continuation lines line up after the brace,
			// a field's value after "key": [.
			"object",
			`{"name": "` + strings.Repeat("n", 30) + `", "values": ["` + strings.Repeat("v", 40) + `", "` + strings.Repeat("w", 40) + `"]}`,
			"{\"name\": \"" + strings.Repeat("n", 30) + "\",\n \"values\": [\"" + strings.Repeat("v", 40) + "\",\n            \"" + strings.Repeat("w", 40) + "\"]}",
		},
		{
			// Past column 33 the line length, not the ribbon, is the
			// limit: a line indented by 46 holds 54 characters.
			"line length at deep indentation",
			`{"` + strings.Repeat("k", 40) + `": ["` + strings.Repeat("a", 50) + `", "` + strings.Repeat("b", 5) + `", "` + strings.Repeat("c", 50) + `"]}`,
			"{\"" + strings.Repeat("k", 40) + "\": [\"" + strings.Repeat("a", 50) + "\",\n" + strings.Repeat(" ", 46) + "\"" + strings.Repeat("b", 5) + "\",\n" + strings.Repeat(" ", 46) + "\"" + strings.Repeat("c", 50) + "\"]}",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, PrettyJSON([]byte(tc.in)))
		})
	}
	assert.Equal(t, "[1,", PrettyJSON([]byte("[1,")), "invalid JSON is shown as it is")
}

func TestClip(t *testing.T) {
	long := JSString(strings.Repeat("é", MaxLen))
	for _, got := range []string{long.Pretty(), long.Show()} {
		assert.True(t, strings.HasSuffix(got, "..."))
		assert.LessOrEqual(t, len(got), MaxLen+3)
	}
	assert.True(t, strings.HasPrefix(long.Pretty(), `"éé`))
	assert.True(t, strings.HasPrefix(long.Show(), `JSString (JSONString {fromJSString = "\233\233`))
	assert.NotContains(t, long.Pretty(), "\uFFFD", "cut on a character boundary")

	// Deep nesting indents every line further; the output stays bounded.
	var b strings.Builder
	for range hsjson.MaxDepth {
		b.WriteString(`["` + strings.Repeat("x", 60) + `", `)
	}
	b.WriteString("0" + strings.Repeat("]", hsjson.MaxDepth))
	v, err := Parse([]byte(b.String()))
	require.NoError(t, err)
	got := v.Pretty()
	assert.LessOrEqual(t, len(got), MaxLen+3)
	assert.True(t, strings.HasSuffix(got, "..."))
	assert.True(t, strings.HasPrefix(got, `["`+strings.Repeat("x", 60)+"\",\n [\""))
}
