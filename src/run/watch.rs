//! Following one session's output while its agent runs. Why: the agent's stdout goes to a
//! log file (`<run dir>/logs/<session>[-<attempt>].log`), and the progress view, `baton
//! status` and the run's totals want what it shows as it happens: the last tool call, how many
//! calls, tokens and cost ([`super::stream`] reads the lines).
//!
//! A thread per running attempt polls the file (a read from where it stopped, every
//! [`POLL`]: a wake-up and one `read` when nothing was written, so eight sessions cost baton
//! next to nothing), feeds complete lines to an [`Activity`], and sends an
//! [`Event::SessionActivity`] when what it shows changed, at most once per [`MIN_GAP`].
//! Stopping it reads what is left (a last line without its newline too) and sends the final
//! activity if it differs from the last one sent. Memory is bounded: a line longer than
//! [`MAX_LINE`] (a tool result holding a large file) is skipped, never kept.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::config::AgentConfig;

use super::events::Event;
use super::stream::{Activity, StreamFormat};

/// How often the log is read.
pub const POLL: Duration = Duration::from_millis(250);
/// The least time between two activity events of one session.
pub const MIN_GAP: Duration = Duration::from_secs(1);
/// A longer line is skipped.
pub const MAX_LINE: usize = 8 << 20;

/// What to follow for one attempt, taken before its agent starts: the log, its format, and
/// where the attempt's output begins (a log appended to by an earlier start of the same
/// attempt, before a `--resume`, is not read again).
#[derive(Debug, Clone)]
pub struct Watch {
    log: PathBuf,
    format: StreamFormat,
    from: u64,
}

impl Watch {
    pub fn new(agent: &AgentConfig, log: &Path) -> Watch {
        Watch {
            log: log.to_path_buf(),
            format: agent.stream_format(),
            from: std::fs::metadata(log).map_or(0, |m| m.len()),
        }
    }

    /// Starts following (nothing when the agent's stream is `none`); `send` gets each
    /// activity event, from the watcher's thread.
    pub fn start(
        self,
        session: &str,
        attempt: u32,
        send: impl Fn(Event) + Send + 'static,
    ) -> Watcher {
        if self.format == StreamFormat::None {
            return Watcher {
                stop: None,
                thread: None,
            };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let session = session.to_string();
        let thread = std::thread::Builder::new()
            .name(format!("watch {session}"))
            .spawn(move || {
                let mut follow = Follow::new(self, session, attempt);
                loop {
                    let last = !matches!(
                        stopped.recv_timeout(POLL),
                        Err(mpsc::RecvTimeoutError::Timeout)
                    );
                    if let Some(event) = follow.poll(last) {
                        send(event);
                    }
                    if last {
                        break;
                    }
                }
            })
            .ok();
        Watcher {
            stop: Some(stop),
            thread,
        }
    }
}

/// A running follower; [`Watcher::stop`] (or dropping it) ends it after a last read.
#[derive(Debug)]
pub struct Watcher {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Watcher {
    /// Reads what the agent wrote last, sends its final activity, and returns once done.
    pub fn stop(mut self) {
        self.end();
    }

    fn end(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.end();
    }
}

/// The follower's state between polls.
struct Follow {
    watch: Watch,
    session: String,
    attempt: u32,
    file: Option<File>,
    /// Bytes of a line not ended yet.
    partial: Vec<u8>,
    /// Inside a line over [`MAX_LINE`]: skipped up to its newline.
    skipping: bool,
    activity: Activity,
    /// What the last event said, and when it was sent.
    sent: Option<(Shown, Instant)>,
}

/// The part of an [`Activity`] an event carries.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    last_tool: Option<String>,
    tool_calls: u64,
    tokens: u64,
    cost_usd: Option<f64>,
}

impl Follow {
    fn new(watch: Watch, session: String, attempt: u32) -> Follow {
        Follow {
            watch,
            session,
            attempt,
            file: None,
            partial: Vec::new(),
            skipping: false,
            activity: Activity::default(),
            sent: None,
        }
    }

    /// Reads what is new; the event to send, if any. `last`: the agent exited, so a line
    /// without its newline is complete and the gap is not waited for.
    fn poll(&mut self, last: bool) -> Option<Event> {
        self.read();
        if last && !self.partial.is_empty() && !self.skipping {
            let line = std::mem::take(&mut self.partial);
            self.activity
                .feed(self.watch.format, &String::from_utf8_lossy(&line));
        }
        let shown = Shown {
            last_tool: self.activity.last_tool.clone(),
            tool_calls: self.activity.tool_calls,
            tokens: self.activity.total_tokens(),
            cost_usd: self.activity.cost_usd,
        };
        let quiet = shown.last_tool.is_none() && shown.tool_calls == 0 && shown.tokens == 0;
        let due = match &self.sent {
            None => !quiet,
            Some((before, at)) => *before != shown && (last || at.elapsed() >= MIN_GAP),
        };
        if !due {
            return None;
        }
        self.sent = Some((shown.clone(), Instant::now()));
        Some(Event::SessionActivity {
            session: self.session.clone(),
            attempt: self.attempt,
            last_tool: shown.last_tool,
            tool_calls: shown.tool_calls,
            tokens: shown.tokens,
            cost_usd: shown.cost_usd,
        })
    }

