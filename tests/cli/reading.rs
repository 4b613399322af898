//! Reading without silent loss: every way a plan can be read as less than it says (a
//! dependency that names no task, a code fence left open, tasks that name no files, a
//! dependency loop, a plan path that is no file) is said, with the file and line, and a
//! documented exit code.

use insta::assert_snapshot;

use crate::harness::Project;

// ---- (5) the plan path is a directory or a broken link ----

#[test]
fn a_plan_path_that_is_a_directory_is_named_as_one() {
    let p = Project::new();
    std::fs::create_dir_all(p.path("notes")).unwrap();
    let run = p.run(&["lint", "--plan", "notes"]);
    assert_eq!(run.code, 3);
    assert_snapshot!(run.transcript());
}

#[test]
fn a_directory_named_plan_md_upwards_is_named_not_skipped() {
    let p = Project::new();
    std::fs::create_dir_all(p.path("plan.md")).unwrap();
    std::fs::create_dir_all(p.path("src/deep")).unwrap();
    let mut cmd = p.command(&["status"]);
    cmd.current_dir(p.path("src/deep"));
    let run = crate::harness::Run::from(cmd.output().unwrap());
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(!run.stderr.contains("no plan found"), "{}", run.stderr);
    let root = p.dir.path().to_string_lossy().into_owned();
    assert_snapshot!(run.transcript().replace(&root, "[project]"));
}

#[cfg(unix)]
#[test]
fn a_broken_link_given_or_found_says_where_it_points() {
    let p = Project::new();
    std::os::unix::fs::symlink("gone/plan.md", p.path("linked.md")).unwrap();
    let given = p.run(&["next", "--plan", "linked.md"]);
    assert_eq!(given.code, 3);
    assert_snapshot!("broken_link_given", given.transcript());

    std::os::unix::fs::symlink("gone/plan.md", p.path("plan.md")).unwrap();
    let found = p.run(&["next"]);
    assert_eq!(found.code, 3);
    assert_snapshot!("broken_link_found", found.transcript());
}

#[test]
fn a_plan_file_beside_a_directory_of_another_name_is_still_found() {
    // `PLAN.md` the directory does not hide `tasks.md` the file in the same place.
    let p = Project::new();
    std::fs::create_dir_all(p.path("PLAN.md")).unwrap();
    p.write("tasks.md", "# P\n- [ ] T1 a\n");
    p.run(&["next"]).success();
}

// ---- (1) a dependency that names no task ----

/// `after:` in free text, with a non-ASCII id, and with a byte that is not UTF-8.
const NAMES_NO_TASK: &[u8] = b"# P\n## Phase 1\n- [ ] T1 Schema\n- [ ] T2 API\n  - after: the schema task\n- [ ] T3 Search\n  - after: T1\xc3\xa9\n- [ ] T4 Export\n  - after: T1\xff\n- [ ] T5 Docs\n  - blocks: later\n";

#[test]
fn a_dependency_that_names_no_task_is_an_error_with_its_line() {
    let p = Project::new();
    p.write("plan.md", NAMES_NO_TASK);
    let run = p.run(&["lint"]);
    assert_eq!(run.code, 1, "errors exit 1 (docs/exit-codes.md)");
    assert_snapshot!(run.transcript());
    let json = p.run(&["lint", "--json"]).json();
    assert_eq!(json["errors"], 4, "{json}");
    assert_eq!(p.read("plan.md"), NAMES_NO_TASK, "reading changes nothing");
}

#[test]
fn next_never_calls_a_task_ready_whose_dependency_names_no_task() {
    let p = Project::new();
    p.write("plan.md", NAMES_NO_TASK);
    let run = p.run(&["next"]);
    assert_eq!(run.code, 0);
    assert_snapshot!(run.transcript());
    let json = p.run(&["next", "--json"]).success().json();
    let ready: Vec<&str> = json["ready"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ready, ["T1", "T5"]);
}

