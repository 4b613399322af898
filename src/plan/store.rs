//! Reading and writing plan files safely under parallel sessions: every write takes an
//! exclusive lock, re-reads the file under it, applies byte-range edits, writes a temporary
//! file beside the plan and renames it over the plan, so readers see the old file or the new
//! one and never half of either, and no concurrent check-off is lost.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::edit::{self, Edit, EditError};
use super::model::Plan;
use super::parse;

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
/// `decide` may be called more than once if the file changes underneath (an editor writing
/// without the lock); after three such changes in a row the update gives up, writing nothing.
pub fn update<T, E>(
    path: &Path,
    mut decide: impl FnMut(&Snapshot<'_>) -> Result<(Vec<Edit>, T), E>,
) -> Result<Updated<T>, E>
where
    E: From<StoreError>,
{
    let real = fs::canonicalize(path).map_err(|source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let lock = lock(&real)?;
    for _ in 0..3 {
        let bytes = read_plan(&real).map_err(|source| StoreError::Read {
            path: real.clone(),
            source,
        })?;
        let (edits, value) = decide(&Snapshot::new(&bytes))?;
        // The plan's bytes after this attempt and whether they were written; `None` when
        // the file changed underneath and the attempt starts over.
        let outcome = match single_byte(&edits) {
            // The common `done`/`undo` of one task: no copy of the plan, one byte written.
            Some((at, byte)) if bytes.get(at) == Some(&byte) => Some((bytes, false)),
            Some((at, byte)) => {
                if write_byte_in_place(&real, &bytes, at, byte)? {
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
                } else if write_if_unchanged(&real, &bytes, &new)? {
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
    }
    Err(StoreError::ConcurrentEdit { path: real }.into())
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
/// Returns false in those cases, and when the plan cannot be opened for writing (the rename
/// path then does the job).
#[cfg(unix)]
fn write_byte_in_place(
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
    let Ok(file) = OpenOptions::new().read(true).write(true).open(real) else {
        return rewrite_with_byte(real, expected, at, byte);
    };
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
        file.read_exact_at(got, (n * PIECE) as u64)
            .map_err(write_err)?;
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
    real: &Path,
    expected: &[u8],
    at: usize,
    byte: u8,
) -> Result<bool, StoreError> {
    rewrite_with_byte(real, expected, at, byte)
}

/// The one-byte edit through the rename path.
fn rewrite_with_byte(
    real: &Path,
    expected: &[u8],
    at: usize,
    byte: u8,
) -> Result<bool, StoreError> {
    let mut new = expected.to_vec();
    new[at] = byte;
    write_if_unchanged(real, expected, &new)
}

#[cfg(unix)]
fn same_inode(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// Writes `new` beside the plan and renames it over the plan, unless the plan no longer holds
/// `expected` (someone wrote it without the lock): then returns false and writes nothing.
fn write_if_unchanged(real: &Path, expected: &[u8], new: &[u8]) -> Result<bool, StoreError> {
    let dir = real.parent().unwrap_or(Path::new("."));
    let write_err = |source| StoreError::Write {
        path: real.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".baton-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(write_err)?;
    tmp.write_all(new).map_err(write_err)?;
    if let Ok(meta) = fs::metadata(real) {
        // Keep the plan's permissions; a failure here is not worth losing the edit over.
        let _ = fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.as_file().sync_all().map_err(write_err)?;
    let current = read_plan(real).map_err(|source| StoreError::Read {
        path: real.to_path_buf(),
        source,
    })?;
    if current != expected {
        return Ok(false);
    }
    tmp.persist(real).map_err(|e| write_err(e.error))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Status, edit::set_status};

    #[test]
    fn update_writes_only_the_checkbox() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.md");
        fs::write(&path, "# P\n- [ ] T1 a\n- [ ] T2 b\n").unwrap();
        let result = update(&path, |snap| {
            let plan = snap.plan();
            let task = plan.task("T2").unwrap();
            Ok::<_, StoreError>((
                set_status(plan, task, Status::Done).into_iter().collect(),
                (),
            ))
        })
        .unwrap();
        assert!(result.wrote);
        // The lock is held until the result is dropped.
        drop(result);
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "# P\n- [ ] T1 a\n- [x] T2 b\n"
        );
        let again = update(&path, |snap| {
            let plan = snap.plan();
            let task = plan.task("T2").unwrap();
            Ok::<_, StoreError>((
                set_status(plan, task, Status::Done).into_iter().collect(),
                (),
            ))
        })
        .unwrap();
        assert!(!again.wrote);
    }

    /// An editor that saves the plan (by rename, or in place) while baton decides: baton
    /// notices, starts over from the editor's bytes, and keeps both changes.
    #[test]
    fn an_editor_saving_meanwhile_loses_nothing() {
        // (the editor writes in place, same length as before, the ids to tick)
        for (in_place, same_len, ids) in [
            (true, false, vec!["T2"]),
            (false, false, vec!["T1", "T2"]),
            (true, true, vec!["T1"]),
            (false, true, vec!["T2"]),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("plan.md");
            fs::write(&path, "# P\n- [ ] T1 a\n- [ ] T2 b\n").unwrap();
            let mut calls = 0;
            update(&path, |snap| {
                calls += 1;
                if calls == 1 {
                    // Same length: the lines move by one byte, so T2's mark moves too.
                    let edited = if same_len {
                        "#  P\n- [ ] T1 a\n- [ ] T2 \n"
                    } else {
                        "# P edited\n- [ ] T1 a\n- [ ] T2 b\n"
                    };
                    if in_place {
                        fs::write(&path, edited).unwrap();
                    } else {
                        let tmp = path.with_extension("tmp");
                        fs::write(&tmp, edited).unwrap();
                        fs::rename(&tmp, &path).unwrap();
                    }
                }
                let plan = snap.plan();
                let edits = ids
                    .iter()
                    .filter_map(|id| set_status(plan, plan.task(id).unwrap(), Status::Done))
                    .collect();
                Ok::<_, StoreError>((edits, ()))
            })
            .unwrap();
            assert_eq!(calls, 2, "started over once");
            let text = fs::read_to_string(&path).unwrap();
            assert!(
                text.starts_with(if same_len { "#  P\n" } else { "# P edited\n" }),
                "{text}"
            );
            for id in &ids {
                assert!(text.contains(&format!("- [x] {id} ")), "{text}");
            }
        }
    }

    #[test]
    fn missing_file_is_an_error_not_a_panic() {
        let err = update(Path::new("/nonexistent/plan.md"), |_| {
            Ok::<_, StoreError>((vec![], ()))
        });
        assert!(matches!(err, Err(StoreError::Read { .. })));
    }

    #[test]
    fn a_large_plan_read_in_halves_is_every_byte_of_it() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("plan.md");
        // Past the parallel read's threshold, and not a multiple of anything.
        let mut bytes = Vec::new();
        let mut n = 0u32;
        while bytes.len() < PARALLEL_READ_LEN as usize + 12_345 {
            bytes.extend_from_slice(format!("- [ ] T{n} task {n} — ünïcode\n").as_bytes());
            n += 1;
        }
        fs::write(&path, &bytes).expect("written");
        assert_eq!(read_plan(&path).expect("read"), bytes);
        let (read, plan) = load(&path).expect("loaded");
        assert_eq!(read, bytes);
        assert_eq!(plan.tasks.len(), n as usize);
        // A small one, and an empty one, the plain way.
        fs::write(&path, b"- [ ] T1 a\n").expect("written");
        assert_eq!(read_plan(&path).expect("read"), b"- [ ] T1 a\n");
        fs::write(&path, b"").expect("written");
        assert!(read_plan(&path).expect("read").is_empty());
    }
}
