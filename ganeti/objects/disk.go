package objects

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// Disk is one entry of "disks" (since Ganeti 2.12 disks live at top level
// and instances list their uuids), or a child of another disk. A
// forthcoming disk (one being created) may lack most fields.
type Disk struct {
	Forthcoming bool `json:"forthcoming,omitempty"`
	// LogicalID is read according to DevType.
	LogicalID LogicalID `json:"logical_id"`
	// DevType is the disk template the disk belongs to.
	DevType  string  `json:"dev_type"`
	Children []*Disk `json:"children"`
	// Nodes lists the uuids of the nodes the disk lives on.
	Nodes    []string  `json:"nodes"`
	IVName   string    `json:"iv_name,omitempty"`
	Size     int       `json:"size"`
	Mode     string    `json:"mode,omitempty"`
	Name     *string   `json:"name"`
	Spindles *int      `json:"spindles"`
	Params   Params    `json:"params"`
	UUID     string    `json:"uuid"`
	Serial   int       `json:"serial_no"`
	CTime    Timestamp `json:"ctime"`
	MTime    Timestamp `json:"mtime"`

	// Extra holds the keys this model does not know (physical_id, which
	// Ganeti dropped in 2.16, lands here).
	Extra map[string]json.RawMessage `json:"-"`
	keys  keySet
}

// Disk access modes.
const (
	DiskReadWrite = "rw"
	DiskReadOnly  = "ro"
)

// LogicalID is a disk's "logical_id", a JSON list whose shape depends on
// the disk template. Exactly one field is set on a loaded disk.
type LogicalID struct {
	// Volume is set for plain disks: [volume group, logical volume].
	Volume *LogicalVolume
	// DRBD is set for drbd disks.
	DRBD *DRBDLogicalID
	// Path is set for file, sharedfile, gluster and blockdev disks:
	// [driver, path].
	Path *PathLogicalID
	// Named is set for rbd disks ([pool, volume name]) and ext disks
	// ([provider, volume name]).
	Named *NamedLogicalID

	// raw is the list as read, until the owning disk knows its template.
	raw []json.RawMessage
}

// LogicalVolume names an LVM volume.
type LogicalVolume struct {
	VG, LV string
}

// DRBDLogicalID is [node A, node B, port, minor A, minor B, secret].
type DRBDLogicalID struct {
	NodeA, NodeB   string
	Port           int
	MinorA, MinorB int
	Secret         string
}

// PathLogicalID is [driver, path] of file-backed and block device disks.
type PathLogicalID struct {
	Driver, Path string
}

// NamedLogicalID is [owner, name]: the pool of an rbd volume or the
// provider of an ext volume, and the volume's name.
type NamedLogicalID struct {
	Owner, Name string
}

// UnmarshalJSON keeps the keys read and any unknown ones, and reads the
// logical id according to the disk template.
func (d *Disk) UnmarshalJSON(data []byte) error {
	if err := decodeObject(data, d, &d.keys, &d.Extra); err != nil {
		return err
	}
	if d.LogicalID.raw == nil {
		return nil
	}
	if err := d.LogicalID.resolve(d.DevType); err != nil {
		return fmt.Errorf("disk %s: %w", d.UUID, err)
	}
	return nil
}

// MarshalJSON writes back what was read.
func (d Disk) MarshalJSON() ([]byte, error) { return encodeObject(&d, d.keys, d.Extra) }

// UnmarshalJSON keeps the list until the disk template is known.
func (l *LogicalID) UnmarshalJSON(data []byte) error {
	*l = LogicalID{}
	data = bytes.Clone(data)
	if i := skipSpace(data, 0); i >= len(data) || data[i] != '[' {
		return fmt.Errorf("logical_id is not a list: %.20s", data)
	}
	l.raw = []json.RawMessage{}
	for _, e := range splitArray(data) {
		l.raw = append(l.raw, e)
	}
	return nil
}

// resolve reads the kept list in the shape of template devType.
func (l *LogicalID) resolve(devType string) error {
	raw := l.raw
	l.raw = nil
	var err error
	switch devType {
	case DTPlain:
		l.Volume = &LogicalVolume{}
		err = unmarshalList(raw, &l.Volume.VG, &l.Volume.LV)
	case DTDrbd:
		v := &DRBDLogicalID{}
		l.DRBD = v
		err = unmarshalList(raw, &v.NodeA, &v.NodeB, &v.Port, &v.MinorA, &v.MinorB, &v.Secret)
	case DTFile, DTSharedFile, DTGluster, DTBlock:
		l.Path = &PathLogicalID{}
		err = unmarshalList(raw, &l.Path.Driver, &l.Path.Path)
	case DTRbd, DTExt:
		l.Named = &NamedLogicalID{}
		err = unmarshalList(raw, &l.Named.Owner, &l.Named.Name)
	default:
		return fmt.Errorf("logical_id for unknown dev_type %q", devType)
	}
	if err != nil {
		return fmt.Errorf("can't read logical_id for %s type: %w", devType, err)
	}
	return nil
}

// unmarshalList decodes the elements of a list into dst, which must be as
// long as the list.
func unmarshalList(raw []json.RawMessage, dst ...any) error {
	if len(raw) != len(dst) {
		return fmt.Errorf("expected %d elements, got %d", len(dst), len(raw))
	}
	for i, r := range raw {
		if err := decodeValue(r, reflect.ValueOf(dst[i]).Elem()); err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
	}
	return nil
}

// MarshalJSON writes the list in the shape of whichever field is set.
func (l LogicalID) MarshalJSON() ([]byte, error) {
	switch {
	case l.Volume != nil:
		return hsjson.Marshal([]any{l.Volume.VG, l.Volume.LV})
	case l.DRBD != nil:
		v := l.DRBD
		return hsjson.Marshal([]any{v.NodeA, v.NodeB, v.Port, v.MinorA, v.MinorB, v.Secret})
	case l.Path != nil:
		return hsjson.Marshal([]any{l.Path.Driver, l.Path.Path})
	case l.Named != nil:
		return hsjson.Marshal([]any{l.Named.Owner, l.Named.Name})
	case l.raw != nil:
		return hsjson.Marshal(l.raw)
	}
	return []byte("null"), nil
}
