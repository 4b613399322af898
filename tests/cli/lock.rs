//! `baton lock`: the first lock records every task's criteria; weakening them (a verify
//! command turned into `true`, an acceptance item deleted, a task removed) is reported with
//! before and after and never written without `--update`; ticking boxes is not a change; new
//! tasks are information; `--check` writes nothing; an unreadable lock is left alone.

use insta::assert_snapshot;

use crate::harness::Project;

const LOCK: &str = ".baton/lock.json";

const PLAN: &str = "# Demo

## Phase 1: Core

- [ ] T1 Parse the plan
  - verify: `cargo test parse`
  - [ ] parses headings
  - [ ] handles CRLF
- [ ] T2 Print the report
  - done when: the output is stable across runs
- [ ] A task nobody numbered
";

/// T1's verify command turned into `true` and its second acceptance item deleted.
fn weakened() -> String {
    PLAN.replace("`cargo test parse`", "`true`")
        .replace("  - [ ] handles CRLF\n", "")
}

fn locked() -> Project {
    let p = Project::new();
    p.write("plan.md", PLAN);
    p.run(&["lock"]).success();
    p
}

#[test]
fn first_lock_records_every_task_with_an_id() {
    let p = Project::new();
    p.write("plan.md", PLAN);
    let run = p.run(&["lock"]);
    assert_snapshot!("first_lock", run.transcript());
    assert_eq!(run.code, 0);

    let text = p.read_string(LOCK);
    assert!(text.ends_with("}\n"), "{text}");
    let lock: serde_json::Value = serde_json::from_str(&text).expect("lock is JSON");
    assert_eq!(lock["version"], 1);
    let tasks = lock["plans"]["plan.md"].as_object().expect("plan entry");
    assert_eq!(tasks.keys().collect::<Vec<_>>(), ["T1", "T2"]);
    assert_eq!(
        lock["plans"]["plan.md"]["T1"]["criteria"],
        serde_json::json!({
            "title": "Parse the plan",
            "verify": ["cargo test parse"],
            "acceptance": ["parses headings", "handles CRLF"],
            "done_when": [],
        })
    );
    assert_eq!(
        lock["plans"]["plan.md"]["T2"]["criteria"]["done_when"],
        serde_json::json!(["the output is stable across runs"])
    );
    let hash = lock["plans"]["plan.md"]["T1"]["hash"]
        .as_str()
        .expect("hash");
    assert!(
        hash.starts_with("fnv1a64:") && hash.len() == 8 + 16,
        "{hash}"
    );

    // Unchanged: said so, exit 0, the file is not rewritten.
    let again = p.run(&["lock"]);
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert!(
        again.stderr.contains("criteria unchanged"),
        "{}",
        again.stderr
    );
    assert_eq!(p.read_string(LOCK), text);
}

