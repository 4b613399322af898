//! `baton report`: the plan, its schedule, its verdicts and its latest run as one
//! self-contained HTML file (docs/report.md), written with `--out FILE` or to stdout.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Globals;
use super::error::CliError;
use super::printer::Printer;
use crate::ops::Project;
use crate::ops::report::{self, Request};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the HTML to FILE (replaced atomically); `-` writes it to stdout, as does no
    /// --out when stdout is not a terminal.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Lay the planned lanes out for N sessions (default: the recommended number, as
    /// `baton analyze` says).
    #[arg(long, short = 's', value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub sessions: Option<u32>,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let to_stdout = match args.out.as_deref() {
        Some(path) => path == Path::new("-"),
        None => true,
    };
    if args.out.is_none() && std::io::stdout().is_terminal() {
        return Err(CliError::usage(
            "baton report writes an HTML page: give it a file, or redirect stdout",
        )
        .with_hint("baton report --out report.html  (or `baton report > report.html`)"));
    }
    let file = Project::locate(g.plan.as_deref())?;
    let model = report::collect(
        &file,
        &Request {
            sessions: args.sessions,
        },
    )?;
    let html = crate::report::html::render(&model);
    if to_stdout {
        p.line(html.strip_suffix('\n').unwrap_or(&html))?;
        return Ok(ExitCode::SUCCESS);
    }
    let out = args.out.as_deref().unwrap_or(Path::new("-"));
    write_atomically(out, html.as_bytes())?;
    p.status(format!(
        "wrote {} ({} tasks, {} KiB)",
        out.display(),
        model.tasks.len(),
        html.len().div_ceil(1024)
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`: a reader
/// (a browser, a CI upload) never sees half a page.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write as _;
    let cannot =
        |e: std::io::Error| CliError::input(format!("cannot write {}: {e}", path.display()));
    if path.is_dir() {
        return Err(CliError::input(format!(
            "cannot write {}: it is a directory",
            path.display()
        ))
        .with_hint("give a file name, such as --out report.html"));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".baton-report")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(cannot)?;
    tmp.write_all(bytes).map_err(cannot)?;
    // A page to share: readable by others, as a file written with `>` would be.
    {
        use std::os::unix::fs::PermissionsExt as _;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(cannot)?;
    }
    tmp.persist(path).map_err(|e| cannot(e.error))?;
    Ok(())
}
