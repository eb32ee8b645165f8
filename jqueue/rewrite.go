package jqueue

import "strconv"

// Reason sources luxid writes when it fails a job.
const (
	ReasonStartJobs      = "gnt:daemon:luxid:startjobs"
	ReasonDeathDetection = "gnt:daemon:luxid:deathdetection"
)

// FailedToStart is the message of a job whose process could not be started.
func FailedToStart(id uint64, err error) string {
	return "job " + strconv.FormatUint(id, 10) + " failed to start: " + err.Error()
}

// DeathMessage is the message of a job whose process died before it
// finished the job.
func DeathMessage(id uint64) string {
	return "detected death of job " + strconv.FormatUint(id, 10)
}
