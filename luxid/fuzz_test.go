package luxid

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/goluxid/goluxid/internal/hsjson"
	"github.com/goluxid/goluxid/luxi"
)

// fuzzSeeds are arguments each method is seeded with: valid ones, and
// values of the wrong shape.
var fuzzSeeds = []string{
	`[]`, `null`, `{}`, `[null]`, `[1]`, `["x"]`, `[[], []]`, `[null, null, null]`,
	`["node", ["name", "pip"], null]`, `["instance", ["name"], ["=", "name", "x"]]`,
	`["job", ["id", "status"], ["|", ["=", "id", 1], ["!", ["?", "summary"]]]]`,
	`[["name"]]`, `[[], ["name"], false]`, `[null, ["id", "status"]]`,
	`[[{"OP_ID": "OP_TEST_DELAY", "duration": 0.1}]]`, `[[[{"OP_ID": "OP_TEST_DELAY", "duration": 0}]]]`,
	`[1, ["status"], null, null, 0]`, `[1, 20]`, `[-1, 0]`, `[true]`, `[1e400]`,
	`["cluster", ""]`, `[1, "\u00e9\ud800"]`,
}

// FuzzMethodArguments sends arbitrary arguments to every LUXI method of
// the dispatcher: whatever they are, it answers with a result or an error
// that encodes, and never panics or hangs (each call gets a short
// deadline; a wait asked for is cut short by it).
func FuzzMethodArguments(f *testing.F) {
	for i := range luxi.Methods {
		for _, args := range fuzzSeeds {
			f.Add(uint8(i), args)
		}
	}
	d, _ := newTestDispatcher(f)
	f.Fuzz(func(t *testing.T, method uint8, args string) {
		name := luxi.Methods[int(method)%len(luxi.Methods)]
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		done := make(chan struct{})
		go func() {
			defer close(done)
			res, err := d.ServeLUXI(ctx, luxi.Request{Method: name, Args: json.RawMessage(args)})
			if err == nil {
				if _, merr := hsjson.Marshal(res); merr != nil {
					t.Errorf("%s %s: result does not encode: %v", name, args, merr)
				}
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s %s: no answer after 10 s", name, args)
		}
	})
}
