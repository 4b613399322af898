//! `baton analyze`: which tasks can run at the same time, how many sessions are worth
//! running, lanes for N sessions, and where the plan's independence is false.

use std::process::ExitCode;

use serde::Serialize;

use super::Globals;
use super::error::{CliError, code};
use super::printer::{self, BOLD, CYAN, DIM, Printer, RED, YELLOW};
use crate::analyze::{Analysis, Finding, HistoryStatus, Options};
use crate::ops::project::{self, Project};
use crate::ops::views::Envelope;
use crate::plan::{Plan, Severity};

/// Lists of task ids in the human report stop after this many.
const IDS_SHOWN: usize = 10;
/// Waves listed in the human report before the rest is summed up.
const WAVES_SHOWN: usize = 30;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Lay lanes out for this many sessions (default: the recommended number).
    #[arg(long, short = 's', value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub sessions: Option<u32>,
    /// Treat tasks that name no files as independent of everything.
    #[arg(long)]
    pub assume_independent: bool,
    /// Report two parallel tasks whose files changed together in at least K commits.
    #[arg(long, value_name = "K", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub co_change: u32,
    /// How many recent commits to read for co-change findings (0: do not read history).
    #[arg(long, value_name = "COMMITS", default_value_t = 1000)]
    pub history: usize,
    /// How hard to search for short lanes: the search budget grows linearly with it
    /// (default 1, a few milliseconds on a 100-task plan; deterministic at any value).
    #[arg(long, value_name = "N", default_value_t = crate::graph::schedule::DEFAULT_EFFORT, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub effort: u32,
    /// Print as JSON (docs/json.md, schema `baton.analyze`).
    #[arg(long)]
    pub json: bool,
}

impl Args {
    pub fn options(&self, file: &Project) -> Options {
        Options {
            sessions: self.sessions,
            assume_independent: self.assume_independent,
            history_from: (self.history > 0).then(|| file.dir()),
            co_change_min: self.co_change,
            history_depth: self.history,
            effort: self.effort,
        }
    }
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let file = Project::locate(g.plan.as_deref())?;
    let (_, plan) = file.load()?;
    let analysis = project::analysis(&plan, &file, &args.options(&file))?;
    let errors = analysis
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if args.json {
        p.json(&Envelope::new(
            "baton.analyze",
            &file.shown,
            AnalyzeView::new(&plan, &analysis),
        ))?;
    } else {
        report(p, &file, &plan, &analysis)?;
    }
    Ok(ExitCode::from(if errors == 0 {
        code::OK
    } else {
        code::FINDINGS
    }))
}

/// Minutes as hours: `4 h`, `1.5 h`, `0.25 h`.
pub fn hours(minutes: u64) -> String {
    hours_f(minutes as f64)
}

fn hours_f(minutes: f64) -> String {
    let text = format!("{:.2}", minutes / 60.0);
    format!("{} h", text.trim_end_matches('0').trim_end_matches('.'))
}

/// Up to [`IDS_SHOWN`] ids, then how many more.
pub fn id_list(plan: &Plan, tasks: impl ExactSizeIterator<Item = usize>) -> String {
    let total = tasks.len();
    let mut shown: Vec<String> = tasks
        .take(IDS_SHOWN)
        .map(|t| plan.tasks[t].display_id())
        .collect();
    if total > IDS_SHOWN {
        shown.push(format!("… +{} more", total - IDS_SHOWN));
    }
    shown.join(", ")
}

