package jqueue

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"

	"github.com/goluxid/goluxid/internal/durable"
)

// jobFileMode is the mode of job files luxid writes.
const jobFileMode = 0o600

// replicaParallelism bounds the job files of one batch sent to the master
// candidates at once.
const replicaParallelism = 16

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
	return q.AddJobs([]*Job{job})[0]
}

// AddJobs stores new jobs, whose ids AllocateIDs handed out, as their live
// files durably in one batch, then counts and replicates those written. It
// returns one error per job, nil for each job written; the package doc
// says in which order the batch reaches the disk.
func (q *Queue) AddJobs(jobs []*Job) []error {
	errs := make([]error, len(jobs))
	files := make([]durable.File, 0, len(jobs))
	written := make([]int, 0, len(jobs)) // the jobs files holds, in order
	var highest uint64
	for i, job := range jobs {
		data, err := q.newJobFile(job)
		if err != nil {
			errs[i] = err
			continue
		}
		files = append(files, durable.File{Name: JobFileName(job.ID), Data: data, Perm: jobFileMode})
		written = append(written, i)
		highest = max(highest, job.ID)
	}
	if len(files) == 0 {
		return errs
	}
	for k, err := range q.live.WriteFiles(files, func() error { return q.syncSerial(highest) }) {
		errs[written[k]] = err
	}
	q.countAndReplicate(jobs, errs, files, written)
	return errs
}

// newJobFile is the content of a new job's file; a job whose id was never
// handed out is refused, as the serial must stay above every job's id.
func (q *Queue) newJobFile(job *Job) ([]byte, error) {
	if serial := q.Serial(); job.ID > serial {
		return nil, fmt.Errorf("jqueue: job %d was never allocated (serial %d)", job.ID, serial)
	}
	return job.Marshal()
}

// countAndReplicate counts the jobs written and hands their files to the
// replicator, up to replicaParallelism at once.
func (q *Queue) countAndReplicate(jobs []*Job, errs []error, files []durable.File, written []int) {
	var wg sync.WaitGroup
	slots := make(chan struct{}, replicaParallelism)
	for k, i := range written {
		if errs[i] != nil {
			continue
		}
		q.liveCount.Add(1)
		if q.Replicator == nil {
			continue
		}
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			q.replicate(q.layout.JobFile(jobs[i].ID), files[k].Data)
		})
	}
	wg.Wait()
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
	return parseOwnedJob(data)
}
