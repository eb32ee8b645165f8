package jqueue

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"
)

// jobFileMode is the mode of job files luxid writes.
const jobFileMode = 0o600

// JobFileName is the base name of job id's file.
func JobFileName(id uint64) string { return "job-" + strconv.FormatUint(id, 10) }

// ParseJobFileName returns the id of a job file name, or false when the
// name is not job-<digits>.
func ParseJobFileName(name string) (uint64, bool) {
	digits, ok := strings.CutPrefix(name, "job-")
	if !ok || digits == "" {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseUint(digits, 10, 64)
	return id, err == nil
}

// WriteJob stores job as its live file, durably, and replicates it.
func (q *Queue) WriteJob(job *Job) error {
	data, err := job.Marshal()
	if err != nil {
		return err
	}
	if err := q.live.WriteFile(JobFileName(job.ID), data, jobFileMode); err != nil {
		return err
	}
	q.replicate(q.layout.JobFile(job.ID), data)
	return nil
}

// AddJob stores a new job as its live file, durably, and counts it.
func (q *Queue) AddJob(job *Job) error {
	if err := q.WriteJob(job); err != nil {
		return err
	}
	q.liveCount.Add(1)
	return nil
}

// WriteJobNoDirSync stores job as its live file atomically, the file
// synced but not the directory, and does not replicate it: for rewrites
// whose loss in a power failure does not matter (the processes they
// describe die with the machine), as long as the file stays whole.
func (q *Queue) WriteJobNoDirSync(job *Job) error {
	data, err := job.Marshal()
	if err != nil {
		return err
	}
	return q.live.WriteFileNoDirSync(JobFileName(job.ID), data, jobFileMode)
}

// ReadJob loads the live file of job id.
func (q *Queue) ReadJob(id uint64) (*Job, error) {
	return readJobFile(q.layout.JobFile(id))
}

// ReadJobAnywhere loads job id from the live queue, else from the archive,
// reporting whether it was archived.
func (q *Queue) ReadJobAnywhere(id uint64) (*Job, bool, error) {
	job, err := q.ReadJob(id)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return job, false, err
	}
	job, err = readJobFile(q.layout.ArchivedJobFile(id))
	return job, err == nil, err
}

// readJobFile loads and parses the job file at path.
func readJobFile(path string) (*Job, error) {
	data, err := readSmallFile(path)
	if err != nil {
		return nil, err
	}
	return ParseJob(data)
}
