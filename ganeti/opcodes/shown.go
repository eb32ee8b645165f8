package opcodes

import "github.com/goluxid/goluxid/internal/hsshow"

// luxid builds its decoding errors with Haskell's show and Text.JSON's
// pretty printer, which internal/hsshow renders; jsValue hands it a value.

// jsValue is v as a Text.JSON value; an absent value is null.
func jsValue(v *value) hsshow.Value {
	switch v.kind {
	case kBool:
		return hsshow.JSBool(v.b)
	case kNum:
		return hsshow.JSNumber(v.s)
	case kStr:
		return hsshow.JSString(v.s)
	case kArr:
		elems := make([]hsshow.Value, len(v.arr))
		for i := range v.arr {
			elems[i] = jsValue(&v.arr[i])
		}
		return hsshow.JSArray(elems)
	case kObj:
		members := make([]hsshow.Member, len(v.obj))
		for i := range v.obj {
			members[i] = hsshow.Member{Key: v.obj[i].Key, Value: jsValue(&v.obj[i].Value)}
		}
		return hsshow.JSObject(members)
	}
	return hsshow.JSNull()
}

// ppValue renders v as show (pp_value v).
func ppValue(v *value) string { return jsValue(v).Pretty() }

// showJSValue renders v as Haskell's derived show of a JSValue.
func showJSValue(v *value) string { return jsValue(v).Show() }
