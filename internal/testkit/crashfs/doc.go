// Package crashfs simulates power loss for tests. Mount serves a FUSE file
// system over a directory: every operation passes through to the
// directory itself (the backing), so programs see an ordinary, fast file
// system, while a model in memory records only what the minimum POSIX
// promises make durable. Cut is the power cut: it stops serving and
// rewrites the directory to that durable state; Remount serves it again.
//
// # Durability rules
//
//  1. File data. A regular file's content, mode and owner become durable
//     by fsync or fdatasync of any descriptor open on it (a write to a
//     file opened with O_SYNC or O_DSYNC counts, as the kernel syncs it).
//     After a cut a file holds exactly its content at its last sync; a
//     file created after the mount and never synced is empty.
//  2. Directory entries. An entry made by create, mknod, mkdir, symlink,
//     link or a rename's new name, or removed by unlink, rmdir or a
//     rename's old name, becomes durable by fsync of its directory. After
//     a cut a directory holds exactly the entries it had at its last
//     sync; a directory made after the mount and never synced is empty.
//     A file written, synced and renamed with no sync of its directory
//     comes back under its old name if that name was durable, or not at
//     all; an unlinked durable entry comes back.
//  3. Rename. A rename reaches the durable state only through the sync of
//     its directory; between two directories each name follows its own
//     directory's sync, so syncing only the new directory leaves the file
//     under both names, and syncing only the old one loses it until the
//     new one is synced. A directory the durable state names twice
//     appears once, at its first name in name order.
//  4. Mount time. Everything in the directory when Mount or Remount
//     serves it is durable.
//  5. Not relied on. sync and syncfs make nothing durable: FUSE never
//     receives them. Timestamps are not modeled (after a cut they are the
//     rewrite's), extended attributes and O_TMPFILE are refused, and file
//     locks are the kernel's, local to the mount.
//
// # Identity
//
// The model names a file by its inode number in the backing, which is
// sound only where inode numbers are never reused while mounted: Mount
// requires the directory to be on tmpfs (ErrNotTmpfs otherwise), whose
// inode numbers only grow, and refuses a tree that crosses into another
// file system (ErrCrossesMount).
//
// # Costs
//
// The durable state lives in memory: Mount reads every file, and every
// file sync copies the whole file. Content no durable name, backing name
// or open descriptor can reach any more is dropped now and then. The
// package is meant for data directories of small files.
//
// # A cut, step by step
//
// The test first kills every process using the mount; the package has
// nothing for that. Cut then waits for the changes under way and fails
// later ones (EIO), aborts the FUSE connection (descriptors still open
// fail with ENOTCONN), unmounts, and rewrites the directory to the
// durable state. Durable shows the durable state before and after a cut,
// Stats counts what a cut keeps and drops, and Remount serves the
// directory again.
//
// # Private mount namespace
//
// A FUSE mount outlives a killed test unless it lives in a mount namespace
// of the test's own. InPrivateNamespace runs a test again in a new one
// (unshare), killed with its parent, and Tmpfs mounts a tmpfs there; a
// test uses them so that nothing it mounts can be left behind.
// RequireFuse stops a test where /dev/fuse is missing: it fails under CI
// and is skipped elsewhere.
package crashfs
