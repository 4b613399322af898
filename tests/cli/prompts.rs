//! `baton prompts`: one brief per session, on the shipped examples and with templates.

use insta::assert_snapshot;
use serde_json::Value;

use crate::harness::Project;

/// The client portal's three phase-2 features, by the task that builds each.
const FEATURES: [(&str, &str); 3] = [
    ("T2", "src/auth/**"),
    ("T3", "src/dashboard/**"),
    ("T4", "src/admin/**"),
];

fn prompts(json: &Value) -> &Vec<Value> {
    json["prompts"].as_array().expect("prompts array")
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string"))
        .collect()
}

#[test]
fn client_portal_phase_two_gives_each_session_its_feature() {
    let p = Project::with_example("client-portal.md");
    let run = p.run(&["prompts", "--sessions", "3"]);
    run.success();
    assert_snapshot!("client_portal_3_sessions", run.transcript());

    // One marker line before each prompt, and nothing before the first.
    let markers: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("<!-- baton: session "))
        .collect();
    assert_eq!(
        markers,
        [
            "<!-- baton: session 1 of 3, phase 2 -->",
            "<!-- baton: session 2 of 3, phase 2 -->",
            "<!-- baton: session 3 of 3, phase 2 -->",
        ]
    );
    assert!(run.stdout.starts_with("<!-- baton: session 1 of 3"));
    assert!(run.stderr.contains("tokens estimated as bytes / 4"));

    let json = p.run(&["prompts", "--sessions", "3", "--json"]).json();
    let all = prompts(&json);
    assert_eq!(all.len(), 3);
    let mut seen_tasks = Vec::new();
    for prompt in all {
        let session = prompt["session"].as_u64().expect("session");
        let tasks = strings(&prompt["tasks"]);
        assert_eq!(tasks.len(), 1, "one feature per session: {tasks:?}");
        let (_, mine) = FEATURES
            .iter()
            .find(|(id, _)| *id == tasks[0])
            .expect("a phase-2 feature");
        assert!(strings(&prompt["owns"]).contains(mine));
        let foreign: Vec<(&str, u64)> = prompt["must_not_modify"]
            .as_array()
            .expect("array")
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().expect("path"),
                    f["session"].as_u64().expect("session"),
                )
            })
            .collect();
        // The other two features, each with the session that owns it, and never its own.
        for (id, path) in FEATURES.iter().filter(|(id, _)| *id != tasks[0]) {
            let owner = all
                .iter()
                .find(|q| strings(&q["tasks"]).contains(id))
                .expect("owner lane");
            let (_, by) = foreign
                .iter()
                .find(|(f, _)| f == path)
                .unwrap_or_else(|| panic!("{path} missing for session {session}"));
            assert_eq!(*by, owner["session"].as_u64().expect("session"));
            assert_ne!(*by, session);
        }
        assert!(foreign.iter().all(|(f, _)| f != mine));

        let text = prompt["text"].as_str().expect("text");
        assert!(text.contains("A web portal where the clients"), "overview");
        assert!(text.contains("Complete: Phase 1: Foundation."));
        assert!(text.contains(
            "T1 Database schema for users, projects, files and invoices: produced `db/migrations/**`, `src/db/**`"
        ));
        assert!(text.contains("- 2026-01-14 T1: invoice amounts are `BIGINT` cents"));
        assert!(text.contains(&format!("`baton claim <id> --by session-{session}`")));
        assert!(text.contains("`baton decide \"<text>\" --task <id>`"));
        assert!(text.contains("`baton verify --task <id>` must pass"));
        assert!(text.contains(&format!("When {} is done, stop.", tasks[0])));
        // No section is left empty and no run of blank lines is left behind.
        assert!(!text.contains("\n\n\n"));
        assert!(!text.contains("## Files\n\n##"));
        seen_tasks.push(tasks[0].to_string());
    }
    seen_tasks.sort();
    assert_eq!(seen_tasks, ["T2", "T3", "T4"]);

    // Acceptance items and verify commands reach the session that owns the task.
    let auth = all
        .iter()
        .find(|q| strings(&q["tasks"]) == ["T2"])
        .expect("auth lane");
    let text = auth["text"].as_str().expect("text");
    assert!(text.contains("- [ ] a reset link expires after 30 minutes and works only once"));
    assert!(text.contains("- Verify: `cargo test --test auth`"));
    assert!(text.contains("- Reads (do not modify): `src/db/**`"));
}

