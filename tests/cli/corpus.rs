//! The corpus of real plan files from other projects (`tests/fixtures/corpus/`, attribution in
//! its `SOURCES.tsv`), read by the real binary.
//!
//! For every file, `baton list --json` and `baton lint --json` must finish in time and exit 0 or
//! 1 (never a panic), and a compact summary of what baton read is snapshotted. For the spec-kit
//! and Kiro files, whose syntax baton promises to read exactly, a handful of facts counted from
//! the source files themselves are also asserted directly, independent of any snapshot.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{Project, Run};

/// How long one command may take before the corpus counts as hanging. Generous, because
/// other test binaries may be building or running at the same time.
const HANG_DEADLINE: Duration = Duration::from_secs(5);

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

/// Runs a command, killing it when it outlives the deadline. Output is drained on threads
/// so that a large stdout cannot block the child.
fn run_with_deadline(mut cmd: Command, deadline: Duration) -> Result<(Run, Duration), String> {
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            pipe.read_to_end(&mut buf).ok();
            buf
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("wait: {e}"))? {
            break status;
        }
        if started.elapsed() > deadline {
            child.kill().ok();
            child.wait().ok();
            return Err(format!("still running after {deadline:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    let text = |h: std::thread::JoinHandle<Vec<u8>>| {
        String::from_utf8_lossy(&h.join().expect("reader thread")).into_owned()
    };
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: text(stdout),
        stderr: text(stderr),
    };
    Ok((run, elapsed))
}

/// A scratch project holding one fixture under its own file name (claims state, which even
/// `list` opens, then lands in the temp dir, never beside the fixture).
fn project_with(rel: &str) -> (Project, String) {
    let name = Path::new(rel)
        .file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned();
    let project = Project::new();
    let bytes = std::fs::read(corpus_dir().join(rel)).expect("read fixture");
    project.write(&name, bytes);
    (project, name)
}

/// `baton <command> --json --plan <fixture>`: exit 0 or 1, in time, with JSON on stdout.
fn run_json(project: &Project, plan: &str, command: &str, rel: &str) -> (i32, Value) {
    let cmd = project.command(&[command, "--json", "--plan", plan]);
    let (run, _) = run_with_deadline(cmd, Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("baton {command} on {rel}: {e}"));
    assert!(
        run.code == 0 || run.code == 1,
        "baton {command} on {rel} exited {} (101 is a panic)\n{}",
        run.code,
        run.transcript()
    );
    (run.code, run.json())
}

fn list_tasks(rel: &str) -> Vec<Value> {
    let (project, plan) = project_with(rel);
    let (_, list) = run_json(&project, &plan, "list", rel);
    list["tasks"].as_array().expect("tasks array").clone()
}

