package luxitest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/luxi"
)

// echo answers QueryClusterInfo with its arguments, refuses SetDrainFlag's
// and fails every other call with an OpPrereqError.
var echo = handlerFunc(func(_ context.Context, req luxi.Request) (any, error) {
	switch req.Method {
	case luxi.MethodQueryClusterInfo:
		return req.Args, nil
	case luxi.MethodSetDrainFlag:
		return nil, luxi.ParseErrorf("Unable to read Bool")
	}
	return nil, gerrors.OpPrereq("Node name x not found", gerrors.CodeNoEnt)
})

func TestAnswerAndFailure(t *testing.T) {
	srv := NewServer(t, echo)
	tests := []struct {
		name, method, args string
		wantAnswer         string
		wantErr            error
	}{
		{"success", luxi.MethodQueryClusterInfo, `[1, "a"]`,
			`{"success":true,"result":[1,"a"]}`, nil},
		{"exception", luxi.MethodQueryJobs, `[]`,
			`{"success":false,"result":["OpPrereqError",["Node name x not found","unknown_entity"]]}`,
			gerrors.OpPrereq("Node name x not found", gerrors.CodeNoEnt)},
		{"refused request", luxi.MethodSetDrainFlag, `[1]`,
			`{"success":false,"result":"Failed to parse request: Unable to read Bool"}`,
			&luxi.RequestError{Text: "Failed to parse request: Unable to read Bool"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			answer := srv.Answer(t, tc.method, tc.args)
			assert.Equal(t, tc.wantAnswer, string(answer))
			assert.Equal(t, tc.wantErr, Failure(t, answer))
		})
	}
}

func TestCall(t *testing.T) {
	srv := NewServer(t, echo)
	res, err := srv.Call(t, luxi.MethodQueryClusterInfo, `[1, "a"]`)
	require.NoError(t, err)
	assert.Equal(t, json.RawMessage(`[1,"a"]`), res)
	_, err = srv.Call(t, luxi.MethodSetDrainFlag, `[1]`)
	assert.Equal(t, &luxi.RequestError{Text: "Failed to parse request: Unable to read Bool"}, err)
	_, err = srv.Call(t, luxi.MethodQueryJobs, `[]`)
	assert.Equal(t, gerrors.OpPrereq("Node name x not found", gerrors.CodeNoEnt), err, "served after a refused request")
}

func TestClient(t *testing.T) {
	srv := NewServer(t, echo)
	c := srv.Client(t)
	res, err := c.Call(context.Background(), luxi.MethodQueryClusterInfo, []int{7})
	require.NoError(t, err)
	assert.Equal(t, json.RawMessage(`[7]`), res)
	_, err = c.Call(context.Background(), luxi.MethodQueryJobs, nil)
	assert.Equal(t, gerrors.OpPrereq("Node name x not found", gerrors.CodeNoEnt), err)
}

// handlerFunc adapts a function to luxi.Handler.
type handlerFunc func(ctx context.Context, req luxi.Request) (any, error)

func (f handlerFunc) ServeLUXI(ctx context.Context, req luxi.Request) (any, error) {
	return f(ctx, req)
}
