package durable

import (
	"io/fs"
	"os"
	"sync"
)

// batchParallelism bounds the files of one batch written and synced at
// once: enough syncs in flight for the disk to take them together, few
// enough threads blocked in them.
const batchParallelism = 32

// File is one file of a batch: its name in the directory, content and
// mode.
type File struct {
	Name string
	Data []byte
	Perm fs.FileMode
}

// WriteFiles writes files durably as one batch and returns one error per
// file, nil for each file written. beforeRename, if not nil, runs
// alongside the writes and syncs; no file is renamed unless it succeeded,
// so that whatever it makes durable is durable before any file appears.
//
// When a file cannot be created, written or renamed, that file fails and
// the others go on. When a file's sync or beforeRename fails, no file of
// the batch is renamed: every temporary file is removed and every file
// fails. When the directory sync fails, every renamed file fails; the
// files stay, with no promise that they survive a crash.
func (d *Dir) WriteFiles(files []File, beforeRename func() error) []error {
	errs := make([]error, len(files))
	if err := d.Err(); err != nil {
		return d.failAll(files, errs, err)
	}
	var before chan error
	if beforeRename != nil {
		before = make(chan error, 1)
		go func() { before <- beforeRename() }()
	}
	temps := d.writeTemps(files, errs)
	var abort error
	if before != nil {
		abort = <-before
	}
	if abort == nil {
		abort = d.Err()
	}
	if abort != nil {
		removeTemps(temps)
		return d.failAll(files, errs, abort)
	}
	return d.renameAndSync(files, temps, errs)
}

// writeTemps writes every file to its temporary file and syncs it, and
// returns their paths ("" where errs says why not). The files are created
// one after the other, as creations in one directory take turns in the
// kernel anyway, and synced by up to batchParallelism goroutines at once
// (a single file in the caller's). Once the directory failed, the files
// not yet created are left out.
func (d *Dir) writeTemps(files []File, errs []error) []string {
	temps := make([]string, len(files))
	opened := make([]*os.File, len(files))
	syncTemp := func(i int) {
		if errs[i] = d.closeTemp(opened[i], files[i].Name, true); errs[i] == nil {
			temps[i] = opened[i].Name()
		}
	}
	created := make(chan int)
	var wg sync.WaitGroup
	if len(files) > 1 {
		for range min(batchParallelism, len(files)) {
			wg.Go(func() {
				for i := range created {
					syncTemp(i)
				}
			})
		}
	}
	for i, f := range files {
		if d.Err() != nil {
			break
		}
		if opened[i], errs[i] = d.createTemp(f.Name, f.Data, f.Perm); errs[i] != nil {
			continue
		}
		if len(files) == 1 {
			syncTemp(i)
		} else {
			created <- i
		}
	}
	close(created)
	wg.Wait()
	return temps
}

// renameAndSync renames every written temporary file to its name, then
// syncs the directory once for all of them.
func (d *Dir) renameAndSync(files []File, temps []string, errs []error) []error {
	var renamed []int
	for i, tmp := range temps {
		if tmp == "" {
			continue
		}
		if errs[i] = d.rename(tmp, files[i].Name, true); errs[i] == nil {
			renamed = append(renamed, i)
		}
	}
	if len(renamed) == 0 {
		return errs
	}
	if err := d.SyncDir(); err != nil {
		for _, i := range renamed {
			errs[i] = d.writeError(files[i].Name, err)
		}
	}
	return errs
}

// failAll sets err, as a failed write of its file, for every file that
// has no error yet, and returns errs.
func (d *Dir) failAll(files []File, errs []error, err error) []error {
	for i := range errs {
		if errs[i] == nil {
			errs[i] = d.writeError(files[i].Name, err)
		}
	}
	return errs
}

// removeTemps removes the temporary files written.
func removeTemps(temps []string) {
	for _, tmp := range temps {
		if tmp != "" {
			os.Remove(tmp)
		}
	}
}
