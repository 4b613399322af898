//! How the command line reports a use case's error: each [`Kind`] maps to one documented
//! exit code (docs/exit-codes.md), here and nowhere else. The error type itself is the use-case
//! layer's ([`crate::ops::Error`]), shared with every other front end.

use std::process::ExitCode;

pub use crate::ops::{Error as CliError, Kind};

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
    /// Stopped by SIGINT (Ctrl-C) after killing every child it started: 128 + 2.
    pub const INTERRUPTED: u8 = 130;
    /// Stopped by SIGTERM after killing every child it started: 128 + 15.
    pub const TERMINATED: u8 = 143;
}

/// The exit code for a kind of error.
pub fn kind_code(kind: Kind) -> u8 {
    match kind {
        Kind::Usage => code::USAGE,
        Kind::Input => code::INPUT,
        Kind::Conflict => code::CONFLICT,
        Kind::Busy => code::BUSY,
        Kind::Internal => code::INTERNAL,
        Kind::Interrupted => code::INTERRUPTED,
        Kind::Terminated => code::TERMINATED,
    }
}

/// The process's exit code for an error: a closed pipe is a quiet success, as `head` expects.
pub fn exit_code(err: &CliError) -> ExitCode {
    if err.is_broken_pipe() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(kind_code(err.kind))
    }
}