#[test]
fn weakened_criteria_are_reported_and_not_written() {
    let p = locked();
    let before = p.read(LOCK);
    p.write("plan.md", weakened());
    let run = p.run(&["lock"]);
    assert_snapshot!("weakened", run.transcript());
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("    - cargo test parse\n    + true\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("    - handles CRLF\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("`baton lock --update`"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read(LOCK), before, "the lock must not change");
}

#[test]
fn ticking_boxes_and_retitling_are_not_changes() {
    let p = locked();
    let before = p.read(LOCK);
    let ticked = PLAN
        .replace("- [ ] T1 Parse the plan", "- [x] T1 Parse the whole plan")
        .replace("- [ ] parses headings", "- [x] parses headings")
        .replace("- [ ] handles CRLF", "- [X] handles CRLF")
        .replace("- [ ] T2", "- [~] T2");
    p.write("plan.md", ticked);
    let run = p.run(&["lock"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("criteria unchanged"), "{}", run.stderr);
    assert_eq!(p.run(&["lock", "--check"]).code, 0);
    assert_eq!(p.read(LOCK), before);
}

#[test]
fn update_accepts_the_changes() {
    let p = locked();
    p.write("plan.md", weakened());
    let run = p.run(&["lock", "--update"]);
    assert_snapshot!("update", run.transcript());
    assert_eq!(run.code, 0);
    let lock: serde_json::Value = serde_json::from_str(&p.read_string(LOCK)).expect("JSON");
    let t1 = &lock["plans"]["plan.md"]["T1"]["criteria"];
    assert_eq!(t1["verify"], serde_json::json!(["true"]));
    assert_eq!(t1["acceptance"], serde_json::json!(["parses headings"]));
    // Accepted: the plan and the lock agree again.
    assert_eq!(p.run(&["lock", "--check"]).code, 0);
    assert_eq!(p.run(&["lock"]).code, 0);
}

#[test]
fn check_exit_codes_and_never_writes() {
    let p = Project::new();
    p.write("plan.md", PLAN);
    let missing = p.run(&["lock", "--check"]);
    assert_eq!(missing.code, 3, "{}", missing.transcript());
    assert!(
        missing.stderr.contains("no lock for plan.md"),
        "{}",
        missing.stderr
    );
    assert!(!p.path(LOCK).exists(), "--check must not create the lock");

    p.run(&["lock"]).success();
    let ok = p.run(&["lock", "--check"]);
    assert_eq!(ok.code, 0, "{}", ok.transcript());

    let before = p.read(LOCK);
    p.write("plan.md", weakened());
    let changed = p.run(&["lock", "--check"]);
    assert_eq!(changed.code, 1, "{}", changed.transcript());
    assert!(changed.stdout.contains("+ true"), "{}", changed.stdout);
    assert_eq!(p.read(LOCK), before);

    let both = p.run(&["lock", "--check", "--update"]);
    assert_eq!(both.code, 2, "{}", both.transcript());
    assert_eq!(p.read(LOCK), before);
}

#[test]
fn malformed_lock_is_refused_and_left_untouched() {
    let p = Project::new();
    p.write("plan.md", PLAN);
    let broken = "{\n  \"version\": 1,\n  \"plans\": {\n    \"plan.md\": [\n";
    p.write(LOCK, broken);
    for args in [&["lock"][..], &["lock", "--check"], &["lock", "--json"]] {
        let run = p.run(args);
        assert_eq!(run.code, 3, "{args:?}: {}", run.transcript());
        assert!(
            run.stderr
                .contains("error: .baton/lock.json:4:15: malformed lock file"),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(p.read_string(LOCK), broken, "{args:?}");
    }
    assert_snapshot!("malformed", p.run(&["lock"]).transcript());

    // --update replaces it, and says so.
    let replaced = p.run(&["lock", "--update"]);
    assert_snapshot!("malformed_replaced", replaced.transcript());
    assert_eq!(replaced.code, 0);
    assert_eq!(p.run(&["lock", "--check"]).code, 0);
}

#[test]
fn hand_edited_lock_is_refused() {
    let p = locked();
    // Weakening the lock instead of the plan, without recomputing the hash.
    let edited = p
        .read_string(LOCK)
        .replace("\"cargo test parse\"", "\"true\"");
    p.write(LOCK, &edited);
    p.write(
        "plan.md",
        weakened().replace("  - [ ] parses headings\n", ""),
    );
    let run = p.run(&["lock", "--check"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("the stored hash of T1 (plan plan.md) does not match"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read_string(LOCK), edited);
}

#[test]
fn removed_task_is_a_change() {
    let p = locked();
    let before = p.read(LOCK);
    p.write(
        "plan.md",
        PLAN.replace(
            "- [ ] T2 Print the report\n  - done when: the output is stable across runs\n",
            "",
        ),
    );
    let run = p.run(&["lock"]);
    assert_snapshot!("removed", run.transcript());
    assert_eq!(run.code, 1);
    assert_eq!(p.read(LOCK), before);
}

#[test]
fn new_task_is_information_and_is_locked_without_update() {
    let p = locked();
    let before = p.read(LOCK);
    p.write(
        "plan.md",
        format!("{PLAN}- [ ] T3 Export as CSV\n  - verify: `cargo test csv`\n"),
    );
    let check = p.run(&["lock", "--check"]);
    assert_snapshot!("new_task_check", check.transcript());
    assert_eq!(check.code, 0);
    assert_eq!(p.read(LOCK), before);

    let run = p.run(&["lock"]);
    assert_snapshot!("new_task_locked", run.transcript());
    assert_eq!(run.code, 0);
    let lock: serde_json::Value = serde_json::from_str(&p.read_string(LOCK)).expect("JSON");
    assert_eq!(
        lock["plans"]["plan.md"]["T3"]["criteria"]["verify"],
        serde_json::json!(["cargo test csv"])
    );
}

#[test]
fn json_lists_changes_with_before_and_after() {
    let p = locked();
    p.write("plan.md", format!("{}- [ ] T3 Export as CSV\n", weakened()));
    let run = p.run(&["lock", "--json"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let json = run.json();
    assert_eq!(json["schema"], "baton.lock");
    assert_eq!(json["written"], false);
    assert_eq!(json["outcome"], "changed");
    assert_eq!(json["locked"], 2);
    let kinds: Vec<(&str, &str)> = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("T1", "changed"), ("T3", "unlocked")]);
    assert_eq!(
        json["changes"][0]["before"]["verify"],
        serde_json::json!(["cargo test parse"])
    );
    assert_eq!(
        json["changes"][0]["after"]["verify"],
        serde_json::json!(["true"])
    );
    assert_eq!(json["changes"][1]["before"], serde_json::Value::Null);
    assert_eq!(json["unlockable"][0]["reason"], "no-id");
    assert_snapshot!("json_changed", run.stdout);
}

#[test]
fn lock_sits_beside_a_plan_in_another_folder() {
    let p = Project::new();
    p.write("docs/tasks.md", PLAN);
    p.run(&["--plan", "docs/tasks.md", "lock"]).success();
    let lock: serde_json::Value =
        serde_json::from_str(&p.read_string("docs/.baton/lock.json")).expect("JSON");
    assert!(lock["plans"]["tasks.md"]["T1"].is_object(), "{lock}");
    let check = p.run(&["--plan", "docs/tasks.md", "lock", "--check", "--json"]);
    assert_eq!(check.code, 0, "{}", check.transcript());
    assert_eq!(check.json()["lock"], "docs/.baton/lock.json");
}