#[test]
fn no_reader_calls_a_task_ready_whose_dependency_names_no_task() {
    let p = Project::new();
    p.write("plan.md", NAMES_NO_TASK);
    let ids = |json: &serde_json::Value| -> Vec<String> {
        json["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    };
    let listed = p.run(&["list", "--ready", "--json"]).success().json();
    assert_eq!(ids(&listed), ["T1", "T5"]);
    let all = p.run(&["list", "--json"]).success().json();
    let t2 = &all["tasks"].as_array().unwrap()[1];
    assert_eq!(t2["readiness"], "unresolved", "{t2}");
    let status = p.run(&["status", "--json"]).success().json();
    assert_eq!(status["ready"], 2, "{status}");
    // A claim is refused, by the fast path as by the full one; T1 is claimable.
    p.run(&["claim", "T1", "--by", "s1"]).success();
    let refused = p.run(&["claim", "T2", "--by", "s2"]);
    assert_eq!(refused.code, 4, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("T2 is not ready: it waits for `the schema`, which names no task"),
        "{}",
        refused.stderr
    );
    assert_eq!(p.read("plan.md"), NAMES_NO_TASK);
}

#[test]
fn next_says_deadlock_when_only_tasks_naming_no_task_are_left() {
    let p = Project::new();
    p.write(
        "plan.md",
        "# P\n- [x] T1 a\n- [ ] T2 b\n  - after: the schema\n- [ ] T3 c\n  - after: T2\n",
    );
    let run = p.run(&["next"]);
    assert_eq!(run.code, 3);
    assert_snapshot!(run.transcript());
}

// ---- (4) a dependency cycle is a deadlock ----

#[test]
fn next_on_a_cycle_says_deadlock_naming_the_tasks_and_lines() {
    let p = Project::new();
    p.write(
        "plan.md",
        "# P\n## Phase 1\n- [x] T1 a\n- [ ] T2 b\n  - after: T3\n- [ ] T3 c\n  - after: T2\n",
    );
    let run = p.run(&["next"]);
    assert_eq!(run.code, 3);
    assert_snapshot!(run.transcript());
    assert_eq!(p.run(&["next", "--json"]).code, 3);
}

#[test]
fn next_on_a_loop_through_phase_order_says_deadlock() {
    let p = Project::new();
    p.write(
        "plan.md",
        "# P\n## Phase 1\n- [ ] T1 a\n  - after: T2\n## Phase 2\n- [ ] T2 b\n",
    );
    let run = p.run(&["next"]);
    assert_eq!(run.code, 3);
    assert_snapshot!(run.transcript());
}

#[test]
fn a_cycle_beside_ready_work_leaves_that_work_ready() {
    // Only when nothing can start is it a deadlock; lint reports the loop either way.
    let p = Project::new();
    p.write(
        "plan.md",
        "# P\n- [ ] T1 a\n  - after: T2\n- [ ] T2 b\n  - after: T1\n- [ ] T3 c\n",
    );
    let run = p.run(&["next"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("T3"));
    assert_eq!(p.run(&["lint"]).code, 1);
}

#[test]
fn claimed_work_is_not_a_deadlock() {
    let p = Project::new();
    p.write("plan.md", "# P\n- [ ] T1 a\n- [ ] T2 b\n  - after: T1\n");
    p.run(&["claim", "T1", "--by", "s1"]).success();
    let run = p.run(&["next"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stderr.contains("nothing is ready"), "{}", run.stderr);
}

// ---- (2) a code fence left open ----

const OPEN_FENCE: &str = "# P\n## Phase 1\n- [ ] T1 Schema\n\nRun it like this:\n\n```sh\nmake db\n- [ ] T2 API\n- [ ] T3 Search\n";

#[test]
fn an_unclosed_fence_is_a_warning_at_its_opening_line() {
    let p = Project::new();
    p.write("plan.md", OPEN_FENCE);
    let run = p.run(&["lint"]);
    assert_eq!(run.code, 0, "a warning: exit 0 without --strict");
    assert_snapshot!(run.transcript());
    assert_eq!(p.run(&["lint", "--strict"]).code, 1);
    let json = p.run(&["lint", "--json"]).json();
    assert_eq!(json["warnings"], 1, "{json}");
}

#[test]
fn an_unclosed_comment_is_a_warning_too_and_a_closed_fence_is_not() {
    let p = Project::new();
    p.write("plan.md", "# P\n- [ ] T1 a\n<!-- draft\n- [ ] T2 b\n");
    let run = p.run(&["lint"]);
    assert!(run.stdout.contains("warning[B004]"), "{}", run.stdout);
    assert!(run.stdout.contains("plan.md:3:1"), "{}", run.stdout);
    p.write(
        "plan.md",
        "# P\n- [ ] T1 a\n\n```sh\nmake\n```\n- [ ] T2 b\n",
    );
    let run = p.run(&["lint"]);
    assert!(!run.stdout.contains("B004"), "{}", run.transcript());
}

#[test]
fn decide_refuses_naming_the_line_the_fence_opens_on() {
    let p = Project::new();
    p.write("plan.md", OPEN_FENCE);
    let run = p.run(&["decide", "keep the schema small"]);
    assert_eq!(run.code, 3);
    assert_snapshot!(run.transcript());
    assert_eq!(p.read_string("plan.md"), OPEN_FENCE, "nothing written");
}

// ---- (3) tasks that name no files: scenario, recommendation and lanes agree ----

/// What `analyze --json` says: the scenario, the recommended sessions, and how many
/// sessions the lanes put work on.
fn story(json: &serde_json::Value) -> (String, u64, usize) {
    let mut sessions: Vec<u64> = json["lanes"]["lanes"]
        .as_array()
        .map(|lanes| lanes.iter().filter_map(|l| l["session"].as_u64()).collect())
        .unwrap_or_default();
    sessions.sort_unstable();
    sessions.dedup();
    (
        json["scenario"]["overall"]
            .as_str()
            .unwrap_or("?")
            .to_string(),
        json["recommended_sessions"].as_u64().unwrap_or(0),
        sessions.len(),
    )
}

#[test]
fn tasks_that_name_no_files_run_one_at_a_time_in_every_part_of_analyze() {
    let p = Project::new();
    p.write(
        "plan.md",
        "# P\n## Phase 1\n- [ ] T1 Schema\n- [ ] T2 API\n- [ ] T3 UI\n- [ ] T4 Docs\n",
    );
    let run = p.run(&["analyze"]);
    assert_eq!(run.code, 0);
    assert_snapshot!(run.transcript());
    let json = p.run(&["analyze", "--json"]).success().json();
    assert_eq!(story(&json), ("relay race".to_string(), 1, 1), "{json}");
}

#[test]
fn with_assume_independent_the_graph_story_holds_everywhere() {
    let p = Project::new();
    p.write(
        "plan.md",
        "# P\n## Phase 1\n- [ ] T1 Schema\n- [ ] T2 API\n- [ ] T3 UI\n- [ ] T4 Docs\n",
    );
    let json = p
        .run(&["analyze", "--json", "--assume-independent"])
        .success()
        .json();
    assert_eq!(story(&json), ("true parallel".to_string(), 4, 4), "{json}");
}

#[test]
fn one_task_without_files_lowers_the_recommendation_to_what_the_lanes_use() {
    // T1–T3 write disjoint files, T4 names none and so runs alone: three sessions are busy
    // at once at most, and three are recommended.
    let p = Project::new();
    p.write(
        "plan.md",
        "# P\n## Phase 1\n- [ ] T1 a\n  - files: a/**\n- [ ] T2 b\n  - files: b/**\n- [ ] T3 c\n  - files: c/**\n- [ ] T4 d\n",
    );
    let json = p.run(&["analyze", "--json"]).success().json();
    let (_, recommended, lanes) = story(&json);
    assert_eq!(recommended, 3, "{json}");
    assert_eq!(lanes, 3, "{json}");
}
