//! Reading and writing plan files safely under parallel sessions: every write takes an
//! exclusive lock, re-reads the file under it, applies byte-range edits, writes a temporary
//! file beside the plan and renames it over the plan, so readers see the old file or the new
//! one and never half of either, and no concurrent check-off is lost.
//!
//! Before writing, [`guard`] refuses what must not be written (not a plan, read-only, a link
//! out of the repository); [`temp`] names the temporary copy so a killed writer's leftover is
//! swept by the next one; [`settle`] waits out an editor saving the plan meanwhile, so a
//! half-saved plan is never taken for the plan. docs/writes.md tells the whole story.

mod guard;
mod settle;
mod temp;

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::edit::{self, Edit, EditError};
use super::model::Plan;
use super::parse;
use settle::{Confirmed, Read};
use temp::TempCopy;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot lock {path}: {source}")]
    Lock { path: PathBuf, source: io::Error },
    #[error("{path} stayed locked by another process for {waited:?}")]
    Busy { path: PathBuf, waited: Duration },
    #[error("{path} kept changing underneath baton (edited without the lock); nothing was written")]
    ConcurrentEdit { path: PathBuf },
    #[error("internal edit error on {path}: {source}")]
    Edit { path: PathBuf, source: EditError },
    #[error("{path} is read-only ({why}); baton does not replace a file the user made read-only")]
    ReadOnly { path: PathBuf, why: String },
    #[error("{path} is not a plan: {why}; nothing was written")]
    NotAPlan { path: PathBuf, why: String },
    #[error("{path} is a {format} plan: baton reads it but does not write it; nothing was written")]
    ReadOnlyFormat { path: PathBuf, format: &'static str },
    #[error(
        "{path} is a link to {target}, outside the repository it is in; baton does not write \
         through it"
    )]
    LinkOutside { path: PathBuf, target: PathBuf },
}

/// How long a writer waits for another writer before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Reads and parses a plan.
pub fn load(path: &Path) -> Result<(Vec<u8>, Plan), StoreError> {
    let bytes = read_plan(path).map_err(|source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let plan = parse(&bytes);
    Ok((bytes, plan))
}

/// Files at least this long are read in two halves at once.
const PARALLEL_READ_LEN: u64 = 4 * 1024 * 1024;

/// The bytes of a plan file. A large one is read in two halves on two threads: most of a
/// read's time is the kernel faulting in and filling the pages of the new buffer, and that
/// work divides. If the file changes length meanwhile, it is read again the plain way.
fn read_plan(path: &Path) -> io::Result<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        if len >= PARALLEL_READ_LEN
            && let Ok(len) = usize::try_from(len)
        {
            let mut bytes = vec![0u8; len];
            let (front, back) = bytes.split_at_mut(len / 2);
            let (first, second) = std::thread::scope(|scope| {
                let back_read = scope.spawn(|| file.read_exact_at(back, (len / 2) as u64));
                let front_read = file.read_exact_at(front, 0);
                (front_read, back_read.join())
            });
            let mut probe = [0u8; 1];
            let whole = matches!((first, second), (Ok(()), Ok(Ok(()))))
                && matches!(file.read_at(&mut probe, len as u64), Ok(0));
            if whole {
                return Ok(bytes);
            }
        }
    }
    fs::read(path)
}

/// Where the lock for a plan lives: beside baton's state, named after the plan's real path.
fn lock_path(real: &Path) -> PathBuf {
    let dir = crate::repo::state_dir(real).join("locks");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in real.as_os_str().as_encoded_bytes() {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let name = real
        .file_name()
        .map_or_else(|| "plan".into(), |n| n.to_string_lossy().into_owned());
    dir.join(format!("{name}.{hash:016x}.lock"))
}

/// An exclusive lock held until dropped.
#[derive(Debug)]
pub struct PlanLock {
    _file: File,
}

pub fn lock(real: &Path) -> Result<PlanLock, StoreError> {
    let path = lock_path(real);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|source| StoreError::Lock {
            path: path.clone(),
            source,
        })?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| StoreError::Lock {
            path: path.clone(),
            source,
        })?;
    let started = Instant::now();
    let mut pause = Duration::from_micros(200);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(PlanLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => {
                if started.elapsed() > LOCK_WAIT {
                    return Err(StoreError::Busy {
                        path: real.to_path_buf(),
                        waited: started.elapsed(),
                    });
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            Err(fs::TryLockError::Error(source)) => return Err(StoreError::Lock { path, source }),
        }
    }
}

