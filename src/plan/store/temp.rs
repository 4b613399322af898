//! The temporary copy a rewrite goes through, named so that baton knows its own: a plan
//! `plan.md` is written as `.baton-plan.md.<pid>.tmp` beside it and renamed over it. A writer
//! killed between the two (kill -9, Ctrl-C, a crash) leaves that copy behind; the next writer
//! of the same plan removes it while holding the plan lock, when no other baton can be
//! writing that plan. Baton installs no signal handler for this: the plan itself is always
//! the old bytes or the new ones, and the leftover is swept on the next write.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// What baton's temporary copies start with (the plan's name follows).
const PREFIX: &str = ".baton-";
const SUFFIX: &str = ".tmp";

/// Copies left by baton versions that named them `.baton-XXXXXX.tmp` (six random
/// characters) are removed once they are this old: no write takes that long, and they cannot
/// be told apart by plan.
const LEGACY_AGE: Duration = Duration::from_secs(600);

/// The name of this process's temporary copy of the plan named `plan`.
pub(super) fn name_for(plan: &str) -> String {
    format!("{PREFIX}{plan}.{}{SUFFIX}", std::process::id())
}

/// Whether `name` is a temporary copy of the plan named `plan` (by any process).
fn is_copy_of(name: &str, plan: &str) -> bool {
    name.strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_prefix(plan))
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `name` is a copy left by an older baton (`.baton-` six letters or digits `.tmp`).
fn is_legacy(name: &str) -> bool {
    name.strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .is_some_and(|mid| mid.len() == 6 && mid.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Removes the temporary copies of the plan at `real` that interrupted writers left. Call only
/// under the plan lock. Failures are ignored: a leftover costs nothing but clutter. Returns
/// how many were removed.
pub(super) fn remove_stale(real: &Path) -> usize {
    let (Some(dir), Some(plan)) = (real.parent(), real.file_name().and_then(|n| n.to_str())) else {
        return 0;
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let stale = is_copy_of(name, plan)
            || (is_legacy(name)
                && entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > LEGACY_AGE)));
        if stale
            && entry.file_type().is_ok_and(|t| t.is_file())
            && fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// A temporary copy being written; removed when dropped unless it was renamed over the plan.
pub(super) struct TempCopy {
    path: PathBuf,
    file: Option<File>,
}

impl TempCopy {
    /// Creates this process's copy beside the plan at `real`, holding `bytes`, flushed to
    /// disk, with the plan's permissions.
    pub(super) fn write(real: &Path, bytes: &[u8]) -> io::Result<TempCopy> {
        let dir = real.parent().unwrap_or(Path::new("."));
        let plan = real
            .file_name()
            .map_or_else(|| "plan".into(), |n| n.to_string_lossy().into_owned());
        let path = dir.join(name_for(&plan));
        let file = match create_new(&path) {
            // Left by an earlier process with this pid that the sweep could not remove.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                fs::remove_file(&path)?;
                create_new(&path)?
            }
            other => other?,
        };
        let mut copy = TempCopy {
            path,
            file: Some(file),
        };
        let file = copy.file.as_mut().ok_or(io::ErrorKind::Other)?;
        file.write_all(bytes)?;
        if let Ok(meta) = fs::metadata(real) {
            // Keep the plan's permissions; a failure here is not worth losing the edit over.
            let _ = file.set_permissions(meta.permissions());
        }
        file.sync_all()?;
        Ok(copy)
    }

    /// Renames the copy over the plan (atomic: readers see the old file or this one).
    pub(super) fn persist(mut self, real: &Path) -> io::Result<()> {
        drop(self.file.take());
        fs::rename(&self.path, real)?;
        self.path = PathBuf::new();
        // Make the rename itself durable; the edit stands without it.
        if let Some(dir) = real.parent()
            && let Ok(dir) = File::open(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            })
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for TempCopy {
    fn drop(&mut self) {
        drop(self.file.take());
        if !self.path.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_recognised_per_plan() {
        assert!(is_copy_of(".baton-plan.md.123.tmp", "plan.md"));
        assert!(is_copy_of(&name_for("plan.md"), "plan.md"));
        assert!(!is_copy_of(".baton-plan.md.123.tmp", "plan"));
        assert!(!is_copy_of(".baton-plan.md.5.77.tmp", "plan.md"));
        assert!(!is_copy_of(".baton-plan.md..tmp", "plan.md"));
        assert!(!is_copy_of(".baton-other.md.12.tmp", "plan.md"));
        assert!(!is_copy_of("plan.md", "plan.md"));
        assert!(is_legacy(".baton-a1B2c3.tmp"));
        assert!(!is_legacy(".baton-plan.md.12.tmp"));
    }

    #[test]
    fn stale_copies_of_this_plan_are_swept_and_nothing_else() {
        let dir = tempfile::tempdir().expect("temp dir");
        let plan = dir.path().join("plan.md");
        fs::write(&plan, "- [ ] T1 a\n").expect("plan");
        let keep = [
            "other.md",
            ".baton-other.md.12.tmp",
            ".baton-plan.md.x.tmp",
            // A legacy copy still young enough to belong to a running older baton.
            ".baton-Ab12Cd.tmp",
        ];
        let sweep = [".baton-plan.md.1.tmp", ".baton-plan.md.424242.tmp"];
        for name in keep.iter().chain(&sweep) {
            fs::write(dir.path().join(name), "x").expect("file");
        }
        assert_eq!(remove_stale(&plan), sweep.len());
        for name in keep {
            assert!(dir.path().join(name).exists(), "{name} kept");
        }
        for name in sweep {
            assert!(!dir.path().join(name).exists(), "{name} swept");
        }
        assert!(plan.exists());
    }

    #[test]
    fn a_copy_is_removed_unless_persisted() {
        let dir = tempfile::tempdir().expect("temp dir");
        let plan = dir.path().join("plan.md");
        fs::write(&plan, "old").expect("plan");
        let copy = TempCopy::write(&plan, b"new").expect("copy");
        let temp = dir.path().join(name_for("plan.md"));
        assert!(temp.exists());
        drop(copy);
        assert!(!temp.exists());
        assert_eq!(fs::read(&plan).expect("read"), b"old");
        // One left over by a killed process with this pid is replaced, not an error.
        fs::write(&temp, "junk").expect("leftover");
        TempCopy::write(&plan, b"new")
            .expect("copy")
            .persist(&plan)
            .expect("persist");
        assert_eq!(fs::read(&plan).expect("read"), b"new");
        assert!(!temp.exists());
    }
}