fn strs(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn joined(value: &Value) -> String {
    let items = strs(value);
    if items.is_empty() {
        "-".to_string()
    } else {
        items.join(", ")
    }
}

fn id_of(task: &Value) -> String {
    task["id"].as_str().unwrap_or("-").to_string()
}

/// What baton read of one fixture, one line per task, for a snapshot.
fn summary(rel: &str) -> String {
    let (project, plan) = project_with(rel);
    let (list_code, list) = run_json(&project, &plan, "list", rel);
    let (lint_code, lint) = run_json(&project, &plan, "lint", rel);
    let tasks = list["tasks"].as_array().expect("tasks array");

    let mut out = Vec::new();
    out.push(format!("file: {rel}"));
    out.push(format!("exit: list {list_code}, lint {lint_code}"));

    // Phases in the order of their tasks, each with its task count.
    let mut phases: Vec<(u64, String, usize)> = Vec::new();
    for task in tasks {
        let number = task["phase"].as_u64().expect("phase");
        match phases.last_mut() {
            Some(last) if last.0 == number => last.2 += 1,
            _ => phases.push((
                number,
                task["phase_title"].as_str().unwrap_or("?").into(),
                1,
            )),
        }
    }
    let lint_phases = lint["phases"].as_u64().expect("lint phases") as usize;
    assert_eq!(
        phases.len(),
        lint_phases,
        "{rel}: list and lint disagree on the phase count"
    );
    out.push(format!("phases: {}", phases.len()));
    for (number, title, count) in &phases {
        out.push(format!("  {number}. {title} ({count} tasks)"));
    }

    let done = tasks.iter().filter(|t| t["status"] == "done").count();
    assert_eq!(
        tasks.len() as u64,
        lint["tasks"].as_u64().expect("lint tasks")
    );
    out.push(format!("tasks: {}, done: {done}", tasks.len()));
    for task in tasks {
        let mut line = format!(
            "  L{} {} | {} | {} | {} | after: {} | {}",
            task["line"],
            id_of(task),
            task["status"].as_str().unwrap_or("?"),
            if task["parallel"] == true { "P" } else { "-" },
            joined(&task["labels"]),
            joined(&task["after"]),
            match task["scope"].as_str().unwrap_or("?") {
                "none" => "files: -".to_string(),
                scope => format!("{scope}: {}", joined(&task["files"])),
            },
        );
        if let Some(parent) = task["parent"].as_str() {
            line.push_str(&format!(" | parent: {parent}"));
        }
        if task["optional"] == true {
            line.push_str(" | optional");
        }
        let reqs = strs(&task["requirements"]);
        if !reqs.is_empty() {
            line.push_str(&format!(" | req: {}", reqs.join(", ")));
        }
        if let Some(acceptance) = task["acceptance"].as_array().filter(|a| !a.is_empty()) {
            let checked = acceptance.iter().filter(|a| a["status"] == "done").count();
            line.push_str(&format!(" | acceptance: {checked}/{}", acceptance.len()));
        }
        out.push(line);
    }

    let findings = lint["findings"].as_array().expect("findings array");
    out.push(format!("lint: {} findings", findings.len()));
    for f in findings {
        out.push(format!(
            "  L{} {} {} ({})",
            f["line"],
            f["code"].as_str().unwrap_or("?"),
            f["name"].as_str().unwrap_or("?"),
            f["severity"].as_str().unwrap_or("?")
        ));
    }
    out.push(String::new());
    out.join("\n")
}

/// One test and one snapshot per fixture; `CORPUS` lists them all, so that a test can check
/// that no fixture is left without one.
macro_rules! corpus {
    ($($name:ident => $rel:literal,)*) => {
        const CORPUS: &[&str] = &[$($rel),*];
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(stringify!($name), summary($rel));
            }
        )*
    };
}

corpus! {
    agent_layer_roadmap => "agent-layer/ROADMAP.md",
    backlog_md_back_100_8 => "backlog-md/back-100.8 - Add-documentation-and-examples.md",
    backlog_md_back_4_2 => "backlog-md/back-4.2 - cli-task-list-view.md",
    cc_sdd_kiro_photo_albums => "cc-sdd-kiro/photo-albums-en/tasks.md",
    cc_sdd_kiro_template => "cc-sdd-kiro/template/tasks.md",
    gsd_templates_phase_prompt => "gsd-templates/phase-prompt.md",
    gsd_templates_roadmap => "gsd-templates/roadmap.md",
    ms_community_speckit_tasks => "ms-community-speckit/002-community-social/tasks.md",
    ms_speckit_001_events => "ms-community-speckit/001-event-discovery-rsvp/tasks.md",
    ms_speckit_003_recurring => "ms-community-speckit/003-recurring-multiday/tasks.md",
    ms_speckit_004_permissions => "ms-community-speckit/004-permissions-creator-accounts/tasks.md",
    ms_speckit_005_teachers => "ms-community-speckit/005-teacher-profiles-reviews/tasks.md",
    ms_speckit_009_directory => "ms-community-speckit/009-user-directory/tasks.md",
    openspec_add_change_commands => "openspec/2025-08-19-add-change-commands/tasks.md",
    planning_with_files_task_plan => "planning-with-files/task_plan.md",
    posthog_gsd_01_02_plan => "posthog-vscode-gsd/01-02-PLAN.md",
    posthog_gsd_requirements => "posthog-vscode-gsd/REQUIREMENTS.md",
    posthog_gsd_roadmap => "posthog-vscode-gsd/ROADMAP.md",
    posthog_gsd_state => "posthog-vscode-gsd/STATE.md",
    ralph_implementation_plan => "ralph-mjeffe/ed99931/IMPLEMENTATION_PLAN.md",
    spec_kit_implement => "spec-kit/implement.md",
    spec_kit_plan_template => "spec-kit/plan-template.md",
    spec_kit_tasks_template => "spec-kit/tasks-template.md",
    superpowers_lift_drill => "superpowers/2026-05-06-lift-drill-into-evals.md",
}

