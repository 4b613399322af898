//! Reads what the model is built from: the plan (as every worktree sees it), the claims, the
//! newest run and its events, every session's last stop gate, and the static evidence
//! check. Reading never creates the state database and never runs a plan command.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::model::{FindingKind, Inputs, Model, StaticVerdict, build};
use crate::ops::gate::GateResult;
use crate::ops::{Error, Project};
use crate::plan::{Plan, Status};
use crate::verify::trust::{Committed, Trust};
use crate::verify::{self, Verdict};

/// Builds models, keeping the static check of the plan it last saw (it is run again only
/// when the plan file's bytes change).
#[derive(Debug, Default)]
pub struct Loader {
    checked: Option<(Vec<u8>, Vec<StaticVerdict>)>,
}

impl Loader {
    /// The model as the files are now.
    pub fn load(&mut self, file: &Project) -> Result<Model, Error> {
        let (bytes, plan, _) = file.load_shared()?;
        let (claims, readiness) = file.readiness(&plan)?;
        let static_verdicts = match &self.checked {
            Some((seen, verdicts)) if *seen == bytes => verdicts.clone(),
            _ => {
                let verdicts = static_check(file, &plan)?;
                self.checked = Some((bytes, verdicts.clone()));
                verdicts
            }
        };
        let mut inputs = Inputs {
            shown: file.shown.clone(),
            plan,
            claims,
            readiness,
            run: None,
            events: Vec::new(),
            gates: Vec::new(),
            static_verdicts,
            current: HashMap::new(),
            logs: HashMap::new(),
            now: crate::state::now_rfc3339(),
        };
        if file.has_state() {
            let store = file.state()?;
            inputs.gates = store
                .gate_records()?
                .into_iter()
                .filter_map(|(session, record)| {
                    let mut result: GateResult =
                        serde_json::from_str(record.result.as_deref()?).ok()?;
                    result.outcome = record.outcome;
                    result.at = record.at;
                    Some((session, result))
                })
                .collect();
            if let Some(run) = store.run_status(None)? {
                inputs.events = store
                    .run_events(run.run)?
                    .into_iter()
                    .filter(|(_, kind, _, _)| {
                        matches!(kind.as_str(), "gate_failed" | "conflict" | "blocked")
                    })
                    .collect();
                let logs = crate::repo::state_dir(&file.path)
                    .join("runs")
                    .join(run.run.to_string())
                    .join("logs");
                let plan_rel = crate::repo::discover(&file.path)
                    .and_then(|loc| {
                        let abs = std::path::absolute(&file.path).ok()?;
                        abs.strip_prefix(&loc.worktree_root)
                            .ok()
                            .map(Path::to_path_buf)
                    })
                    .unwrap_or_else(|| PathBuf::from(file.path.file_name().unwrap_or_default()));
                for row in store.run_sessions(run.run)? {
                    let log = if row.attempt <= 1 {
                        format!("{}.log", row.session)
                    } else {
                        format!("{}-{}.log", row.session, row.attempt)
                    };
                    inputs.logs.insert(row.session.clone(), logs.join(log));
                    let live = run
                        .sessions
                        .iter()
                        .any(|s| s.session == row.session && s.state == "running");
                    if live
                        && let Some(task) = crate::ops::session::current_task(
                            &Path::new(&row.worktree).join(&plan_rel),
                            &row.tasks,
                        )
                    {
                        inputs.current.insert(row.session.clone(), task);
                    }
                }
                inputs.run = Some(run);
            }
        }
        Ok(build(inputs))
    }
}

/// The ticked tasks whose evidence, gathered without running any command, says false-done
/// or tampered (docs/verify.md: commands are held, every other layer judges).
fn static_check(file: &Project, plan: &Plan) -> Result<Vec<StaticVerdict>, Error> {
    let ticked: Vec<usize> = plan
        .tasks
        .iter()
        .filter(|t| t.status == Status::Done)
        .map(|t| t.index)
        .collect();
    if ticked.is_empty() {
        return Ok(Vec::new());
    }
    let changes = file.lock_changes(plan)?;
    let mut options = file.verify_options(
        Some(1),
        std::time::Duration::from_secs(1),
        0,
        crate::ops::project::Asker::Person,
    );
    options.trust = Trust::Committed(Committed {
        source: "baton dash".to_string(),
        tasks: Err("baton dash runs no command".to_string()),
    });
    let reports = verify::verify_tasks(plan, &ticked, &changes, &options, |_, _, _| {});
    Ok(reports
        .into_iter()
        .filter_map(|report| {
            let verdict = match report.verdict {
                Verdict::FalseDone => FindingKind::FalseDone,
                Verdict::Tampered => FindingKind::Tampered,
                _ => return None,
            };
            let task = &plan.tasks[report.task];
            let mut evidence = vec![report.reason(task.status)];
            evidence.extend(report.hard().map(|f| match (&f.file, f.line) {
                (Some(file), Some(line)) => format!("{file}:{line}: {}", f.message),
                (Some(file), None) => format!("{file}: {}", f.message),
                _ => f.message.clone(),
            }));
            Some(StaticVerdict {
                task: task.id.clone().unwrap_or_default(),
                title: task.title.clone(),
                verdict,
                evidence,
            })
        })
        .collect())
}

/// The last `lines` lines of a log file (at most its last 64 KiB are read); empty when it
/// cannot be read.
pub fn log_tail(path: &Path, lines: usize) -> Vec<String> {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut f) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let len = f.metadata().map_or(0, |m| m.len());
    let start = len.saturating_sub(64 * 1024);
    let mut buf = Vec::new();
    if f.seek(SeekFrom::Start(start)).is_err() || f.read_to_end(&mut buf).is_err() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(&buf);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..]
        .iter()
        .map(|l| l.replace('\t', "    "))
        .collect()
}