#[test]
fn sessions_default_to_the_recommendation_and_extra_ones_are_reported() {
    let p = Project::with_example("client-portal.md");
    let json = p.run(&["prompts", "--json"]).success().json();
    assert_eq!(json["sessions"], 3, "analyze recommends 3 here");
    assert_eq!(prompts(&json).len(), 3);

    let run = p.run(&["prompts", "--sessions", "5"]);
    run.success();
    assert!(
        run.stderr
            .contains("phase 2 has parallel work for only 3 of 5 sessions: 3 prompts"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout.matches("<!-- baton: session ").count(), 3);
    assert!(
        run.stdout
            .contains("<!-- baton: session 1 of 3, phase 2 -->")
    );
}

#[test]
fn out_dir_gets_one_file_per_session() {
    let p = Project::with_example("client-portal.md");
    // An old prompt is overwritten, not appended to.
    p.write("briefs/session-2-1.md", "stale\n");
    let run = p.run(&["prompts", "-s", "3", "--out", "briefs"]);
    run.success();
    assert_eq!(
        run.stdout,
        "briefs/session-2-1.md\nbriefs/session-2-2.md\nbriefs/session-2-3.md\n"
    );
    assert_eq!(run.stderr.lines().filter(|l| l.contains("~")).count(), 3);
    let json = p.run(&["prompts", "-s", "3", "--json"]).json();
    for prompt in prompts(&json) {
        let name = format!("briefs/session-2-{}.md", prompt["session"]);
        assert_eq!(p.read_string(&name), prompt["text"].as_str().expect("text"));
    }
    assert!(!p.read_string("briefs/session-2-1.md").contains("stale"));

    // A nested folder that does not exist yet is created.
    p.run(&["prompts", "-s", "3", "--out", "a/b"]).success();
    assert!(p.path("a/b/session-2-3.md").is_file());
}

#[test]
fn json_has_the_documented_shape() {
    let p = Project::with_example("client-portal.md");
    let json = p.run(&["prompts", "-s", "3", "--json"]).success().json();
    assert_eq!(json["schema"], "baton.prompts");
    assert_eq!(json["version"], 1);
    assert_eq!(json["plan"], "plan.md");
    assert_eq!(json["phase"], 2);
    assert_eq!(json["phase_title"], "Phase 2: Features");
    assert_eq!(json["sessions"], 3);
    assert_eq!(json["template"], "built-in");
    let first = &prompts(&json)[0];
    let mut keys: Vec<&str> = first
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "must_not_modify",
            "owns",
            "path",
            "phase",
            "session",
            "shared",
            "tasks",
            "text",
            "tokens"
        ]
    );
    assert_eq!(first["phase"], 2);
    assert_eq!(first["path"], Value::Null);
    let text = first["text"].as_str().expect("text");
    assert_eq!(first["tokens"], text.len().div_ceil(4));

    let with_out = p
        .run(&["prompts", "-s", "3", "--json", "--out", "out"])
        .success()
        .json();
    assert_eq!(prompts(&with_out)[0]["path"], "out/session-2-1.md");
    assert!(p.path("out/session-2-1.md").is_file());
}

#[test]
fn phase_flag_picks_a_phase_and_rejects_bad_ones() {
    // The relay race: every phase waits for the one before.
    let p = Project::with_example("relay-race.md");
    let current = p.run(&["prompts", "--json"]).success().json();
    assert_eq!(current["phase"], 1);
    let ahead = p
        .run(&["prompts", "--phase", "2", "--json"])
        .success()
        .json();
    assert_eq!(ahead["phase"], 2);
    assert_eq!(ahead["phase_title"], "Phase 2: Normalize");
    let mut tasks: Vec<&str> = prompts(&ahead)
        .iter()
        .flat_map(|q| strings(&q["tasks"]))
        .collect();
    tasks.sort_unstable();
    assert_eq!(tasks, ["T2", "T3"]);
    let text = prompts(&ahead)[0]["text"].as_str().expect("text");
    // Made ahead of time: the prompt says what has to finish first.
    assert!(
        text.contains("Not finished yet: Phase 1: Ingest."),
        "{text}"
    );
    assert!(text.contains("Waits for T1: claim"), "{text}");
    assert!(
        text.contains("Do not go on to Phase 3: Model or to another session's tasks"),
        "{text}"
    );

    let portal = Project::with_example("client-portal.md");
    let done = portal.run(&["prompts", "--phase", "1"]);
    assert_eq!(done.code, 3, "{}", done.transcript());
    assert!(done.stdout.is_empty());
    assert_snapshot!("phase_with_nothing_open", done.transcript());
    let unknown = portal.run(&["prompts", "--phase", "9"]);
    assert_eq!(unknown.code, 3);
    assert!(unknown.stderr.contains("no phase 9 in plan.md (it has 2)"));
    assert!(
        unknown
            .stderr
            .contains("phases: 1 Phase 1: Foundation, 2 Phase 2: Features")
    );
    assert_eq!(portal.run(&["prompts", "--phase", "two"]).code, 2);
    assert_eq!(portal.run(&["prompts", "--phase", "0"]).code, 2);
    assert_eq!(portal.run(&["prompts", "--sessions", "0"]).code, 2);
}

