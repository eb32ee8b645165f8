// Package objects is Ganeti's configuration model, the same for every
// release goluxid serves: the whole of config.data as Go types, parameter
// inheritance, and the encoding of config values in luxid's answers.
//
// # The file
//
// config.data is one JSON object: "version" (the release's
// CONFIG_VERSION: 3000000 for Ganeti 3.0, 3010000 for 3.1), "serial_no",
// "ctime", "mtime", and uuid-keyed maps "nodes", "nodegroups",
// "instances", "networks", "disks" (top level since Ganeti 2.12; an
// instance lists its disks' uuids, a DRBD disk holds its two LVM volumes
// as "children") and "filters" (job scheduler rules), plus the "cluster"
// object. Parse is given the installed release's version and refuses any
// other before reading further, and returns nothing of a file it cannot
// read whole.
//
// # Lossless loading
//
// Every object type mirrors Ganeti's record: typed fields for every key
// Ganeti knows (pointers where Ganeti may leave a value unset; free-form
// parameter maps as Params of raw JSON), Extra for keys it does not know,
// and a record of which keys the file had. MarshalJSON writes back exactly
// those keys, known and unknown, in byte order; numbers keep their value
// (an integral float may come back as an integer, as the Haskell daemons
// write it). ConfigData.Raw and Cluster.Raw also keep each key's JSON as
// stored. Objects built in Go instead of loaded write every field that is
// not nil. Loaded objects are never changed: a new config.data gives new
// objects.
//
// # Parameters
//
// Parameter records come as Partial (what an object sets) and Filled
// (everything resolved) pairs. ConfigData's Node/Group/Instance/NIC
// methods compute filled values the way luxid does for query results:
// cluster ← group ← node for node parameters, cluster beparams["default"]
// ← instance, cluster hvparams ← os_hvp ← instance (without the
// cluster-wide HVGlobals), and so on; cluster-level records are first
// completed from Ganeti's built-in defaults.
//
// # Encoding for answers
//
// The Encode functions, Double, Timestamp and Value give values in the
// form the Haskell luxid writes: records in Ganeti's declaration order,
// maps in key byte order, hypervisor-keyed maps in Ganeti's hypervisor
// order, tag sets sorted, integral numbers as integers and others in
// Haskell's show notation, timestamps through picoseconds.
package objects
