//! `baton pool`: the worktree pool `baton run` takes sessions' worktrees from — what it
//! holds, filled ahead of a run so every session starts warm, or dropped to reclaim the disk
//! ([`crate::run::pool_admin`], docs/run.md "The worktree pool").

use std::process::ExitCode;

use serde::Serialize;

use super::Globals;
use super::error::{CliError, Kind};
use super::printer::Printer;
use crate::git::Git;
use crate::ops::Project;
use crate::run::pool_admin;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// The pooled worktrees and the commit each is at (the default).
    Status {
        /// As JSON (`baton.pool`).
        #[arg(long)]
        json: bool,
    },
    /// Add worktrees at HEAD until the pool holds `[run] pool` (or --count) of them: the
    /// next run's sessions then start without a checkout.
    Fill {
        /// Worktrees to hold (default: `[run] pool` in baton.toml, 8 when unset).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
        count: Option<u32>,
    },
    /// Remove every pooled worktree.
    Drop,
}

#[derive(Serialize)]
struct StatusView {
    schema: &'static str,
    /// `[run] pool`: what runs keep at most.
    size: usize,
    worktrees: Vec<EntryView>,
}

#[derive(Serialize)]
struct EntryView {
    path: String,
    commit: Option<String>,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    let (root, size) = pool_admin::locate(&file)?;
    let shown = |path: &std::path::Path| {
        path.strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    };
    match args
        .action
        .as_ref()
        .unwrap_or(&Action::Status { json: false })
    {
        Action::Status { json } => {
            let worktrees: Vec<EntryView> = pool_admin::list(&root)
                .into_iter()
                .map(|e| EntryView {
                    path: shown(&e.path),
                    commit: e.commit,
                })
                .collect();
            if *json {
                p.json(&StatusView {
                    schema: "baton.pool",
                    size,
                    worktrees,
                })?;
                return Ok(ExitCode::SUCCESS);
            }
            p.line(format!(
                "pool: {} of {size} worktrees{}",
                worktrees.len(),
                if size == 0 {
                    " ([run] pool = 0: off)"
                } else {
                    ""
                }
            ))?;
            for w in &worktrees {
                let commit = w
                    .commit
                    .as_deref()
                    .map_or("?", |c| c.get(..12).unwrap_or(c));
                p.line(format!("  {}  {commit}", w.path))?;
            }
        }
        Action::Fill { count } => {
            let target = count.map_or(size, |n| n as usize);
            if target == 0 {
                return Err(
                    CliError::usage("the pool is off (`[run] pool = 0` in baton.toml)")
                        .with_hint("pass --count N, or set `[run] pool` to the sessions you run"),
                );
            }
            let head = Git::new(&root).rev_parse("HEAD").map_err(|e| {
                CliError::new(
                    Kind::Input,
                    format!("the repository has no commit yet: {e}"),
                )
            })?;
            pool_admin::ready_for_runs(&file, &root)?;
            let filled = pool_admin::fill(&root, &head, target)?;
            p.status(format!(
                "pool: {} added, {} held at {}",
                filled.added,
                filled.held,
                head.get(..12).unwrap_or(&head)
            ))?;
        }
        Action::Drop => {
            let dropped = pool_admin::drop_all(&root);
            p.status(format!("pool: {dropped} worktrees removed"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
