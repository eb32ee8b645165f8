package opcodes

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/goluxid/goluxid/internal/hsjson"
)

// The opcode tables of the releases goluxid serves, generated from each
// release's Python definitions.
var (
	//go:embed opcodes-3.0.json
	table30 []byte
	//go:embed opcodes-3.1.json
	table31 []byte
)

// tableJSON maps a release (Ganeti's DIR_VERSION) to its table.
var tableJSON = map[string][]byte{"3.0": table30, "3.1": table31}

// Type is a parameter type as Ganeti's Python type checks describe it (see
// internal/opgen for the kinds). Name is the Haskell type the check was
// generated from, where the check has a name in ganeti/ht.py.
type Type struct {
	Kind     string           `json:"k"`
	Name     string           `json:"name,omitempty"`
	Of       []*Type          `json:"of,omitempty"`
	Values   []any            `json:"values,omitempty"`
	N        int64            `json:"n,omitempty"`
	Pattern  string           `json:"pattern,omitempty"`
	Relative bool             `json:"relative,omitempty"`
	Fields   map[string]*Type `json:"fields,omitempty"`
	// Unmapped is the Python check a kind "any" stands for, when the
	// generator could not map it.
	Unmapped string `json:"unmapped,omitempty"`
}

// Param is one parameter of an opcode.
type Param struct {
	Name string `json:"name"`
	Type *Type  `json:"type"`
	// Default is the value luxid fills in when the parameter is missing or
	// null; nil if there is none.
	Default json.RawMessage `json:"default,omitempty"`
	// Required parameters have no default and may not be null.
	Required bool `json:"required"`
	// Secret parameters are written to the job file as "<redacted>".
	Secret bool   `json:"secret,omitempty"`
	Doc    string `json:"doc"`
}

// Def is the definition of one opcode.
type Def struct {
	ID    string `json:"id"`
	Class string `json:"class"`
	// DscField is Python's OP_DSC_FIELD; luxid's job summary follows its
	// own list (see Summary).
	DscField string  `json:"dsc_field"`
	Result   *Type   `json:"result"`
	Params   []Param `json:"params"`

	record    *record
	allowed   []string // all keys the opcode accepts, sorted
	secret    int      // index of the secret parameter, or -1
	reasonSrc string   // the reason source luxid appends at submission
	summary   summaryRule
	// summaryParam is the index of the parameter in the summary, or -1.
	summaryParam int
}

// Schema is the opcode table of one Ganeti release: what luxid of that
// release accepts at submission and the defaults it writes into job files.
// A Schema never changes after it is loaded.
type Schema struct {
	// release is the Ganeti release (DIR_VERSION) the table belongs to.
	release  string
	Source   string     `json:"source"`
	Common   []Param    `json:"common"`
	Opcodes  []*Def     `json:"opcodes"`
	Unmapped []Unmapped `json:"unmapped"`

	byID map[string]*Def
	// reader reads opcodes, interning every key the schema knows.
	reader *hsjson.Reader[value]
}

// Unmapped is a Python type check the generator could not map, and where
// it is used.
type Unmapped struct {
	Check string   `json:"check"`
	In    []string `json:"in"`
}

// ErrUnknownRelease reports a release without an opcode table.
var ErrUnknownRelease = errors.New("opcodes: no opcode table for this Ganeti release")

// schemas holds each release's table, decoded on first use.
var schemas = func() map[string]func() (*Schema, error) {
	m := make(map[string]func() (*Schema, error), len(tableJSON))
	for release, data := range tableJSON {
		m[release] = sync.OnceValues(func() (*Schema, error) { return loadTable(release, data) })
	}
	return m
}()

// ForRelease returns the opcode table of a Ganeti release ("3.0", "3.1").
func ForRelease(release string) (*Schema, error) {
	load, ok := schemas[release]
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownRelease, release)
	}
	s, err := load()
	if err != nil {
		return nil, fmt.Errorf("opcodes: embedded table of Ganeti %s: %w", release, err)
	}
	return s, nil
}

// loadTable decodes and compiles a generated table.
func loadTable(release string, data []byte) (*Schema, error) {
	t := &Schema{release: release}
	if err := json.Unmarshal(data, t); err != nil {
		return nil, fmt.Errorf("decoding: %w", err)
	}
	t.byID = make(map[string]*Def, len(t.Opcodes))
	keys := make(map[string]string)
	for _, k := range append(commonKeys[:], opIDKey) {
		keys[k] = k
	}
	for _, d := range t.Opcodes {
		if err := d.compile(release); err != nil {
			return nil, fmt.Errorf("%s: %w", d.ID, err)
		}
		t.byID[d.ID] = d
		for _, p := range d.Params {
			keys[p.Name] = p.Name
		}
	}
	t.reader = newReader(keys)
	return t, nil
}

// compile builds the decoder of the opcode's parameters.
func (d *Def) compile(release string) error {
	fields := make([]field, len(d.Params))
	d.secret = -1
	for i := range d.Params {
		p := &d.Params[i]
		f, err := paramField(p)
		if err != nil {
			return fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		fields[i] = f
		if p.Secret {
			d.secret = i
		}
	}
	d.record = newRecord(fields, false)
	d.allowed = append(append(append([]string{}, commonKeys[:]...), opIDKey), d.record.names...)
	sort.Strings(d.allowed)
	d.reasonSrc = reasonSourcePrefix + lowerOpName(d.ID)
	d.summary, d.summaryParam = summaryRuleOf(release, d.ID), -1
	if d.summary.param != "" {
		d.summaryParam = d.paramIndex(d.summary.param)
		if d.summaryParam < 0 {
			return fmt.Errorf("summary parameter %s is not a parameter", d.summary.param)
		}
	}
	return nil
}

// paramIndex returns the index of the named parameter, or -1.
func (d *Def) paramIndex(name string) int {
	for i := range d.Params {
		if d.Params[i].Name == name {
			return i
		}
	}
	return -1
}

// paramField turns a parameter into a record field.
func paramField(p *Param) (field, error) {
	t := p.Type
	mode := modeRequired
	switch {
	case p.Default != nil:
		mode = modeDefault
	case t.Kind == "maybe":
		mode, t = modeOmit, t.Of[0]
	case !p.Required:
		return field{}, fmt.Errorf("neither required nor optional")
	}
	typ, err := compileType(t)
	if err != nil {
		return field{}, err
	}
	f := field{name: p.Name, typ: typ, mode: mode}
	if mode == modeDefault {
		raw, err := parseJSON(p.Default, nil)
		if err != nil {
			return field{}, fmt.Errorf("default: %w", err)
		}
		if f.def, err = typ.read(&raw); err != nil {
			return field{}, fmt.Errorf("default %s: %w", p.Default, err)
		}
	}
	return f, nil
}
