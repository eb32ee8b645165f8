package luxi

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeRequest(t *testing.T) {
	const topLevel = "parsing top-level JSON message: "
	tests := []struct {
		name       string
		msg        string
		wantMethod string
		wantArgs   string
		wantErr    string // detail of the ParseError
	}{
		{"python client", `{"method": "QueryJobs", "args": [[1, 2], ["id", "status"]], "version": 3000000}` + "\n", "QueryJobs", `[[1, 2], ["id", "status"]]`, ""},
		{"compact", `{"method":"Query","args":["job",["id"],null]}`, "Query", `["job",["id"],null]`, ""},
		{"args of any type", `{"method":"QueryClusterInfo","args":{"x":1}}`, "QueryClusterInfo", `{"x":1}`, ""},
		{"null args", `{"args":null,"method":"SetWatcherPause"}`, "SetWatcherPause", `null`, ""},
		{"other keys ignored", `{"method":"SetDrainFlag","args":[true],"version":1,"extra":{}}`, "SetDrainFlag", `[true]`, ""},
		{"trailing whitespace", "{\"method\":\"PickupJob\",\"args\":[1]} \r\n\t", "PickupJob", `[1]`, ""},
		{"duplicate method first wins", `{"method":"ArchiveJob","args":[1],"method":"CancelJob"}`, "ArchiveJob", `[1]`, ""},
		{"duplicate args first wins", `{"args":[1],"method":"ArchiveJob","args":[2]}`, "ArchiveJob", `[1]`, ""},
		{"duplicate of bad method first wins", `{"method":"Nope","args":[],"method":"Query"}`, "", "", `Unable to parse LUXI request method: Invalid string value for type LuxiReq: "Nope"`},
		{"escaped method name", `{"method":"Quer\u0079","args":[]}`, "Query", `[]`, ""},

		{"not JSON", `hello`, "", "", topLevel + "Invalid JSON: a JSON text a serialized object or array at the top level."},
		{"empty", ``, "", "", topLevel + "Invalid JSON: a JSON text a serialized object or array at the top level."},
		{"leading whitespace", "\n{\"method\":\"Query\",\"args\":[]}", "", "", topLevel + "Invalid JSON: a JSON text a serialized object or array at the top level."},
		{"leading space", ` {"method":"Query","args":[]}`, "", "", topLevel + "Invalid JSON: a JSON text a serialized object or array at the top level."},
		{"string at top level", `"Query"`, "", "", topLevel + "Invalid JSON: a JSON text a serialized object or array at the top level."},
		{"array at top level", `["Query",[]]`, "", "", topLevel + "Unable to read JSObject"},
		{"trailing garbage", `{"method":"Query","args":[]} xyz`, "", "", topLevel + `Invalid tokens at end of JSON string: "xyz"`},
		{"trailing garbage cut to ten", `{}  0123456789abc`, "", "", topLevel + `Invalid tokens at end of JSON string: "0123456789"`},
		{"unterminated", `{"method":"Query","args":[`, "", "", topLevel + "Malformed JSON: unexpected EOF"},
		{"bad token", `{"method":Query}`, "", "", topLevel + "Malformed JSON: invalid character 'Q' looking for beginning of value at byte 11"},

		{"no method", `{"args":[]}`, "", "", `key 'method' not found, object contains only ["args"]`},
		{"no args", `{"method":"Nope"}`, "", "", `key 'args' not found, object contains only ["method"]`},
		{"empty object", `{}`, "", "", `key 'method' not found, object contains only []`},
		{"keys listed in order with duplicates", `{"b":1,"a":2,"b":3}`, "", "", `key 'method' not found, object contains only ["b","a","b"]`},
		{"non-ASCII key shown like Haskell", `{"é1":1,"method":"Query"}`, "", "", `key 'args' not found, object contains only ["\233\&1","method"]`},
		{"unknown method", `{"method":"Nope","args":[]}`, "", "", `Unable to parse LUXI request method: Invalid string value for type LuxiReq: "Nope"`},
		{"method case matters", `{"method":"query","args":[]}`, "", "", `Unable to parse LUXI request method: Invalid string value for type LuxiReq: "query"`},
		{"numeric method", `{"method":5,"args":[]}`, "", "", `Unable to parse LUXI request method: Can't parse raw value for type LuxiReq: Unable to read String from JSRational False (5 % 1)`},
		{"null method", `{"method":null,"args":[]}`, "", "", `Unable to parse LUXI request method: Can't parse raw value for type LuxiReq: Unable to read String from JSNull`},
		{"list method", `{"method":["Query",true,-1.5],"args":[]}`, "", "", `Unable to parse LUXI request method: Can't parse raw value for type LuxiReq: Unable to read String from JSArray [JSString (JSONString {fromJSString = "Query"}),JSBool True,JSRational False ((-3) % 2)]`},
		{"object method", `{"method":{"a":null},"args":[]}`, "", "", `Unable to parse LUXI request method: Can't parse raw value for type LuxiReq: Unable to read String from JSObject (JSONObject {fromJSObject = [("a",JSNull)]})`},
		{"args checked before method", `{"method":5}`, "", "", `key 'args' not found, object contains only ["method"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := DecodeRequest([]byte(tc.msg))
			if tc.wantErr != "" {
				var pe *ParseError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tc.wantErr, pe.Detail)
				assert.Equal(t, "Failed to parse request: "+tc.wantErr, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantMethod, req.Method)
			assert.Equal(t, tc.wantArgs, string(req.Args))
		})
	}
}

func TestDecodeRequestArgsAreIndependentCopies(t *testing.T) {
	msg := []byte(`{"method":"Query","args":[1]}`)
	req, err := DecodeRequest(msg)
	require.NoError(t, err)
	copy(msg, strings.Repeat("x", len(msg)))
	assert.Equal(t, `[1]`, string(req.Args))
}

func TestParseErrorf(t *testing.T) {
	err := error(ParseErrorf("Cannot convert value '%s', error: %s", "[1]", "Unable to read Bool"))
	assert.Equal(t, "Failed to parse request: Cannot convert value '[1]', error: Unable to read Bool", err.Error())
	var pe *ParseError
	require.True(t, errors.As(errors.Join(errors.New("context"), err), &pe))
	assert.Equal(t, "Cannot convert value '[1]', error: Unable to read Bool", pe.Detail)
}

func TestEncodeResponse(t *testing.T) {
	tests := []struct {
		name    string
		success bool
		result  any
		want    string
	}{
		{"int", true, 1, `{"success":true,"result":1}`},
		{"null", true, nil, `{"success":true,"result":null}`},
		{"exception", false, []any{"JobQueueFull", []any{}}, `{"success":false,"result":["JobQueueFull",[]]}`},
		{"parse error string", false, "Failed to parse request: key 'args' not found, object contains only [\"method\"]", `{"success":false,"result":"Failed to parse request: key 'args' not found, object contains only [\"method\"]"}`},
		{"no HTML escaping", true, "<a & b>", `{"success":true,"result":"<a & b>"}`},
		{"UTF-8 not truncated", true, "é✓", `{"success":true,"result":"é✓"}`},
		{"raw result compacted", true, json.RawMessage("[1, {\"a\": \"<\"}]"), `{"success":true,"result":[1,{"a":"<"}]}`},
		{"invalid UTF-8 in a raw result", true, json.RawMessage("\"a\xffb\""), `{"success":true,"result":"a` + "\uFFFD" + `b"}`},
		{"invalid UTF-8 in a string", true, "a\xffb", `{"success":true,"result":"a\ufffdb"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EncodeResponse(tc.success, tc.result)
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
			assert.True(t, utf8.Valid(got))
		})
	}
	_, err := EncodeResponse(true, make(chan int))
	assert.Error(t, err)
}

