// Package daemon has the pieces a Ganeti master daemon needs around its
// real work: Ganeti's command-line options, detaching into the background,
// master voting, the PID file, queue lock and livelock (files held with
// fcntl write locks), the Unix socket with Ganeti's owner and mode, and
// log lines in Ganeti's format to a reopenable file and to syslog.
package daemon
