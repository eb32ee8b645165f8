// Package jqueue owns Ganeti's job queue on disk: the job model, the job
// file format, job id allocation, the live and archived files, and reading
// jobs for queries, with jobs kept parsed while their files are
// unchanged. Which fields a job query has, and their values, is package
// query/resources' business.
//
// # Layout
//
// Below $GANETI_ROOTDIR/var/lib/ganeti/queue:
//
//	serial                    last allocated job id, decimal and "\n" (0600)
//	version                   "1\n", written by noded; never touched here
//	lock                      held with an fcntl write lock while luxid runs
//	drain                     exists (empty, 0640) while the queue is drained
//	job-<id>                  a live job (0600)
//	archive/<id/10000>/job-<id>  an archived job; directories 0750, owned
//	                          like archive/
//	<name>-<pid>-<n>.tmp      a write of <name> in progress
//
// Modes are those luxid gives the files it creates. Only names matching
// job-<digits> are jobs; temporary files never match.
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
// Each kind of write reaches the disk its own way:
//
//   - AddJobs (new jobs; AddJob is a batch of one) writes a batch in the
//     order "New jobs" below gives.
//   - WriteJob (every later change luxid makes but the livelock) writes a
//     temporary file in the queue directory, fsyncs it, closes it,
//     renames it over job-<id> and fsyncs the queue directory.
//   - Writers at the same time share directory syncs: each waits for one
//     sync that started after its renames.
//   - WriteJobNoDirSync (the livelock of a starting job: luxid's own, then
//     its process's) writes a temporary file, fsyncs it and renames it,
//     with no fsync of the directory: after a power failure the file
//     holds the old or the new content, whole.
//   - Job processes rewrite job-<id> themselves (temporary file, fsync,
//     rename) and never fsync the queue directory. LoadJobs and
//     ReadJobToShow fsync it, shared with concurrent writers, before they
//     return a version of a live file that no finished fsync covered, so
//     that a status a client was shown survives a power failure.
//   - Archive renames job-<id> into its archive directory, then fsyncs
//     that directory and the queue directory: a crash in between leaves
//     the job under both names, never under none, and Open removes the
//     live one where both hold the same content. The first archive move
//     into a directory since Open creates it if missing and fsyncs
//     archive/ before the rename.
//   - The serial file is written whole and durably by Open (temporary
//     file, fsync, rename, fsync of the queue directory), then overwritten
//     in place by each id allocation and fsynced by AddJobs: after a power
//     failure it shows at least Open's serial. Open also raises the serial
//     to the highest job id found live or in the highest archive
//     directory.
//   - The drain file is created or removed with no fsync.
//
// A failed fsync is reported, never retried: the directory it was about
// refuses every later write until restart.
//
// # New jobs
//
// AddJobs returns once its batch is durable (luxid answers a submission
// only then), having written it in this order:
//
//  1. AllocateIDs has overwritten the serial file in place, unsynced,
//     before the jobs were built.
//  2. Each job goes to a temporary file in the queue directory, which is
//     fsynced and closed, many files at once; alongside, the serial file
//     is fsynced, unless a sync begun after the batch's ids were written
//     covered them.
//  3. Once every one of those fsyncs succeeded, each temporary file is
//     renamed to job-<id>.
//  4. One fsync of the queue directory covers every rename.
//
// The serial is durable before any job file's name can be, so after a
// power failure at any moment the serial on disk is at least every job id
// on disk, and no id is given out twice, not even by a luxid that trusts
// the serial file alone.
//
// A failed fsync of a job file or of the serial renames no file of the
// batch: its temporary files are removed and every job of it fails. A job
// whose file cannot be created, written or renamed fails alone. A failed
// fsync of the directory fails every job renamed; their files stay, as
// after a crash they may or may not.
//
// # Replication
//
// Each serial overwrite, each WriteJob or AddJob and each archive move is
// handed to the Replicator after it succeeded, and so is every change of
// the drain flag; Open's serial write and WriteJobNoDirSync are not.
package jqueue
