package query

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// MarshalJSON writes the whole result into one buffer: {"fields":[…],
// "data":[[cell…]…]}. Queries over thousands of items produce hundreds of
// thousands of cells, so the common value types are written directly
// instead of through an encoder per cell.
func (r *Result) MarshalJSON() ([]byte, error) {
	buf := make([]byte, 0, 64*len(r.Data)*max(len(r.Fields), 1)+256)
	fields, err := json.Marshal(r.Fields)
	if err != nil {
		return nil, err
	}
	buf = append(buf, `{"fields":`...)
	buf = append(buf, fields...)
	buf = append(buf, `,"data":[`...)
	for i, row := range r.Data {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		for j, c := range row {
			if j > 0 {
				buf = append(buf, ',')
			}
			if buf, err = c.appendJSON(buf); err != nil {
				return nil, err
			}
		}
		buf = append(buf, ']')
	}
	return append(buf, "]}"...), nil
}

// MarshalJSON writes [status, value].
func (c Cell) MarshalJSON() ([]byte, error) {
	return c.appendJSON(nil)
}

// appendJSON appends [status, value] to buf.
func (c Cell) appendJSON(buf []byte) ([]byte, error) {
	buf = append(buf, '[')
	buf = strconv.AppendInt(buf, int64(c.Status), 10)
	buf = append(buf, ',')
	if c.Status != RSNormal || c.Value == nil {
		return append(buf, "null]"...), nil
	}
	buf, err := appendValue(buf, c.Value)
	if err != nil {
		return nil, fmt.Errorf("query: encoding value: %w", err)
	}
	return append(buf, ']'), nil
}

// appendValue writes a cell value, directly for the common types.
func appendValue(buf []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return hsjson.AppendString(buf, x), nil
	case bool:
		return strconv.AppendBool(buf, x), nil
	case int:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(buf, x, 10), nil
	case uint64:
		return strconv.AppendUint(buf, x, 10), nil
	case float64:
		switch {
		case math.IsInf(x, 0) || math.IsNaN(x):
		case x == math.Trunc(x):
			// Haskell's encoder writes integral numbers as integers.
			return strconv.AppendFloat(buf, x, 'f', -1, 64), nil
		default:
			return append(buf, hsjson.FormatDouble(x)...), nil
		}
	case []string:
		buf = append(buf, '[')
		for i, s := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = hsjson.AppendString(buf, s)
		}
		return append(buf, ']'), nil
	}
	data, err := hsjson.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(buf, data...), nil
}
