//! `baton merge-driver BASE OURS THEIRS [PATH]`: git's custom merge driver for the plan file
//! (registered by `baton init`, see docs/merge-driver.md). git runs it with `%O %A %B %P`:
//! the result of the merge ([`crate::plan::merge`]) replaces OURS; the exit code is 0 for a
//! clean merge and 4 (conflict) when conflict markers were left in it. A file that cannot be
//! read leaves OURS as it was and exits 3, which git also reports as a conflict.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Globals;
use super::error::{CliError, code};
use super::printer::Printer;
use crate::plan::merge::{self, Options};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The common ancestor's version (git's %O).
    #[arg(value_name = "BASE")]
    base: PathBuf,
    /// The current branch's version; the merge result is written here (git's %A).
    #[arg(value_name = "OURS")]
    ours: PathBuf,
    /// The other branch's version (git's %B).
    #[arg(value_name = "THEIRS")]
    theirs: PathBuf,
    /// The path of the file being merged, for messages (git's %P).
    #[arg(value_name = "PATH")]
    path: Option<String>,
    /// Length of the conflict markers (git's %L).
    #[arg(long, value_name = "N", default_value_t = 7)]
    marker_size: usize,
    /// The label after `<<<<<<<`.
    #[arg(long, value_name = "TEXT", default_value = "ours")]
    ours_label: String,
    /// The label after `>>>>>>>`.
    #[arg(long, value_name = "TEXT", default_value = "theirs")]
    theirs_label: String,
}

pub fn run(p: &mut Printer, _g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| {
            CliError::input(format!("cannot read {}: {e}", path.display()))
                .with_hint("nothing was merged; git reports the file as conflicted")
        })
    };
    let base = read(&args.base)?;
    let ours = read(&args.ours)?;
    let theirs = read(&args.theirs)?;
    let options = Options {
        ours_label: &args.ours_label,
        theirs_label: &args.theirs_label,
        marker_size: args.marker_size.clamp(1, 1024),
    };
    let merged = merge::merge(&base, &ours, &theirs, &options);
    if merged.bytes != ours {
        write_atomic(&args.ours, &merged.bytes)?;
    }
    if merged.conflicts.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let shown = args
        .path
        .clone()
        .unwrap_or_else(|| args.ours.display().to_string());
    let lines: Vec<String> = merged.conflicts.iter().map(|l| l.to_string()).collect();
    let n = merged.conflicts.len();
    p.status(format!(
        "{shown}: {n} conflict{} that baton cannot merge, at line{} {}",
        if n == 1 { "" } else { "s" },
        if n == 1 { "" } else { "s" },
        lines.join(", ")
    ))?;
    Ok(ExitCode::from(code::CONFLICT))
}

/// Replaces OURS in one step, so a failed write never leaves half a merge behind.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| CliError::input(format!("cannot write {}: {e}", path.display()));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(fail)?;
    }
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
