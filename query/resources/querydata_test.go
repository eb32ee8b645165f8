package resources

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/query"
)

// queryData runs a Query of kind over env with an optional filter (JSON)
// and returns the result's data, encoded.
func queryData(t *testing.T, kind string, env Env, fields []string, flt string) (string, error) {
	t.Helper()
	res, err := New(kind, env)
	require.NoError(t, err)
	var f *query.Filter
	if flt != "" {
		var err error
		f, err = query.ParseFilter([]byte(flt))
		require.NoError(t, err)
	}
	r, err := res.Query(context.Background(), fields, f)
	if err != nil {
		return "", err
	}
	data, err := hsjson.Marshal(r.Data)
	require.NoError(t, err)
	return string(data), nil
}
