package configgen

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/goluxid/goluxid/ganeti/objects"
)

// netSize is the number of addresses of each generated network (a /22).
const netSize = 1024

// netPool tracks the addresses of one network handed out to NICs.
type netPool struct {
	net      *objects.Network
	second   int    // second octet of the network's addresses
	reserved []byte // '0' or '1' per address
}

// addNetworks creates the networks 10.4k.0.0/22 (k = 0, 1, ...); every second one also
// has an IPv6 subnet. The network address, the gateway and the broadcast
// address are reserved externally.
func (g *generator) addNetworks() {
	for k := range g.opts.Networks {
		ext := []byte(strings.Repeat("0", netSize))
		ext[0], ext[1], ext[netSize-1] = '1', '1', '1'
		net := &objects.Network{
			Name:            fmt.Sprintf("net%d", k+1),
			Network:         fmt.Sprintf("10.%d.0.0/22", 4*k),
			Gateway:         ptr(fmt.Sprintf("10.%d.0.1", 4*k)),
			MACPrefix:       ptr(fmt.Sprintf("aa:%02x:00", k+1)),
			ExtReservations: ptr(string(ext)),
			UUID:            uuid(kindNetwork, k),
			CTime:           g.stamp(k),
			MTime:           g.stamp(k + 10),
			Serial:          1,
			Tags:            []string{fmt.Sprintf("vlan:%d", 100+k)},
		}
		if k%2 == 1 {
			net.Network6 = ptr(fmt.Sprintf("2001:db8:%x::/64", k))
			net.Gateway6 = ptr(fmt.Sprintf("2001:db8:%x::1", k))
		}
		g.pools = append(g.pools, &netPool{net: net, second: 4 * k, reserved: []byte(strings.Repeat("0", netSize))})
		g.cfg.Networks[net.UUID] = net
	}
}

// connect attaches nic to network i mod networks and reserves the next
// free address for it; a full network leaves the NIC unconnected.
func (g *generator) connect(nic *objects.NIC, i int) {
	if len(g.pools) == 0 {
		return
	}
	pool := g.pools[i%len(g.pools)]
	ext := *pool.net.ExtReservations
	for a := range netSize {
		if pool.reserved[a] == '0' && ext[a] == '0' {
			pool.reserved[a] = '1'
			nic.IP = ptr(fmt.Sprintf("10.%d.%d.%d", pool.second, a/256, a%256))
			nic.Network = ptr(pool.net.UUID)
			return
		}
	}
}

// finishNetworks writes the reservations made by connect.
func (g *generator) finishNetworks() {
	for _, pool := range g.pools {
		pool.net.Reservations = ptr(string(pool.reserved))
	}
}

// filterSpecs are the generated filter rules: predicates and action.
var filterSpecs = []struct{ predicates, action string }{
	{`[["opcode",["=","OP_ID","OP_INSTANCE_CREATE"]]]`, `"REJECT"`},
	{`[["jobid",[">","id","watermark"]]]`, `"PAUSE"`},
	{`[["opcode",["=","OP_ID","OP_INSTANCE_REPLACE_DISKS"]]]`, `["RATE_LIMIT",10]`},
	{`[["reason",["=~","reason","maintenance"]]]`, `"ACCEPT"`},
	{`[]`, `"CONTINUE"`},
}

// addFilters creates the filter rules, cycling through filterSpecs.
func (g *generator) addFilters() {
	for k := range g.opts.Filters {
		spec := filterSpecs[k%len(filterSpecs)]
		f := &objects.FilterRule{
			Watermark: int64(k),
			Priority:  10 * k,
			UUID:      uuid(kindFilter, k),
			ReasonTrail: []objects.ReasonEntry{
				{Source: "gnt:user", Reason: "generated", Timestamp: 1700000000000000000 + int64(k)},
			},
		}
		if err := json.Unmarshal([]byte(spec.predicates), &f.Predicates); err != nil {
			panic("configgen: bad filter spec: " + err.Error())
		}
		if err := json.Unmarshal([]byte(spec.action), &f.Action); err != nil {
			panic("configgen: bad filter spec: " + err.Error())
		}
		g.cfg.Filters[f.UUID] = f
	}
}
