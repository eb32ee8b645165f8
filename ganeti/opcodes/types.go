package opcodes

import (
	"fmt"
	"math"
)

// tkind is how luxid decodes a parameter: one per Haskell type (family).
type tkind uint8

const (
	tAny           tkind = iota // JSValue: anything, kept as it is
	tUnit                       // (): only []
	tBool                       // Bool
	tInt                        // Int, read with round
	tDouble                     // Double
	tString                     // String
	tNonEmpty                   // NonEmptyString
	tNonNeg                     // NonNegative Int
	tPositive                   // Positive Int
	tEnum                       // a string enumeration (declareLADT/SADT)
	tList                       // [a]
	tSet                        // ListSet a: a sorted list without duplicates
	tContainer                  // GenericContainer k v: a map, keys sorted
	tObject                     // JSObject a: an object, kept in order
	tTuple                      // (a, b), (a, b, c), …
	tOr                         // the first alternative that reads
	tMaybe                      // null or a
	tDiskIndex                  // DiskIndex
	tExportTarget               // ExportTarget
	tRecreateDisks              // RecreateDisksInfo
	tSetParamsMods              // SetParamsMods a
	tRecord                     // INicParams, IDiskParams: an object of fields
	tPriority                   // OpSubmitPriority
	tDepends                    // [JobDependency]
	tReason                     // ReasonTrail
)

// typ is a compiled parameter type.
type typ struct {
	kind  tkind
	elems []*typ
	enum  *enum
	rec   *record
	max   int64 // the bound of a DiskIndex
}

// enum is a string enumeration of Haskell, its values in constructor
// order (the order luxid sorts them in).
type enum struct {
	name   string
	values []string
	index  map[string]int
}

func newEnum(name string, values []string) *enum {
	e := &enum{name: name, values: values, index: make(map[string]int, len(values))}
	for i, v := range values {
		e.index[v] = i
	}
	return e
}

// Shared types of the hand-written decoders.
var (
	intType       = &typ{kind: tInt}
	stringType    = &typ{kind: tString}
	nonEmptyType  = &typ{kind: tNonEmpty}
	nonNegIntType = &typ{kind: tNonNeg}
)

// compileType maps a generated type tree to luxid's decoder. Named types
// whose Haskell decoder differs from their Python check are recognised by
// name first.
func compileType(t *Type) (*typ, error) {
	if c, ok := namedTypes[t.Name]; ok {
		return c(t)
	}
	if k, ok := leafKinds[t.Kind]; ok {
		return &typ{kind: k}, nil
	}
	switch t.Kind {
	case "elem":
		return compileEnum(t)
	case "and":
		return compileAnd(t)
	case "list", "set", "object", "maybe", "or", "tuple", "dict", "set_params_mods":
		return compileComposite(t)
	case "private", "secret":
		return compileOne(t)
	case "nonneg", "positive":
		return compileBounded(t)
	}
	return nil, fmt.Errorf("cannot decode a %q", t.Kind)
}

// leafKinds are the kinds decoded without looking further.
var leafKinds = map[string]tkind{
	"any": tAny, "none": tUnit, "bool": tBool, "int": tInt,
	"float": tDouble, "string": tString,
}

// namedTypes are the Haskell types decoded by hand-written rules.
var namedTypes = map[string]func(*Type) (*typ, error){
	"NonEmptyString": func(*Type) (*typ, error) { return nonEmptyType, nil },
	"DiskIndex":      compileDiskIndex,
	"ExportTarget": func(*Type) (*typ, error) {
		return &typ{kind: tExportTarget}, nil
	},
	"RecreateDisksInfo": func(*Type) (*typ, error) {
		return &typ{kind: tRecreateDisks}, nil
	},
	"INicParams":  func(*Type) (*typ, error) { return iNicParamsType, nil },
	"IDiskParams": func(*Type) (*typ, error) { return iDiskParamsType, nil },
}

var compositeKinds = map[string]tkind{
	"list": tList, "set": tSet, "object": tObject, "maybe": tMaybe,
	"or": tOr, "tuple": tTuple, "dict": tContainer, "set_params_mods": tSetParamsMods,
}

func compileComposite(t *Type) (*typ, error) {
	c := &typ{kind: compositeKinds[t.Kind]}
	for _, e := range t.Of {
		ce, err := compileType(e)
		if err != nil {
			return nil, err
		}
		c.elems = append(c.elems, ce)
	}
	switch {
	case len(c.elems) == 0:
		return nil, fmt.Errorf("%s without element type", t.Kind)
	case c.kind == tContainer && len(c.elems) != 2:
		return nil, fmt.Errorf("dict needs a key and a value type")
	case c.kind == tContainer && c.elems[0].kind != tString && c.elems[0].kind != tEnum:
		return nil, fmt.Errorf("dict keys must be strings")
	}
	return c, nil
}

// compileOne compiles a wrapper whose JSON is that of its element:
// Private and Secret (redaction is the opcode writer's business).
func compileOne(t *Type) (*typ, error) {
	if len(t.Of) != 1 {
		return nil, fmt.Errorf("%s needs one element type", t.Kind)
	}
	return compileType(t.Of[0])
}

func compileBounded(t *Type) (*typ, error) {
	if len(t.Of) != 1 || t.Of[0].Kind != "int" {
		return nil, fmt.Errorf("%s of something else than an int", t.Kind)
	}
	if t.Kind == "nonneg" {
		return nonNegIntType, nil
	}
	return &typ{kind: tPositive}, nil
}

func compileEnum(t *Type) (*typ, error) {
	values := make([]string, len(t.Values))
	for i, v := range t.Values {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("enumeration %s of non-strings", t.Name)
		}
		values[i] = s
	}
	name := t.Name
	if name == "" {
		name = "(unnamed)"
	}
	return &typ{kind: tEnum, enum: newEnum(name, values)}, nil
}

// compileAnd compiles Python's TAnd(check, extra…): a Haskell newtype of
// the first check whose smart constructor Python spells as the extra
// checks. Only "non-empty" has a Haskell counterpart outside the named
// types; the others (address syntax) are checked by the job only.
func compileAnd(t *Type) (*typ, error) {
	if len(t.Of) == 0 {
		return nil, fmt.Errorf("empty and")
	}
	base, err := compileType(t.Of[0])
	if err != nil {
		return nil, err
	}
	for _, extra := range t.Of[1:] {
		if extra.Kind == "true" && base.kind == tString {
			base = nonEmptyType
		}
	}
	return base, nil
}

func compileDiskIndex(t *Type) (*typ, error) {
	for _, part := range t.Of {
		if part.Kind == "max_value" && part.N > 0 && part.N < math.MaxInt32 {
			return &typ{kind: tDiskIndex, max: part.N}, nil
		}
	}
	return nil, fmt.Errorf("DiskIndex without its bound")
}
