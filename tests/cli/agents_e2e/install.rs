//! The agent CLIs from npm, each installed once into its own folder under the cargo target
//! directory's temp folder and reused by every later test and run.
//!
//! Installs are serialised by an exclusive `flock` on a lock file beside the folder, held
//! across processes: the tests of this binary run on threads, and another test binary (or a
//! second `cargo test`) may install at the same time; two npm runs in one folder break each
//! other. A CLI that cannot be installed skips its test with a message on stderr, unless
//! `BATON_REQUIRE_AGENT_CLIS` is set (CI sets it in `.ci/run`): then the test fails.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Set (to anything) when a CLI that cannot be installed must fail the test, not skip it.
pub const REQUIRE: &str = "BATON_REQUIRE_AGENT_CLIS";

/// An agent CLI that npm installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cli {
    Claude,
    Codex,
    Gemini,
}

impl Cli {
    pub fn package(self) -> &'static str {
        match self {
            Cli::Claude => "@anthropic-ai/claude-code",
            Cli::Codex => "@openai/codex",
            Cli::Gemini => "@google/gemini-cli",
        }
    }

    fn folder(self) -> &'static str {
        match self {
            Cli::Claude => "claude-code",
            Cli::Codex => "codex",
            Cli::Gemini => "gemini-cli",
        }
    }

    /// The executable's name, which is also the agent's for `baton init --agents NAME`.
    pub fn bin(self) -> &'static str {
        match self {
            Cli::Claude => "claude",
            Cli::Codex => "codex",
            Cli::Gemini => "gemini",
        }
    }
}

/// The CLI's executable, installed on first use; `None` (after saying why) when it cannot
/// be installed. Panics instead when `BATON_REQUIRE_AGENT_CLIS` is set.
pub fn agent_cli(cli: Cli, test: &str) -> Option<PathBuf> {
    match install(cli) {
        Ok(bin) => Some(bin),
        Err(why) => {
            skip(cli, test, &why);
            None
        }
    }
}

#[allow(clippy::print_stderr)]
fn skip(cli: Cli, test: &str, why: &str) {
    let message = format!(
        "{test}: {} is not available: {why}\n  (the test installs it with `npm install {}` \
         into {}; set {REQUIRE}=1 to make this a failure)",
        cli.bin(),
        cli.package(),
        root().display()
    );
    assert!(std::env::var_os(REQUIRE).is_none(), "{message}");
    eprintln!("SKIPPED {message}");
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).to_path_buf()
}

/// Whether `BIN --version` works. Claude Code's postinstall step links its native binary;
/// without it the `claude` bin is a stub that fails.
fn runs(bin: &Path) -> bool {
    bin.exists()
        && Command::new(bin)
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

fn install(cli: Cli) -> Result<PathBuf, String> {
    let prefix = root().join(cli.folder());
    let bin = prefix.join("node_modules").join(".bin").join(cli.bin());
    std::fs::create_dir_all(root())
        .map_err(|e| format!("cannot create {}: {e}", root().display()))?;
    // One installer at a time per folder, across threads and processes; the lock goes with
    // the file descriptor, so a test that panics or a process that dies releases it.
    let lock_path = root().join(format!("{}.lock", cli.folder()));
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("cannot open {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
    let result = install_locked(cli, &prefix, &bin);
    drop::<File>(lock);
    result
}

fn install_locked(cli: Cli, prefix: &Path, bin: &Path) -> Result<PathBuf, String> {
    if runs(bin) {
        return Ok(bin.to_path_buf());
    }
    std::fs::create_dir_all(prefix)
        .map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    let started = Instant::now();
    let out = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(prefix)
        .arg(cli.package())
        .current_dir(prefix)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run npm ({e})"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        return Err(format!(
            "`npm install {}` failed ({}):\n{}",
            cli.package(),
            out.status,
            lines[lines.len().saturating_sub(15)..].join("\n")
        ));
    }
    if !runs(bin) {
        return Err(format!(
            "npm installed {}, but `{} --version` does not run (was its postinstall script \
             skipped?)",
            cli.package(),
            bin.display()
        ));
    }
    note_install(cli, started.elapsed());
    Ok(bin.to_path_buf())
}

#[allow(clippy::print_stderr)]
fn note_install(cli: Cli, took: std::time::Duration) {
    eprintln!("agents_e2e: installed {} in {took:.1?}", cli.package());
}
