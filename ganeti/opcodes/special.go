package opcodes

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goluxid/goluxid/internal/hsshow"
)

// The Haskell types below decode differently from what their Python
// checks say; their rules are Ganeti's OpParams.hs and Types.hs.

func (t *typ) readSpecial(v *value) (value, error) {
	switch t.kind {
	case tDiskIndex:
		return t.readDiskIndex(v)
	case tExportTarget:
		return readExportTarget(v)
	case tRecreateDisks:
		return readRecreateDisks(v)
	case tSetParamsMods:
		return readSetParamsMods(v, t.elems[0])
	case tRecord:
		return t.rec.readObject(v)
	case tPriority:
		return readPriority(v)
	case tDepends:
		return readDepends(v)
	case tReason:
		return readReason(v)
	}
	return value{}, fmt.Errorf("opcodes: no decoder for type kind %d", t.kind)
}

// readDiskIndex reads a disk index: an Int from 0 to the maximum number
// of disks, exclusive.
func (t *typ) readDiskIndex(v *value) (value, error) {
	n, err := readInt(v)
	if err != nil {
		return value{}, err
	}
	if n < 0 || n >= t.max {
		return value{}, fmt.Errorf("Invalid value for disk index '%s', required between 0 and %d", hsshow.Int(n), t.max)
	}
	return intValue(n), nil
}

// readExportTarget reads the target of an export: a node name, or for a
// remote export a list kept as it is.
func readExportTarget(v *value) (value, error) {
	switch v.kind {
	case kStr:
		if v.s == "" {
			return value{}, errNonEmpty
		}
		return *v, nil
	case kArr:
		return *v, nil
	}
	return value{}, fmt.Errorf("Invalid value received for 'target_node': %s", ppValue(v))
}

var (
	diskIndexType   = &typ{kind: tDiskIndex, max: maxDisks}
	diskIndexesType = &typ{kind: tList, elems: []*typ{diskIndexType}}
	diskChangesType = &typ{kind: tList, elems: []*typ{{kind: tTuple, elems: []*typ{diskIndexType, iDiskParamsType}}}}
)

// maxDisks is Ganeti's constants.MAX_DISKS, the bound of a DiskIndex
// outside the opcode table.
const maxDisks = 16

// readRecreateDisks reads the disks of OpInstanceRecreateDisks: [] for
// all, else a non-empty list of indexes or of [index, parameters].
func readRecreateDisks(v *value) (value, error) {
	if v.kind == kArr && len(v.arr) == 0 {
		return *v, nil
	}
	if out, err := diskIndexesType.read(v); err == nil {
		return out, nil
	}
	if out, err := diskChangesType.read(v); err == nil {
		return out, nil
	}
	return value{}, fmt.Errorf("Can't parse disk information as either list of disk indices or list of disk parameters; value received:%s", ppValue(v))
}

// Modification kinds of SetParamsMods, in Haskell's DdmSimple and DdmFull.
var (
	ddmSimple   = newEnum("DdmSimple", []string{"add", "attach", "remove", "detach"})
	ddmFullType = &typ{kind: tEnum, enum: newEnum("DdmFull", []string{"add", "attach", "remove", "detach", "modify"})}
)

// readSetParamsMods reads disk or NIC modifications: [] for none, else a
// non-empty list in one of three forms tried in turn: [index-or-op,
// params] pairs (deprecated), [op, index, params] or [op, name, params];
// the error is the last form's.
func readSetParamsMods(v *value, params *typ) (value, error) {
	if v.kind == kArr && len(v.arr) == 0 {
		return *v, nil
	}
	out, err := readDeprecatedMods(v, params)
	if err == nil {
		return out, nil
	}
	for _, target := range []*typ{intType, stringType} {
		form := &typ{kind: tTuple, elems: []*typ{ddmFullType, target, params}}
		if out, err = readList(v, form); err == nil {
			return out, nil
		}
	}
	return value{}, err
}