func TestEncodeRequest(t *testing.T) {
	got, err := EncodeRequest(MethodQueryJobs, []any{[]int{1, 2}, []string{"id", "status"}})
	require.NoError(t, err)
	assert.Equal(t, `{"method":"QueryJobs","args":[[1,2],["id","status"]],"version":3000000}`+"\n", string(got))

	got, err = EncodeRequest(MethodQueryClusterInfo, nil)
	require.NoError(t, err)
	assert.Equal(t, `{"method":"QueryClusterInfo","args":[],"version":3000000}`+"\n", string(got))

	got, err = EncodeRequest(MethodSetWatcherPause, []any{"<&>"})
	require.NoError(t, err)
	assert.Contains(t, string(got), `["<&>"]`)

	req, err := DecodeRequest(got)
	require.NoError(t, err, "the server accepts what the client sends")
	assert.Equal(t, MethodSetWatcherPause, req.Method)
}

func TestDecodeResponse(t *testing.T) {
	tests := []struct {
		name    string
		msg     string
		want    Response
		wantErr bool
	}{
		{"success", `{"success":true,"result":[1,2]}`, Response{Success: true, Result: json.RawMessage(`[1,2]`)}, false},
		{"failure", `{"success":false,"result":"oops"}`, Response{Result: json.RawMessage(`"oops"`)}, false},
		{"null result", `{"success":true,"result":null}`, Response{Success: true, Result: json.RawMessage(`null`)}, false},
		{"matching version", `{"success":true,"result":1,"version":3000000}`, Response{Success: true, Result: json.RawMessage(`1`)}, false},
		{"other version", `{"success":true,"result":1,"version":2160000}`, Response{}, true},
		{"no result", `{"success":true}`, Response{}, true},
		{"no success", `{"result":1}`, Response{}, true},
		{"not an object", `[true,1]`, Response{}, true},
		{"not JSON", `nope`, Response{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeResponse([]byte(tc.msg))
			if tc.wantErr {
				assert.ErrorIs(t, err, ErrProtocol)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestShowMethodValue checks the rendering of a method that is not a
// string; internal/hsshow has the full tables.
func TestShowMethodValue(t *testing.T) {
	assert.Equal(t, `JSRational False ((-2) % 1)`, showMethodValue([]byte(`-2`)))
	assert.Equal(t, `JSArray [JSString (JSONString {fromJSString = "\233"})]`, showMethodValue([]byte(`["é"]`)))
	assert.Equal(t, "<JSON value of 5002 bytes>", showMethodValue([]byte(`"`+strings.Repeat("a", 5000)+`"`)))
}

// FuzzDecodeRequest checks that decoding never panics, that a decoded
// request names a method and carries valid JSON arguments, and that every
// failure is a ParseError whose answer is valid UTF-8 JSON.
func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"method": "QueryJobs", "args": [[1, 2], ["id", "status"]], "version": 3000000}` + "\n"))
	f.Add([]byte(`{"method":"Nope","args":[]}`))
	f.Add([]byte(`{"args":[],"method":"Query","method":5}`))
	f.Add([]byte("\n{}"))
	f.Add([]byte(`{"method":{"a":[1.5e3,null,"\u00e9"]}}`))
	f.Add([]byte(`{"é\xff":1}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		req, err := DecodeRequest(msg)
		if err == nil {
			assert.True(t, IsMethod(req.Method))
			assert.True(t, json.Valid(req.Args), "args %q", req.Args)
			assert.True(t, json.Valid(msg))
			return
		}
		var pe *ParseError
		require.ErrorAs(t, err, &pe)
		answer, err := EncodeResponse(false, pe.Error())
		require.NoError(t, err)
		assert.True(t, json.Valid(answer))
		assert.True(t, utf8.Valid(answer))
	})
}
