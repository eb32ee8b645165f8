// Package luxid dispatches LUXI requests to the code that answers them.
//
// It is the layer between the wire (package luxi: framing, request
// decoding, error encoding) and the daemon's state (the configuration
// snapshot, the job queue, and the scheduler behind the Jobs interface).
// Each method decodes its own positional arguments; an argument that does
// not decode is answered as the real luxid does, with a "Failed to parse
// request" string after which the connection is closed. Every method but
// the status-only WaitForJobChange needs a loaded configuration and fails
// with Ganeti's ConfigurationError without one.
//
// Queries of every kind — jobs and filter rules like nodes, instances and
// the other configuration items — run over the resources of package
// query/resources. Submissions are validated with the installed release's
// opcode schema, written to the queue and handed to Jobs, which also
// cancels jobs and changes their priority. luxid itself changes filter
// rules (ReplaceFilter, DeleteFilter) through WConfd and pauses the
// watcher through the node daemons. Every method of luxi.Methods has a
// handler; a request that reaches the dispatcher without one (a method or
// a query kind it does not serve) is answered with a GenericError naming
// it, never dropped.
package luxid
