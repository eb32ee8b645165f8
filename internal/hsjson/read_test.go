package hsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tree is a test Builder: objects keep their members in order, numbers
// their literals.
type tree struct{}

// num is a number of a tree.
type num struct {
	lit     string
	integer bool
}

func (tree) Null() any                        { return nil }
func (tree) Bool(b bool) any                  { return b }
func (tree) String(s string) any              { return s }
func (tree) Array(elems []any) any            { return elems }
func (tree) Object(members []Member[any]) any { return members }
func (tree) Number(lit []byte, integer bool) (any, error) {
	return num{string(lit), integer}, nil
}

var (
	treeReader = Reader[any]{Build: tree{}}
	keepReader = Reader[any]{Build: tree{}, KeepInvalidUTF8: true}
)

func TestReaderValues(t *testing.T) {
	tests := []struct {
		name, in string
		want     any
	}{
		{"order and duplicates", `{"b":1,"a":2,"b":3}`,
			[]Member[any]{{"b", num{"1", true}}, {"a", num{"2", true}}, {"b", num{"3", true}}}},
		{"literals", ` [null, true, false] `, []any{nil, true, false}},
		{"numbers", `[0,-0,12,1.5,1e3,-2E-1]`,
			[]any{num{"0", true}, num{"-0", true}, num{"12", true}, num{"1.5", false}, num{"1e3", false}, num{"-2E-1", false}}},
		{"empty containers", `[[],{}]`, []any{[]any{}, []Member[any]{}}},
		{"escapes", `"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"`, "a\"\\/\b\f\n\r\té😀"},
		{"lone surrogate", `"\ud800x\udc00\ud800\u0041"`, "\uFFFDx\uFFFD\uFFFDA"},
		{"nested", `{"a":[{"b":{}}]}`, []Member[any]{{"a", []any{[]Member[any]{{"b", []Member[any]{}}}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := treeReader.Read([]byte(tc.in))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestReaderInvalidUTF8(t *testing.T) {
	in := []byte("[\"a\xff\xe2\x82b\", \"\\n\xff\"]")
	got, err := treeReader.Read(in)
	require.NoError(t, err)
	assert.Equal(t, []any{"a\uFFFD\uFFFD\uFFFDb", "\n\uFFFD"}, got)
	got, err = keepReader.Read(in)
	require.NoError(t, err)
	assert.Equal(t, []any{"a\xff\xe2\x82b", "\n\xff"}, got)
}

func TestReaderInternsKeys(t *testing.T) {
	keys := map[string]string{"name": "name", "a\"b": "a\"b"}
	r := Reader[any]{Build: tree{}, Keys: keys}
	got, err := r.Read([]byte(`{"name":1,"a\"b":2,"other":3}`))
	require.NoError(t, err)
	members := got.([]Member[any])
	assert.Equal(t, unsafe.StringData(keys["name"]), unsafe.StringData(members[0].Key))
	assert.Equal(t, unsafe.StringData(keys["a\"b"]), unsafe.StringData(members[1].Key))
	assert.Equal(t, "other", members[2].Key)
}

func TestReaderErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, "unexpected end at offset 0"},
		{`{"OP_ID":`, "unexpected end at offset 9"},
		{`[1,2`, "unexpected end at offset 4"},
		{`[1 2]`, "expected ',' or ']' at offset 3"},
		{`{"a" 1}`, "expected ':' at offset 5"},
		{`{1:2}`, "expected a key at offset 1"},
		{`{"a":1,}`, "expected a key at offset 7"},
		{`[1,]`, "unexpected character at offset 3"},
		{`nul`, "unexpected character at offset 0"},
		{`01`, "trailing data at offset 1"},
		{`[1] x`, "trailing data at offset 4"},
		{`-`, "invalid number at offset 1"},
		{`1.`, "invalid number at offset 2"},
		{`1e+`, "invalid number at offset 3"},
		{"\"a\tb\"", "control character in string at offset 2"},
		{`"a\x"`, "invalid escape at offset 2"},
		{`"\u12g4"`, "invalid \\u escape at offset 1"},
		{`"abc`, "unterminated string at offset 4"},
		{`"a\`, "unterminated string at offset 3"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := treeReader.Read([]byte(tc.in))
			var syn *SyntaxError
			require.ErrorAs(t, err, &syn)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestReaderDepth(t *testing.T) {
	_, err := treeReader.Read([]byte(strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)))
	require.NoError(t, err)
	_, err = treeReader.Read([]byte(strings.Repeat(`{"a":`, MaxDepth+1)))
	assert.ErrorIs(t, err, ErrTooDeep)
	_, err = ReadMembers([]byte(`{"a":` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + `}`))
	assert.ErrorIs(t, err, ErrTooDeep)
}

// A builder's error fails the read as it is.
func TestReaderBuilderError(t *testing.T) {
	errBig := errors.New("too big")
	r := Reader[any]{Build: refuseNumbers{tree{}, errBig}}
	_, err := r.Read([]byte(`{"a":[1]}`))
	assert.Equal(t, errBig, err)
}

type refuseNumbers struct {
	tree
	err error
}

func (b refuseNumbers) Number([]byte, bool) (any, error) { return nil, b.err }

func TestReadMembers(t *testing.T) {
	data := []byte(` {"method": "Query", "args" :[1, {"x": "}"}], "m\u00e9thod":null, "method":2} `)
	members, err := ReadMembers(data)
	require.NoError(t, err)
	want := []Member[json.RawMessage]{
		{"method", json.RawMessage(`"Query"`)},
		{"args", json.RawMessage(`[1, {"x": "}"}]`)},
		{"méthod", json.RawMessage(`null`)},
		{"method", json.RawMessage(`2`)},
	}
	assert.Equal(t, want, members)
	members[0].Value[1] = 'q'
	assert.Equal(t, byte('q'), data[13], "values alias the text")

	for _, bad := range []string{`[1]`, `{"a":1`, `{"a":[1,}`, `{"a":1} 2`, `{"a":"\z"}`, ``} {
		_, err := ReadMembers([]byte(bad))
		assert.Error(t, err, bad)
	}
}

// FuzzReader checks the Reader against encoding/json: the same texts are
// JSON, and they decode to the same values.
func FuzzReader(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,"x\u00e9"],"a":null}`, `"\ud800\udc00\ud800"`, "\"\xff\"", `[1,]`, ` true `, `{"a" :{}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := treeReader.Read(data)
		if (err == nil) != json.Valid(data) {
			t.Fatalf("%q: Reader error %v, json.Valid %v", data, err, json.Valid(data))
		}
		members, merr := ReadMembers(data)
		isObject := err == nil && reflect.TypeOf(got) == reflect.TypeFor[[]Member[any]]()
		if (merr == nil) != isObject {
			t.Fatalf("%q: ReadMembers error %v, object %v", data, merr, isObject)
		}
		if err != nil {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		require.NoError(t, dec.Decode(&want))
		assert.Equal(t, want, asEncodingJSON(got), "%q", data)
		for i, m := range members {
			assert.Equal(t, got.([]Member[any])[i].Key, m.Key)
			var v any
			require.NoError(t, json.Unmarshal(m.Value, &v))
		}
	})
}

// asEncodingJSON is v as encoding/json decodes into an any with UseNumber.
func asEncodingJSON(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = asEncodingJSON(e)
		}
		return out
	case []Member[any]:
		out := make(map[string]any, len(x))
		for _, m := range x {
			out[m.Key] = asEncodingJSON(m.Value) // the last of duplicates wins
		}
		return out
	case num:
		return json.Number(x.lit)
	}
	return v
}
