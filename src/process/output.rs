//! A child's combined output, kept as a bounded tail: a test suite that prints gigabytes costs
//! no memory, and a process that escaped its group while holding the pipe open cannot keep
//! the caller waiting (see [`OUTPUT_GRACE`]).

use std::io::{self, Read};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

/// How long a finished child's output is still read once its process group has been killed.
///
/// Killed processes close the pipe within milliseconds; the pipe stays open only when a
/// process escaped the group (`setsid`, a daemon), and that must not block the caller.
pub const OUTPUT_GRACE: Duration = Duration::from_secs(1);

/// Large enough that a command printing at full speed costs few reads and lock round trips.
pub(super) const READ_CHUNK: usize = 64 * 1024;

/// What a child printed: the last bytes of stdout and stderr interleaved as written (one
/// shared pipe), lossily decoded as UTF-8 from a character boundary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    pub tail: String,
    /// Bytes of output dropped before the tail.
    pub dropped_bytes: u64,
}

/// The reading end of a child's output pipe, drained by a thread of its own.
#[derive(Debug)]
pub(super) struct Capture {
    tail: Arc<Mutex<Tail>>,
    done: mpsc::Receiver<()>,
    reader: Option<thread::JoinHandle<()>>,
}

impl Capture {
    /// Starts draining `reader` into a tail of `keep` bytes.
    pub(super) fn start(mut reader: io::PipeReader, keep: usize) -> io::Result<Capture> {
        let tail = Arc::new(Mutex::new(Tail::new(keep)));
        let (done_tx, done) = mpsc::channel::<()>();
        let reader = {
            let tail = Arc::clone(&tail);
            thread::Builder::new()
                .name("baton-output".into())
                .spawn(move || {
                    drain(&mut reader, &tail);
                    let _ = done_tx.send(());
                })?
        };
        Ok(Capture {
            tail,
            done,
            reader: Some(reader),
        })
    }

    /// The output, once the pipe is closed or [`OUTPUT_GRACE`] has passed. Called after the
    /// child's group was killed, so only an escaped process can keep the pipe open; the
    /// reader thread is then left to end when that process closes it, writing to a tail no
    /// one reads.
    pub(super) fn finish(mut self) -> Captured {
        let tail = match self.done.recv_timeout(OUTPUT_GRACE) {
            Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                if let Some(reader) = self.reader.take() {
                    let _ = reader.join();
                }
                std::mem::replace(&mut *lock(&self.tail), Tail::new(0))
            }
            Err(RecvTimeoutError::Timeout) => lock(&self.tail).clone(),
        };
        let (tail, dropped_bytes) = tail.finish();
        Captured {
            tail,
            dropped_bytes,
        }
    }
}

fn drain(reader: &mut io::PipeReader, tail: &Mutex<Tail>) {
    let mut buf = vec![0; READ_CHUNK];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => lock(tail).push(&buf[..n]),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
}

/// A poisoned tail is still a valid tail: `push` cannot leave it half-updated in a way that
/// matters for output shown to a person.
fn lock(tail: &Mutex<Tail>) -> MutexGuard<'_, Tail> {
    tail.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The last `keep` bytes of a stream, and how many came in total.
#[derive(Debug, Clone)]
pub(super) struct Tail {
    keep: usize,
    buf: Vec<u8>,
    total: u64,
}

impl Tail {
    pub(super) fn new(keep: usize) -> Self {
        Tail {
            keep,
            buf: Vec::new(),
            total: 0,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.total = self.total.saturating_add(bytes.len() as u64);
        if bytes.len() >= self.keep {
            let start = bytes.len() - self.keep;
            self.buf.clear();
            self.buf.extend_from_slice(&bytes[start..]);
            return;
        }
        self.buf.extend_from_slice(bytes);
        // Letting the buffer grow to about twice `keep` before cutting it back means each byte
        // is moved at most once more on average, while memory stays bounded.
        let slack = self.keep.max(READ_CHUNK);
        if self.buf.len() > self.keep.saturating_add(slack) {
            self.trim();
        }
    }

    fn trim(&mut self) {
        let excess = self.buf.len().saturating_sub(self.keep);
        self.buf.drain(..excess);
    }

    /// The kept text and the number of bytes dropped before it.
    fn finish(mut self) -> (String, u64) {
        self.trim();
        // A cut in the middle of a character would show as a replacement character that the
        // command never printed; a UTF-8 character has at most three continuation bytes.
        if self.total > self.buf.len() as u64 {
            let partial = self
                .buf
                .iter()
                .take(3)
                .take_while(|&&byte| byte & 0b1100_0000 == 0b1000_0000)
                .count();
            self.buf.drain(..partial);
        }
        let dropped = self.total - self.buf.len() as u64;
        (String::from_utf8_lossy(&self.buf).into_owned(), dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_matches_a_naive_tail_for_any_chunking() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        for keep in [0, 1, 7, 1000, 65_536, 70_000, 199_999, 200_000, 300_000] {
            for chunk in [1, 13, 4096, 65_536, 100_000] {
                if chunk == 1 && keep > 1000 {
                    continue;
                }
                let mut tail = Tail::new(keep);
                for piece in data.chunks(chunk) {
                    tail.push(piece);
                    assert!(tail.buf.len() <= keep + keep.max(READ_CHUNK) + chunk);
                }
                tail.trim();
                let expected = &data[data.len() - keep.min(data.len())..];
                assert_eq!(tail.buf, expected, "keep {keep}, chunk {chunk}");
                assert_eq!(tail.total, data.len() as u64);
            }
        }
    }

    #[test]
    fn the_tail_starts_at_a_character_boundary() {
        // "ééé" is six bytes; the last three start inside the second "é".
        let mut tail = Tail::new(3);
        tail.push("ééé".as_bytes());
        assert_eq!(tail.finish(), ("é".to_string(), 4));
    }
}
