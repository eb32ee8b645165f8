// Package daemon has the pieces a Ganeti master daemon needs around its
// real work: Ganeti's command-line options, the PID file and queue lock
// (fcntl write locks), the livelock file, the Unix socket with Ganeti's
// owner and mode, and log lines in Ganeti's format.
package daemon
