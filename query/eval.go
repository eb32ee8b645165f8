package query

import "fmt"

// LeafFunc decides one leaf of a filter. An error stops the evaluation at
// once and is returned by Eval; callers use their own sentinel errors to
// turn such a stop into a verdict (see EvalComparisons).
type LeafFunc func(leaf *Filter) (bool, error)

// frame is one node of Eval's explicit stack: the filter and how many of
// its children have been evaluated.
type frame struct {
	f    *Filter
	done int
}

// Eval evaluates f with leaf deciding the leaves. & and | go left to right
// and stop at the first false, resp. true operand, so leaves after it are
// not evaluated; the empty filter, ["&"] and an empty child are true, ["|"]
// is false. Eval keeps its own stack, so the depth of f does not matter.
func (f *Filter) Eval(leaf LeafFunc) (bool, error) {
	if f == nil {
		return true, nil
	}
	var buf [32]frame
	stack := append(buf[:0], frame{f: f})
	result := false // the verdict of the node popped last
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		next, verdict, finished, err := top.step(result, leaf)
		switch {
		case err != nil:
			return false, err
		case finished:
			result = verdict
			stack = stack[:len(stack)-1]
		case next == nil:
			result = true // an empty child: evaluate it on the spot
			top.done++
		default:
			top.done++
			stack = append(stack, frame{f: next})
		}
	}
	return result, nil
}

// step advances one frame. prev is the verdict of the child evaluated
// last (when done > 0). It returns either the next child to evaluate or
// the frame's own verdict.
func (fr *frame) step(prev bool, leaf LeafFunc) (next *Filter, verdict, finished bool, err error) {
	f := fr.f
	switch f.Op {
	case OpAnd, OpOr:
		stopOn := f.Op == OpOr // | stops at true, & at false
		if fr.done > 0 && prev == stopOn {
			return nil, stopOn, true, nil
		}
		if fr.done == len(f.Children) {
			return nil, !stopOn, true, nil
		}
		return f.Children[fr.done], false, false, nil
	case OpNot:
		if len(f.Children) != 1 {
			return nil, false, false, fmt.Errorf("query: ! with %d operands", len(f.Children))
		}
		if fr.done > 0 {
			return nil, !prev, true, nil
		}
		return f.Children[0], false, false, nil
	case OpTrue, OpEqual, OpLess, OpGreater, OpLessEqual, OpGreaterEqual, OpRegexp, OpContains:
		ok, err := leaf(f)
		return nil, ok, true, err
	}
	return nil, false, false, fmt.Errorf("query: invalid filter operator %v", f.Op)
}
