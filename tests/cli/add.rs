//! `baton add`: a new task filed into the right phase with the next id of the plan's scheme,
//! in the plan's own style, lint-clean, every existing byte kept; refusals write nothing;
//! sixteen sessions adding at once get sixteen ids. docs/add.md.

use insta::assert_snapshot;

use crate::harness::{Project, Run, race};

fn plan(text: &str) -> Project {
    let p = Project::new();
    p.write("plan.md", text);
    p
}

/// The lines `after` has on top of `before`, asserting that nothing of `before` was removed
/// or changed (every one of its lines is still there, in order, byte for byte).
fn inserted(before: &str, after: &str) -> Vec<String> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::from_lines(before, after);
    let mut out = Vec::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal => {}
            ChangeTag::Insert => out.push(change.value().to_string()),
            ChangeTag::Delete => panic!("line removed: {:?}\n{after}", change.value()),
        }
    }
    out
}

#[test]
fn ids_follow_each_scheme() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "# P\n## Phase 1\n- [ ] T1 a\n- [ ] T12 b\n## Phase 2\n- [ ] T3 c\n",
            &["--phase", "1"],
            "T13",
        ),
        ("# P\n- [ ] T001 a\n- [x] T009 b\n", &[], "T010"),
        (
            "# P\n## Phase 1\n- [x] 1.1 a\n## Phase 2\n- [ ] 2.1 b\n- [ ] 2.3 c\n",
            &[],
            "2.4",
        ),
        (
            "# P\n## Tasks\n- [ ] AUTH-3 a\n- [ ] AUTH-10 b\n",
            &[],
            "AUTH-11",
        ),
        ("# P\n## Tasks\n- [ ] one\n- [ ] two\n", &[], "T1"),
    ];
    for (text, args, want) in cases {
        let p = plan(text);
        let mut all = vec!["add", "New work"];
        all.extend_from_slice(args);
        let run = p.run(&all);
        run.success();
        assert_eq!(run.stdout.trim(), *want, "{text}");
        let after = p.read_string("plan.md");
        assert_eq!(inserted(text, &after), [format!("- [ ] {want} New work\n")]);
    }
}

#[test]
fn the_phase_by_number_name_or_default() {
    let text = "# P\n\n## Phase 1: Setup\n- [x] T1 a\n\n## Phase 2: Features\n- [ ] T2 b\n  - files: src/b/**\n\n## Phase 3: Docs\n- [ ] T3 c\n\n## Decisions\n";
    let phase_of = |args: &[&str]| -> (String, u64) {
        let p = plan(text);
        let mut all = vec!["add", "x", "--json"];
        all.extend_from_slice(args);
        let run = p.run(&all);
        run.success();
        let json = run.json();
        (
            json["phase_title"].as_str().unwrap().to_string(),
            json["phase"].as_u64().unwrap(),
        )
    };
    assert_eq!(phase_of(&["--phase", "3"]).1, 3);
    assert_eq!(phase_of(&["--phase", "setup"]).1, 1);
    assert_eq!(phase_of(&["--phase", "Phase 3: Docs"]).1, 3);
    // Default: the current phase (the first with an open task).
    assert_eq!(phase_of(&[]), ("Phase 2: Features".to_string(), 2));
    // Default with --discovered-from: that task's phase.
    assert_eq!(phase_of(&["--discovered-from", "T1"]).1, 1);
    assert_eq!(phase_of(&["--discovered-from", "T3"]).1, 3);
}

#[test]
fn discovered_from_is_recorded_and_lint_clean() {
    let text =
        "# P\n\n## Phase 1\n- [ ] T1 a\n  - files: src/a/**\n  - [ ] works\n\n## Decisions\n";
    let p = plan(text);
    p.git_init();
    let run = p.run(&[
        "add",
        "Fix the flaky retry",
        "--discovered-from",
        "T1",
        "--after",
        "T1",
        "--files",
        "src/retry/**",
        "--verify",
        "cargo test retry",
        "--by",
        "s1",
        "--json",
    ]);
    run.success();
    let json = run.json();
    assert_eq!(json["schema"], "baton.add");
    assert_eq!(json["id"], "T2");
    assert_eq!(json["line"], 7);
    assert_eq!(json["discovered_from"], "T1");
    let after = p.read_string("plan.md");
    assert_eq!(
        after,
        "# P\n\n## Phase 1\n- [ ] T1 a\n  - files: src/a/**\n  - [ ] works\n- [ ] T2 Fix the flaky retry\n  - after: T1\n  - files: src/retry/**\n  - verify: `cargo test retry`\n  - discovered-from: T1\n\n## Decisions\n"
    );
    p.run(&["lint"]).success();
    let show = p.run(&["show", "T2", "--json"]);
    show.success();
    assert_eq!(show.json()["after"][0], "T1");
    assert_eq!(show.json()["verify"][0], "cargo test retry");
}