#[test]
fn every_task_closed_is_an_input_error() {
    let p = Project::new();
    p.write("plan.md", "# Done\n\n## Phase 1\n\n- [x] T1 a\n");
    let run = p.run(&["prompts"]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr
            .contains("every task in plan.md is done or skipped")
    );
}

#[test]
fn an_override_template_is_used() {
    let p = Project::with_example("client-portal.md");
    p.write(
        ".baton/templates/session.md",
        "{# a team's own brief #}\n\
         Session {{ session }}/{{ sessions }} of {{ plan_title }}, phase {{ phase.number }}\n\
         {% for t in tasks %}\
         - {{ t.id }}: {{ t.verify|join(\"; \") }}\n\
         {% endfor %}\
         Hands off: {{ must_not_modify|map(attribute=\"path\")|join(\", \") }}\n",
    );
    let json = p.run(&["prompts", "-s", "3", "--json"]).success().json();
    assert_eq!(json["template"], ".baton/templates/session.md");
    let auth = prompts(&json)
        .iter()
        .find(|q| strings(&q["tasks"]) == ["T2"])
        .expect("auth lane");
    assert_eq!(
        auth["text"],
        format!(
            "Session {}/3 of Client portal, phase 2\n- T2: cargo test --test auth\n\
             Hands off: src/dashboard/**, templates/dashboard/**, src/admin/**, templates/admin/**\n",
            auth["session"]
        )
    );
    let run = p.run(&["prompts", "-s", "3"]);
    assert!(
        run.stderr.contains(
            "3 prompts for phase 2 \"Phase 2: Features\" from .baton/templates/session.md"
        )
    );

    // The override is looked up next to the plan, not in the current directory.
    let nested = Project::with_example("client-portal.md");
    nested.write("sub/plan.md", nested.read("plan.md"));
    nested.write("sub/.baton/templates/session.md", "nested {{ session }}\n");
    let run = nested.run(&["--plan", "sub/plan.md", "prompts", "-s", "3"]);
    run.success();
    assert!(run.stdout.contains("\nnested 1\n"), "{}", run.stdout);
    let run = nested.run(&["prompts", "-s", "3"]);
    assert!(!run.stdout.contains("nested"));
}

#[test]
fn a_broken_override_names_the_file_and_line() {
    let p = Project::with_example("client-portal.md");
    p.write(
        ".baton/templates/session.md",
        "# {{ plan_title }}\n\n{{ sesion }}\n",
    );
    let typo = p.run(&["prompts", "-s", "3"]);
    assert_eq!(typo.code, 3);
    assert!(typo.stdout.is_empty());
    assert_snapshot!("broken_override_undefined", typo.transcript());
    assert!(
        typo.stderr
            .contains(".baton/templates/session.md:3: undefined value in `{{ sesion }}`")
    );

    p.write(
        ".baton/templates/session.md",
        "{% for t in tasks %}\n{{ t.id }}\n",
    );
    let unclosed = p.run(&["prompts", "-s", "3", "--json"]);
    assert_eq!(unclosed.code, 3);
    assert!(unclosed.stdout.is_empty());
    assert!(
        unclosed
            .stderr
            .contains("error: template .baton/templates/session.md:"),
        "{}",
        unclosed.stderr
    );
    assert!(
        unclosed.stderr.contains("syntax error"),
        "{}",
        unclosed.stderr
    );
    // Nothing is written when the template is broken.
    let out = p.run(&["prompts", "-s", "3", "--out", "briefs"]);
    assert_eq!(out.code, 3);
    assert!(!p.path("briefs").exists());
}
