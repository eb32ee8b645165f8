package objects

import "encoding/json"

// Network is one entry of "networks".
type Network struct {
	Name      string  `json:"name"`
	MACPrefix *string `json:"mac_prefix"`
	// Network is the IPv4 subnet, "a.b.c.d/n".
	Network  string  `json:"network"`
	Network6 *string `json:"network6"`
	Gateway  *string `json:"gateway"`
	Gateway6 *string `json:"gateway6"`
	// Reservations and ExtReservations are bit strings, one '0' or '1'
	// per address of the subnet.
	Reservations    *string   `json:"reservations"`
	ExtReservations *string   `json:"ext_reservations"`
	UUID            string    `json:"uuid"`
	CTime           Timestamp `json:"ctime"`
	MTime           Timestamp `json:"mtime"`
	Serial          int       `json:"serial_no"`
	Tags            []string  `json:"tags"`

	// Extra holds the keys this model does not know.
	Extra map[string]json.RawMessage `json:"-"`
	keys  keySet
}

// UnmarshalJSON keeps the keys read and any unknown ones.
func (n *Network) UnmarshalJSON(data []byte) error {
	return decodeObject(data, n, &n.keys, &n.Extra)
}

// MarshalJSON writes back what was read.
func (n Network) MarshalJSON() ([]byte, error) { return encodeObject(&n, n.keys, n.Extra) }
