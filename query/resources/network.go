package resources

import (
	"context"
	"strconv"
	"strings"

	"github.com/goluxid/goluxid/ganeti/objects"
	"github.com/goluxid/goluxid/query"
)

// The network resource: Ganeti's 19 network fields, all from the
// configuration.

func init() {
	register("network", func(env Env) (Queryable, error) { return networkResource{env: env}, nil })
}

// networkResource answers network queries over one environment.
type networkResource struct {
	env Env
}

// networkField is a field of the network table.
type networkField = query.Field[*objects.Network, struct{}]

// networkDefinitions is the network table without a configuration, for
// QueryFields.
var networkDefinitions = networkTableOf(nil)

// Query runs a Query over the networks.
func (r networkResource) Query(ctx context.Context, fields []string, flt *query.Filter) (*query.Result, error) {
	if r.env.Config == nil {
		return nil, errNodeNoConfig
	}
	s := nodeSnapshotOf(r.env.Config)
	s.buildNetworks()
	res := &query.Resource[*objects.Network, struct{}]{
		Table:     s.tables().netTable,
		NameField: "name",
		Select: func(_ context.Context, names []query.Value, _ []string) ([]*objects.Network, error) {
			return s.networks.selectItems(names)
		},
	}
	return res.Query(ctx, fields, flt)
}

// QueryFields answers QueryFields over the network fields.
func (networkResource) QueryFields(names []string) query.FieldsResult {
	return networkDefinitions.QueryFields(names)
}

// ClassicFields are the fields QueryNetworks matches names against.
func (networkResource) ClassicFields() []string { return []string{"name", "uuid"} }

// networkTableOf returns the network fields over snapshot s (nil:
// definitions only, the getters must not run).
func networkTableOf(s *nodeSnapshot) *query.Table[*objects.Network, struct{}] {
	conf := nodeConfField[*objects.Network, struct{}]
	fields := []networkField{
		conf("name", "Network", query.KindText, "Name",
			func(n *objects.Network) query.Cell { return query.Normal(n.Name) }),
		conf("network", "Subnet", query.KindText, "IPv4 subnet",
			func(n *objects.Network) query.Cell { return query.Normal(networkShowSubnet(n.Network)) }),
		conf("gateway", "Gateway", query.KindOther, "IPv4 gateway",
			func(n *objects.Network) query.Cell {
				if n.Gateway == nil {
					return query.Status(query.RSUnavail)
				}
				return query.Normal(networkShowAddress(*n.Gateway))
			}),
		conf("network6", "IPv6Subnet", query.KindOther, "IPv6 subnet",
			func(n *objects.Network) query.Cell { return nodeOptional(n.Network6) }),
		conf("gateway6", "IPv6Gateway", query.KindOther, "IPv6 gateway",
			func(n *objects.Network) query.Cell { return nodeOptional(n.Gateway6) }),
		conf("mac_prefix", "MacPrefix", query.KindOther, "MAC address prefix",
			func(n *objects.Network) query.Cell { return nodeOptional(n.MACPrefix) }),
		conf("free_count", "FreeCount", query.KindNumber, "Number of available addresses",
			func(n *objects.Network) query.Cell {
				bits := networkAllReservations(n)
				return query.Normal(len(bits) - networkCount(bits))
			}),
		conf("map", "Map", query.KindText, "Actual mapping",
			func(n *objects.Network) query.Cell {
				return query.Normal(networkMap(networkAllReservations(n)))
			}),
		conf("reserved_count", "ReservedCount", query.KindNumber, "Number of reserved addresses",
			func(n *objects.Network) query.Cell {
				return query.Normal(networkCount(networkAllReservations(n)))
			}),
		conf("group_list", "GroupList", query.KindOther, "List of nodegroups (group name, NIC mode, NIC link)",
			func(n *objects.Network) query.Cell { return query.Normal(networkGroupList(s.networkGroups[n.UUID])) }),
		conf("group_cnt", "NodeGroups", query.KindNumber, "Number of nodegroups",
			func(n *objects.Network) query.Cell { return query.Normal(len(s.networkGroups[n.UUID])) }),
		conf("inst_list", "InstanceList", query.KindOther, "List of instances",
			func(n *objects.Network) query.Cell { return query.Normal(nodeList(s.networkInsts[n.UUID])) }),
		conf("inst_cnt", "Instances", query.KindNumber, "Number of instances",
			func(n *objects.Network) query.Cell { return query.Normal(len(s.networkInsts[n.UUID])) }),
		conf("external_reservations", "ExternalReservations", query.KindText, "External reservations",
			func(n *objects.Network) query.Cell { return query.Normal(networkExternal(n)) }),
	}
	fields = append(fields, nodeObjectFields[*objects.Network, struct{}]("Network", func(n *objects.Network) nodeObject {
		return nodeObject{ctime: n.CTime, mtime: n.MTime, uuid: n.UUID, serial: n.Serial, tags: n.Tags}
	})...)
	return query.NewTable(fields...)
}

