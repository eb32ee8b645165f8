package objects

import (
	"errors"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// This file writes values as the Haskell luxid puts them in query results
// and QueryClusterInfo: records in Ganeti's declaration order, maps in key
// byte order, hypervisor-keyed maps in Ganeti's hypervisor order, tag sets
// sorted, numbers as exact rationals (integral ones as integers, others as
// Haskell's show), and timestamps through picoseconds.

// Double is a floating-point value written as the Haskell daemons write
// numbers: an integral value as a plain integer ("1" for 1.0), any other
// in Haskell's show notation ("1.349722460022264e9").
type Double float64

// errNotFinite is returned for NaN and infinities, which JSON cannot hold.
var errNotFinite = errors.New("objects: NaN or infinite number")

// MarshalJSON writes d as described on Double.
func (d Double) MarshalJSON() ([]byte, error) {
	x := float64(d)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return nil, errNotFinite
	case x != math.Trunc(x):
		return []byte(hsjson.FormatDouble(x)), nil
	case math.Abs(x) < 1<<62:
		return strconv.AppendInt(nil, int64(x), 10), nil
	default:
		return []byte(new(big.Float).SetFloat64(x).Text('f', 0)), nil
	}
}

// Timestamp is a config object's ctime or mtime: seconds since the epoch,
// stored as a float.
type Timestamp float64

// EncodeTimestamp returns t as luxid answers it. luxid reads a stored time
// into whole seconds and picoseconds (round(t × 10¹²), split with floor
// division) and writes secs + picos/10¹² back as a Double, which can
// differ from the stored value in the last digit.
func EncodeTimestamp(t Timestamp) Double {
	product := math.RoundToEven(float64(t) * 1e12)
	if math.IsNaN(product) || math.IsInf(product, 0) {
		return Double(t)
	}
	total, _ := new(big.Float).SetFloat64(product).Int(nil)
	secs, picos := new(big.Int).DivMod(total, big.NewInt(1e12), new(big.Int))
	s, _ := new(big.Float).SetInt(secs).Float64()
	return Double(s + float64(picos.Int64())/1e12)
}

// EncodeTags returns a tag list as the set luxid answers: sorted by byte
// order, each tag once, never nil.
func EncodeTags(tags []string) []string {
	out := slices.Clone(tags)
	slices.Sort(out)
	return append([]string{}, slices.Compact(out)...)
}

// encodeRecord writes a parameter record in declaration order: pointer
// fields only when set, floats as Double.
func encodeRecord(v any) hsjson.Object {
	rv := reflect.ValueOf(v)
	c := codecFor(rv.Type())
	obj := make(hsjson.Object, 0, len(c.fields))
	for _, f := range c.fields {
		fv := rv.Field(f.index)
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				continue
			}
			fv = fv.Elem()
		}
		var val any = fv.Interface()
		if fv.Kind() == reflect.Float64 {
			val = Double(fv.Float())
		}
		obj = append(obj, hsjson.Field{Key: f.key, Value: val})
	}
	return obj
}

// EncodeNDParams writes filled node parameters (node and group
// "ndparams", the cluster's ndparams).
func EncodeNDParams(p FilledNDParams) hsjson.Object { return encodeRecord(p) }

// EncodePartialNDParams writes the node parameters an object sets
// ("custom_ndparams").
func EncodePartialNDParams(p PartialNDParams) hsjson.Object { return encodeRecord(p) }

// EncodeBEParams writes filled backend parameters (instance "beparams").
func EncodeBEParams(p FilledBEParams) hsjson.Object { return encodeRecord(p) }

// EncodePartialBEParams writes the backend parameters an instance sets
// ("custom_beparams").
func EncodePartialBEParams(p PartialBEParams) hsjson.Object { return encodeRecord(p) }

// EncodeNICParams writes filled NIC parameters.
func EncodeNICParams(p FilledNICParams) hsjson.Object { return encodeRecord(p) }

// EncodePartialNICParams writes the NIC parameters a NIC sets (elements
// of "custom_nicparams").
func EncodePartialNICParams(p PartialNICParams) hsjson.Object { return encodeRecord(p) }

// EncodeClusterBEParams writes the cluster's beparams groups (in
// QueryClusterInfo): group names in byte order, each group a filled
// record.
func EncodeClusterBEParams(c *Cluster) map[string]hsjson.Object {
	out := make(map[string]hsjson.Object, len(c.BEParams))
	for name, p := range c.BEParams {
		out[name] = EncodeBEParams(FillBEParams(DefaultBEParams(), p))
	}
	return out
}