#[test]
fn refusals_leave_the_plan_byte_identical() {
    let text = "# P\r\n## Phase 1\r\n- [ ] T1 a\r\n## Phase 2\r\n- [ ] T2 b\r\n";
    let cases: &[(&[&str], &str)] = &[
        (&["add", "x", "--after", "T9"], "E102"),
        (&["add", "x", "--phase", "1", "--after", "T2"], "E104"),
        (&["add", "x", "--files", "src/[a"], "bad glob"),
        (&["add", "x", "--discovered-from", "T7"], "no task T7"),
        (&["add", "x", "--phase", "7"], "no phase 7"),
        (&["add", "x", "--after", "lunch"], "not a task id"),
        (&["add", "[P] x"], "cannot be inserted safely"),
    ];
    for (args, says) in cases {
        let p = plan(text);
        let run = p.run(args);
        assert_eq!(run.code, 3, "{args:?}\n{}", run.transcript());
        assert!(run.stderr.contains(says), "{args:?}\n{}", run.transcript());
        assert!(run.stdout.is_empty());
        assert_eq!(p.read("plan.md"), text.as_bytes(), "{args:?}");
    }
    // An empty title is a usage error.
    let p = plan(text);
    assert_eq!(p.run(&["add", " "]).code, 2);
    assert_eq!(p.read("plan.md"), text.as_bytes());
}

#[cfg(unix)]
#[test]
fn read_only_plans_and_files_that_are_not_plans_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let text = "# P\n- [ ] T1 a\n";
    let p = plan(text);
    let path = p.path("plan.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let run = p.run(&["add", "x"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(run.stderr.contains("read-only"), "{}", run.transcript());
    assert_eq!(p.read("plan.md"), text.as_bytes());
    let toml = "[package]\n# Phase 1\nname = \"x\"\n";
    p.write("Cargo.toml", toml);
    let run = p.run(&["--plan", "Cargo.toml", "add", "x"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(run.stderr.contains("not a plan"), "{}", run.transcript());
    assert_eq!(p.read("Cargo.toml"), toml.as_bytes());
}

#[test]
fn sixteen_sessions_adding_at_once_get_sixteen_ids() {
    let text = "# P\n\n## Phase 1\n- [ ] T1 a\n  - files: src/a/**\n\n## Decisions\n";
    let p = plan(text);
    p.git_init();
    let runs: Vec<Vec<String>> = (0..16)
        .map(|n| {
            ["add", &format!("Found {n}"), "--by", &format!("s{n}")]
                .iter()
                .map(|s| s.to_string())
                .collect()
        })
        .collect();
    let outcomes: Vec<Run> = race(&p, "start.fifo", &runs);
    let mut ids: Vec<String> = outcomes
        .iter()
        .map(|r| {
            r.success();
            r.stdout.trim().to_string()
        })
        .collect();
    ids.sort_by_key(|id| id[1..].parse::<u32>().unwrap());
    let want: Vec<String> = (2..=17).map(|n| format!("T{n}")).collect();
    assert_eq!(ids, want);
    let after = p.read_string("plan.md");
    p.run(&["lint"]).success();
    let added = inserted(text, &after);
    assert_eq!(added.len(), 16);
    assert!(
        added
            .iter()
            .all(|l| l.starts_with("- [ ] T") && l.contains(" Found "))
    );
}

#[test]
fn a_plan_after_add() {
    let p = Project::with_example("client-portal.md");
    let before = p.read_string("plan.md");
    let first = p.run(&[
        "add",
        "Rate-limit the login form",
        "--discovered-from",
        "T2",
        "--after",
        "T2",
        "--files",
        "src/auth/limit.rs",
        "--verify",
        "cargo test --test auth rate_limit",
    ]);
    first.success();
    let second = p.run(&["add", "Seed data for demos", "--phase", "foundation"]);
    second.success();
    let after = p.read_string("plan.md");
    assert_eq!(inserted(&before, &after).len(), 6);
    assert_snapshot!(
        "add_client_portal",
        format!(
            "{}{}--- plan.md\n{after}",
            first.transcript(),
            second.transcript()
        )
    );
}
