//! Each command on the shipped examples, as a user sees it.

use insta::assert_snapshot;

use crate::harness::Project;

#[test]
fn status_list_next_show_on_the_client_portal() {
    let p = Project::with_example("client-portal.md");
    assert_snapshot!("status", p.run(&["status"]).transcript());
    assert_snapshot!("list", p.run(&["list"]).transcript());
    assert_snapshot!("next", p.run(&["next"]).transcript());
    assert_snapshot!("show", p.run(&["show", "T2"]).transcript());
    assert_snapshot!("lint_clean", p.run(&["lint"]).transcript());
}

#[test]
fn json_outputs_carry_schema_and_version() {
    let p = Project::with_example("client-portal.md");
    for (args, schema) in [
        (&["status", "--json"][..], "baton.status"),
        (&["list", "--json"], "baton.list"),
        (&["next", "--json"], "baton.next"),
        (&["show", "T2", "--json"], "baton.task"),
        (&["lint", "--json"], "baton.lint"),
    ] {
        let json = p.run(args).success().json();
        assert_eq!(json["schema"], schema, "{args:?}");
        assert_eq!(json["version"], 1, "{args:?}");
        assert_eq!(json["plan"], "plan.md", "{args:?}");
    }
    let next = p.run(&["next", "--json"]).json();
    let ids: Vec<&str> = next["ready"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["T2", "T3", "T4"]);
    assert_eq!(next["current_phase"], 2);
    let task = p.run(&["show", "T2", "--json"]).json();
    assert_eq!(task["after"], serde_json::json!(["T1"]));
    assert_eq!(task["scope"], "declared");
    assert_eq!(task["readiness"], "ready");
    assert_snapshot!("status_json", p.run(&["status", "--json"]).stdout);
}

