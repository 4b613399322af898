//! The plan at a glance, and the filters front ends share: which phase a `--phase` value
//! names, which statuses a status filter keeps, who holds which task.

use std::collections::HashMap;

use super::error::Error;
use crate::plan::{Plan, Status};
use crate::state::Claim;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum StatusFilter {
    Todo,
    InProgress,
    Done,
    Skipped,
    /// Todo or in progress.
    Open,
}

impl StatusFilter {
    pub fn matches(self, status: Status) -> bool {
        match self {
            StatusFilter::Todo => status == Status::Todo,
            StatusFilter::InProgress => status == Status::InProgress,
            StatusFilter::Done => status == Status::Done,
            StatusFilter::Skipped => status == Status::Skipped,
            StatusFilter::Open => !status.is_closed(),
        }
    }
}

/// The phase a `--phase` value names.
pub fn phase_filter(plan: &Plan, wanted: &str) -> Result<usize, Error> {
    if let Ok(n) = wanted.parse::<usize>()
        && (1..=plan.phases.len()).contains(&n)
    {
        return Ok(n - 1);
    }
    let lower = wanted.to_lowercase();
    let by_number = plan
        .phases
        .iter()
        .find(|ph| ph.number.as_deref() == Some(wanted));
    let by_title = plan
        .phases
        .iter()
        .find(|ph| ph.title.to_lowercase().contains(&lower));
    by_number.or(by_title).map(|ph| ph.index).ok_or_else(|| {
        let names: Vec<String> = plan
            .phases
            .iter()
            .map(|ph| format!("{} \"{}\"", ph.index + 1, ph.title))
            .collect();
        Error::input(format!("no phase matches \"{wanted}\""))
            .with_hint(format!("phases: {}", names.join(", ")))
    })
}

/// Every claim with its task's title (empty for an id the plan no longer has), by task id.
pub fn claimed_tasks<'c>(
    plan: &Plan,
    claims: &'c HashMap<String, Claim>,
) -> Vec<(&'c Claim, String)> {
    let mut claimed: Vec<(&Claim, String)> = claims
        .values()
        .map(|c| {
            let title = plan.task(&c.task_id).map(|t| t.title.clone());
            (c, title.unwrap_or_default())
        })
        .collect();
    claimed.sort_by(|a, b| a.0.task_id.cmp(&b.0.task_id));
    claimed
}