// EncodeClusterNICParams writes the cluster's nicparams groups (in
// QueryClusterInfo): group names in byte order, each group a filled
// record.
func EncodeClusterNICParams(c *Cluster) map[string]hsjson.Object {
	out := make(map[string]hsjson.Object, len(c.NICParams))
	for name, p := range c.NICParams {
		out[name] = EncodeNICParams(FillNICParams(DefaultNICParams(), p))
	}
	return out
}

// EncodeISpec writes filled instance specs.
func EncodeISpec(p FilledISpecParams) hsjson.Object { return encodeRecord(p) }

// EncodePartialISpec writes the instance specs a policy sets.
func EncodePartialISpec(p PartialISpecParams) hsjson.Object { return encodeRecord(p) }

// EncodeIPolicy writes a filled instance policy (group "ipolicy", the
// cluster's ipolicy).
func EncodeIPolicy(p FilledIPolicy) hsjson.Object {
	minmax := make([]hsjson.Object, len(p.MinMax))
	for i, mm := range p.MinMax {
		minmax[i] = hsjson.Object{{Key: "min", Value: EncodeISpec(mm.Min)}, {Key: "max", Value: EncodeISpec(mm.Max)}}
	}
	return hsjson.Object{
		{Key: "minmax", Value: minmax},
		{Key: "std", Value: EncodeISpec(p.Std)},
		{Key: "spindle-ratio", Value: Double(p.SpindleRatio)},
		{Key: "vcpu-ratio", Value: Double(p.VCPURatio)},
		{Key: "disk-templates", Value: nonNil(p.DiskTemplates)},
	}
}

// EncodePartialIPolicy writes the policy values a group sets
// ("custom_ipolicy"). A group's minmax specs are always complete in
// Ganeti, so they are written filled.
func EncodePartialIPolicy(p PartialIPolicy) hsjson.Object {
	var obj hsjson.Object
	if p.MinMax != nil {
		minmax := make([]hsjson.Object, len(p.MinMax))
		for i, mm := range p.MinMax {
			minmax[i] = hsjson.Object{{Key: "min", Value: EncodePartialISpec(mm.Min)}, {Key: "max", Value: EncodePartialISpec(mm.Max)}}
		}
		obj = append(obj, hsjson.Field{Key: "minmax", Value: minmax})
	}
	if p.Std != nil {
		obj = append(obj, hsjson.Field{Key: "std", Value: EncodePartialISpec(*p.Std)})
	}
	if p.SpindleRatio != nil {
		obj = append(obj, hsjson.Field{Key: "spindle-ratio", Value: Double(*p.SpindleRatio)})
	}
	if p.VCPURatio != nil {
		obj = append(obj, hsjson.Field{Key: "vcpu-ratio", Value: Double(*p.VCPURatio)})
	}
	if p.DiskTemplates != nil {
		obj = append(obj, hsjson.Field{Key: "disk-templates", Value: p.DiskTemplates})
	}
	return append(hsjson.Object{}, obj...)
}

// EncodeHVParams writes a map keyed by hypervisor name, such as the
// cluster's hvparams or one OS's entry of os_hvp, in Ganeti's hypervisor
// order (Hypervisors). Names Ganeti does not know come last, in byte
// order.
func EncodeHVParams(m map[string]Params) hsjson.Object {
	obj := make(hsjson.Object, 0, len(m))
	for _, hv := range Hypervisors {
		if v, ok := m[hv]; ok {
			obj = append(obj, hsjson.Field{Key: hv, Value: EncodeParams(v)})
		}
	}
	var unknown []string
	for k := range m {
		if !slices.Contains(Hypervisors, k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		obj = append(obj, hsjson.Field{Key: k, Value: EncodeParams(m[k])})
	}
	return obj
}

// EncodeOSHVP writes the cluster's os_hvp: OS names in byte order, each
// with its hypervisor map in hypervisor order.
func EncodeOSHVP(m map[string]map[string]Params) map[string]hsjson.Object {
	out := make(map[string]hsjson.Object, len(m))
	for os, hvs := range m {
		out[os] = EncodeHVParams(hvs)
	}
	return out
}

// EncodeParamsMap writes a map of parameter maps (the cluster's osparams
// or diskparams, a group's diskparams): both levels in byte order.
func EncodeParamsMap(m map[string]Params) map[string]map[string]Value {
	out := make(map[string]map[string]Value, len(m))
	for k, p := range m {
		out[k] = EncodeParams(p)
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
