//! The one CLI error: a kind that decides the exit code, a message, and an optional hint.
//! Library errors are mapped to kinds here and nowhere else. The codes are documented in
//! docs/exit-codes.md.

use std::fmt;
use std::process::ExitCode;

use crate::plan::store::StoreError;
use crate::state::StateError;

/// Exit codes, as documented in docs/exit-codes.md.
pub mod code {
    /// Success.
    pub const OK: u8 = 0;
    /// The command ran and found problems: lint errors.
    pub const FINDINGS: u8 = 1;
    /// The command line was malformed.
    pub const USAGE: u8 = 2;
    /// The input was wrong: no plan, an unreadable file, an unknown or ambiguous task id.
    pub const INPUT: u8 = 3;
    /// Another session got there first: the task is claimed by someone else, or not ready.
    pub const CONFLICT: u8 = 4;
    /// The plan or the state stayed locked, or kept changing underneath; try again.
    pub const BUSY: u8 = 5;
    /// `verify`: a ticked box whose evidence fails.
    pub const FALSE_DONE: u8 = 6;
    /// `verify`: acceptance criteria changed since `baton lock`.
    pub const TAMPERED: u8 = 7;
    /// A bug or an environment failure baton cannot explain.
    pub const INTERNAL: u8 = 70;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Usage,
    Input,
    Conflict,
    Busy,
    Internal,
}

impl Kind {
    pub fn code(self) -> u8 {
        match self {
            Kind::Usage => code::USAGE,
            Kind::Input => code::INPUT,
            Kind::Conflict => code::CONFLICT,
            Kind::Busy => code::BUSY,
            Kind::Internal => code::INTERNAL,
        }
    }
}

#[derive(Debug)]
pub struct CliError {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
    /// Output was cut off by a closed pipe: exit quietly with success, as `head` expects.
    pub broken_pipe: bool,
}

impl CliError {
    pub fn new(kind: Kind, message: impl Into<String>) -> CliError {
        CliError {
            kind,
            message: message.into(),
            hint: None,
            broken_pipe: false,
        }
    }

    pub fn input(message: impl Into<String>) -> CliError {
        CliError::new(Kind::Input, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }

    pub fn exit_code(&self) -> ExitCode {
        if self.broken_pipe {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(self.kind.code())
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> CliError {
        let mut out = CliError::new(Kind::Internal, format!("i/o error: {err}"));
        out.broken_pipe = err.kind() == std::io::ErrorKind::BrokenPipe;
        out
    }
}

impl From<StoreError> for CliError {
    fn from(err: StoreError) -> CliError {
        let message = err.to_string();
        match err {
            StoreError::Read { .. } => CliError::input(message),
            StoreError::Busy { .. } | StoreError::ConcurrentEdit { .. } => {
                CliError::new(Kind::Busy, message).with_hint("try again; nothing was written")
            }
            StoreError::Write { .. } | StoreError::Lock { .. } => {
                CliError::new(Kind::Input, message).with_hint(
                    "check that the plan's folder is writable; the plan was left as it was",
                )
            }
            StoreError::Edit { .. } => CliError::new(Kind::Internal, message),
            StoreError::ReadOnly { path, .. } => CliError::input(message).with_hint(format!(
                "make it writable (`chmod u+w {}`) if baton should edit it; it was left as it was",
                path.display()
            )),
            StoreError::NotAPlan { .. } => CliError::input(message).with_hint(
                "point baton at the plan with --plan FILE (a Markdown file with `- [ ]` tasks), \
                 or run `baton init` to start one",
            ),
            StoreError::LinkOutside { target, .. } => CliError::input(message).with_hint(format!(
                "edit the plan where it lives (--plan {}), or keep it inside the repository",
                target.display()
            )),
        }
    }
}

impl From<StateError> for CliError {
    fn from(err: StateError) -> CliError {
        CliError::new(Kind::Busy, format!("claims database: {err}"))
            .with_hint("another baton may hold the database; try again")
    }
}

impl From<serde_json::Error> for CliError {
    fn from(err: serde_json::Error) -> CliError {
        CliError::new(Kind::Internal, format!("JSON output failed: {err}"))
    }
}
