package resources

import (
	"context"
	"errors"

	"github.com/goluxid/goluxid/ganeti/gerrors"
	"github.com/goluxid/goluxid/jqscheduler"
	"github.com/goluxid/goluxid/query"
)

// The filter resource: the job scheduler's filter rules of the
// configuration ("filters" in config.data), with Ganeti's six filter
// fields. The rules are parsed when the resource is made: rules that do
// not decode fail QueryFields as well as Query with a ConfigurationError.

func init() {
	register("filter", newFilterResource)
}

// errFilterNoConfig fails a filter query without a configuration; luxid
// answers ConfigurationError before getting here.
var errFilterNoConfig = errors.New("resources: filter query without a configuration")

// filterFieldDefs are the fields of filter rules, as Ganeti defines
// them.
var filterFieldDefs = []struct {
	def query.FieldDefinition
	get func(*jqscheduler.Rule) any
}{
	{query.FieldDefinition{Name: "action", Title: "Action", Kind: query.KindOther, Doc: "Filter action"}, func(r *jqscheduler.Rule) any { return r.Action }},
	{query.FieldDefinition{Name: "predicates", Title: "Predicates", Kind: query.KindOther, Doc: "List of filter predicates"}, func(r *jqscheduler.Rule) any { return nonNilList(r.Predicates) }},
	{query.FieldDefinition{Name: "priority", Title: "Priority", Kind: query.KindOther, Doc: "Filter priority"}, func(r *jqscheduler.Rule) any { return r.Priority }},
	{query.FieldDefinition{Name: "reason_trail", Title: "ReasonTrail", Kind: query.KindOther, Doc: "Reason why this filter was added"}, func(r *jqscheduler.Rule) any { return nonNilList(r.ReasonTrail) }},
	{query.FieldDefinition{Name: "uuid", Title: "UUID", Kind: query.KindOther, Doc: "Filter ID"}, func(r *jqscheduler.Rule) any { return r.UUID }},
	{query.FieldDefinition{Name: "watermark", Title: "Watermark", Kind: query.KindOther, Doc: "Highest job ID used at the time when the filter was added"}, func(r *jqscheduler.Rule) any { return r.Watermark }},
}

// nonNilList is list, or an empty list for nil: lists show as [], never
// as null.
func nonNilList[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// filterTable is the field table of filter rules.
var filterTable = func() *query.Table[*jqscheduler.Rule, struct{}] {
	var fields []query.Field[*jqscheduler.Rule, struct{}]
	for _, f := range filterFieldDefs {
		get := f.get
		fields = append(fields, query.Field[*jqscheduler.Rule, struct{}]{
			FieldDefinition: f.def,
			Get:             func(r *jqscheduler.Rule) query.Cell { return query.Normal(get(r)) },
		})
	}
	return query.NewTable(fields...)
}()

// filterResource answers filter queries over the rules of one
// configuration.
type filterResource struct {
	res *query.Resource[*jqscheduler.Rule, struct{}]
}

// newFilterResource parses the rules of env's configuration.
func newFilterResource(env Env) (Queryable, error) {
	if env.Config == nil {
		return nil, errFilterNoConfig
	}
	rules, err := jqscheduler.ParseRules(env.Config.Raw["filters"], env.RegexpDialect)
	if err != nil {
		return nil, gerrors.Configuration(err.Error())
	}
	all := rules.Rules()
	byUUID := make(map[string]*jqscheduler.Rule, len(all))
	for _, r := range all {
		byUUID[r.UUID] = r
	}
	lookup := func(uuid string) (*jqscheduler.Rule, error) {
		if r, ok := byUUID[uuid]; ok {
			return r, nil
		}
		return nil, gerrors.OpPrereq("Filter uuid "+uuid+" not found", gerrors.CodeNoEnt)
	}
	return filterResource{&query.Resource[*jqscheduler.Rule, struct{}]{
		Table:     filterTable,
		NameField: "uuid",
		Select: query.SelectByName(func() []*jqscheduler.Rule { return all },
			func(r *jqscheduler.Rule) string { return r.UUID }, lookup),
	}}, nil
}

// Query runs a Query over the rules.
func (r filterResource) Query(ctx context.Context, fields []string, flt *query.Filter) (*query.Result, error) {
	return r.res.Query(ctx, fields, flt)
}

// QueryFields answers QueryFields over the filter fields.
func (filterResource) QueryFields(names []string) query.FieldsResult {
	return filterTable.QueryFields(names)
}

// filterClassicFields is the field QueryFilters matches the requested
// uuids against; one shared slice, so that a request allocates none.
var filterClassicFields = []string{"uuid"}

// ClassicFields returns filterClassicFields; callers must not change it.
func (filterResource) ClassicFields() []string { return filterClassicFields }
