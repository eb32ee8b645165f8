// Package jqueue owns Ganeti's job queue on disk: the job model, the job
// file format, job id allocation, the live and archived files, and reading
// jobs for queries, with finished jobs kept parsed while their files are
// unchanged. Which fields a job query has, and their values, is package
// query/resources' business.
//
// # Layout
//
// Below $GANETI_ROOTDIR/var/lib/ganeti/queue:
//
//	serial                    last allocated job id, decimal and "\n"
//	version                   "1\n", written by noded; never touched here
//	lock                      held with an fcntl write lock while luxid runs
//	drain                     exists while the queue is drained
//	job-<id>                  a live job
//	archive/<id/10000>/job-<id>  an archived job
//
// Only names matching job-<digits> are jobs; temporary files never match.
//
// # Job files
//
// A job file is one JSON object. luxid writes it compact, with no trailing
// newline and keys in this order:
//
//	{"id":N,"ops":[OP,…],"received_timestamp":TS,"start_timestamp":TS,
//	 "end_timestamp":TS[,"livelock":PATH][,"process_id":PID]}
//
// and each OP as
//
//	{"input":OPCODE,"status":S,"result":R,"log":[…],"priority":P,
//	 "start_timestamp":TS,"exec_timestamp":TS,"end_timestamp":TS}
//
// where TS is [seconds, microseconds] or null and S one of queued,
// waiting, canceling, running, canceled, success, error. The Python job
// process rewrites the same file with ", " separators, another key order
// and a final newline; both forms are read. A log entry is
// [serial, TS, type, message] with serials counted across the whole job.
//
// # Durability
//
// Every write goes to a temporary file in the same directory, is synced,
// renamed over the target, and the directory is synced; an archive move
// syncs both directories. A failed sync is reported, never retried.
package jqueue
