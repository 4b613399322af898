//! `baton init`: a plan template, and a marked instruction block for agents that is added
//! once and kept current, never touching anything else in the file. For Claude Code it also
//! installs baton's Stop hook in `.claude/settings.json`, merged into what is there
//! ([`crate::agents::claude`]; docs/agents.md), so a session cannot stop with its tasks
//! unfinished or falsely ticked.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Globals;
use super::error::{CliError, Kind};
use super::printer::Printer;
use crate::agents::claude::{self, Merged, SettingsError};

const PLAN_TEMPLATE: &str = include_str!("templates/plan.md");
const AGENTS_TEMPLATE: &str = include_str!("templates/agents.md");
const BLOCK_START: &str = "<!-- baton:agents:start -->";
const BLOCK_END: &str = "<!-- baton:agents:end -->";
/// Claude Code's project settings, relative to the project directory.
const CLAUDE_SETTINGS: &str = ".claude/settings.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Agent {
    /// CLAUDE.md (Claude Code).
    Claude,
    /// AGENTS.md (Codex CLI).
    Codex,
    /// AGENTS.md (any agent that reads it).
    Generic,
}

impl Agent {
    fn file(self) -> &'static str {
        match self {
            Agent::Claude => "CLAUDE.md",
            Agent::Codex | Agent::Generic => "AGENTS.md",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also add baton's instructions for these agents (comma separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "AGENT")]
    agents: Vec<Agent>,
    /// Where to write (default: the current directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::current_dir()
            .map_err(|e| CliError::input(format!("cannot read the current directory: {e}")))?,
    };
    if !dir.is_dir() {
        return Err(CliError::input(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    // The settings merge is decided before anything is written, so a malformed settings
    // file stops `init` with every file as it was.
    let settings = if args.agents.contains(&Agent::Claude) {
        let path = dir.join(CLAUDE_SETTINGS);
        let shown = match &args.dir {
            Some(_) => path.display().to_string(),
            None => CLAUDE_SETTINGS.to_string(),
        };
        let merged = merge_settings(&path, &shown)?;
        Some((path, shown, merged))
    } else {
        None
    };
    let plan = g.plan.clone().unwrap_or_else(|| dir.join("plan.md"));
    let plan_name = plan
        .strip_prefix(&dir)
        .unwrap_or(&plan)
        .display()
        .to_string();
    if plan.exists() {
        if args.agents.is_empty() {
            return Err(CliError::input(format!(
                "{plan_name} already exists; nothing was written"
            ))
            .with_hint(
                "`baton init --agents claude` adds agent instructions to an existing project",
            ));
        }
        p.status(format!("{} exists, left as it is", plan_name))?;
    } else {
        write_new(&plan, PLAN_TEMPLATE)?;
        p.status(format!("wrote {plan_name}"))?;
    }
    let mut files: Vec<&str> = args.agents.iter().map(|a| a.file()).collect();
    files.dedup();
    for name in files {
        let block = format!(
            "{BLOCK_START}\n{}{BLOCK_END}\n",
            AGENTS_TEMPLATE.replace("{plan}", &plan_name)
        );
        let path = dir.join(name);
        match upsert_block(&path, &block)? {
            Change::Created => p.status(format!("wrote {name}"))?,
            Change::Updated => p.status(format!("updated baton's block in {name}"))?,
            Change::Unchanged => p.status(format!("{name} already has baton's block"))?,
        }
    }
    if let Some((path, shown, (existed, merged))) = settings {
        match merged {
            Merged::AlreadyPresent => p.status(format!(
                "{shown} already runs `{}` on Stop",
                claude::STOP_COMMAND
            ))?,
            Merged::Updated(text) => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(|e| {
                        CliError::input(format!("cannot create {}: {e}", parent.display()))
                    })?;
                }
                write_atomic(&path, text.as_bytes())?;
                if existed {
                    p.status(format!("added baton's Stop hook to {shown}"))?;
                } else {
                    p.status(format!("wrote {shown} (baton's Stop hook)"))?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads Claude Code's settings and merges baton's Stop hook into them, writing nothing.
/// Returns whether the file existed, and the merge.
fn merge_settings(path: &Path, shown: &str) -> Result<(bool, Merged), CliError> {
    let existing = match fs::read(path) {
        Ok(bytes) => Some(String::from_utf8(bytes).map_err(|_| {
            CliError::input(format!("{shown} is not UTF-8 text; it was left untouched"))
        })?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(CliError::input(format!("cannot read {shown}: {e}"))),
    };
    let merged = claude::merge_stop_hook(existing.as_deref()).map_err(|e| {
        let message = match &e {
            SettingsError::Syntax { .. } => format!("{shown}:{e}"),
            SettingsError::Shape { .. } => format!("{shown}: {e}"),
        };
        CliError::input(format!("{message}; it was left untouched")).with_hint(format!(
            "fix {shown} by hand, then run `baton init --agents claude` again to add the Stop hook"
        ))
    })?;
    Ok((existing.is_some(), merged))
}

/// Replaces a file in one step: a temporary file in the same folder, then a rename. The file
/// keeps its permissions (a new one gets the usual 0644, not the temporary file's 0600).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let tmp_dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let write_err =
        |e: std::io::Error| CliError::input(format!("cannot write {}: {e}", path.display()));
    let mut tmp = tempfile::NamedTempFile::new_in(tmp_dir).map_err(write_err)?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(write_err)?;
    let permissions = match fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(_) => new_file_permissions(),
    };
    if let Some(permissions) = permissions {
        fs::set_permissions(tmp.path(), permissions).map_err(write_err)?;
    }
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
}

#[cfg(unix)]
fn new_file_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<fs::Permissions> {
    None
}

fn write_new(path: &Path, text: &str) -> Result<(), CliError> {
    fs::write(path, text)
        .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))
}

enum Change {
    Created,
    Updated,
    Unchanged,
}

/// Puts `block` into the file: replaces an existing marked block, or appends it after what
/// is there. Everything outside the markers stays byte for byte.
fn upsert_block(path: &Path, block: &str) -> Result<Change, CliError> {
    let old = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            write_new(path, block)?;
            return Ok(Change::Created);
        }
        Err(e) => {
            return Err(CliError::input(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    let text = String::from_utf8_lossy(&old);
    let new = match (text.find(BLOCK_START), text.find(BLOCK_END)) {
        (Some(start), Some(end)) if end > start => {
            let mut end = end + BLOCK_END.len();
            if text[end..].starts_with('\n') {
                end += 1;
            }
            let mut new = old[..start].to_vec();
            new.extend_from_slice(block.as_bytes());
            new.extend_from_slice(&old[end..]);
            new
        }
        (None, None) => {
            let mut new = old.clone();
            match (new.is_empty(), new.ends_with(b"\n\n"), new.ends_with(b"\n")) {
                (true, _, _) | (_, true, _) => {}
                (_, _, true) => new.push(b'\n'),
                _ => new.extend_from_slice(b"\n\n"),
            }
            new.extend_from_slice(block.as_bytes());
            new
        }
        _ => {
            return Err(CliError::new(
                Kind::Input,
                format!(
                    "{} has only one of baton's markers; fix it by hand",
                    path.display()
                ),
            ));
        }
    };
    if new == old {
        return Ok(Change::Unchanged);
    }
    write_atomic(path, &new)?;
    Ok(Change::Updated)
}
