// Package runner runs luxid's job processes around the pure scheduling
// rules of package jqscheduler: it keeps the scheduler's State, runs a
// round whenever something changed, and does every piece of I/O the rules
// call for.
//
// # Lifecycle of a job
//
//   - Submission: Enqueue takes a job whose file is written; it joins the
//     State at the next round (or request that needs the queue).
//   - Round: on a kick (submission, end of a job, configuration change)
//     and every 30 seconds, State.Schedule decides; rejected jobs are
//     written as canceled, chosen ones are started.
//   - Start: the job file first names the daemon's own livelock, then the
//     job process's once jobexec has it; at most max(2, CPUs) processes
//     are in their start-up handshake at once. A job whose process does
//     not start is written as failed (reason gnt:daemon:luxid:startjobs).
//   - End: the job file is watched with inotify from before the start; a
//     finished file or the process's exit ends the job, whichever comes
//     first. A file left unfinished means the process died: the job is
//     written as failed (reason gnt:daemon:luxid:deathdetection) while it
//     holds its slot as manipulated, and WConfd (Deps.Locks) is asked,
//     one call at a time, to release the locks of dead processes.
//   - Recovery: Start reads the live jobs in the background while the
//     daemon already answers; a queued job whose file names a live
//     livelock other than the daemon's counts as started, so it never runs
//     twice. Cancel and ChangePriority wait for the recovered queue.
//   - Adoption: a job running across a daemon restart is watched through
//     its livelock and its file until its process is gone. If none of its
//     opcodes left the queued state, the process ended in its handshake
//     and the job is queued again; otherwise it ends as above.
//   - Control: Cancel writes a queued job as canceled, or signals a
//     started job's process (SIGTERM, SIGKILL with kill); ChangePriority
//     rewrites a queued job, or leaves the priority in the job's luxid
//     message file and sends SIGUSR1.
//
// # Locks
//
// Runner.mu guards the State, the scheduler configuration and the secret
// parameters of queued jobs; Runner.pendingMu guards the jobs submitted
// since the last round. When both are held, mu is taken first. No job file
// is written, read or watched and no process started under either lock.
package runner
