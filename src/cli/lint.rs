//! `baton lint`: every finding with its code, `file:line:col` and a hint.

use std::process::ExitCode;

use serde::Serialize;

use super::Globals;
use super::error::{CliError, code};
use super::printer::{self, Printer};
use crate::ops::project::Project;
use crate::ops::views::{DiagnosticView, Envelope};
use crate::plan::Severity;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print findings as JSON (docs/json.md, schema `baton.lint`).
    #[arg(long)]
    json: bool,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    strict: bool,
}

#[derive(Serialize)]
struct LintView {
    tasks: usize,
    phases: usize,
    errors: usize,
    warnings: usize,
    ok: bool,
    findings: Vec<DiagnosticView>,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    let (_, plan) = file.load()?;
    let findings = crate::lint::lint(&plan);
    let errors = findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let ok = errors == 0 && (!args.strict || warnings == 0);
    if args.json {
        p.json(&Envelope::new(
            "baton.lint",
            &file.shown,
            LintView {
                tasks: plan.tasks.len(),
                phases: plan.phases.len(),
                errors,
                warnings,
                ok,
                findings: findings.iter().map(DiagnosticView::from).collect(),
            },
        ))?;
    } else {
        for finding in &findings {
            p.diagnostic(&file.shown, finding)?;
        }
        let counts = format!("{} tasks in {} phases", plan.tasks.len(), plan.phases.len());
        let summary = match (errors, warnings) {
            (0, 0) => format!(
                "{} {}: {counts}, no findings",
                printer::paint(printer::GREEN, "ok"),
                file.shown
            ),
            _ => format!(
                "{}: {counts}, {} error{}, {} warning{}",
                file.shown,
                errors,
                if errors == 1 { "" } else { "s" },
                warnings,
                if warnings == 1 { "" } else { "s" }
            ),
        };
        p.status(summary)?;
    }
    crate::ops::project::release_at_exit(plan);
    Ok(ExitCode::from(if ok { code::OK } else { code::FINDINGS }))
}
