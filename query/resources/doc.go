// Package resources defines the queryable kinds of items that come from the
// cluster configuration — nodes, instances, node groups, networks, exports
// and locks — as field tables and query resources of the query engine,
// with their live data fetched from the node daemons (or WConfd, for
// locks) only when a requested or filtered field needs it.
package resources
