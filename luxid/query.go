package luxid

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/query"
	"github.com/goluxid/goluxid/query/resources"
)

// queryKinds are the kinds Query's "what" may name, as Ganeti's luxid
// parses them; "cluster" and "os" parse but are not served.
var queryKinds = map[string]bool{
	"job": true, "filter": true, "node": true, "instance": true, "group": true, "network": true,
	"export": true, "lock": true, "cluster": true, "os": true,
}

// unservedKinds are parsed by the real luxid but never answered.
var unservedKinds = map[string]string{"cluster": "QRCluster", "os": "QROs"}

// decodeQueryKind decodes the "what" argument of Query and QueryFields.
func decodeQueryKind(args, raw json.RawMessage) (string, error) {
	var what string
	if err := decodeArg(args, raw, &what); err != nil {
		return "", err
	}
	if _, ok := queryKinds[what]; !ok {
		return "", convertError(args, "Can't parse value '"+what+"' as neitherQueryTypeLuxi nor QueryTypeOp")
	}
	return what, nil
}

// queryMethod answers Query [what, fields, filter].
func (d *Dispatcher) queryMethod(c *call) (any, error) {
	what, fields, elems, err := decodeKindAndFields(c, 3)
	if err != nil {
		return nil, err
	}
	flt, err := d.parseFilter(c.args, elems[2])
	if err != nil {
		return nil, err
	}
	res, err := d.queryable(c, "Query", what)
	if err != nil {
		return nil, err
	}
	return res.Query(c.ctx, fields, flt)
}

// queryFields answers QueryFields [what, fields|null].
func (d *Dispatcher) queryFields(c *call) (any, error) {
	what, fields, _, err := decodeKindAndFields(c, 2)
	if err != nil {
		return nil, err
	}
	res, err := d.queryable(c, "QueryFields", what)
	if err != nil {
		return nil, err
	}
	return res.QueryFields(fields), nil
}

// decodeKindAndFields decodes the first two of n arguments, [what, fields,
// …], and returns all of them.
func decodeKindAndFields(c *call, n int) (string, []string, []json.RawMessage, error) {
	elems, err := argList(c.args)
	if err != nil {
		return "", nil, nil, err
	}
	if len(elems) != n {
		return "", nil, nil, convertError(c.args, fmt.Sprintf("expected %d arguments", n))
	}
	what, err := decodeQueryKind(c.args, elems[0])
	if err != nil {
		return "", nil, nil, err
	}
	var fields []string
	if err := decodeArg(c.args, elems[1], &fields); err != nil {
		return "", nil, nil, err
	}
	return what, fields, elems, nil
}

// queryable returns the resource of a query kind on the current
// configuration, or the real luxid's error for the kinds it does not serve.
func (d *Dispatcher) queryable(c *call, caller, what string) (resources.Queryable, error) {
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	if name, ok := unservedKinds[what]; ok {
		return nil, gerrors.Generic("%s 'ItemTypeOpCode %s' not supported", caller, name)
	}
	return d.resource(c, what)
}

// resource returns the resource of a query kind over the current
// configuration.
func (d *Dispatcher) resource(c *call, kind string) (resources.Queryable, error) {
	return resources.New(kind, d.resourceEnv(c))
}

// queryJobs answers QueryJobs [ids|null, fields]: plain rows, requested ids
// in request order.
func (d *Dispatcher) queryJobs(c *call) (any, error) {
	var ids []jobID
	var fields []string
	if err := decodeArgs(c.args, &ids, &fields); err != nil {
		return nil, err
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	names := make([]query.Value, len(ids))
	for i, id := range ids {
		names[i] = query.IntValue(int64(id))
	}
	return d.classicRows(c, "job", names, fields)
}

// parseFilter decodes a query filter argument in the installed release's
// dialect; a bad filter is a request-decoding failure.
func (d *Dispatcher) parseFilter(args, raw json.RawMessage) (*query.Filter, error) {
	flt, err := query.ParseFilter(raw, query.WithRegexpDialect(d.deps.RegexpDialect))
	var pe *query.ParseError
	if errors.As(err, &pe) {
		return nil, convertError(args, pe.Msg)
	}
	return flt, err
}

// resourceEnv is what the queries of the resources package read.
func (d *Dispatcher) resourceEnv(c *call) resources.Env {
	env := resources.Env{Config: c.cfg.Data, RPC: d.deps.RPC, Jobs: d.deps.Queue, Opcodes: d.deps.Opcodes,
		RegexpDialect: d.deps.RegexpDialect}
	if d.deps.WConfd != nil {
		env.Locks = d.deps.WConfd
	}
	return env
}

// classicQuery answers QueryNodes, QueryGroups, QueryNetworks and
// QueryInstances [names, fields, lock]: plain rows of the named items (all
// without names), unknown names left out.
func classicQuery(kind string) method {
	return func(d *Dispatcher, c *call) (any, error) {
		var names []string
		var fields []string
		var lock bool
		if err := decodeArgs(c.args, &names, &fields, &lock); err != nil {
			return nil, err
		}
		if names == nil {
			return nil, convertError(c.args, "Unable to read list")
		}
		return d.runClassic(c, kind, names, fields, lock)
	}
}

// queryExports answers QueryExports [nodes, lock]: [node, export] rows.
func (d *Dispatcher) queryExports(c *call) (any, error) {
	var nodes []string
	var lock bool
	if err := decodeArgs(c.args, &nodes, &lock); err != nil {
		return nil, err
	}
	return d.runClassic(c, "export", nodes, []string{"node", "export"}, lock)
}

// runClassic runs a classic query over the kind's resource.
func (d *Dispatcher) runClassic(c *call, kind string, names, fields []string, lock bool) (any, error) {
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	if err := query.CheckNoLock(lock); err != nil {
		return nil, err
	}
	values := make([]query.Value, len(names))
	for i, n := range names {
		values[i] = query.StringValue(n)
	}
	return d.classicRows(c, kind, values, fields)
}

// classicRows runs a classic query over the kind's resource: plain rows
// of the items named (all without names).
func (d *Dispatcher) classicRows(c *call, kind string, names []query.Value, fields []string) (any, error) {
	res, err := d.resource(c, kind)
	if err != nil {
		return nil, err
	}
	result, err := res.Query(c.ctx, fields, query.ClassicFilter(names, res.ClassicFields()...))
	if err != nil {
		return nil, err
	}
	return query.Compat(result)
}