fn report(p: &mut Printer, file: &Project, plan: &Plan, a: &Analysis) -> Result<(), CliError> {
    let open = a.waves.iter().map(Vec::len).sum::<usize>();
    p.line(format!(
        "{} {} {}",
        printer::paint(BOLD, &file.shown),
        printer::paint(DIM, "—"),
        printer::paint(BOLD, a.scenario.overall.as_str())
    ))?;
    p.line(format!("  {}", a.scenario.reason))?;
    p.line("")?;
    if open == 0 {
        p.line("No open tasks: nothing to run.")?;
        findings(p, file, plan, &a.findings)?;
        return Ok(());
    }

    let best = a.speedup.last().map_or(1.0, |&(_, b)| b);
    let rec = a.recommended_sessions;
    let rec_bound = a.speedup[rec as usize - 1].1;
    let rows = [
        (
            "work",
            format!(
                "{} in {open} open task{}",
                hours(a.total_minutes),
                plural(open)
            ),
        ),
        (
            "critical path",
            format!(
                "{} through {} task{}: {}",
                hours(a.critical_minutes),
                a.critical_path.len(),
                plural(a.critical_path.len()),
                path_text(plan, &a.critical_path)
            ),
        ),
        (
            "waves",
            format!(
                "{} (widest: {} task{})",
                a.waves.len(),
                a.widest_wave(),
                plural(a.widest_wave())
            ),
        ),
        (
            "sessions",
            if lanes_lowered(a, rec) {
                // The lanes keep sessions idle (tasks that run alone): the recommendation
                // follows them, and the graph's bound is only what the graph would allow.
                format!(
                    "{rec} recommended: the lanes never keep more than {rec} busy at once, because tasks that name no files or share files run alone (the dependencies alone would allow {best:.2}x)"
                )
            } else {
                format!(
                    "{rec} recommended: at most {:.2}x faster than one session (the best any number can do: {best:.2}x)",
                    rec_bound
                )
            },
        ),
    ];
    for (label, value) in rows {
        p.line(format!(
            "  {} {value}",
            printer::paint(BOLD, format!("{label:<14}"))
        ))?;
    }

    p.line("")?;
    p.line(printer::paint(BOLD, "Phases"))?;
    let width = a
        .scenario
        .phases
        .iter()
        .map(|ph| plan.phases[ph.phase].title.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for ph in &a.scenario.phases {
        let title = truncate(&plan.phases[ph.phase].title, 40);
        let done = plan.phases[ph.phase]
            .tasks
            .iter()
            .all(|&t| plan.tasks[t].status.is_closed());
        let (shape, reason) = if done && ph.tasks > 0 {
            ("done", String::new())
        } else {
            (ph.shape.as_str(), ph.reason.clone())
        };
        p.line(format!(
            "  {title:<width$}  {} {}",
            printer::paint(CYAN, format!("{shape:<16}")),
            printer::paint(DIM, reason)
        ))?;
    }

    p.line("")?;
    p.line(format!(
        "{}  {}",
        printer::paint(BOLD, "Waves"),
        printer::paint(DIM, "(earliest start; open tasks only)")
    ))?;
    for (w, wave) in a.waves.iter().enumerate().take(WAVES_SHOWN) {
        p.line(format!(
            "  {:>3}  {}",
            w + 1,
            id_list(plan, wave.iter().copied())
        ))?;
    }
    if a.waves.len() > WAVES_SHOWN {
        p.line(format!(
            "  {}",
            printer::paint(
                DIM,
                format!(
                    "… {} more waves (--json lists all)",
                    a.waves.len() - WAVES_SHOWN
                )
            )
        ))?;
    }

    p.line("")?;
    p.line(format!(
        "{}  {}",
        printer::paint(BOLD, "Speedup bound"),
        printer::paint(DIM, "T1 / max(T∞, T1/N): no schedule does better")
    ))?;
    // Once the bound stops growing, one row stands for the rest.
    let flat_from = a
        .speedup
        .iter()
        .position(|&(_, b)| b >= best - 1e-9)
        .unwrap_or(a.speedup.len() - 1);
    for &(n, bound) in &a.speedup[..=flat_from] {
        let bar = "█".repeat(((bound / best.max(1.0)) * 24.0).round() as usize);
        let label = if n as usize == flat_from + 1 && flat_from + 1 < a.speedup.len() {
            format!("{n}–{}", a.speedup.len())
        } else {
            n.to_string()
        };
        let mark = if n == rec { "  ← recommended" } else { "" };
        p.line(format!(
            "  {label:>5}  {bound:>6.2}x  {}{}",
            printer::paint(CYAN, bar),
            printer::paint(YELLOW, mark)
        ))?;
    }

    p.line("")?;
    let s = &a.schedule;
    p.line(format!(
        "{}  {}",
        printer::paint(
            BOLD,
            format!(
                "Lanes for {} session{}",
                s.sessions,
                plural(s.sessions as usize)
            )
        ),
        printer::paint(
            DIM,
            format!(
                "makespan {}, lower bound {} ({:.2}x of it){}",
                hours(s.makespan),
                hours(a.lower_bound),
                ratio(s.makespan, a.lower_bound),
                if a.proven_optimal {
                    ", proven optimal"
                } else {
                    ", not proven optimal"
                }
            )
        )
    ))?;
    let mut last_phase = None;
    for lane in &s.lanes {
        if last_phase != Some(lane.phase) {
            p.line(format!("  {}", plan.phases[lane.phase].title))?;
            last_phase = Some(lane.phase);
        }
        let (start, end) = (
            lane.slots.first().map_or(0, |x| x.start),
            lane.slots.last().map_or(0, |x| x.end),
        );
        p.line(format!(
            "    session {:<3} {}  {}",
            lane.session,
            id_list(plan, lane.slots.iter().map(|x| x.task)),
            printer::paint(DIM, format!("{}–{}", hours(start), hours(end)))
        ))?;
    }

    findings(p, file, plan, &a.findings)?;
    match &a.history {
        HistoryStatus::Read {
            commits,
            skipped_bulk,
        } => p.status(format!(
            "history: read {commits} commit{}{} for co-change",
            plural(*commits),
            if *skipped_bulk > 0 {
                format!(" ({skipped_bulk} bulk commits skipped)")
            } else {
                String::new()
            }
        ))?,
        HistoryStatus::Unavailable(why) => {
            p.status(format!("history: not checked for co-change: {why}"))?
        }
        HistoryStatus::NotAsked => {}
    }
    Ok(())
}

fn ratio(makespan: u64, bound: u64) -> f64 {
    if bound == 0 {
        1.0
    } else {
        makespan as f64 / bound as f64
    }
}

fn path_text(plan: &Plan, path: &[usize]) -> String {
    const SHOWN: usize = 8;
    let ids: Vec<String> = path.iter().map(|&t| plan.tasks[t].display_id()).collect();
    if ids.len() <= SHOWN {
        ids.join(" → ")
    } else {
        format!(
            "{} → … → {}",
            ids[..SHOWN / 2].join(" → "),
            ids[ids.len() - SHOWN / 2..].join(" → ")
        )
    }
}

fn findings(
    p: &mut Printer,
    file: &Project,
    plan: &Plan,
    findings: &[Finding],
) -> Result<(), CliError> {
    p.line("")?;
    if findings.is_empty() {
        p.line(format!(
            "{}  {}",
            printer::paint(BOLD, "Findings"),
            printer::paint(
                printer::GREEN,
                "none: the plan's independence holds as far as baton can see"
            )
        ))?;
        return Ok(());
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    p.line(format!(
        "{}  {}",
        printer::paint(BOLD, "Findings"),
        printer::paint(
            DIM,
            format!(
                "{errors} error{}, {} warning{}",
                plural(errors),
                findings.len() - errors,
                plural(findings.len() - errors)
            )
        )
    ))?;
    for f in findings {
        let label = match f.severity {
            Severity::Error => printer::paint(RED, format!("error[{}]", f.code)),
            Severity::Warning => printer::paint(YELLOW.bold(), format!("warning[{}]", f.code)),
        };
        p.line(format!("{label}: {}", printer::paint(BOLD, &f.message)))?;
        if let Some(&t) = f.tasks.first() {
            p.line(format!(
                "  {} {}:{}:{}",
                printer::paint(CYAN, "-->"),
                file.shown,
                plan.tasks[t].line_span.line,
                plan.tasks[t].line_span.col
            ))?;
        }
        for e in &f.evidence {
            p.line(format!("  {} {e}", printer::paint(CYAN, "|")))?;
        }
        if let Some(hint) = &f.hint {
            p.line(format!("  {} {hint}", printer::paint(CYAN, "= hint:")))?;
        }
    }
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

// ---- JSON view (docs/json.md, `baton.analyze`) ----------------------------------------

#[derive(Serialize)]
struct AnalyzeView {
    open_tasks: usize,
    total_hours: f64,
    critical_path: CriticalPathView,
    waves: Vec<WaveView>,
    widest_wave: usize,
    speedup: Vec<SpeedupView>,
    recommended_sessions: u32,
    scenario: ScenarioView,
    lanes: LanesView,
    conflicts: Vec<[String; 2]>,
    findings: Vec<FindingView>,
    history: HistoryView,
}

#[derive(Serialize)]
struct CriticalPathView {
    hours: f64,
    tasks: Vec<String>,
}

#[derive(Serialize)]
struct WaveView {
    wave: usize,
    tasks: Vec<String>,
}

#[derive(Serialize)]
struct SpeedupView {
    sessions: u32,
    bound: f64,
}

#[derive(Serialize)]
struct ScenarioView {
    overall: &'static str,
    reason: String,
    phases: Vec<PhaseScenarioView>,
}

#[derive(Serialize)]
struct PhaseScenarioView {
    phase: usize,
    title: String,
    shape: &'static str,
    tasks: usize,
    waves: usize,
    width: usize,
    reason: String,
}

#[derive(Serialize)]
struct LanesView {
    sessions: u32,
    makespan_hours: f64,
    lower_bound_hours: f64,
    /// Exact figures in minutes (the hours above are rounded to 0.01).
    makespan_minutes: u64,
    lower_bound_minutes: u64,
    proven_optimal: bool,
    /// Plain critical-path list scheduling's makespan, which the lanes never exceed.
    list_makespan_minutes: u64,
    lanes: Vec<LaneView>,
}

#[derive(Serialize)]
pub struct LaneView {
    pub phase: usize,
    pub session: u32,
    pub tasks: Vec<SlotView>,
}

#[derive(Serialize)]
pub struct SlotView {
    pub id: String,
    pub start_hours: f64,
    pub end_hours: f64,
}

#[derive(Serialize)]
struct FindingView {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: String,
    tasks: Vec<String>,
    line: Option<u32>,
    evidence: Vec<String>,
    hint: Option<String>,
}

#[derive(Serialize)]
struct HistoryView {
    /// `read`, `unavailable` or `skipped`.
    status: &'static str,
    commits: usize,
    skipped_bulk: usize,
    reason: Option<String>,
}

fn to_hours(minutes: u64) -> f64 {
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}

impl LaneView {
    pub fn new(plan: &Plan, lane: &crate::graph::schedule::Lane) -> LaneView {
        LaneView {
            phase: lane.phase + 1,
            session: lane.session,
            tasks: lane
                .slots
                .iter()
                .map(|s| SlotView {
                    id: plan.tasks[s.task].display_id(),
                    start_hours: to_hours(s.start),
                    end_hours: to_hours(s.end),
                })
                .collect(),
        }
    }
}

impl AnalyzeView {
    fn new(plan: &Plan, a: &Analysis) -> AnalyzeView {
        let id = |t: usize| plan.tasks[t].display_id();
        AnalyzeView {
            open_tasks: a.waves.iter().map(Vec::len).sum(),
            total_hours: to_hours(a.total_minutes),
            critical_path: CriticalPathView {
                hours: to_hours(a.critical_minutes),
                tasks: a.critical_path.iter().map(|&t| id(t)).collect(),
            },
            waves: a
                .waves
                .iter()
                .enumerate()
                .map(|(w, tasks)| WaveView {
                    wave: w + 1,
                    tasks: tasks.iter().map(|&t| id(t)).collect(),
                })
                .collect(),
            widest_wave: a.widest_wave(),
            speedup: a
                .speedup
                .iter()
                .map(|&(sessions, bound)| SpeedupView {
                    sessions,
                    bound: (bound * 1000.0).round() / 1000.0,
                })
                .collect(),
            recommended_sessions: a.recommended_sessions,
            scenario: ScenarioView {
                overall: a.scenario.overall.as_str(),
                reason: a.scenario.reason.clone(),
                phases: a
                    .scenario
                    .phases
                    .iter()
                    .map(|ph| PhaseScenarioView {
                        phase: ph.phase + 1,
                        title: plan.phases[ph.phase].title.clone(),
                        shape: ph.shape.as_str(),
                        tasks: ph.tasks,
                        waves: ph.depth,
                        width: ph.width,
                        reason: ph.reason.clone(),
                    })
                    .collect(),
            },
            lanes: LanesView {
                sessions: a.schedule.sessions,
                makespan_hours: to_hours(a.schedule.makespan),
                lower_bound_hours: to_hours(a.lower_bound),
                makespan_minutes: a.schedule.makespan,
                lower_bound_minutes: a.lower_bound,
                proven_optimal: a.proven_optimal,
                list_makespan_minutes: a.list_makespan,
                lanes: a
                    .schedule
                    .lanes
                    .iter()
                    .map(|l| LaneView::new(plan, l))
                    .collect(),
            },
            conflicts: a
                .conflict_pairs()
                .into_iter()
                .map(|(x, y)| [id(x), id(y)])
                .collect(),
            findings: a
                .findings
                .iter()
                .map(|f| FindingView {
                    code: f.code,
                    name: f.name,
                    severity: f.severity.as_str(),
                    message: f.message.clone(),
                    tasks: f.tasks.iter().map(|&t| id(t)).collect(),
                    line: f.tasks.first().map(|&t| plan.tasks[t].line_span.line),
                    evidence: f.evidence.clone(),
                    hint: f.hint.clone(),
                })
                .collect(),
            history: match &a.history {
                HistoryStatus::Read {
                    commits,
                    skipped_bulk,
                } => HistoryView {
                    status: "read",
                    commits: *commits,
                    skipped_bulk: *skipped_bulk,
                    reason: None,
                },
                HistoryStatus::Unavailable(why) => HistoryView {
                    status: "unavailable",
                    commits: 0,
                    skipped_bulk: 0,
                    reason: Some(why.clone()),
                },
                HistoryStatus::NotAsked => HistoryView {
                    status: "skipped",
                    commits: 0,
                    skipped_bulk: 0,
                    reason: Some("--history 0".to_string()),
                },
            },
        }
    }
}

/// Whether `rec` is below what the dependencies alone recommend: the lanes lowered it
/// ([`crate::analyze::sessions::busy_at_once`]).
fn lanes_lowered(a: &crate::analyze::Analysis, rec: u32) -> bool {
    crate::graph::flow::recommended_sessions(
        a.total_minutes,
        a.critical_minutes,
        crate::analyze::MAX_SESSIONS,
    ) > rec
}

#[cfg(test)]
mod tests {
    use super::hours;

    #[test]
    fn hours_read_naturally() {
        assert_eq!(hours(240), "4 h");
        assert_eq!(hours(90), "1.5 h");
        assert_eq!(hours(15), "0.25 h");
        assert_eq!(hours(0), "0 h");
    }
}
