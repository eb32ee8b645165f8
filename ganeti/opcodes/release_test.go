package opcodes

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// schema31 is Ganeti 3.1's table.
var schema31 = MustForRelease("3.1")

func TestForReleaseKnowsTheServedReleases(t *testing.T) {
	assert.Equal(t, "3.0", schema30.Release())
	assert.Equal(t, "3.1", schema31.Release())
	_, err := ForRelease("2.16")
	assert.ErrorIs(t, err, ErrUnknownRelease)
	assert.PanicsWithError(t, "opcodes: no opcode table for this Ganeti release 2.16",
		func() { MustForRelease("2.16") })
}

// TestReleasesDiffer checks what Ganeti 3.1 changed against 3.0, on both
// tables: the same input is valid in one and refused by the other, or
// gets other defaults written into the job file.
func TestReleasesDiffer(t *testing.T) {
	tests := []struct {
		name, op       string
		want30, want31 string // canonical form; "" when refused
		err30, err31   string // error when refused
	}{
		{name: "OP_NETWORK_RENAME is new",
			op:     `{"OP_ID":"OP_NETWORK_RENAME","reason":[],"network_name":"a","new_name":"b"}`,
			err30:  "Unknown opcode OP_NETWORK_RENAME",
			want31: `{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_NETWORK_RENAME","network_name":"a","new_name":"b"}`},
		{name: "is_strict on verify-disks",
			op:     `{"OP_ID":"OP_GROUP_VERIFY_DISKS","reason":[],"group_name":"g","is_strict":false}`,
			err30:  `Superfluous dictionary keys: ["is_strict"]`,
			want31: `{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_GROUP_VERIFY_DISKS","group_name":"g","is_strict":false}`},
		{name: "is_strict defaults to true",
			op:     `{"OP_ID":"OP_CLUSTER_VERIFY_DISKS","reason":[]}`,
			want30: `{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_CLUSTER_VERIFY_DISKS"}`,
			want31: `{"priority":0,"depends":null,"comment":null,"reason":[],"OP_ID":"OP_CLUSTER_VERIFY_DISKS","is_strict":true}`},
		{name: "hotplug_if_possible is gone",
			op:    `{"OP_ID":"OP_INSTANCE_SET_PARAMS","reason":[],"instance_name":"i","hotplug_if_possible":true}`,
			err31: `Superfluous dictionary keys: ["hotplug_if_possible"]`},
		{name: "skip_checks takes hvparam_assessment",
			op:    `{"OP_ID":"OP_CLUSTER_VERIFY","reason":[],"skip_checks":["hvparam_assessment"]}`,
			err30: "hvparam_assessment"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, side := range []struct {
				s         *Schema
				want, err string
			}{{schema30, tc.want30, tc.err30}, {schema31, tc.want31, tc.err31}} {
				op, err := side.s.Validate([]byte(tc.op))
				if side.err != "" {
					require.Error(t, err, "Ganeti %s", side.s.Release())
					assert.Contains(t, err.Error(), side.err, "Ganeti %s", side.s.Release())
					continue
				}
				require.NoError(t, err, "Ganeti %s", side.s.Release())
				if side.want != "" {
					got, err := op.MarshalJSON()
					require.NoError(t, err)
					assert.Equal(t, side.want, string(got), "Ganeti %s", side.s.Release())
				}
			}
		})
	}
}

// TestDefaultsOf31 checks the defaults 3.1 changed, as written into the
// job file.
func TestDefaultsOf31(t *testing.T) {
	tests := []struct {
		op  string
		key string
		v30 string
		v31 string
	}{
		{`{"OP_ID":"OP_INSTANCE_SET_PARAMS","reason":[],"instance_name":"i"}`, `"hotplug":`, `"hotplug":false`, `"hotplug":true`},
		{`{"OP_ID":"OP_INSTANCE_RENAME","reason":[],"instance_name":"i","new_name":"j"}`, `"name_check":`, `"name_check":true`, `"name_check":false`},
		{`{"OP_ID":"OP_INSTANCE_RENAME","reason":[],"instance_name":"i","new_name":"j"}`, `"ip_check":`, `"ip_check":true`, `"ip_check":false`},
	}
	for _, tc := range tests {
		for _, side := range []struct {
			s    *Schema
			want string
		}{{schema30, tc.v30}, {schema31, tc.v31}} {
			op, err := side.s.Validate([]byte(tc.op))
			require.NoError(t, err)
			got, err := op.MarshalJSON()
			require.NoError(t, err)
			assert.Contains(t, string(got), side.want, "Ganeti %s: %s", side.s.Release(), got)
		}
	}
}

// TestSummaryOf31 checks 3.1's summary of OP_TEST_DELAY: whole
// nanoseconds, as the real 3.1 luxid showed them for gnt-debug delay.
func TestSummaryOf31(t *testing.T) {
	tests := []struct{ duration, want string }{
		{"0.1", "TEST_DELAY(100000000 ns)"},
		{"0.2", "TEST_DELAY(200000000 ns)"},
		{"15", "TEST_DELAY(15000000000 ns)"},
		{"0", "TEST_DELAY(0 ns)"},
		{"1e-9", "TEST_DELAY(1 ns)"},
		{"2.5e-9", "TEST_DELAY(2 ns)"},
		{"1e12", "TEST_DELAY(1000000000000000000000 ns)"},
	}
	for _, tc := range tests {
		t.Run(tc.duration, func(t *testing.T) {
			op, err := schema31.Validate([]byte(`{"OP_ID":"OP_TEST_DELAY","reason":[],"duration":` + tc.duration + `}`))
			require.NoError(t, err)
			assert.Equal(t, tc.want, op.Summary())
		})
	}
}
