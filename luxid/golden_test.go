package luxid

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/luxi"
)

// goldenCase is one request answered by the real luxid 3.0.2 on the golden
// configuration and queue (testdata/query-cases.json, from the spec).
type goldenCase struct {
	Method   string          `json:"method"`
	Args     json.RawMessage `json:"args"`
	Response string          `json:"response"`
}

func loadGoldenCases(t *testing.T) map[string]goldenCase {
	t.Helper()
	data, err := os.ReadFile("testdata/query-cases.json")
	require.NoError(t, err)
	var cases map[string]goldenCase
	require.NoError(t, json.Unmarshal(data, &cases))
	return cases
}

// answer encodes the dispatcher's answer the way the LUXI server does.
func answer(t *testing.T, d *Dispatcher, method string, args json.RawMessage) string {
	t.Helper()
	res, err := d.ServeLUXI(context.Background(), luxi.Request{Method: method, Args: args})
	var out []byte
	var pe *luxi.ParseError
	switch {
	case errors.As(err, &pe):
		out, err = luxi.EncodeResponse(false, pe.Error())
	case err != nil:
		out, err = luxi.EncodeResponse(false, gerrors.Encode(err))
	default:
		out, err = luxi.EncodeResponse(true, res)
	}
	require.NoError(t, err)
	return string(out)
}

func TestGoldenCases(t *testing.T) {
	d, layout := newTestDispatcher(t)
	withGoldenQueue(t, layout)
	cases := loadGoldenCases(t)
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	sort.Strings(names)
	require.NotEmpty(t, names)
	for _, name := range names {
		c := cases[name]
		t.Run(name, func(t *testing.T) {
			assert.JSONEq(t, c.Response, answer(t, d, c.Method, c.Args))
		})
	}
}
