//! The one error every use case returns: a kind, a message, an optional hint and the
//! underlying cause. Front ends decide how to show it: the CLI maps the kind to a documented
//! exit code (`cli::error`), the MCP server to a tool error with structured content. Library
//! errors (the plan store, the state database, i/o) are mapped to kinds here and nowhere else.

use std::fmt;

use crate::plan::store::StoreError;
use crate::process::Cancel;
use crate::state::{ClaimsError, StateError};

/// What went wrong, in the terms a caller acts on. Each front end maps kinds in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The request itself was malformed (a missing name, an empty decision).
    Usage,
    /// The input was wrong: no plan, an unreadable file, an unknown or ambiguous task id.
    Input,
    /// Another session got there first, or the task is not ready for this.
    Conflict,
    /// The plan or the state stayed locked, or kept changing underneath; try again.
    Busy,
    /// A bug or an environment failure baton cannot explain.
    Internal,
    /// SIGINT (or another signal but SIGTERM) stopped the work, after every child it started
    /// was killed.
    Interrupted,
    /// SIGTERM stopped the work, after every child it started was killed.
    Terminated,
}

impl Kind {
    /// The kind's stable name, as tool results and JSON documents carry it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Usage => "invalid-argument",
            Kind::Input => "bad-input",
            Kind::Conflict => "conflict",
            Kind::Busy => "busy",
            Kind::Internal => "internal",
            Kind::Interrupted | Kind::Terminated => "interrupted",
        }
    }
}

/// A use case's failure.
#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
    /// Machine-readable facts for front ends that can carry them (who holds a task, the
    /// failing evidence); the message already says the same in words.
    pub details: Option<serde_json::Value>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            hint: None,
            details: None,
            source: None,
        }
    }

    pub fn input(message: impl Into<String>) -> Error {
        Error::new(Kind::Input, message)
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(Kind::Usage, message)
    }

    pub fn conflict(message: impl Into<String>) -> Error {
        Error::new(Kind::Conflict, message)
    }

    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(Kind::Internal, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Error {
        self.details = Some(details);
        self
    }

    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        self.source = Some(Box::new(source));
        self
    }

    /// Output was cut off by a closed pipe (`baton list | head`): not a failure of baton's.
    pub fn is_broken_pipe(&self) -> bool {
        self.source
            .as_deref()
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        Error::internal(format!("i/o error: {err}")).with_source(err)
    }
}

impl From<StoreError> for Error {
    fn from(err: StoreError) -> Error {
        let message = err.to_string();
        let kind_and_hint = match &err {
            StoreError::Read { .. } => (Kind::Input, None),
            StoreError::Busy { .. } | StoreError::ConcurrentEdit { .. } => {
                (Kind::Busy, Some("try again; nothing was written"))
            }
            StoreError::Lock { source, .. } if is_not_writable(source) => {
                (Kind::Input, Some(NOT_WRITABLE_HINT))
            }
            StoreError::Write { .. } | StoreError::Lock { .. } => (
                Kind::Input,
                Some("check that the plan's folder is writable; the plan was left as it was"),
            ),
            StoreError::Edit { .. } => (Kind::Internal, None),
            StoreError::ReadOnly { path, .. } => {
                let hint = format!(
                    "make it writable (`chmod u+w {}`) if baton should edit it; it was left as it was",
                    path.display()
                );
                return Error::input(message).with_hint(hint).with_source(err);
            }
            StoreError::NotAPlan { .. } => (
                Kind::Input,
                Some(
                    "point baton at the plan with --plan FILE (a Markdown file with `- [ ]` \
                     tasks), or run `baton init` to start one",
                ),
            ),
            StoreError::ReadOnlyFormat { .. } => (
                Kind::Input,
                Some(
                    "change it with the tool that owns it; baton's reading commands read it as it is",
                ),
            ),
            StoreError::LinkOutside { target, .. } => {
                let hint = format!(
                    "edit the plan where it lives (--plan {}), or keep it inside the repository",
                    target.display()
                );
                return Error::input(message).with_hint(hint).with_source(err);
            }
        };
        let (kind, hint) = kind_and_hint;
        let out = Error::new(kind, message).with_source(err);
        match hint {
            Some(hint) => out.with_hint(hint),
            None => out,
        }
    }
}

impl From<StateError> for Error {
    fn from(err: StateError) -> Error {
        let message = format!("claims database: {err}");
        match &err {
            StateError::Postgres { .. } => Error::new(Kind::Busy, message)
                .with_hint(
                    "check that the PostgreSQL server is up and that BATON_STATE (or `state` in \
                     baton.toml) names it; nothing was changed",
                )
                .with_source(err),
            StateError::Data { .. } => Error::input(message)
                .with_hint("the state holds a value this baton did not write; nothing was changed")
                .with_source(err),
            StateError::ReadOnly { .. } => Error::input(message)
                .with_hint(NOT_WRITABLE_HINT)
                .with_source(err),
            StateError::NewerSchema { .. } => Error::new(Kind::Busy, message).with_source(err),
            StateError::Busy { .. } | StateError::Io { .. } | StateError::Sqlite { .. } => {
                Error::new(Kind::Busy, message)
                    .with_hint("another baton may hold the database; try again")
                    .with_source(err)
            }
        }
    }
}

impl From<ClaimsError> for Error {
    fn from(err: ClaimsError) -> Error {
        let message = err.to_string();
        match err {
            ClaimsError::State(e) => Error::from(e),
            ClaimsError::NotARepository { .. } => Error::input(message).with_hint(
                "run baton inside a clone of the team's repository, or set claims = \"local\"",
            ),
            ClaimsError::Unreachable { ref remote, .. } => {
                let hint = format!(
                    "check that `git fetch {remote}` works here (or set claims_remote in \
                     baton.toml); claims are never taken locally instead; nothing was claimed"
                );
                Error::new(Kind::Busy, message)
                    .with_hint(hint)
                    .with_source(err)
            }
            ClaimsError::Refused { .. } => Error::input(message)
                .with_hint(
                    "the remote must accept refs under refs/baton/claims/ (a hook or the host's \
                     rules refused it): allow them there, or use claims = \"local\" \
                     (docs/scaling.md)",
                )
                .with_source(err),
            ClaimsError::Contended { .. } => Error::new(Kind::Busy, message)
                .with_hint("many sessions are racing for it; try again")
                .with_source(err),
            ClaimsError::Git(_) => Error::internal(message).with_source(err),
        }
    }
}

/// Where baton keeps its shared state (claims, the plan lock) cannot be written by this
/// process. Agents' sandboxes do this: Codex's workspace-write sandbox makes `.git`
/// read-only to the commands the model runs, while MCP servers run outside it.
const NOT_WRITABLE_HINT: &str = "this process may not write there (an agent's sandbox often \
    makes `.git` read-only): make the write through baton's MCP tools (claim_task, \
    complete_task, release_task, undo_task, add_task, log_decision), which run outside the sandbox, or \
    run baton where that folder is writable";

fn is_not_writable(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    )
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Error {
        Error::internal(format!("JSON output failed: {err}")).with_source(err)
    }
}

impl From<Cancel> for Error {
    fn from(why: Cancel) -> Error {
        let kind = match why {
            Cancel::Signal(15) => Kind::Terminated,
            Cancel::Signal(_) | Cancel::Requested => Kind::Interrupted,
        };
        Error::new(
            kind,
            format!("{why}: every command baton started was stopped, with everything it started"),
        )
    }
}
