//! Waiting out a plan that something else is saving right now. An editor that saves in
//! place truncates the file and then writes it: read in between, the plan is empty or cut
//! short, and `done T12` would say "no task T12". So a read counts only if the file held
//! still across it (same length, time and identity before and after, and as long as what was
//! read), and a refusal made on a read counts only once the file has been quiet for
//! [`QUIET`] ([`EMPTY_QUIET`] if it is empty) and still holds those bytes. Otherwise baton waits and decides again; after
//! [`SETTLE_WAIT`] of a file that will not hold still, the plan is reported busy.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::StoreError;

/// How long an update waits for a plan being saved by something else to hold still.
pub(super) const SETTLE_WAIT: Duration = Duration::from_secs(2);

/// A file changed less recently than this is taken as saved; a refusal made on a file
/// changed more recently is checked again once this has passed.
pub(super) const QUIET: Duration = Duration::from_millis(50);

/// How often a file waited on is looked at again.
const POLL: Duration = Duration::from_millis(5);

/// How long an empty plan must have been empty before a refusal made on it stands: longer
/// than an update waits, so a plan emptied just before baton looked and still empty when it
/// stops waiting is reported busy, not empty.
pub(super) const EMPTY_QUIET: Duration = Duration::from_secs(3);

/// What identifies one state of the file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    identity: (u64, u64),
}

impl Stamp {
    fn of(meta: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let identity = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let identity = (0, 0);
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            identity,
        }
    }
}

/// The plan's bytes from a read the file held still across.
#[derive(Debug)]
pub(super) struct Read {
    pub(super) bytes: Vec<u8>,
    stamp: Stamp,
}

/// Whether a refusal made on a read stands.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Confirmed {
    /// The file is quiet and still holds the bytes the refusal was made on.
    Same,
    /// The file changed: decide again on a fresh read.
    Changed,
}

/// One update's reads of one plan, and how long they have waited so far.
#[derive(Debug)]
pub(super) struct Settle {
    real: PathBuf,
    started: Instant,
    pause: Duration,
}

impl Settle {
    pub(super) fn new(real: &Path) -> Settle {
        Settle {
            real: real.to_path_buf(),
            started: Instant::now(),
            pause: Duration::from_millis(1),
        }
    }

    /// Reads the plan whole while it holds still, waiting while it does not. A plan missing
    /// for a moment (deleted and written anew) is waited for too, then reported unreadable.
    pub(super) fn read(&mut self) -> Result<Read, StoreError> {
        loop {
            match self.try_read() {
                Ok(Some(read)) => return Ok(read),
                Ok(None) => self.wait()?,
                Err(e) if e.kind() == io::ErrorKind::NotFound && !self.past_deadline() => {
                    self.wait()?;
                }
                Err(source) => {
                    return Err(StoreError::Read {
                        path: self.real.clone(),
                        source,
                    });
                }
            }
        }
    }

    fn try_read(&self) -> io::Result<Option<Read>> {
        let before = Stamp::of(&fs::metadata(&self.real)?);
        let bytes = super::read_plan(&self.real)?;
        let stamp = Stamp::of(&fs::metadata(&self.real)?);
        Ok((before == stamp && stamp.len == bytes.len() as u64).then_some(Read { bytes, stamp }))
    }

    /// Whether a refusal made on `read` stands: waits until the file has been quiet for
    /// [`QUIET`], then compares its bytes with the read's.
    pub(super) fn confirm(&mut self, read: &Read) -> Result<Confirmed, StoreError> {
        loop {
            let Ok(meta) = fs::metadata(&self.real) else {
                return self.changed();
            };
            let stamp = Stamp::of(&meta);
            if stamp != read.stamp {
                return self.changed();
            }
            // A time in the future (a skewed clock) says nothing: taken as quiet.
            let age = stamp
                .modified
                .and_then(|m| SystemTime::now().duration_since(m).ok());
            // An empty plan is what an editor leaves between truncating and writing; one
            // that stalls there must not pass for an empty plan, so it has to be older.
            let quiet = if read.bytes.is_empty() {
                EMPTY_QUIET
            } else {
                QUIET
            };
            if let Some(age) = age.filter(|age| *age < quiet) {
                if self.past_deadline() {
                    return Err(self.busy());
                }
                // Looked at again every few milliseconds: a save that ends is seen at once.
                std::thread::sleep((quiet - age).min(POLL) + Duration::from_micros(100));
                continue;
            }
            return match super::read_plan(&self.real) {
                Ok(bytes) if bytes == read.bytes => Ok(Confirmed::Same),
                _ => self.changed(),
            };
        }
    }

    fn changed(&self) -> Result<Confirmed, StoreError> {
        if self.past_deadline() {
            Err(self.busy())
        } else {
            Ok(Confirmed::Changed)
        }
    }

    fn past_deadline(&self) -> bool {
        self.started.elapsed() > SETTLE_WAIT
    }

    fn busy(&self) -> StoreError {
        StoreError::ConcurrentEdit {
            path: self.real.clone(),
        }
    }

    /// A short pause before reading again, longer each time; busy past the deadline.
    fn wait(&mut self) -> Result<(), StoreError> {
        if self.past_deadline() {
            return Err(self.busy());
        }
        std::thread::sleep(self.pause);
        self.pause = (self.pause * 2).min(Duration::from_millis(20));
        Ok(())
    }
}