#[test]
fn claim_done_undo_release_decide_round_trip() {
    let p = Project::with_example("client-portal.md");
    p.git_init();
    let original = p.read("plan.md");

    let claim = p.run(&["claim", "T2", "--by", "alice"]);
    assert_snapshot!("claim", claim.transcript());
    let lost = p.run(&["claim", "T2", "--by", "bob"]);
    assert_eq!(lost.code, 4);
    assert_snapshot!("claim_lost", lost.transcript());
    // Claims are not written into the plan.
    assert_eq!(p.read("plan.md"), original);
    let status = p.run(&["status", "--json"]).json();
    assert_eq!(status["claimed"][0]["id"], "T2");
    assert_eq!(status["claimed"][0]["by"], "alice");
    let next = p.run(&["next", "--json"]).json();
    assert_eq!(
        next["ready"].as_array().unwrap().len(),
        2,
        "a claimed task is not ready"
    );

    // Finishing a task another session holds is refused, naming the holder.
    let refused = p.run(&["done", "T2", "--by", "bob"]);
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    assert!(
        refused.stderr.contains("claimed by alice"),
        "{}",
        refused.stderr
    );
    let refused = p.run(&["done", "T2"]);
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    assert_eq!(p.read("plan.md"), original, "a refused tick writes nothing");
    p.run(&["done", "T2", "--by", "alice"]).success();
    let after_done = p.read_string("plan.md");
    assert!(after_done.contains("- [x] T2 [P] Authentication"));
    assert_eq!(
        diff_count(&original, after_done.as_bytes()),
        1,
        "done changes one byte"
    );
    let status = p.run(&["status", "--json"]).json();
    assert_eq!(
        status["claimed"].as_array().unwrap().len(),
        0,
        "done releases the claim"
    );

    p.run(&["undo", "T2"]).success();
    assert_eq!(
        p.read("plan.md"),
        original,
        "done then undo gives the identical file"
    );

    p.run(&["claim", "T3", "--by", "carol"]).success();
    let refused = p.run(&["release", "T3", "--by", "dave"]);
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    p.run(&["release", "T3", "--by", "carol"]).success();
    assert_eq!(
        p.run(&["status", "--json"]).json()["claimed"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    p.run(&["decide", "argon2 instead of bcrypt", "--task", "T2"])
        .success();
    let text = p.read_string("plan.md");
    assert!(
        text.contains("- 2026-01-21 T2: argon2 instead of bcrypt\n"),
        "{text}"
    );
    assert!(
        text.starts_with(
            std::str::from_utf8(&original[..original.len() - 1])
                .unwrap()
                .split("## Decisions")
                .next()
                .unwrap()
        )
    );
}

#[test]
fn claim_refuses_tasks_that_are_not_ready() {
    let p = Project::with_example("relay-race.md");
    let later = p.run(&["claim", "T2", "--by", "x"]);
    assert_eq!(later.code, 4);
    assert!(later.stderr.contains("not ready"), "{}", later.stderr);
    p.run(&["claim", "T2", "--by", "x", "--force"]).success();
    let missing_name = p.run(&["claim", "T1"]);
    assert_eq!(missing_name.code, 2, "{}", missing_name.transcript());
    let mut cmd = p.command(&["claim", "T1"]);
    let out = cmd.env("BATON_SESSION", "env-session").output().unwrap();
    assert!(out.status.success());
    assert!(p.run(&["status"]).stdout.contains("env-session"));
}

#[test]
fn done_accepts_many_ids_and_writes_nothing_if_one_is_unknown() {
    let p = Project::with_example("true-parallel.md");
    let before = p.read("plan.md");
    let bad = p.run(&["done", "T1", "T99"]);
    assert_eq!(bad.code, 3);
    assert_eq!(
        p.read("plan.md"),
        before,
        "nothing written when an id is unknown"
    );
    p.run(&["done", "T1", "T2", "T3"]).success();
    let json = p.run(&["list", "--status", "done", "--json"]).json();
    assert_eq!(json["tasks"].as_array().unwrap().len(), 3);
    assert_eq!(diff_count(&before, &p.read("plan.md")), 3);
}

#[test]
fn list_filters() {
    let p = Project::with_example("relay-race.md");
    let ids = |args: &[&str]| -> Vec<String> {
        let json = p.run(args).success().json();
        json["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&["list", "--json", "--phase", "2"]), ["T2", "T3"]);
    assert_eq!(
        ids(&["list", "--json", "--phase", "normalize"]),
        ["T2", "T3"]
    );
    assert_eq!(ids(&["list", "--json", "--ready"]), ["T1"]);
    p.run(&["claim", "T1", "--by", "a"]).success();
    assert_eq!(ids(&["list", "--json", "--claimed"]), ["T1"]);
    let bad = p.run(&["list", "--phase", "nope"]);
    assert_eq!(bad.code, 3);
    assert_snapshot!("list_bad_phase", bad.transcript());
}

#[test]
fn fmt_ids_inserts_only_ids() {
    let p = Project::new();
    let src = "# P\r\n## Phase 1\r\n- [ ] T007 has one\r\n- [ ] needs one\r\n  - files: a.rs\r\n- [x] another\r\n";
    p.write("plan.md", src);
    let check = p.run(&["fmt", "--ids", "--check"]);
    assert_eq!(check.code, 1);
    assert_eq!(p.read_string("plan.md"), src);
    p.run(&["fmt", "--ids"]).success();
    assert_eq!(
        p.read_string("plan.md"),
        "# P\r\n## Phase 1\r\n- [ ] T007 has one\r\n- [ ] T008 needs one\r\n  - files: a.rs\r\n- [x] T009 another\r\n"
    );
    assert_eq!(p.run(&["fmt", "--ids", "--check"]).code, 0);
}

#[test]
fn init_writes_a_plan_that_lints_clean_and_agent_blocks_are_idempotent() {
    let p = Project::new();
    p.write("CLAUDE.md", "# Team notes\n\nKeep this.\n");
    p.run(&["init", "--agents", "claude,codex"]).success();
    let lint = p.run(&["lint", "--strict"]);
    assert_eq!(lint.code, 0, "{}", lint.transcript());
    let json = p.run(&["list", "--json"]).json();
    assert_eq!(json["tasks"].as_array().unwrap().len(), 4);
    let claude = p.read_string("CLAUDE.md");
    assert!(claude.starts_with("# Team notes\n\nKeep this.\n\n<!-- baton:agents:start"));
    let agents = p.read("AGENTS.md");
    // Twice is the same as once, and the plan is never overwritten.
    p.write("plan.md", "# Mine\n- [ ] T1 keep\n");
    let again = p.run(&["init", "--agents", "claude,codex"]);
    again.success();
    assert_eq!(p.read_string("CLAUDE.md"), claude);
    assert_eq!(p.read("AGENTS.md"), agents);
    assert_eq!(p.read_string("plan.md"), "# Mine\n- [ ] T1 keep\n");
    let refused = p.run(&["init"]);
    assert_eq!(refused.code, 3);
    assert_snapshot!("init_refuses_existing", refused.transcript());
}

#[test]
fn plan_is_found_upwards_in_order() {
    let p = Project::new();
    p.write("tasks.md", "- [ ] T1 from tasks\n");
    p.write("sub/deeper/.keep", "");
    let mut cmd = p.command(&["list", "--json"]);
    let out = cmd.current_dir(p.path("sub/deeper")).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tasks"][0]["title"], "from tasks");
    p.write("plan.md", "- [ ] T1 from plan\n");
    let out = p.command(&["list", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tasks"][0]["title"], "from plan");
}

/// How many bytes differ between two equally long files.
pub fn diff_count(a: &[u8], b: &[u8]) -> usize {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

#[test]
fn done_uses_the_checkbox_index_only_when_it_describes_the_plan() {
    let p = Project::with_example("true-parallel.md");
    p.run(&["done", "T1"]).success();
    let index = std::fs::read_dir(p.path(".baton/locks"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|path| path.extension().is_some_and(|x| x == "idx"))
        .expect("an index beside the lock");
    // Second run takes the index: same result as a parse would give.
    p.run(&["done", "T2"]).success();
    p.run(&["undo", "T1"]).success();
    let text = p.read_string("plan.md");
    assert!(
        text.contains("- [ ] T1 ") && text.contains("- [x] T2 "),
        "{text}"
    );
    // Someone edits the plan by hand, moving every offset: the index no longer matches
    // and is not used.
    p.write("plan.md", format!("<!-- moved -->\n{text}"));
    p.run(&["done", "T3"]).success();
    let moved = p.read_string("plan.md");
    assert_eq!(
        moved,
        format!("<!-- moved -->\n{text}").replacen("- [ ] T3 ", "- [x] T3 ", 1)
    );
    // A damaged index is ignored, never trusted.
    std::fs::write(&index, "garbage").unwrap();
    p.run(&["undo", "T3"]).success();
    assert_eq!(p.read_string("plan.md"), format!("<!-- moved -->\n{text}"));
    // Unknown ids still get the full message with a hint.
    let unknown = p.run(&["done", "T99"]);
    assert_eq!(unknown.code, 3);
    assert!(unknown.stderr.contains("no task T99"), "{}", unknown.stderr);
}
