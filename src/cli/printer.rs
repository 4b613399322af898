//! The only code that writes to the terminal. stdout carries data (human tables or JSON);
//! stderr carries status, diagnostics and hints. Colour follows `--color`, `NO_COLOR` and
//! whether the stream is a terminal (anstream decides per stream).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::plan::{Diagnostic, Severity, Status};

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const GREEN: Style = AnsiColor::Green.on_default();
pub const YELLOW: Style = AnsiColor::Yellow.on_default();
pub const RED: Style = AnsiColor::Red.on_default().bold();
pub const CYAN: Style = AnsiColor::Cyan.on_default();
pub const MAGENTA: Style = AnsiColor::Magenta.on_default();

/// Wraps text in a style; anstream strips it where colour is off.
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

pub fn status_style(status: Status) -> Style {
    match status {
        Status::Done => GREEN,
        Status::InProgress => YELLOW,
        Status::Skipped => DIM,
        Status::Todo => Style::new(),
    }
}

pub fn checkbox(status: Status) -> String {
    let mark = match status {
        Status::Todo => "[ ]",
        Status::Done => "[x]",
        Status::InProgress => "[~]",
        Status::Skipped => "[-]",
    };
    paint(status_style(status), mark)
}

#[derive(Debug)]
pub struct Printer {
    out: anstream::AutoStream<io::Stdout>,
    err: anstream::AutoStream<io::Stderr>,
}

impl Printer {
    pub fn new(choice: anstream::ColorChoice) -> Printer {
        Printer {
            out: anstream::AutoStream::new(io::stdout(), choice),
            err: anstream::AutoStream::new(io::stderr(), choice),
        }
    }

    /// One line of data on stdout.
    pub fn line(&mut self, text: impl AsRef<str>) -> io::Result<()> {
        writeln!(self.out, "{}", text.as_ref())
    }

    /// Bytes of data on stdout as they are (a generated script or page).
    pub fn data(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.out.flush()
    }

    /// A JSON document on stdout, pretty-printed, ending with a newline.
    ///
    /// The document is built in memory and written at once (stdout is line-buffered, and a
    /// large report written straight to it would cost one write call per line), past the
    /// colour filter: JSON carries no styles for it to strip.
    pub fn json(&mut self, value: &impl Serialize) -> io::Result<()> {
        let mut text = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
        text.push(b'\n');
        self.out.flush()?;
        let mut raw = self.out.as_inner();
        raw.write_all(&text)?;
        raw.flush()
    }

    /// A status line on stderr.
    pub fn status(&mut self, text: impl AsRef<str>) -> io::Result<()> {
        writeln!(self.err, "{}", text.as_ref())
    }

    pub fn hint(&mut self, text: impl AsRef<str>) -> io::Result<()> {
        writeln!(self.err, "{} {}", paint(CYAN, "hint:"), text.as_ref())
    }

    /// A finding, rustc-style: `error[E102]: message` then `--> file:line:col` and a hint.
    /// Findings are `lint`'s data, so they go to stdout.
    pub fn diagnostic(&mut self, file: &str, d: &Diagnostic) -> io::Result<()> {
        let label = match d.severity {
            Severity::Error => paint(RED, format!("error[{}]", d.code)),
            Severity::Warning => paint(YELLOW.bold(), format!("warning[{}]", d.code)),
        };
        writeln!(self.out, "{label}: {}", paint(BOLD, &d.message))?;
        writeln!(
            self.out,
            "  {} {file}:{}:{}",
            paint(CYAN, "-->"),
            d.span.line,
            d.span.col
        )?;
        if let Some(hint) = &d.hint {
            writeln!(self.out, "  {} {hint}", paint(CYAN, "= hint:"))?;
        }
        Ok(())
    }

    /// The one place a failed command is reported.
    pub fn error(&mut self, message: &str, hint: Option<&str>) {
        let _ = writeln!(self.err, "{} {message}", paint(RED, "error:"));
        if let Some(hint) = hint {
            let _ = self.hint(hint);
        }
    }

    /// A progress bar for `len` steps of long work, drawn on stderr only when stderr is a
    /// terminal and colour is not turned off for it; None otherwise (pipes, CI logs, `--json`
    /// callers pass `enabled: false`).
    pub fn progress(&self, len: u64, enabled: bool) -> Option<indicatif::ProgressBar> {
        use std::io::IsTerminal;
        if !enabled || !io::stderr().is_terminal() {
            return None;
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(len),
            indicatif::ProgressDrawTarget::stderr(),
        );
        let style =
            indicatif::ProgressStyle::with_template("{prefix} [{bar:24}] {pos}/{len} {wide_msg}")
                .map(|s| s.progress_chars("=> "))
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        Some(bar)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()?;
        self.err.flush()
    }
}
