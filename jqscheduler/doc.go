// Package jqscheduler holds the rules of luxid's job scheduler as pure
// functions over plain data: which queued jobs start, which are rejected,
// how filter rules and rate limits apply, and how the queue and a job file
// change when a job is dequeued, re-prioritised, canceled, failed or
// recovered at startup. It does no I/O: it reads and writes no files and
// starts or signals no processes; Canceled, Failed and WithPriority compute
// a job file's new content for the caller to write. A State is not safe
// for concurrent use. Package jqscheduler/runner owns the State, guards it
// and does the I/O around these rules.
//
// # Queue
//
// A State holds three lists of Job entries: Enqueued (accepted, not yet
// handed to a job process; sorted by job id), Running (handed over or
// found started at startup; in start order) and the manipulated jobs
// (running jobs taken out while death detection rewrites their file; they
// count as running for every limit but block no dependent job). A Job entry is an
// immutable digest of a job file: id, status, priority, the absolute ids
// it depends on, its reason trail, its rate-limit buckets and the opcode
// fields filter predicates look at. A re-read job gets a new entry.
//
// # A round
//
// State.Plan computes a Decision without changing anything; State.Apply
// makes it happen; State.Schedule does both. A round
//
//  1. rejects every queued job whose applying filter rule says REJECT,
//     whether or not it could run (it then blocks no dependent job);
//  2. computes free = max_running_jobs - running - manipulated;
//  3. takes the queued jobs none of whose dependencies is queued or
//     running, stably sorted by priority (ties keep id order);
//  4. drops those whose rate-limit:N:label buckets are full, counting
//     running jobs and the jobs admitted before them;
//  5. drops those whose applying rule is PAUSE, or a RATE_LIMIT n rule
//     already applying to n running or admitted jobs;
//  6. starts the first free of what is left.
//
// The applying rule of a job is the first rule, in (priority, watermark,
// uuid) order, whose predicates all hold and whose action is not CONTINUE.
//
// # Use
//
// Under the owner's lock: on submission Enqueue(NewJob(…)) and Schedule;
// when a running job's file changed, Update(NewJob(reread)), then
// RemoveFinished and Schedule; for CancelJob Dequeue, and the owner writes
// Canceled; for ChangeJobPriority Dequeue, the owner writes WithPriority,
// and Enqueue the new entry; on a configuration reload
// NeedsReschedule(old, new) decides on a full update; at startup Recover
// and Schedule. The owner writes the rejected jobs of a Decision as
// Canceled and starts the others in order; jobs that fail to start leave
// running with RemoveRunning and are written as Failed.
//
// # Filter rules
//
// A rule is stored in config.data under "filters" as
//
//	{"watermark":W,"priority":P,"predicates":[[KIND,FILTER],…],
//	 "action":"ACCEPT"|"PAUSE"|"REJECT"|"CONTINUE"|["RATE_LIMIT",N],
//	 "reason_trail":[[SOURCE,REASON,NANOSECONDS],…],"uuid":U}
//
// with KIND one of jobid (the job id; "watermark" stands for W), opcode
// (any opcode's fields, without the common parameters, by dotted path) and
// reason (source, reason and timestamp of any reason trail entry). FILTER
// is the query language of package query, its regular expressions in the
// dialect of the installed release, which ParseRules, NewConfig and
// ParseReplaceFilter take; jobid and reason accept only comparisons, and
// any other leaf makes the predicate false.
//
// ParseReplaceFilter decodes the arguments of the LUXI call ReplaceFilter,
// [uuid|null, priority, predicates, action, reason], and Rule makes the
// rule to store from them: its watermark is the job queue's serial, and an
// entry of source "luxid" ends its reason trail.
package jqscheduler