/// Every `.md` under the corpus directory except its README, relative, `/`-separated.
fn fixture_files() -> BTreeSet<String> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("read corpus dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                let rel = path.strip_prefix(base).expect("under corpus");
                let rel = rel
                    .iter()
                    .map(|c| c.to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if rel != "README.md" {
                    out.insert(rel);
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    let base = corpus_dir();
    walk(&base, &base, &mut out);
    out
}

#[test]
fn every_fixture_has_a_test_and_an_attribution() {
    let on_disk = fixture_files();
    let tested: BTreeSet<String> = CORPUS.iter().map(|s| s.to_string()).collect();
    assert_eq!(on_disk, tested, "fixture files and the corpus! list differ");
    let sources = std::fs::read_to_string(corpus_dir().join("SOURCES.tsv")).expect("SOURCES.tsv");
    let mut lines = sources.lines();
    assert_eq!(
        lines
            .next()
            .map(|h| h.split('\t').take(5).collect::<Vec<_>>()),
        Some(vec!["file", "repo", "path_in_repo", "commit", "license"])
    );
    let attributed: BTreeSet<String> = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() >= 5, "short SOURCES.tsv line: {l}");
            assert_eq!(cols[3].len(), 40, "commit of {}", cols[0]);
            assert!(
                cols[4].contains("MIT") || cols[4].contains("Apache"),
                "licence of {}: {}",
                cols[0],
                cols[4]
            );
            cols[0].to_string()
        })
        .collect();
    assert_eq!(on_disk, attributed, "fixture files and SOURCES.tsv differ");
}

#[test]
fn no_fixture_hangs() {
    let mut slow = Vec::new();
    for rel in CORPUS {
        let (project, plan) = project_with(rel);
        for command in ["list", "lint", "status"] {
            let cmd = project.command(&[command, "--json", "--plan", &plan]);
            match run_with_deadline(cmd, HANG_DEADLINE) {
                Ok((run, _)) => assert!(
                    run.code == 0 || run.code == 1,
                    "baton {command} on {rel} exited {}\n{}",
                    run.code,
                    run.transcript()
                ),
                Err(e) => slow.push(format!("baton {command} --plan {rel}: {e}")),
            }
        }
    }
    assert!(
        slow.is_empty(),
        "commands that did not finish in time:\n{}",
        slow.join("\n")
    );
}

// ---- Facts counted from the source files (grep), asserted without snapshots ----

fn find<'a>(tasks: &'a [Value], id: &str) -> &'a Value {
    let found: Vec<&Value> = tasks.iter().filter(|t| t["id"] == id).collect();
    assert_eq!(found.len(), 1, "exactly one task {id}");
    found[0]
}

fn parallel_ids(tasks: &[Value]) -> Vec<String> {
    tasks
        .iter()
        .filter(|t| t["parallel"] == true)
        .map(id_of)
        .collect()
}

