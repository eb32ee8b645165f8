// Package objects is Ganeti's configuration model: the cluster, its nodes,
// node groups, instances, networks and the rest of config.data.
//
// Every object keeps the JSON it was loaded from (Raw) next to the typed
// fields luxid reads, so nothing in the file is lost or reordered when luxid
// answers with a whole object, and fields this model does not know pass
// through unchanged. Objects are immutable once loaded: a new config.data
// gives new objects.
package objects
