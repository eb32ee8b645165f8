// Package resources defines the queryable kinds of items — nodes,
// instances, node groups, networks, exports and locks from the cluster
// configuration, the job scheduler's filter rules from its "filters"
// object, and jobs from the job queue — as field tables and query
// resources of the query engine, with their live data fetched only when a
// requested or filtered field needs it: from the node daemons, from WConfd
// for locks, and from the job files for every job field but the id.
package resources
