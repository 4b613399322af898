//! The audit as a gate: what `complete_task`, `verify --task` and the Stop hook do with a
//! session's out-of-scope changes, as `[audit] policy` in baton.toml says (block, warn, off).
//! `baton audit` itself always reports; gates judge.

use super::error::Error;
use super::project::Project;
use crate::audit::{self, AuditError, AuditInput, AuditReport};
use crate::config::{Config, Policy};
use crate::plan::Plan;

/// An audit run by a gate, and what the policy makes of it.
#[derive(Debug)]
pub struct Gate {
    pub policy: Policy,
    pub report: AuditReport,
}

impl Gate {
    /// Findings under `policy = "block"`: the gate does not pass.
    pub fn blocks(&self) -> bool {
        self.policy == Policy::Block && !self.report.is_clean()
    }

    /// One line per finding: `A001 path: message`.
    pub fn lines(&self) -> Vec<String> {
        self.report
            .findings
            .iter()
            .map(|f| format!("{} {}: {}", f.code.code(), f.path, f.message))
            .collect()
    }
}

/// The files `baton init --agents` and `baton init --merge-driver` write to set agents up:
/// the session under audit did not make them, so a gate never holds them against it (often
/// they are simply not committed yet). `baton audit` still lists them.
pub const AGENT_SETUP: &[&str] = &[
    "CLAUDE.md",
    "AGENTS.md",
    "GEMINI.md",
    ".mcp.json",
    ".gitattributes",
    ".claude/settings.json",
    ".codex/config.toml",
    ".gemini/settings.json",
];

fn is_agent_setup(path: &str) -> bool {
    AGENT_SETUP.contains(&path)
        || (path.starts_with(".claude/commands/baton-") && path.ends_with(".md"))
        || path.starts_with(".gemini/commands/baton/")
}

/// The project's configuration (baton.toml beside the plan; the defaults without one).
pub fn config(project: &Project) -> Result<Config, Error> {
    Config::for_plan(&project.path).map_err(|e| {
        Error::input(e.to_string()).with_hint("docs/config.md lists every key of baton.toml")
    })
}

/// Audits `tasks` (none: the session's claimed and ticked tasks) for `session` as a gate.
/// None when the policy is `off`, or when there is nothing to compare with (no repository,
/// no integration branch, no fork point): a gate never fails for want of history.
pub fn gate(
    project: &Project,
    plan: &Plan,
    tasks: &[String],
    session: Option<&str>,
) -> Result<Option<Gate>, Error> {
    let config = config(project)?;
    if config.audit.policy == Policy::Off {
        return Ok(None);
    }
    let now = crate::state::now_rfc3339();
    let claims: Vec<_> = project
        .claims()?
        .into_values()
        .filter(|c| c.is_live(&now))
        .collect();
    let input = AuditInput {
        plan_path: &project.path,
        plan,
        config: &config.audit,
        base: None,
        head: None,
        tasks,
        session,
        claims: &claims,
    };
    match audit::audit(&input) {
        Ok(mut report) => {
            report.findings.retain(|f| !is_agent_setup(&f.path));
            Ok(Some(Gate {
                policy: config.audit.policy,
                report,
            }))
        }
        Err(
            AuditError::NotARepository { .. }
            | AuditError::NoIntegrationBranch { .. }
            | AuditError::NoForkPoint { .. },
        ) => Ok(None),
        Err(err @ AuditError::Format { .. }) => Err(Error::input(format!("audit: {err}"))),
        Err(
            err @ (AuditError::UnknownIntegrationBranch { .. } | AuditError::UnknownTask { .. }),
        ) => Err(Error::input(format!("audit: {err}"))
            .with_hint("fix `[audit] integration_branch` in baton.toml (docs/config.md)")),
        Err(err) => Err(Error::internal(format!("audit: {err}")).with_source(err)),
    }
}
