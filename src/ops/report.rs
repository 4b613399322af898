//! The report's model, collected for any front end: the plan, its analysis, every task's
//! verdict, and the plan's latest run from the state store. Reading only: nothing is
//! written, no plan command runs (a report is made where nobody decided to trust them, a CI
//! job's artifact step for one), and without a state database there is simply no run.

use std::time::Duration;

use super::error::Error;
use super::project::{self, Asker, Project};
use crate::report::{Inputs, Report};
use crate::verify::{self, trust};

/// What the report is made of.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Lay the planned lanes out for this many sessions (the recommended number if None).
    pub sessions: Option<u32>,
}

/// Collects the report of the plan at `file`.
pub fn collect(file: &Project, request: &Request) -> Result<Report, Error> {
    let (_, plan) = file.load()?;
    let options = crate::analyze::Options {
        sessions: request.sessions,
        history_from: None,
        ..Default::default()
    };
    let analysis = project::analysis(&plan, file, &options)?;
    let verdicts = verdicts(file, &plan)?;
    let run = if file.has_state() {
        file.state()?.run_status(None)?
    } else {
        None
    };
    let now = crate::state::now_rfc3339();
    let report = Report::build(&Inputs {
        plan: &plan,
        plan_shown: &file.shown,
        analysis: &analysis,
        verdicts: &verdicts,
        run: run.as_ref(),
        now: &now,
    });
    project::release_at_exit(plan);
    Ok(report)
}

/// Every task's verdict, as `baton verify --all` computes it, except that no plan command
/// runs: every `verify:` command is held back (a note), so a task is judged on its other
/// evidence, and a changed criterion is still tampered (the lock on disk is read).
fn verdicts(file: &Project, plan: &crate::plan::Plan) -> Result<Vec<verify::TaskReport>, Error> {
    let mut options = file.verify_options(Some(1), Duration::from_secs(1), 0, Asker::Person);
    options.trust = trust::Trust::Committed(trust::Committed {
        source: "the report".to_string(),
        tasks: Err("a report runs no command".to_string()),
    });
    let changes = file.lock_changes(plan)?;
    let tasks: Vec<usize> = (0..plan.tasks.len()).collect();
    let mut verifier = verify::Verifier::new(plan, &changes, &options);
    Ok(verifier.run(&tasks, |_, _, _| {}))
}
