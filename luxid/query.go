package luxid

import (
	"encoding/json"
	"errors"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/query"
)

// queryKinds maps Query's "what" to whether goluxid answers it yet; every
// kind Ganeti's luxid parses is listed, those it does not serve answer as
// it does.
var queryKinds = map[string]bool{
	"job": true, "filter": true, "node": false, "instance": false, "group": false, "network": false,
	"export": false, "lock": false, "cluster": false, "os": false,
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
	elems, err := argList(c.args)
	if err != nil {
		return nil, err
	}
	if len(elems) != 3 {
		return nil, convertError(c.args, "expected 3 arguments")
	}
	what, err := decodeQueryKind(c.args, elems[0])
	if err != nil {
		return nil, err
	}
	var fields []string
	if err := decodeArg(c.args, elems[1], &fields); err != nil {
		return nil, err
	}
	flt, err := parseFilter(c.args, elems[2])
	if err != nil {
		return nil, err
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	if name, ok := unservedKinds[what]; ok {
		return nil, gerrors.Generic("Query 'ItemTypeOpCode %s' not supported", name)
	}
	switch {
	case what == "filter":
		res, err := d.filterResource(c)
		if err != nil {
			return nil, err
		}
		return res.Query(c.ctx, fields, flt)
	case !queryKinds[what]:
		return nil, notImplemented("Query " + what)
	}
	return d.jobResource().Query(c.ctx, fields, flt)
}

// queryFields answers QueryFields [what, fields|null].
func (d *Dispatcher) queryFields(c *call) (any, error) {
	elems, err := argList(c.args)
	if err != nil {
		return nil, err
	}
	if len(elems) != 2 {
		return nil, convertError(c.args, "expected 2 arguments")
	}
	what, err := decodeQueryKind(c.args, elems[0])
	if err != nil {
		return nil, err
	}
	var fields []string
	if err := decodeArg(c.args, elems[1], &fields); err != nil {
		return nil, err
	}
	if err := c.needConfig(); err != nil {
		return nil, err
	}
	if name, ok := unservedKinds[what]; ok {
		return nil, gerrors.Generic("QueryFields 'ItemTypeOpCode %s' not supported", name)
	}
	switch {
	case what == "filter":
		return filterTable.QueryFields(fields), nil
	case !queryKinds[what]:
		return nil, notImplemented("QueryFields " + what)
	}
	return d.jobResource().Table.QueryFields(fields), nil
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
	res, err := d.jobResource().Query(c.ctx, fields, query.ClassicFilter(names, "id"))
	if err != nil {
		return nil, err
	}
	return query.Compat(res)
}

// parseFilter decodes a query filter argument; a bad filter is a
// request-decoding failure.
func parseFilter(args, raw json.RawMessage) (*query.Filter, error) {
	flt, err := query.ParseFilter(raw)
	var pe *query.ParseError
	if errors.As(err, &pe) {
		return nil, convertError(args, pe.Msg)
	}
	return flt, err
}
