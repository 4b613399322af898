//! Render tests: models built by hand (and one from a parsed plan), drawn on ratatui's
//! `TestBackend` at 80×24 and 200×50, the screen snapshotted as text.

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::model::{
    FindingKind, FindingRow, Inputs, Lane, Model, PhaseRow, RunLine, StaticVerdict, build,
};
use super::view::{self, Focus, Ui};
use crate::state::Claim;

/// The screen as text, one line per row, trailing blanks cut.
fn screen(model: &Model, ui: &Ui, width: u16, height: u16, log: &[String]) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| view::draw(frame, model, ui, 0, log))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        for x in 0..width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn phases() -> Vec<PhaseRow> {
    vec![
        PhaseRow {
            name: "Phase 1: Foundations".into(),
            done: 4,
            skipped: 1,
            ..PhaseRow::default()
        },
        PhaseRow {
            name: "Phase 2: Features".into(),
            done: 2,
            blocked: 1,
            open: 3,
            current: true,
            ..PhaseRow::default()
        },
        PhaseRow {
            name: "Phase 3: Polish".into(),
            open: 4,
            ..PhaseRow::default()
        },
    ]
}

fn quiet() -> Model {
    Model {
        title: "Checkout service".into(),
        plan: "plan.md".into(),
        done: 6,
        total: 16,
        phases: phases(),
        run: None,
        lanes: vec![Lane {
            session: "alice".into(),
            agent: "-".into(),
            tasks: vec!["T7".into()],
            task: "T7 Add the cart endpoint".into(),
            lease_age: Some(754),
            state: "claimed".into(),
            ..Lane::default()
        }],
        findings: Vec::new(),
    }
}

fn running() -> Model {
    let lane = |session: &str, state: &str, task: &str, tool: Option<&str>, secs: i64| Lane {
        session: session.into(),
        agent: "claude".into(),
        tasks: vec![task.split(' ').next().unwrap_or_default().into()],
        task: task.into(),
        elapsed: Some(secs),
        live: state == "running",
        last_tool: tool.map(str::to_string),
        tokens: tool.map(|_| 48_240),
        cost: tool.map(|_| 0.31),
        lease_age: Some(secs),
        state: state.into(),
        log: Some(PathBuf::from("logs/session-1.log")),
        ..Lane::default()
    };
    Model {
        run: Some(RunLine {
            id: 3,
            phase: 2,
            state: "running".into(),
            live: true,
            elapsed: 425,
            agent: "claude".into(),
            integration: "main".into(),
            tool_calls: 31,
            tokens: Some(96_480),
            cost: Some(0.62),
        }),
        lanes: vec![
            lane(
                "session-1",
                "running",
                "T7 Add the cart endpoint",
                Some("Bash: cargo test cart"),
                421,
            ),
            lane(
                "session-2",
                "verifying",
                "T8 Price rules",
                Some("Edit"),
                300,
            ),
            lane("session-3", "merged", "T9 Schema", None, 120),
            lane("session-4", "waiting", "T10 Docs", None, 0),
        ],
        ..quiet()
    }
}

fn with_findings() -> Model {
    let mut model = running();
    model.lanes[3].state = "blocked".into();
    model.lanes[3].why = Some("it depends on blocked T8".into());
    model.findings = vec![
        FindingRow {
            kind: FindingKind::Tampered,
            subject: "T4".into(),
            summary: "Seed the catalogue".into(),
            source: "static check".into(),
            evidence: vec![
                "its criteria changed since `baton lock`".into(),
                "verify: `true` (was `cargo test seed`)".into(),
            ],
        },
        FindingRow {
            kind: FindingKind::FalseDone,
            subject: "T5".into(),
            summary: "Write the migration".into(),
            source: "stop gate of session-2, 2026-01-21T09:30:00Z".into(),
            evidence: vec!["`migrations/0002_cart.sql` does not exist".into()],
        },
        FindingRow {
            kind: FindingKind::Collision,
            subject: "session-2".into(),
            summary: "merge conflict in src/cart.rs".into(),
            source: "run 3, session-2".into(),
            evidence: vec!["src/cart.rs".into()],
        },
    ];
    model
}

fn ui() -> Ui {
    Ui {
        color: false,
        ..Ui::default()
    }
}

fn log() -> Vec<String> {
    vec![
        "{\"type\":\"system\",\"subtype\":\"init\"}".into(),
        "running 12 tests".into(),
        "test cart::adds ... ok".into(),
    ]
}

#[test]
fn no_run_80x24() {
    insta::assert_snapshot!(screen(&quiet(), &ui(), 80, 24, &[]));
}

#[test]
fn no_run_200x50() {
    insta::assert_snapshot!(screen(&quiet(), &ui(), 200, 50, &[]));
}

#[test]
fn run_in_progress_80x24() {
    insta::assert_snapshot!(screen(&running(), &ui(), 80, 24, &log()));
}