// networkGroupList returns the group connections, never nil.
func networkGroupList(groups [][]string) [][]string {
	if groups == nil {
		return [][]string{}
	}
	return groups
}

// networkAllReservations returns the union of the network's address pools
// (as long as the longer one); none when either pool is unset.
func networkAllReservations(n *objects.Network) []bool {
	if n.Reservations == nil || n.ExtReservations == nil {
		return nil
	}
	a, b := *n.Reservations, *n.ExtReservations
	bits := make([]bool, max(len(a), len(b)))
	for i := range bits {
		bits[i] = i < len(a) && a[i] == '1' || i < len(b) && b[i] == '1'
	}
	return bits
}

// networkCount counts the reserved addresses.
func networkCount(bits []bool) int {
	count := 0
	for _, b := range bits {
		if b {
			count++
		}
	}
	return count
}

// networkMap draws the pool: X for a reserved address, . for a free one.
func networkMap(bits []bool) string {
	var b strings.Builder
	b.Grow(len(bits))
	for _, set := range bits {
		if set {
			b.WriteByte('X')
		} else {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// networkExternal lists the externally reserved addresses, counted from
// the subnet's base address, joined by ", "; "" without that pool.
func networkExternal(n *objects.Network) string {
	if n.ExtReservations == nil {
		return ""
	}
	base, bits, ok := networkParseSubnet(n.Network)
	if !ok {
		return ""
	}
	base &^= uint32(uint64(1)<<(32-bits) - 1)
	var addrs []string
	for i, c := range *n.ExtReservations {
		if c == '1' {
			addrs = append(addrs, networkFormat(base+uint32(i)))
		}
	}
	return strings.Join(addrs, ", ")
}

// networkParseAddress reads a dotted IPv4 address as Ganeti does, each
// part a decimal number taken modulo 256.
func networkParseAddress(s string) (uint32, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return 0, false
	}
	var addr uint32
	for _, p := range parts {
		v, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return 0, false
		}
		addr = addr<<8 | uint32(v&0xff)
	}
	return addr, true
}

// networkParseSubnet reads "address/bits".
func networkParseSubnet(s string) (addr uint32, bits int, ok bool) {
	ip, mask, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	addr, ok = networkParseAddress(ip)
	bits, err := strconv.Atoi(mask)
	if !ok || err != nil || bits < 0 || bits > 32 {
		return 0, 0, false
	}
	return addr, bits, true
}

// networkFormat writes an IPv4 address in dotted form.
func networkFormat(addr uint32) string {
	return strconv.Itoa(int(addr>>24)) + "." + strconv.Itoa(int(addr>>16&0xff)) + "." +
		strconv.Itoa(int(addr>>8&0xff)) + "." + strconv.Itoa(int(addr&0xff))
}

// networkShowAddress writes an address as Ganeti shows the one it read
// ("010.0.0.1" as "10.0.0.1"); text it cannot read stays as it is.
func networkShowAddress(s string) string {
	if addr, ok := networkParseAddress(s); ok {
		return networkFormat(addr)
	}
	return s
}

// networkShowSubnet writes a subnet as Ganeti shows the one it read.
func networkShowSubnet(s string) string {
	if addr, bits, ok := networkParseSubnet(s); ok {
		return networkFormat(addr) + "/" + strconv.Itoa(bits)
	}
	return s
}
