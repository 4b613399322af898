//! `baton prompts`: one Markdown brief per session for a phase, to paste into (or pipe to)
//! each coding-agent session, so that sessions start with their tasks, their files and the
//! protocol instead of the whole plan.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::Globals;
use super::error::CliError;
use super::printer::Printer;
use crate::ops::Project;
use crate::ops::session::{Generated, generate, shown_override};
use crate::ops::views::Envelope;
use crate::prompts::Prompt;

/// Task ids listed per session in the summary before the rest is counted.
const IDS_SHOWN: usize = 10;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Sessions to lay lanes out for (default: the number `baton analyze` recommends).
    #[arg(long, short = 's', value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    sessions: Option<u32>,
    /// The phase, by its number as `baton status` shows it (default: the current phase).
    #[arg(long, value_name = "P", value_parser = clap::value_parser!(u32).range(1..))]
    phase: Option<u32>,
    /// Write one file per session into DIR (created if missing; files are overwritten).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print the brief SESSION needs after a compaction instead (its claims, remaining tasks,
    /// decisions since it started, upstream work, the last stop gate; docs/prompts.md).
    /// SESSION is the agent's session id or the name the session claims with.
    #[arg(long, value_name = "SESSION", conflicts_with_all = ["sessions", "phase", "out"])]
    resume: Option<String>,
    /// Print as JSON (docs/json.md, schema `baton.prompts`, or `baton.resume` with --resume).
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct PromptsView {
    phase: usize,
    phase_title: String,
    /// Sessions asked for (or recommended); `prompts` may hold fewer.
    sessions: u32,
    /// `built-in`, or the override template's path.
    template: String,
    prompts: Vec<PromptView>,
}

#[derive(Serialize)]
struct PromptView {
    phase: usize,
    session: u32,
    tasks: Vec<String>,
    owns: Vec<String>,
    shared: Vec<SharedView>,
    must_not_modify: Vec<ForeignView>,
    tokens: usize,
    path: Option<String>,
    text: String,
}

#[derive(Serialize)]
struct SharedView {
    path: String,
    sessions: Vec<u32>,
    tasks: Vec<String>,
}

#[derive(Serialize)]
struct ForeignView {
    path: String,
    session: u32,
}

impl PromptView {
    fn new(prompt: &Prompt, path: Option<String>) -> PromptView {
        let c = &prompt.context;
        PromptView {
            phase: c.phase.number,
            session: c.session,
            tasks: c.tasks.iter().map(|t| t.id.clone()).collect(),
            owns: c
                .owns
                .iter()
                .map(|o| o.path.clone())
                .chain(c.shared.iter().map(|s| s.path.clone()))
                .collect(),
            shared: c
                .shared
                .iter()
                .map(|s| SharedView {
                    path: s.path.clone(),
                    sessions: s.sessions.clone(),
                    tasks: s.tasks.clone(),
                })
                .collect(),
            must_not_modify: c
                .must_not_modify
                .iter()
                .map(|f| ForeignView {
                    path: f.path.clone(),
                    session: f.session,
                })
                .collect(),
            tokens: prompt.tokens,
            path,
            text: prompt.text.clone(),
        }
    }
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    let (_, plan) = file.load()?;
    if let Some(session) = &args.resume {
        return resume(p, &file, &plan, session, args.json);
    }
    let Generated {
        phase,
        out,
        overridden,
    } = generate(&file, &plan, args.phase, args.sessions)?;
    let override_shown = shown_override(&file);
    let override_text = overridden;

    let phase_title = plan.phases[phase].title.clone();
    let mut paths: Vec<Option<String>> = vec![None; out.prompts.len()];
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| {
            CliError::input(format!("cannot create the folder {}: {e}", dir.display()))
        })?;
        for (prompt, slot) in out.prompts.iter().zip(&mut paths) {
            let path = dir.join(file_name(prompt));
            std::fs::write(&path, &prompt.text)
                .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))?;
            *slot = Some(path.display().to_string());
        }
    }

    let made = out.prompts.len();
    if made < out.sessions as usize {
        p.status(format!(
            "phase {} has parallel work for only {made} of {} sessions: {made} prompt{}",
            phase + 1,
            out.sessions,
            if made == 1 { "" } else { "s" }
        ))?;
    }

    if args.json {
        let view = PromptsView {
            phase: phase + 1,
            phase_title,
            sessions: out.sessions,
            template: match override_text {
                Some(_) => override_shown.clone(),
                None => "built-in".to_string(),
            },
            prompts: out
                .prompts
                .iter()
                .zip(paths)
                .map(|(prompt, path)| PromptView::new(prompt, path))
                .collect(),
        };
        p.json(&Envelope::new("baton.prompts", &file.shown, view))?;
        return Ok(ExitCode::SUCCESS);
    }

    if args.out.is_some() {
        for path in paths.iter().flatten() {
            p.line(path)?;
        }
    } else {
        for (i, prompt) in out.prompts.iter().enumerate() {
            if i > 0 {
                p.line("")?;
            }
            p.line(format!(
                "<!-- baton: session {} of {made}, phase {} -->",
                prompt.context.session,
                phase + 1
            ))?;
            p.line(prompt.text.trim_end())?;
        }
    }
    summary(
        p,
        &phase_title,
        phase,
        &out.prompts,
        override_text.is_some(),
        &override_shown,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `--resume SESSION`: the session's resume brief.
fn resume(
    p: &mut Printer,
    file: &Project,
    plan: &crate::plan::Plan,
    session: &str,
    json: bool,
) -> Result<ExitCode, CliError> {
    let session = session.trim();
    if session.is_empty() {
        return Err(CliError::usage("--resume needs a session id or name"));
    }
    let brief = crate::ops::resume::brief(file, plan, session)?;
    if brief.unknown {
        p.status(format!(
            "baton has no record of session {session} (no session-start snapshot, claims or \
             stop gate): the brief holds the plan only"
        ))?;
    }
    if json {
        p.json(&Envelope::new("baton.resume", &file.shown, &brief))?;
    } else {
        p.line(brief.to_markdown().trim_end())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn file_name(prompt: &Prompt) -> String {
    format!(
        "session-{}-{}.md",
        prompt.context.phase.number, prompt.context.session
    )
}

fn summary(
    p: &mut Printer,
    phase_title: &str,
    phase: usize,
    prompts: &[Prompt],
    overridden: bool,
    override_shown: &str,
) -> Result<(), CliError> {
    let from = if overridden {
        format!(" from {override_shown}")
    } else {
        String::new()
    };
    p.status(format!(
        "{} prompt{} for phase {} \"{phase_title}\"{from}; tokens estimated as bytes / 4:",
        prompts.len(),
        if prompts.len() == 1 { "" } else { "s" },
        phase + 1
    ))?;
    for prompt in prompts {
        let tasks = &prompt.context.tasks;
        let mut ids: Vec<&str> = tasks
            .iter()
            .take(IDS_SHOWN)
            .map(|t| t.id.as_str())
            .collect();
        let more = format!("… +{} more", tasks.len().saturating_sub(IDS_SHOWN));
        if tasks.len() > IDS_SHOWN {
            ids.push(&more);
        }
        p.status(format!(
            "  session {}  ~{} tokens  {}",
            prompt.context.session,
            prompt.tokens,
            ids.join(", ")
        ))?;
    }
    Ok(())
}
