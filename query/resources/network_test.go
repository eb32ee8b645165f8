package resources

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/goluxid/goluxid/ganeti/objects"
)

// Golden config network and instance uuids.
const (
	networkUUID = "99f0128a-1c84-44da-90b9-9581ea00c075"
	inst1UUID   = "6c078d22-3eb6-4780-857d-81772e09eef1"
	inst2UUID   = "8fde9f6d-e1f1-4850-9e9c-154966f622f5"
	inst3UUID   = "4e091bdc-e205-4ed7-8a47-0c9130a6619f"
)

func networkPtr(s string) *string { return &s }

// networkConfig is the golden config with a second network, "net2",
// 10.0.0.0/29 written as a host address with leading zeros, connected to
// both groups, and instances with NICs on it.
func networkConfig(t *testing.T) *objects.ConfigData {
	t.Helper()
	cfg := goldenConfig(t)
	net2 := &objects.Network{
		Name:            "net2",
		UUID:            "00000000-0000-4000-8000-0000000000e2",
		Network:         "010.0.0.005/29",
		Gateway:         networkPtr("10.0.00.1"),
		Network6:        networkPtr("2001:db8::/64"),
		Gateway6:        networkPtr("2001:db8::1"),
		MACPrefix:       networkPtr("aa:00:00"),
		Reservations:    networkPtr("01100000"),
		ExtReservations: networkPtr("1000000011"), // longer than the subnet
		Tags:            []string{"b", "a"},
		Serial:          3,
		CTime:           1500000000.5,
	}
	cfg.Networks[net2.UUID] = net2
	cfg.NodeGroups[groupDefaultUUID].Networks = map[string]objects.PartialNICParams{
		net2.UUID: {Mode: networkPtr("bridged"), Link: networkPtr("br0")},
	}
	cfg.NodeGroups[groupAnotherUUID].Networks = map[string]objects.PartialNICParams{
		net2.UUID:   {Mode: networkPtr("openvswitch"), Link: networkPtr("sw"), VLAN: networkPtr(".100")},
		networkUUID: {},
	}
	// instance3 has two NICs on net2, instance1 one; instance2 none.
	cfg.Instances[inst3UUID].NICs = []*objects.NIC{{Network: &net2.UUID}, {Network: &net2.UUID}}
	cfg.Instances[inst1UUID].NICs = []*objects.NIC{{}, {Network: &net2.UUID}}
	return cfg
}

func TestNetworkFields(t *testing.T) {
	env := Env{Config: networkConfig(t)}
	got := nodeMustRun(t, env, "network", []string{"name", "network", "gateway", "network6", "gateway6", "mac_prefix",
		"free_count", "reserved_count", "map", "external_reservations", "group_list", "group_cnt", "inst_list", "inst_cnt",
		"tags", "serial_no", "ctime"}, "null")
	assert.Equal(t, `[`+
		`[[0,"a network"],[0,"203.0.113.0/24"],[3,null],[3,null],[3,null],[3,null],[0,254],[0,2],[0,"X`+strings.Repeat(".", 254)+`X"],`+
		`[0,"203.0.113.0, 203.0.113.255"],[0,[["another","-","-","-"]]],[0,1],[0,[]],[0,0],[0,[]],[0,1],[0,0]],`+
		`[[0,"net2"],[0,"10.0.0.5/29"],[0,"10.0.0.1"],[0,"2001:db8::/64"],[0,"2001:db8::1"],[0,"aa:00:00"],`+
		`[0,5],[0,5],[0,"XXX.....XX"],[0,"10.0.0.0, 10.0.0.8, 10.0.0.9"],`+
		`[0,[["default","bridged","br0","-"],["another","openvswitch","sw",".100"]]],[0,2],`+
		`[0,["instance3.example.com","instance1.example.com"]],[0,2],[0,["a","b"]],[0,3],[0,1.5000000005e9]]]`, got)
}

func TestNetworkPools(t *testing.T) {
	cases := []struct {
		name           string
		res, ext       *string
		free, reserved string
		mapping, ext2  string
	}{
		{"no pools", nil, nil, "0", "0", `""`, `""`},
		{"no reservations", nil, networkPtr("0101"), "0", "0", `""`, `"192.0.2.1, 192.0.2.3"`},
		{"no external", networkPtr("0101"), nil, "0", "0", `""`, `""`},
		{"both", networkPtr("0101"), networkPtr("0011"), "1", "3", `".XXX"`, `"192.0.2.2, 192.0.2.3"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := goldenConfig(t)
			net := cfg.Networks[networkUUID]
			net.Network, net.Reservations, net.ExtReservations = "192.0.2.0/30", tc.res, tc.ext
			got := nodeMustRun(t, Env{Config: cfg}, "network", []string{"free_count", "reserved_count", "map", "external_reservations"}, "null")
			assert.Equal(t, `[[[0,`+tc.free+`],[0,`+tc.reserved+`],[0,`+tc.mapping+`],[0,`+tc.ext2+`]]]`, got)
		})
	}
}

func TestNetworkAddresses(t *testing.T) {
	assert.Equal(t, "10.0.0.1", networkShowAddress("010.0.0.001"))
	assert.Equal(t, "0.1.2.3", networkShowAddress("256.1.2.3"), "octets wrap as Word8")
	assert.Equal(t, "not an address", networkShowAddress("not an address"))
	assert.Equal(t, "192.0.2.0/24", networkShowSubnet("192.0.2.0/24"))
	assert.Equal(t, "192.0.2.7/033", networkShowSubnet("192.0.2.7/033"))
	cfg := goldenConfig(t)
	net := cfg.Networks[networkUUID]
	net.Network, net.ExtReservations = "255.255.255.254/31", networkPtr("111")
	got := nodeMustRun(t, Env{Config: cfg}, "network", []string{"external_reservations"}, "null")
	assert.Equal(t, `[[[0,"255.255.255.254, 255.255.255.255, 0.0.0.0"]]]`, got, "addresses wrap around")
}

func TestNetworkLookupAndOrder(t *testing.T) {
	env := Env{Config: networkConfig(t)}
	assert.Equal(t, `[[[0,"a network"]],[[0,"net2"]]]`, nodeMustRun(t, env, "network", []string{"name"}, "null"))
	assert.Equal(t, `[[[0,"net2"]],[[0,"a network"]]]`, nodeMustRun(t, env, "network", []string{"name"}, `["|",["==","name","net2"],["==","name","a network"]]`))
	assert.Equal(t, `[[[0,"net2"]]]`, nodeMustRun(t, env, "network", []string{"name"}, `["=[]","inst_list","instance1.example.com"]`))
	_, err := nodeRun(t, env, "network", []string{"name"}, `["==","name","net"]`)
	assert.EqualError(t, err, "query: selecting items: OpPrereqError: (Network name net not found, unknown_entity)")
}
