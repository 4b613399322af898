use super::*;
use crate::analyze::{Options, analyze};
use crate::plan::parse;
use crate::verify::{Finding, Layer, TaskReport, Verdict, Weight};

const PLAN: &str = "# Demo & co\n\n## Phase 1: One\n\n- [x] T1 Base\n  - est: 1h\n\
- [ ] T2 Left\n  - after: T1\n  - est: 2h\n  - files: a/**\n\
- [ ] T3 Right\n  - after: T1\n  - est: 30m\n  - files: b/**\n\
- [ ] T4 Join\n  - after: T2, T3\n  - est: 1h\n\n## Decisions\n\n- 2026-01-01: keep <it> simple\n";

fn build(text: &str, verdicts: &[TaskReport]) -> Report {
    let plan = parse::parse(text.as_bytes());
    let analysis = analyze(&plan, &Options::default()).expect("no cycle");
    Report::build(&Inputs {
        plan: &plan,
        plan_shown: "plan.md",
        analysis: &analysis,
        verdicts,
        run: None,
        now: "2026-01-21T09:30:00Z",
    })
}

fn report_of(task: usize, verdict: Verdict, findings: Vec<Finding>) -> TaskReport {
    TaskReport {
        task,
        verdict,
        commands: Vec::new(),
        paths: Vec::new(),
        acceptance: (0, 0),
        tamper: None,
        git: None,
        findings,
    }
}

#[test]
fn the_graph_has_a_column_per_wave_after_the_closed_tasks_and_every_dependency() {
    let r = build(PLAN, &[]);
    let labels: Vec<&str> = r.graph.columns.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["Done", "Wave 1", "Wave 2"]);
    let nodes: usize = r.graph.columns.iter().map(|c| c.nodes.len()).sum();
    assert_eq!(nodes, 4);
    // T1 → T2, T1 → T3, T2 → T4, T3 → T4.
    assert_eq!(r.graph.edges.len(), 4);
    assert!(!r.graph.collapsed);
    assert_eq!(r.graph.columns[0].nodes[0].class, "done");
}

#[test]
fn the_critical_path_and_the_bound_come_from_the_analysis() {
    let r = build(PLAN, &[]);
    assert_eq!(r.planned.critical_path, ["T2", "T4"]);
    assert_eq!(r.planned.critical_minutes, 180);
    assert_eq!(r.planned.total_minutes, 210);
    // 210 / max(180, 210 / N) with N = 2 recommended.
    assert!((r.planned.speedup_bound - 210.0 / 180.0).abs() < 1e-9);
    let crit: Vec<&str> = r
        .planned
        .rows
        .iter()
        .flat_map(|row| {
            row.bars
                .iter()
                .filter(|b| b.critical)
                .map(|b| b.label.as_str())
        })
        .collect();
    assert_eq!(crit.len(), 2, "{:?}", r.planned.rows);
    assert!(crit.contains(&"T2") && crit.contains(&"T4"));
}

#[test]
fn decisions_and_titles_are_kept_as_text() {
    let r = build(PLAN, &[]);
    assert_eq!(r.title, "Demo & co");
    assert_eq!(r.decisions, ["2026-01-01: keep <it> simple"]);
}

#[test]
fn big_plans_collapse_the_graph_and_the_gantt() {
    let mut text = String::from("# Big\n\n## Phase 1\n\n");
    for i in 1..=GANTT_MAX_SLOTS + 10 {
        text.push_str(&format!("- [ ] T{i} Task {i}\n  - files: src/{i}.rs\n"));
    }
    let r = build(&text, &[]);
    assert!(r.graph.collapsed);
    assert_eq!(r.graph.columns.len(), 1);
    assert_eq!(r.graph.columns[0].nodes[0].class, "wave");
    assert!(r.planned.collapsed);
    assert!(r.planned.rows.iter().all(|row| row.bars.len() == 1));
    assert!(r.evidence_trimmed);
}

#[test]
fn evidence_is_capped_per_task_and_trimmed_in_big_plans_only_where_no_look_is_needed() {
    let finding = |w| Finding::new(Layer::Paths, w, "x", "p", "m");
    let many: Vec<Finding> = (0..FINDINGS_PER_TASK + 3)
        .map(|_| finding(Weight::Hard))
        .collect();
    let r = build(PLAN, &[report_of(0, Verdict::FalseDone, many)]);
    assert_eq!(r.tasks[0].evidence.len(), FINDINGS_PER_TASK);
    assert_eq!(r.tasks[0].evidence_omitted, 3);
    assert_eq!(r.tasks[0].verdict, Some(Verdict::FalseDone));
    assert_eq!(r.tasks[1].verdict, None);
    assert!(needs_look(Verdict::FalseDone) && needs_look(Verdict::Unverifiable));
    assert!(!needs_look(Verdict::Incomplete) && !needs_look(Verdict::Verified));
}

#[test]
fn a_held_back_command_is_said_not_run_by_the_report() {
    let held = Finding::new(
        Layer::Commands,
        Weight::Note,
        "untrusted-command",
        "cargo test",
        "`cargo test` not run: a report runs no command; plan commands run here only from a committed lock",
    );
    let r = build(PLAN, &[report_of(1, Verdict::Incomplete, vec![held])]);
    assert_eq!(
        r.tasks[1].evidence[0].message,
        "`cargo test` not run: a report runs no command (`baton verify` does)"
    );
}

#[test]
fn escaping_covers_markup_quotes_and_control_characters() {
    assert_eq!(
        escape("<script>alert('x' & \"y\")</script>\u{0}\u{1b}"),
        "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;\u{FFFD}\u{FFFD}"
    );
    assert_eq!(shorten("abcdef", 4), "abc…");
    assert_eq!(minutes(90), "1h 30m");
    assert_eq!(minutes(120), "2h");
    assert_eq!(seconds(185), "3m 05s");
}

#[test]
fn the_page_escapes_every_plan_string() {
    let hostile = "# <script>alert(1)</script>\n\n## Phase 1: <img src=x onerror=alert(2)>\n\n\
- [ ] T1 <script>alert(3)</script> \"quoted\" & 'single'\n\n## Decisions\n\n- 2026-01-01: <script>alert(4)</script>\n";
    let html = html::render(&build(hostile, &[]));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the page's own script"
    );
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(3)&lt;/script&gt;"));
    // Headings lose inline HTML in the parser; what is left is escaped all the same.
    assert!(html.contains("&lt;script&gt;alert(4)&lt;/script&gt;"));
}
