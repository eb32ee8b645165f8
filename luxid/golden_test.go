package luxid

import (
	"encoding/json"
	"os"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/testkit/luxitest"
)

// goldenCase is one request answered by the real luxid 3.0.2 on the golden
// configuration (testdata/config.data) and queue (testdata/queue), kept in
// testdata/query-cases.json.
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

func TestGoldenCases(t *testing.T) {
	d, layout := newTestDispatcher(t)
	withGoldenQueue(t, layout)
	srv := luxitest.NewServer(t, d)
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
			assert.JSONEq(t, c.Response, string(srv.Answer(t, c.Method, string(c.Args))))
		})
	}
}