/// The phases in task order: (phase number in the list JSON, title, task count).
fn phase_counts(tasks: &[Value]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for t in tasks {
        let title = t["phase_title"].as_str().unwrap_or("?").to_string();
        match out.last_mut() {
            Some(last) if last.0 == title => last.1 += 1,
            _ => out.push((title, 1)),
        }
    }
    out
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// `T001`..`T0nn` for a range of numbers.
fn t_range(from: u32, to: u32) -> Vec<String> {
    (from..=to).map(|n| format!("T{n:03}")).collect()
}

#[test]
fn ms_community_speckit_facts() {
    let tasks = list_tasks("ms-community-speckit/002-community-social/tasks.md");
    // `grep -c '^- \[ \] T0'`: 72 tasks, T001..T072 in order, none checked.
    let all: Vec<String> = tasks.iter().map(id_of).collect();
    assert_eq!(all, t_range(1, 72));
    assert!(tasks.iter().all(|t| t["status"] == "todo"));
    // `grep -oP '^- \[ \] \KT\d+ \[P\]'`: 40 (the file's own summary table says 38).
    let parallel = ids(&[
        "T003", "T004", "T005", "T006", "T008", "T009", "T011", "T012", "T015", "T016", "T017",
        "T018", "T026", "T027", "T028", "T029", "T030", "T033", "T034", "T035", "T037", "T038",
        "T039", "T041", "T042", "T044", "T050", "T052", "T053", "T054", "T055", "T056", "T057",
        "T059", "T061", "T062", "T063", "T067", "T068", "T069",
    ]);
    assert_eq!(parallel_ids(&tasks), parallel);
    // Story labels: US1 T011-T021, US2 T022-T024, US3 T025-T031, US6 T032-T043,
    // US4 T044-T058, US5 T059-T066; setup, foundation and polish carry none.
    let stories = [
        ("US1", 11, 21),
        ("US2", 22, 24),
        ("US3", 25, 31),
        ("US6", 32, 43),
        ("US4", 44, 58),
        ("US5", 59, 66),
    ];
    for t in &tasks {
        let n: u32 = id_of(t)[1..].parse().unwrap();
        let want: Vec<String> = stories
            .iter()
            .filter(|(_, a, b)| (*a..=*b).contains(&n))
            .map(|(l, _, _)| l.to_string())
            .collect();
        assert_eq!(strs(&t["labels"]), want, "labels of {}", id_of(t));
        // No task line names a dependency.
        assert_eq!(
            strs(&t["after"]),
            Vec::<String>::new(),
            "after of {}",
            id_of(t)
        );
    }
    // Nine `## Phase N:` headings; the `###` headings inside only group.
    let counts: Vec<usize> = phase_counts(&tasks).iter().map(|p| p.1).collect();
    assert_eq!(counts, [6, 4, 11, 3, 7, 12, 15, 8, 6]);
    let titles: Vec<String> = phase_counts(&tasks).into_iter().map(|p| p.0).collect();
    for (i, title) in titles.iter().enumerate() {
        assert!(title.starts_with(&format!("Phase {}:", i + 1)), "{title}");
    }
    // Backticked paths become the inferred scope; `/api/...` routes are not paths.
    let t002 = find(&tasks, "T002");
    assert_eq!(t002["scope"], "inferred");
    assert!(strs(&t002["files"]).contains(&"src/db/migrations/002_community_social.sql".into()));
    let t015 = find(&tasks, "T015");
    assert_eq!(strs(&t015["files"]), ["src/app/api/profiles/me/route.ts"]);
    let t050 = find(&tasks, "T050");
    assert_eq!(
        strs(&t050["files"]),
        ["src/app/api/threads/by-entity/[entityType]/[entityId]/route.ts"]
    );
}

#[test]
fn spec_kit_tasks_template_facts() {
    let tasks = list_tasks("spec-kit/tasks-template.md");
    // `grep -c '^- \[ \] T'`: 34 tasks, T001..T028 and six `TXXX` placeholders (no id).
    assert_eq!(tasks.len(), 34);
    let with_id: Vec<String> = tasks
        .iter()
        .filter(|t| !t["id"].is_null())
        .map(id_of)
        .collect();
    assert_eq!(with_id, t_range(1, 28));
    assert!(tasks[28..].iter().all(|t| t["id"].is_null()));
    // `grep -oP '^- \[ \] \KT\d+ \[P\]'`.
    let parallel: Vec<String> = parallel_ids(&tasks)
        .into_iter()
        .filter(|id| id != "-")
        .collect();
    let want = ids(&[
        "T003", "T005", "T006", "T010", "T011", "T012", "T013", "T018", "T019", "T020", "T024",
        "T025", "T026",
    ]);
    assert_eq!(parallel, want);
    // The only inline dependency: `T014 ... (depends on T012, T013)`.
    for t in &tasks {
        let after = strs(&t["after"]);
        if t["id"] == "T014" {
            assert_eq!(after, ["T012", "T013"]);
        } else {
            assert!(after.is_empty(), "after of line {}", t["line"]);
        }
    }
    assert_eq!(
        find(&tasks, "T014")["title"],
        "Implement [Service] in src/services/[service].py"
    );
    // Labels: US1 T010-T017, US2 T018-T023, US3 T024-T028.
    for (label, from, to) in [("US1", 10, 17), ("US2", 18, 23), ("US3", 24, 28)] {
        for id in t_range(from, to) {
            assert_eq!(
                strs(&find(&tasks, &id)["labels"]),
                [label],
                "labels of {id}"
            );
        }
    }
    for id in t_range(1, 9) {
        assert!(
            strs(&find(&tasks, &id)["labels"]).is_empty(),
            "labels of {id}"
        );
    }
    // Six `## Phase …` headings (the last is `Phase N`); `###` test/implementation
    // headings group inside them.
    let counts: Vec<usize> = phase_counts(&tasks).iter().map(|p| p.1).collect();
    assert_eq!(counts, [3, 6, 8, 6, 5, 6]);
    // Plain paths in the text are the inferred scope.
    assert_eq!(
        strs(&find(&tasks, "T012")["files"]),
        ["src/models/[entity1].py"]
    );
    assert_eq!(find(&tasks, "T012")["scope"], "inferred");
    assert_eq!(find(&tasks, "T001")["scope"], "none");
    assert!(tasks.iter().all(|t| t["status"] == "todo"));
}

#[test]
fn kiro_photo_albums_facts() {
    let tasks = list_tasks("cc-sdd-kiro/photo-albums-en/tasks.md");
    // `grep -oP '^- \[ \] \K[\d.]+'`: 13 major tasks `N.` and 28 sub-tasks `N.M`, all flat.
    let mut want = Vec::new();
    for (major, subs) in [2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 2, 3]
        .into_iter()
        .enumerate()
    {
        want.push(format!("{}", major + 1));
        for sub in 1..=subs {
            want.push(format!("{}.{sub}", major + 1));
        }
    }
    assert_eq!(tasks.iter().map(id_of).collect::<Vec<_>>(), want);
    for t in &tasks {
        let id = id_of(t);
        // A dotted id names its parent: `1.1` belongs to `1`.
        match id.split_once('.') {
            Some((major, _)) => assert_eq!(t["parent"], major, "parent of {id}"),
            None => assert!(t["parent"].is_null(), "parent of {id}"),
        }
        assert_eq!(t["status"], "todo");
        assert_eq!(t["parallel"], false, "parallel of {id}");
        assert_eq!(t["optional"], false, "optional of {id}");
        assert!(strs(&t["after"]).is_empty(), "after of {id}");
    }
    // `_Requirements: …_` trailers.
    assert_eq!(
        strs(&find(&tasks, "1.2")["requirements"]),
        ["3.1", "4.5", "5.1", "5.4"]
    );
    assert_eq!(
        strs(&find(&tasks, "3.1")["requirements"]),
        ["1.1", "1.2", "1.6", "2.5"]
    );
    assert_eq!(
        strs(&find(&tasks, "12.2")["requirements"]),
        ["5.1", "5.2", "5.6"]
    );
    assert!(strs(&find(&tasks, "1")["requirements"]).is_empty());
    // One heading with tasks under it: one phase.
    assert_eq!(phase_counts(&tasks), [("Task List".to_string(), 41)]);
}

#[test]
fn kiro_template_facts() {
    let tasks = list_tasks("cc-sdd-kiro/template/tasks.md");
    // Three checkbox lines (8, 13, 14), all `{{PLACEHOLDER}}` text: no id, no parent, no
    // `(P)` (the marker is a placeholder too), and `_Depends: {{TASK_IDS}}_` names no task.
    let lines: Vec<u64> = tasks.iter().map(|t| t["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [8, 13, 14]);
    for t in &tasks {
        assert!(t["id"].is_null(), "id at line {}", t["line"]);
        assert!(t["parent"].is_null());
        assert_eq!(t["parallel"], false);
        assert_eq!(t["optional"], false);
        assert!(strs(&t["after"]).is_empty(), "after at line {}", t["line"]);
        assert_eq!(t["status"], "todo");
    }
    // The two `###` pattern headings hold the tasks directly, so they are the phases.
    assert_eq!(
        phase_counts(&tasks),
        [
            ("Major task only".to_string(), 1),
            ("Major + Sub-task structure".to_string(), 2)
        ]
    );
}

// ---- Readings that were once wrong ----

#[test]
fn emphasis_is_not_part_of_an_inferred_path() {
    // superpowers line 548: `- [ ] **Step 1: Edit evals/README.md**`
    let tasks = list_tasks("superpowers/2026-05-06-lift-drill-into-evals.md");
    let step = tasks
        .iter()
        .find(|t| t["line"] == 548)
        .expect("task at line 548");
    assert_eq!(strs(&step["files"]), ["evals/README.md"]);
}

#[test]
fn kiro_trailer_ends_at_its_closing_emphasis() {
    // cc-sdd template line 17: `- _Requirements: {{REQUIREMENT_IDS}}_ *(IDs only; …)*`
    let tasks = list_tasks("cc-sdd-kiro/template/tasks.md");
    assert_eq!(strs(&tasks[2]["requirements"]), ["{{REQUIREMENT_IDS}}"]);
}