// readDeprecatedMods reads the old form: [index or add/remove…, params].
func readDeprecatedMods(v *value, params *typ) (value, error) {
	if v.kind != kArr {
		return value{}, errReadList
	}
	out := make([]value, len(v.arr))
	for i := range v.arr {
		pair := &v.arr[i]
		if pair.kind != kArr || len(pair.arr) != 2 {
			return value{}, tupleErrors[2]
		}
		change, err := readDdmOldChange(&pair.arr[0])
		if err != nil {
			return value{}, err
		}
		p, err := params.read(&pair.arr[1])
		if err != nil {
			return value{}, err
		}
		out[i] = arrValue([]value{change, p})
	}
	return arrValue(out), nil
}

// readDdmOldChange reads a non-negative index or a DdmSimple.
func readDdmOldChange(v *value) (value, error) {
	if out, err := nonNegIntType.read(v); err == nil {
		return out, nil
	}
	if out, err := ddmSimple.read(v); err == nil {
		return out, nil
	}
	return value{}, fmt.Errorf("Can't parse value '%s' as either index or modification", ppValue(v))
}

// iNicParamsType is Haskell's INicParams: NIC parameters, all optional.
var iNicParamsType = &typ{kind: tRecord, rec: newRecord([]field{
	{name: "mac", typ: nonEmptyType, mode: modeOmit},
	{name: "ip", typ: stringType, mode: modeOmit},
	{name: "mode", typ: nonEmptyType, mode: modeOmit},
	{name: "link", typ: nonEmptyType, mode: modeOmit},
	{name: "name", typ: nonEmptyType, mode: modeOmit},
	{name: "vlan", typ: stringType, mode: modeOmit},
	{name: "bridge", typ: nonEmptyType, mode: modeOmit},
	{name: "network", typ: nonEmptyType, mode: modeOmit},
}, false)}

// iDiskParamsType is Haskell's IDiskParams: disk parameters, all
// optional, any other key kept (sorted) after them.
var iDiskParamsType = &typ{kind: tRecord, rec: newRecord([]field{
	{name: "size", mode: modeOmit, custom: readDiskSize},
	{name: "mode", typ: &typ{kind: tEnum, enum: newEnum("DiskAccess", []string{"ro", "rw"})}, mode: modeOmit},
	{name: "adopt", typ: nonEmptyType, mode: modeOmit},
	{name: "vg", typ: nonEmptyType, mode: modeOmit},
	{name: "metavg", typ: nonEmptyType, mode: modeOmit},
	{name: "name", typ: nonEmptyType, mode: modeOmit},
	{name: "provider", typ: nonEmptyType, mode: modeOmit},
	{name: "spindles", typ: intType, mode: modeOmit},
	{name: "access", typ: nonEmptyType, mode: modeOmit},
	{name: "opaque", mode: modeRest},
}, true)}

var errNumerical = errors.New("A numerical field has to be a number or a string.")

// readDiskSize reads a disk size in MiB: a number, or a string with an
// optional unit (all kilos binary).
func readDiskSize(v *value) (value, error) {
	switch v.kind {
	case kNum:
		return intValue(roundInt(v.s)), nil
	case kStr:
		n, err := parseUnit(v.s)
		return intValue(n), err
	}
	return value{}, errNumerical
}

// Units of parseUnit and their factors to MiB: single letters as they
// are, names in any case.
var (
	unitLetters = map[string]int64{"": 1, "m": 1, "M": 1, "g": 1024, "G": 1024, "t": 1 << 20, "T": 1 << 20}
	unitNames   = map[string]int64{"MIB": 1, "MB": 1, "GIB": 1024, "GB": 1024, "TIB": 1 << 20, "TB": 1 << 20}
)

// parseUnit reads "NUMBER [UNIT]" as Ganeti's parseUnitAssumeBinary.
func parseUnit(s string) (int64, error) {
	n, suffix, ok := readsInt(s)
	if !ok {
		return 0, fmt.Errorf("Can't parse string '%s'", s)
	}
	unit := trimLeftSpaces(suffix)
	scale, ok := unitLetters[unit]
	if !ok {
		scale, ok = unitNames[strings.ToUpper(unit)]
	}
	if !ok {
		return 0, fmt.Errorf("Unknown unit '%s'", unit)
	}
	return n * scale, nil
}

func trimLeftSpaces(s string) string {
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	return s
}
