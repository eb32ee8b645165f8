package opcodes

import (
	"github.com/goluxid/goluxid/internal/hsjson"
)

// appendValue writes v as luxid's JSON encoder does: compact, numbers as
// jsNumberText, strings escaped as Text.JSON escapes them and written as
// UTF-8.
func appendValue(buf []byte, v *value) []byte {
	switch v.kind {
	case kNull, kAbsent:
		return append(buf, "null"...)
	case kBool:
		if v.b {
			return append(buf, "true"...)
		}
		return append(buf, "false"...)
	case kNum:
		if v.canon {
			return append(buf, v.s...)
		}
		return append(buf, jsNumberText(v.s)...)
	case kStr:
		return hsjson.AppendString(buf, v.s)
	case kArr:
		buf = append(buf, '[')
		for i := range v.arr {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendValue(buf, &v.arr[i])
		}
		return append(buf, ']')
	default:
		buf = append(buf, '{')
		for i := range v.obj {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = hsjson.AppendString(buf, v.obj[i].Key)
			buf = append(buf, ':')
			buf = appendValue(buf, &v.obj[i].Value)
		}
		return append(buf, '}')
	}
}