    /// Feeds every complete line written since the last read.
    fn read(&mut self) {
        if self.file.is_none() {
            let Ok(mut file) = File::open(&self.watch.log) else {
                return;
            };
            use std::io::{Seek, SeekFrom};
            if file.seek(SeekFrom::Start(self.watch.from)).is_err() {
                return;
            }
            self.file = Some(file);
        }
        let mut chunk = [0u8; 64 * 1024];
        loop {
            let n = match self.file.as_mut().map(|f| f.read(&mut chunk)) {
                Some(Ok(n)) if n > 0 => n,
                _ => return,
            };
            let mut rest = &chunk[..n];
            while let Some(end) = rest.iter().position(|&b| b == b'\n') {
                if self.skipping || self.partial.len() + end > MAX_LINE {
                    self.skipping = false;
                    self.partial = Vec::new();
                } else {
                    self.partial.extend_from_slice(&rest[..end]);
                    let line = std::mem::take(&mut self.partial);
                    self.activity
                        .feed(self.watch.format, &String::from_utf8_lossy(&line));
                }
                rest = &rest[end + 1..];
            }
            if !self.skipping {
                self.partial.extend_from_slice(rest);
                if self.partial.len() > MAX_LINE {
                    self.partial = Vec::new();
                    self.skipping = true;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const BASH: &str = r#"{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","name":"Bash","input":{"command":"make test"}}],"usage":{"input_tokens":100,"output_tokens":5}}}"#;
    const EDIT: &str = r#"{"type":"assistant","message":{"id":"m2","content":[{"type":"tool_use","name":"Edit","input":{}}],"usage":{"input_tokens":10,"output_tokens":1}}}"#;
    const RESULT: &str = r#"{"type":"result","subtype":"success","is_error":false,"total_cost_usd":0.25,"usage":{"input_tokens":300,"output_tokens":20}}"#;

    fn claude() -> AgentConfig {
        AgentConfig {
            argv: vec!["claude".into()],
            env: Vec::new(),
            timeout_secs: None,
            stream: None,
        }
    }

    fn follow(log: &Path) -> Follow {
        Follow::new(Watch::new(&claude(), log), "session-1".into(), 1)
    }

    fn tool(event: Option<Event>) -> Option<(Option<String>, u64)> {
        match event? {
            Event::SessionActivity {
                last_tool,
                tool_calls,
                ..
            } => Some((last_tool, tool_calls)),
            _ => None,
        }
    }

    #[test]
    fn complete_lines_are_read_as_written_and_events_are_spaced() {
        let dir = tempfile::tempdir().expect("tmp");
        let log = dir.path().join("s.log");
        let mut f = follow(&log);
        assert_eq!(f.poll(false), None, "no log yet");
        let mut file = File::create(&log).expect("log");
        writeln!(file, "plain text the agent printed").expect("write");
        write!(file, "{}", &BASH[..40]).expect("write");
        assert_eq!(f.poll(false), None, "half a line is not read");
        writeln!(file, "{}", &BASH[40..]).expect("write");
        assert_eq!(
            tool(f.poll(false)),
            Some((Some("Bash: make test".into()), 1))
        );
        writeln!(file, "{EDIT}").expect("write");
        assert_eq!(f.poll(false), None, "within a second of the last event");
        assert_eq!(f.activity.tool_calls, 2, "yet read");
        // The agent exits: its final activity goes at once, a last line without newline too.
        write!(file, "{RESULT}").expect("write");
        match f.poll(true) {
            Some(Event::SessionActivity {
                last_tool,
                tool_calls,
                tokens,
                cost_usd,
                ..
            }) => {
                assert_eq!(last_tool.as_deref(), Some("Edit"));
                assert_eq!((tool_calls, tokens, cost_usd), (2, 320, Some(0.25)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(f.poll(true), None, "nothing changed since");
    }

    #[test]
    fn output_from_before_the_attempt_and_overlong_lines_are_skipped() {
        let dir = tempfile::tempdir().expect("tmp");
        let log = dir.path().join("s.log");
        std::fs::write(&log, format!("{BASH}\n")).expect("earlier start");
        let mut f = follow(&log);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .expect("log");
        let huge = format!(
            r#"{{"type":"assistant","message":{{"content":[{{"type":"tool_use","name":"Write","input":{{"content":"{}"}}}}]}}}}"#,
            "x".repeat(MAX_LINE + 10)
        );
        writeln!(file, "{huge}").expect("write");
        writeln!(file, "{EDIT}").expect("write");
        assert_eq!(tool(f.poll(false)), Some((Some("Edit".into()), 1)));
        assert!(f.partial.capacity() < MAX_LINE * 2);
    }

    #[test]
    fn a_watcher_sends_its_final_activity_when_stopped() {
        let dir = tempfile::tempdir().expect("tmp");
        let log = dir.path().join("s.log");
        std::fs::write(&log, format!("{BASH}\n{RESULT}\n")).expect("log");
        let mut watch = Watch::new(&claude(), &log);
        watch.from = 0;
        let (tx, rx) = mpsc::channel();
        let watcher = watch.start("session-1", 2, move |e| {
            let _ = tx.send(e);
        });
        watcher.stop();
        let events: Vec<Event> = rx.iter().collect();
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0].session(), Some("session-1"));
        let mut none = claude();
        none.stream = Some(StreamFormat::None);
        let (tx, rx) = mpsc::channel();
        Watch::new(&none, &log).start("session-1", 1, move |e| {
            let _ = tx.send(e);
        });
        assert_eq!(rx.iter().count(), 0, "a `none` stream is not read");
    }
}
