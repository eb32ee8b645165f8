package opcodes

import (
	"math"
	"math/big"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// summaryRule names the parameter shown in an opcode's job summary and how
// luxid shows it (Ganeti's opSummaryVal; Python's OP_DSC_FIELD differs).
type summaryRule struct {
	param string
	show  func(v *value) string
}

var (
	showPlain  = func(v *value) string { return v.s }
	showDouble = func(v *value) string { return hsjson.FormatDouble(readDouble(v.s)) }
	// showTagKind shows the Haskell constructor of the tag kind.
	showTagKind = func(v *value) string { return tagKindConstructors[v.s] }
	// showOrNone shows an unset optional name as Python's None.
	showOrNone = func(v *value) string {
		if v.kind == kAbsent {
			return "None"
		}
		return v.s
	}
)

var tagKindConstructors = map[string]string{
	"instance": "TagKindInstance", "node": "TagKindNode", "nodegroup": "TagKindGroup",
	"cluster": "TagKindCluster", "network": "TagKindNetwork",
}

func plain(param string) summaryRule { return summaryRule{param: param, show: showPlain} }

// summaryRules lists the opcodes with a value in their summary. Ganeti
// leaves OP_INSTANCE_RENAME out on purpose.
var summaryRules = map[string]summaryRule{
	"OP_CLUSTER_VERIFY_GROUP":      plain("group_name"),
	"OP_GROUP_VERIFY_DISKS":        plain("group_name"),
	"OP_CLUSTER_RENAME":            plain("name"),
	"OP_QUERY":                     plain("what"),
	"OP_QUERY_FIELDS":              plain("what"),
	"OP_NODE_REMOVE":               plain("node_name"),
	"OP_NODE_ADD":                  plain("node_name"),
	"OP_NODE_MODIFY_STORAGE":       plain("node_name"),
	"OP_REPAIR_NODE_STORAGE":       plain("node_name"),
	"OP_NODE_SET_PARAMS":           plain("node_name"),
	"OP_NODE_POWERCYCLE":           plain("node_name"),
	"OP_NODE_MIGRATE":              plain("node_name"),
	"OP_NODE_EVACUATE":             plain("node_name"),
	"OP_INSTANCE_CREATE":           plain("instance_name"),
	"OP_INSTANCE_REINSTALL":        plain("instance_name"),
	"OP_INSTANCE_REMOVE":           plain("instance_name"),
	"OP_INSTANCE_STARTUP":          plain("instance_name"),
	"OP_INSTANCE_SHUTDOWN":         plain("instance_name"),
	"OP_INSTANCE_REBOOT":           plain("instance_name"),
	"OP_INSTANCE_REPLACE_DISKS":    plain("instance_name"),
	"OP_INSTANCE_FAILOVER":         plain("instance_name"),
	"OP_INSTANCE_MIGRATE":          plain("instance_name"),
	"OP_INSTANCE_MOVE":             plain("instance_name"),
	"OP_INSTANCE_CONSOLE":          plain("instance_name"),
	"OP_INSTANCE_ACTIVATE_DISKS":   plain("instance_name"),
	"OP_INSTANCE_DEACTIVATE_DISKS": plain("instance_name"),
	"OP_INSTANCE_RECREATE_DISKS":   plain("instance_name"),
	"OP_INSTANCE_SET_PARAMS":       plain("instance_name"),
	"OP_INSTANCE_GROW_DISK":        plain("instance_name"),
	"OP_INSTANCE_CHANGE_GROUP":     plain("instance_name"),
	"OP_GROUP_ADD":                 plain("group_name"),
	"OP_GROUP_ASSIGN_NODES":        plain("group_name"),
	"OP_GROUP_SET_PARAMS":          plain("group_name"),
	"OP_GROUP_REMOVE":              plain("group_name"),
	"OP_GROUP_EVACUATE":            plain("group_name"),
	"OP_BACKUP_PREPARE":            plain("instance_name"),
	"OP_BACKUP_EXPORT":             plain("instance_name"),
	"OP_BACKUP_REMOVE":             plain("instance_name"),
	"OP_TAGS_GET":                  {param: "kind", show: showTagKind},
	"OP_TAGS_SEARCH":               plain("pattern"),
	"OP_TEST_DELAY":                {param: "duration", show: showDouble},
	"OP_TEST_ALLOCATOR":            {param: "iallocator", show: showOrNone},
	"OP_NETWORK_ADD":               plain("network_name"),
	"OP_NETWORK_REMOVE":            plain("network_name"),
	"OP_NETWORK_SET_PARAMS":        plain("network_name"),
	"OP_NETWORK_CONNECT":           plain("network_name"),
	"OP_NETWORK_DISCONNECT":        plain("network_name"),
}

// summaryRulesOf lists, by release, the rules that differ from
// summaryRules.
var summaryRulesOf = map[string]map[string]summaryRule{
	// Ganeti 3.1 shows a delay in whole nanoseconds: TEST_DELAY(200000000 ns).
	"3.1": {"OP_TEST_DELAY": {param: "duration", show: showNanoseconds}},
}

// summaryRuleOf returns the summary rule of an opcode in a release.
func summaryRuleOf(release, opID string) summaryRule {
	if rule, ok := summaryRulesOf[release][opID]; ok {
		return rule
	}
	return summaryRules[opID]
}

// showNanoseconds shows a duration in seconds as whole nanoseconds, rounded
// half to even as Haskell's round does: "200000000 ns".
func showNanoseconds(v *value) string {
	ns := math.RoundToEven(readDouble(v.s) * 1e9)
	if math.IsInf(ns, 0) || math.IsNaN(ns) {
		return hsjson.FormatDouble(ns) + " ns"
	}
	n, _ := new(big.Float).SetFloat64(ns).Int(nil)
	return n.String() + " ns"
}

// Summary returns the opcode's entry in the job field "summary": the
// OP_ID without "OP_", and for some opcodes a parameter in parentheses,
// e.g. "TEST_DELAY(15.0)" or "INSTANCE_STARTUP(inst1.example.com)".
func (op *OpCode) Summary() string {
	name := op.def.ID[len("OP_"):]
	i := op.def.summaryParam
	if i < 0 {
		return name
	}
	return name + "(" + op.def.summary.show(&op.params[i]) + ")"
}

// invalidOp is the summary of an opcode without a usable OP_ID.
const invalidOp = "INVALID_OP"

// invalidSummary is the summary of an input that is not a valid opcode:
// its OP_ID minus the first three characters, or INVALID_OP.
func invalidSummary(v *value) string {
	if v.kind != kObj {
		return invalidOp
	}
	id, found := v.lookup(opIDKey)
	if !found || id.kind == kNull {
		return invalidOp
	}
	s, err := readString(id)
	if err != nil {
		return invalidOp
	}
	return dropRunes(s, 3)
}

// dropRunes drops the first n characters of s.
func dropRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[i:]
		}
		n--
	}
	return ""
}
