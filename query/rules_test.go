package query

import (
	"cmp"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// matchJobID is the jobid predicate of a job filter rule, written as the
// scheduler writes it with EvalComparisons.
func matchJobID(pred *Filter, jobID, watermark int64) bool {
	return pred.EvalComparisons(func(op Op, field string, v Value) (bool, bool) {
		if field != "id" {
			return false, false
		}
		if s, isString := v.Text(); isString {
			if s != "watermark" {
				return false, false
			}
			v = IntValue(watermark)
		}
		return op.Holds(IntValue(jobID).Compare(v)), true
	})
}

// matchReason is the reason predicate for one reason trail entry.
func matchReason(pred *Filter, source, reason string, timestamp int64) bool {
	return pred.EvalComparisons(func(op Op, field string, v Value) (bool, bool) {
		var have Value
		switch field {
		case "source":
			have = StringValue(source)
		case "reason":
			have = StringValue(reason)
		case "timestamp":
			have = IntValue(timestamp)
		default:
			return false, false
		}
		return op.Holds(have.Compare(v)), true
	})
}

// TestJobIDPredicate checks the jobid predicate cases of jqscheduler's
// scenarios E33, E36 and D27.
func TestJobIDPredicate(t *testing.T) {
	tests := []struct {
		pred string
		job  int64
		want bool
	}{
		{`["==", "id", 1]`, 1, true},
		{`["==", "id", 2]`, 1, false},
		{`["==", "id", "1"]`, 1, false},
		{`["==", "id", "watermark"]`, 1, true},
		{`[">", "id", "watermark"]`, 1, false},
		{`[">", "id", "watermark"]`, 2, true},
		{`["=~", "id", "."]`, 1, false},
		{`["?", "id"]`, 1, false},
		{`null`, 1, true},
		{`["|", ["==", "id", "foo"], ["==", "id", 1]]`, 1, false},
		{`["|", ["==", "id", 1], ["==", "id", "foo"]]`, 1, true},
		{`["!", ["==", "id", "foo"]]`, 1, false},
		{`["!=", "id", 2]`, 1, true},
		{`["==", "other", 1]`, 1, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, matchJobID(mustParse(t, tt.pred), tt.job, 1), "%s on job %d", tt.pred, tt.job)
	}
}

// TestReasonPredicate checks the reason predicate cases of jqscheduler's
// scenarios E35 and E37.
func TestReasonPredicate(t *testing.T) {
	tests := []struct {
		pred string
		want bool
	}{
		{`["==", "reason", "reason1"]`, true},
		{`["==", "reason", "reasonGarbage"]`, false},
		{`["==", "source", "source1"]`, true},
		{`["==", "timestamp", 1234]`, true},
		{`["==", "something", ""]`, false},
		{`["=~", "reason", "reason"]`, false},
		{`["<", "source", 5]`, true},
		{`["==", "source", 5]`, false},
		{`[">", "timestamp", "x"]`, true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, matchReason(mustParse(t, tt.pred), "source1", "reason1", 1234), tt.pred)
	}
}

// TestOpcodePredicate checks the opcode predicate cases of jqscheduler's
// scenarios E34 and E38 to E40.
func TestOpcodePredicate(t *testing.T) {
	rename := json.RawMessage(`{"OP_ID": "OP_CLUSTER_RENAME", "name": "cluster1", "nested": {"a": {"b": [1, 2]}}}`)
	delay := json.RawMessage(`{"OP_ID": "OP_TEST_DELAY", "duration": 7.0, "on_nodes": ["n1"]}`)
	tests := []struct {
		pred string
		op   json.RawMessage
		want bool
	}{
		{`["==", "OP_ID", "OP_CLUSTER_RENAME"]`, rename, true},
		{`["==", "OP_ID", "OP_INSTANCE_CREATE"]`, rename, false},
		{`["==", "name", "cluster1"]`, rename, true},
		{`["==", "something", "cluster1"]`, rename, false},
		{`["&", ["=~", "OP_ID", "^OP_TEST"], ["==", "duration", 7]]`, delay, true},
		{`["&", ["=~", "OP_ID", "^OP_TEST"], ["==", "duration", 0]]`, delay, false},
		{`["|", ["==", "OP_ID", "OP_CLUSTER_RENAME"], ["==", "nosuch", 1]]`, rename, false},
		{`["?", "name"]`, rename, false},
		{`[">", "name", 5]`, rename, true},
		{`["<", "duration", "a"]`, delay, true},
		{`["=[]", "OP_ID", "x"]`, rename, false},
		{`["=[]", "on_nodes", "n1"]`, delay, true},
		{`[">", "nested.a.b", 1]`, rename, true},
		{`["==", "name.x", 1]`, rename, false},
		{`null`, rename, true},
	}
	for _, tt := range tests {
		got := mustParse(t, tt.pred).EvalJSON(func(field string) (any, bool) { return LookupDotted(tt.op, field) })
		assert.Equal(t, tt.want, got, "%s on %s", tt.pred, tt.op)
	}
}

func TestCompareJSON(t *testing.T) {
	ordered := []string{`null`, `false`, `true`, `-1`, `0.5`, `7`, `""`, `"a"`, `[]`, `[1]`, `[1, 2]`, `[2]`, `{}`, `{"a": 1}`, `{"a": 2}`, `{"b": 0}`}
	for i, a := range ordered {
		for j, b := range ordered {
			va, _ := decodeJSON([]byte(a), true)
			vb, _ := decodeJSON([]byte(b), true)
			assert.Equal(t, cmp.Compare(i, j), compareJSON(va, vb), "%s vs %s", a, b)
		}
	}
}

// LookupDotted resolves a dotted path ("a.b.c") in a JSON document: each
// step must be an object with that key (the first one, if repeated).
func LookupDotted(doc any, path string) (any, bool) {
	v := doc
	for _, key := range strings.Split(path, ".") {
		n, err := normalize(v)
		if err != nil {
			return nil, false
		}
		obj, ok := n.(object)
		if !ok {
			return nil, false
		}
		if v, ok = obj.get(key); !ok {
			return nil, false
		}
	}
	return v, true
}