#[test]
fn run_in_progress_200x50() {
    insta::assert_snapshot!(screen(&running(), &ui(), 200, 50, &log()));
}

#[test]
fn findings_80x24() {
    let ui = Ui {
        focus: Focus::Findings,
        finding: 1,
        ..ui()
    };
    insta::assert_snapshot!(screen(&with_findings(), &ui, 80, 24, &log()));
}

#[test]
fn findings_with_the_detail_pane_200x50() {
    let ui = Ui {
        focus: Focus::Findings,
        detail: true,
        ..ui()
    };
    insta::assert_snapshot!(screen(&with_findings(), &ui, 200, 50, &log()));
}

#[test]
fn a_tiny_terminal_and_escape_sequences_in_a_log_draw_without_panic() {
    let mut model = with_findings();
    model.lanes[0].task = "evil \u{1b}[2J title".into();
    let text = screen(&model, &ui(), 20, 5, &["\u{1b}]0;x\u{7}".into()]);
    assert!(!text.contains('\u{1b}'), "{text}");
    let text = screen(&model, &ui(), 80, 24, &[]);
    assert!(text.contains("evil ?[2J title"), "{text}");
}

#[test]
fn colour_goes_with_no_color() {
    let model = with_findings();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let colours = |terminal: &Terminal<TestBackend>| {
        terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .filter(|c| c.fg != ratatui::style::Color::Reset)
            .count()
    };
    terminal
        .draw(|f| view::draw(f, &model, &ui(), 0, &[]))
        .expect("draw");
    assert_eq!(colours(&terminal), 0, "NO_COLOR: no colour at all");
    let coloured = Ui {
        color: true,
        ..ui()
    };
    terminal
        .draw(|f| view::draw(f, &model, &coloured, 0, &[]))
        .expect("draw");
    assert!(colours(&terminal) > 0);
}

#[test]
fn the_model_counts_phases_names_lanes_by_claim_and_lists_findings() {
    let plan = crate::plan::parse(
        b"# Shop\n\n## Phase 1: Base\n\n- [x] T1 One\n- [-] T2 Two\n- [ ] T3 Three\n\
          \n## Phase 2: More\n\n- [ ] T4 Four\n- [ ] T5 Five\n",
    );
    let readiness =
        crate::graph::readiness(&plan, &crate::graph::Dag::build(&plan), &HashMap::new());
    let claim = |task: &str, owner: &str, at: &str, expires: &str| Claim {
        task_id: task.into(),
        owner: owner.into(),
        claimed_at: at.into(),
        expires_at: Some(expires.into()),
    };
    let claims = HashMap::from([
        (
            "T3".to_string(),
            claim("T3", "bob", "2026-01-01T10:00:00Z", "2026-01-01T12:00:00Z"),
        ),
        (
            "T5".to_string(),
            claim("T5", "ann", "2026-01-01T09:00:00Z", "2026-01-01T09:30:00Z"),
        ),
    ]);
    let model = build(Inputs {
        shown: "plan.md".into(),
        plan,
        claims,
        readiness,
        run: None,
        events: vec![
            (
                "2026-01-01T10:00:00Z".into(),
                "conflict".into(),
                Some("session-1".into()),
                r#"{"files": ["src/a.rs"]}"#.into(),
            ),
            (
                "2026-01-01T10:00:30Z".into(),
                "blocked".into(),
                Some("session-2".into()),
                r#"{"tasks": ["T4"], "reason": "its session failed the gate 2 time(s)"}"#.into(),
            ),
        ],
        gates: Vec::new(),
        static_verdicts: vec![StaticVerdict {
            task: "T1".into(),
            title: "One".into(),
            verdict: FindingKind::FalseDone,
            evidence: vec!["`a` does not exist".into()],
        }],
        current: HashMap::new(),
        logs: HashMap::new(),
        now: "2026-01-01T10:01:00Z".into(),
    });
    assert_eq!(model.title, "Shop");
    assert_eq!((model.done, model.total), (1, 5));
    let counts: Vec<_> = model
        .phases
        .iter()
        .map(|p| (p.done, p.skipped, p.blocked, p.open, p.current))
        .collect();
    assert_eq!(
        counts,
        [(1, 1, 0, 1, true), (0, 0, 1, 1, false)],
        "T4 is blocked by the run"
    );
    let lanes: Vec<_> = model
        .lanes
        .iter()
        .map(|l| (l.session.as_str(), l.state.as_str(), l.lease_age))
        .collect();
    assert_eq!(
        lanes,
        [("ann", "stale", Some(3660)), ("bob", "claimed", Some(60))]
    );
    assert_eq!(model.lanes[1].task, "T3 Three");
    let findings: Vec<_> = model
        .findings
        .iter()
        .map(|f| (f.kind, f.subject.as_str()))
        .collect();
    assert_eq!(
        findings,
        [
            (FindingKind::FalseDone, "T1"),
            (FindingKind::Collision, "session-1"),
            (FindingKind::Blocked, "session-2")
        ]
    );
}