/// The plan as read under the lock: its bytes, parsed only if someone asks.
#[derive(Debug)]
pub struct Snapshot<'a> {
    pub bytes: &'a [u8],
    plan: std::cell::OnceCell<Plan>,
}

impl<'a> Snapshot<'a> {
    pub fn new(bytes: &'a [u8]) -> Snapshot<'a> {
        Snapshot {
            bytes,
            plan: std::cell::OnceCell::new(),
        }
    }

    pub fn plan(&self) -> &Plan {
        self.plan.get_or_init(|| parse(self.bytes))
    }
}

/// What an update decided. The plan stays locked until this is dropped, so a caller can
/// finish related bookkeeping (such as the checkbox index) before another writer starts.
#[derive(Debug)]
pub struct Updated<T> {
    pub value: T,
    /// The plan's bytes now (written or, when nothing changed, as they were).
    pub bytes: Vec<u8>,
    /// Whether the file changed.
    pub wrote: bool,
    /// The real path of the plan.
    pub real: PathBuf,
    _lock: PlanLock,
}

impl<T> Updated<T> {
    /// The decision's value; releases the lock.
    pub fn into_value(self) -> T {
        self.value
    }
}

/// Locks the plan, reads it fresh, lets `decide` compute edits, and writes them atomically.
///
/// Before `decide` sees the plan, the file must read steadily (not mid-save by an editor)
/// and be a plan ([`guard::check_shape`]); before anything is written, it must be writable
/// ([`guard::open_for_write`]). A refusal of `decide` (an unknown id, say) stands only once
/// the file has been quiet for a moment and still holds the bytes it was made on: an editor
/// that had just truncated the plan is waited for, and `decide` asked again. A file that
/// keeps changing for [`settle::SETTLE_WAIT`], or changes between deciding and writing three
/// times in a row, gives [`StoreError::ConcurrentEdit`], writing nothing.
pub fn update<T, E>(
    path: &Path,
    mut decide: impl FnMut(&Snapshot<'_>) -> Result<(Vec<Edit>, T), E>,
) -> Result<Updated<T>, E>
where
    E: From<StoreError>,
{
    if let Some(format) = super::formats::read_only_format(path) {
        return Err(StoreError::ReadOnlyFormat {
            path: path.to_path_buf(),
            format: format.name(),
        }
        .into());
    }
    let real = fs::canonicalize(path).map_err(|source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    guard::check_link(path, &real)?;
    let lock = lock(&real)?;
    // No other baton writes this plan now: copies left by killed writers can go.
    temp::remove_stale(&real);
    let mut settle = settle::Settle::new(&real);
    let mut overwritten = 0;
    loop {
        let read = settle.read()?;
        let snap = Snapshot::new(&read.bytes);
        let decided = match guard::check_shape(path, &snap) {
            Ok(()) => decide(&snap),
            Err(err) => Err(err.into()),
        };
        let (edits, value) = match decided {
            Ok(decided) => decided,
            Err(err) => match settle.confirm(&read)? {
                Confirmed::Same => return Err(err),
                Confirmed::Changed => continue,
            },
        };
        let Read { bytes, .. } = read;
        // The plan's bytes after this attempt and whether they were written; `None` when
        // the file changed underneath and the attempt starts over.
        let outcome = match single_byte(&edits) {
            // The common `done`/`undo` of one task: no copy of the plan, one byte written.
            Some((at, byte)) if bytes.get(at) == Some(&byte) => Some((bytes, false)),
            Some((at, byte)) => {
                if write_byte_in_place(path, &real, &bytes, at, byte)? {
                    let mut bytes = bytes;
                    bytes[at] = byte;
                    Some((bytes, true))
                } else {
                    None
                }
            }
            None => {
                let new = edit::apply(&bytes, &edits).map_err(|source| StoreError::Edit {
                    path: real.clone(),
                    source,
                })?;
                if new == bytes {
                    Some((bytes, false))
                } else if write_if_unchanged(path, &real, &bytes, &new)? {
                    Some((new, true))
                } else {
                    None
                }
            }
        };
        if let Some((bytes, wrote)) = outcome {
            return Ok(Updated {
                value,
                bytes,
                wrote,
                real,
                _lock: lock,
            });
        }
        overwritten += 1;
        if overwritten == 3 {
            return Err(StoreError::ConcurrentEdit { path: real }.into());
        }
    }
}

/// Where the checkbox index of a plan lives: beside the lock, named the same way.
pub fn index_path(real: &Path) -> PathBuf {
    lock_path(real).with_extension("idx")
}

/// The one byte a set of edits changes, when that is all they do (a `done` or `undo` of one
/// task): such an edit is written in place.
fn single_byte(edits: &[Edit]) -> Option<(usize, u8)> {
    match edits {
        [edit] if edit.range.len() == 1 && edit.text.len() == 1 => {
            Some((edit.range.start, edit.text[0]))
        }
        _ => None,
    }
}

/// Changes one byte of the plan where it lies. A one-byte write cannot be torn, so readers
/// see the old byte or the new one, exactly as with a rename, at a fraction of the cost of
/// rewriting a large plan. Before writing, the file must still be the one that was read
/// (same inode, same length, same bytes); after, the path must still name it, or
/// an editor replaced the plan meanwhile and the caller starts over from the new file.
/// Returns false in those cases. A plan that cannot be opened for writing is refused
/// ([`guard::open_for_write`]), never replaced by the rename path.
#[cfg(unix)]
fn write_byte_in_place(
    path: &Path,
    real: &Path,
    expected: &[u8],
    at: usize,
    byte: u8,
) -> Result<bool, StoreError> {
    use std::os::unix::fs::FileExt;
    let write_err = |source| StoreError::Write {
        path: real.to_path_buf(),
        source,
    };
    let file = guard::open_for_write(path, real)?;
    let same_file = |file: &File| -> Result<bool, StoreError> {
        let open = file.metadata().map_err(write_err)?;
        let named = fs::metadata(real).map_err(write_err)?;
        Ok(same_inode(&open, &named) && open.len() == expected.len() as u64)
    };
    if !same_file(&file)? {
        return Ok(false);
    }
    // Every byte must still be what was decided on, not only the one changed: an editor
    // could have shifted the line. Compared in small pieces, so no second copy of the plan.
    const PIECE: usize = 64 * 1024;
    let mut piece = vec![0u8; PIECE.min(expected.len())];
    for (n, want) in expected.chunks(PIECE).enumerate() {
        let got = &mut piece[..want.len()];
        match file.read_exact_at(got, (n * PIECE) as u64) {
            // Cut short since: an editor is saving it.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(false),
            read => read.map_err(write_err)?,
        }
        if got != want {
            return Ok(false);
        }
    }
    file.write_all_at(&[byte], at as u64).map_err(write_err)?;
    file.sync_data().map_err(write_err)?;
    same_file(&file)
}

/// Elsewhere, the rename path does every write.
#[cfg(not(unix))]
fn write_byte_in_place(
    path: &Path,
    real: &Path,
    expected: &[u8],
    at: usize,
    byte: u8,
) -> Result<bool, StoreError> {
    let mut new = expected.to_vec();
    new[at] = byte;
    write_if_unchanged(path, real, expected, &new)
}

#[cfg(unix)]
fn same_inode(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// Writes `new` beside the plan and renames it over the plan, unless the plan no longer holds
/// `expected` (someone wrote it without the lock): then returns false and writes nothing.
/// The copy is `.baton-<plan name>.<pid>.tmp` ([`temp`]); it is removed on every way out but
/// a killed process, whose leftover the next writer sweeps.
fn write_if_unchanged(
    path: &Path,
    real: &Path,
    expected: &[u8],
    new: &[u8],
) -> Result<bool, StoreError> {
    let write_err = |source| StoreError::Write {
        path: real.to_path_buf(),
        source,
    };
    // Refuses a read-only plan before any copy exists.
    drop(guard::open_for_write(path, real)?);
    let copy = TempCopy::write(real, new).map_err(write_err)?;
    let current = read_plan(real).map_err(|source| StoreError::Read {
        path: real.to_path_buf(),
        source,
    })?;
    if current != expected {
        return Ok(false);
    }
    copy.persist(real).map_err(write_err)?;
    Ok(true)
}

#[cfg(test)]
mod tests;
