package query

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mustParse parses a filter of a test.
func mustParse(t testing.TB, src string) *Filter {
	t.Helper()
	f, err := ParseFilter([]byte(src))
	require.NoError(t, err, src)
	return f
}

// TestEvalLogic checks the logic operators and their evaluation order with
// leaves "t" (true), "f" (false) and "e" (error).
func TestEvalLogic(t *testing.T) {
	errLeaf := errors.New("leaf error")
	tests := []struct {
		filter  string
		want    bool
		visited string
		err     bool
	}{
		{`null`, true, "", false},
		{`["&"]`, true, "", false},
		{`["|"]`, false, "", false},
		{`["&", null]`, true, "", false},
		{`["|", null]`, true, "", false},
		{`["!", null]`, false, "", false},
		{`["!", ["?", "t"]]`, false, "t", false},
		{`["!", ["!", ["?", "f"]]]`, false, "f", false},
		{`["&", ["?", "t"], ["?", "f"], ["?", "e"]]`, false, "t,f", false},
		{`["|", ["?", "f"], ["?", "t"], ["?", "e"]]`, true, "f,t", false},
		{`["|", ["?", "f"], ["?", "e"], ["?", "t"]]`, false, "f,e", true},
		{`["&", ["|", ["?", "f"], ["?", "t"]], ["!", ["?", "f"]]]`, true, "f,t,f", false},
		{`["|", ["&", ["?", "t"], ["?", "f"]], ["&", null, ["?", "t"]]]`, true, "t,f,t", false},
		{`["==", "t", 1]`, true, "t", false},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			var visited []string
			got, err := mustParse(t, tt.filter).Eval(func(leaf *Filter) (bool, error) {
				visited = append(visited, leaf.Field)
				if leaf.Field == "e" {
					return false, errLeaf
				}
				return leaf.Field == "t", nil
			})
			if tt.err {
				require.ErrorIs(t, err, errLeaf)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
			}
			assert.Equal(t, tt.visited, joinNames(visited...))
		})
	}
}

// TestEvalDeep evaluates filters built in code far deeper than parsing
// allows: the evaluator keeps its own stack.
func TestEvalDeep(t *testing.T) {
	const depth = 1_000_000
	f := &Filter{Op: OpTrue, Field: "t"}
	for range depth {
		f = Not(And(f))
	}
	got, err := f.Eval(func(*Filter) (bool, error) { return true, nil })
	require.NoError(t, err)
	assert.Equal(t, depth%2 == 0, got)
	assert.Equal(t, []string{"t"}, f.Fields(), "walking keeps its own stack too")
	table := NewTable(Field[int, int]{FieldDefinition: FieldDefinition{Name: "t"}, Get: func(int) Cell { return Normal(true) }})
	c, err := table.Compile(f)
	require.NoError(t, err)
	got, err = c.MatchConfig(0)
	require.NoError(t, err)
	assert.Equal(t, depth%2 == 0, got)
}

func TestEvalInvalid(t *testing.T) {
	_, err := (&Filter{}).Eval(func(*Filter) (bool, error) { return true, nil })
	assert.ErrorContains(t, err, "invalid filter operator")
	_, err = (&Filter{Op: OpNot}).Eval(func(*Filter) (bool, error) { return true, nil })
	assert.ErrorContains(t, err, "! with 0 operands")
}

func TestOpHolds(t *testing.T) {
	for _, tt := range []struct {
		op      Op
		results [3]bool // for -1, 0, 1
	}{
		{OpEqual, [3]bool{false, true, false}},
		{OpLess, [3]bool{true, false, false}},
		{OpGreater, [3]bool{false, false, true}},
		{OpLessEqual, [3]bool{true, true, false}},
		{OpGreaterEqual, [3]bool{false, true, true}},
		{OpRegexp, [3]bool{}},
	} {
		for i, c := range []int{-1, 0, 1} {
			assert.Equal(t, tt.results[i], tt.op.Holds(c), "%v %d", tt.op, c)
		}
	}
	assert.Equal(t, "=[]", OpContains.String())
	assert.Equal(t, "Op(99)", Op(99).String())
}
