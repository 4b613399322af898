//! Plans as other tools write them (`tests/fixtures/formats/`, attribution in its
//! `SOURCES.tsv`): a GSD roadmap and plan, a Taskmaster `tasks.json`, a Backlog.md folder.
//! Each is read by every reading command with its own ids, statuses and dependencies; a
//! malformed one is exit 3 with `file:line`; every writing command refuses it with exit 3.

use std::path::Path;

use serde_json::Value;

use crate::harness::{Project, Run};

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixtures") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// A git repository holding every fixture.
fn project() -> Project {
    let project = Project::new();
    copy_tree(&fixtures(), project.dir.path());
    project.git_init();
    project
}

const PLANS: [&str; 5] = [
    "gsd/ROADMAP.md",
    "gsd/01-02-PLAN.md",
    "taskmaster/tasks.json",
    "backlog",
    "backlog/tasks",
];

fn json(project: &Project, args: &[&str]) -> Value {
    let run = project.run(args);
    assert!(matches!(run.code, 0 | 1), "{args:?}\n{}", run.transcript());
    run.json()
}

fn tasks(project: &Project, plan: &str) -> Vec<Value> {
    json(project, &["list", "--json", "--plan", plan])["tasks"]
        .as_array()
        .expect("tasks")
        .clone()
}

/// `id line status after` per task.
fn rows(tasks: &[Value]) -> Vec<String> {
    tasks
        .iter()
        .map(|t| {
            let after: Vec<&str> = t["after"]
                .as_array()
                .expect("after")
                .iter()
                .map(|a| a.as_str().expect("id"))
                .collect();
            format!(
                "{} L{} {} [{}]",
                t["id"].as_str().unwrap_or("-"),
                t["line"],
                t["status"].as_str().expect("status"),
                after.join(",")
            )
        })
        .collect()
}

#[test]
fn every_reading_command_reads_every_format() {
    let project = project();
    for plan in PLANS {
        for command in ["lint", "status", "next", "analyze", "list"] {
            json(&project, &[command, "--json", "--plan", plan]);
        }
        let verify = project.run(&["verify", "--json", "--plan", plan]);
        assert!(
            matches!(verify.code, 0 | 1 | 6),
            "verify {plan}\n{}",
            verify.transcript()
        );
        verify.json();
        let lint = json(&project, &["lint", "--json", "--plan", plan]);
        assert!(lint["tasks"].as_u64().expect("tasks") > 0, "{plan}: {lint}");
    }
    // Prompts for each plan with open work (every phase of the roadmap is ticked).
    for plan in ["gsd/01-02-PLAN.md", "taskmaster/tasks.json", "backlog"] {
        let run = project.run(&["prompts", "--json", "--plan", plan]);
        assert_eq!(run.code, 0, "prompts {plan}\n{}", run.transcript());
        assert!(run.stdout.contains("\"prompts\""), "{}", run.stdout);
    }
}

#[test]
fn gsd_roadmap_reads_phases_with_their_depends_on_lines() {
    let project = project();
    let tasks = tasks(&project, "gsd/ROADMAP.md");
    // `grep -n '^- \[x\] \*\*Phase'`: five phases on lines 15-19, all ticked; each
    // `**Depends on**: Phase N` names the phase before it.
    assert_eq!(
        rows(&tasks),
        [
            "P1 L15 done []",
            "P2 L16 done [P1]",
            "P3 L17 done [P2]",
            "P4 L18 done [P3]",
            "P5 L19 done [P4]",
        ]
    );
    assert_eq!(tasks[0]["requirements"][0], "CLEAN-01");
    // The unticked `Plans:` items under ticked phases: lint says so, at their real line.
    let lint = json(&project, &["lint", "--json", "--plan", "gsd/ROADMAP.md"]);
    let first = &lint["findings"][0];
    assert_eq!(first["code"], "W204");
    assert_eq!(first["line"], 15);
}

#[test]
fn gsd_plan_reads_its_task_blocks() {
    let project = project();
    let tasks = tasks(&project, "gsd/01-02-PLAN.md");
    // `grep -n '<task '`: two blocks, on lines 225 and 283 of the source.
    assert_eq!(rows(&tasks), ["T1 L225 todo []", "T2 L283 todo [T1]"]);
    assert_eq!(tasks[0]["files"][0], "src/services/errorCacheService.ts");
    assert_eq!(tasks[1]["files"][0], "src/views/SidebarProvider.ts");
    // GSD writes the plan's SUMMARY when it is finished: then its tasks are done.
    project.write("gsd/01-02-SUMMARY.md", "# Summary\n");
    let tasks = self::tasks(&project, "gsd/01-02-PLAN.md");
    assert!(tasks.iter().all(|t| t["status"] == "done"));
}

#[test]
fn taskmaster_reads_ids_subtasks_statuses_and_dependencies() {
    let project = project();
    let tasks = tasks(&project, "taskmaster/tasks.json");
    // 20 tasks and 48 subtasks (`jq '[.master.tasks[].subtasks[]] | length'`).
    assert_eq!(tasks.len(), 68);
    let row = |id: &str| {
        rows(&tasks)
            .into_iter()
            .find(|r| r.split(' ').next() == Some(id))
            .expect(id)
    };
    // Each task's line is its object's `{` (`grep -n '^      {'`).
    assert_eq!(row("1"), "1 L4 done []");
    assert_eq!(row("4"), "4 L133 done [2,3]");
    assert_eq!(row("14"), "14 L521 in-progress [13]");
    let sub = tasks.iter().find(|t| t["id"] == "1.2").expect("1.2");
    assert_eq!(sub["parent"], "1");
    assert_eq!(sub["after"][0], "1.1");
    let next = json(
        &project,
        &["next", "--json", "--plan", "taskmaster/tasks.json"],
    );
    assert!(next.to_string().contains("\"10\""), "{next}");
}

#[test]
fn backlog_reads_ids_and_dependencies_across_prefixes() {
    let project = project();
    let tasks = tasks(&project, "backlog");
    let rows = rows(&tasks);
    // `task-355.01` in back-355.02's front matter names BACK-355.01 (in completed/).
    assert!(
        rows.contains(&"BACK-355.02 L2 done [BACK-355.01]".to_string()),
        "{rows:?}"
    );
    assert!(
        rows.contains(&"BACK-548 L2 todo [BACK-545]".to_string()),
        "{rows:?}"
    );
    assert_eq!(tasks.len(), 11);
    let lint = json(&project, &["lint", "--json", "--plan", "backlog"]);
    assert_eq!(lint["tasks"], 11);
}

fn assert_bad_input(run: &Run, needle: &str) {
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(run.stderr.contains(needle), "{}", run.transcript());
}

#[test]
fn a_malformed_source_is_bad_input_with_its_line() {
    let project = project();
    project.write(
        "bad/tasks.json",
        "{\n  \"master\": {\n    \"tasks\": [\n      {\"id\": 1,}\n",
    );
    assert_bad_input(
        &project.run(&["status", "--plan", "bad/tasks.json"]),
        "bad/tasks.json:4: not valid JSON",
    );
    project.write("bad/other.json", "{\n  \"name\": \"x\"\n}\n");
    assert_bad_input(
        &project.run(&["lint", "--plan", "bad/other.json"]),
        "bad/other.json:1: no `tasks` array",
    );
    project.write("bad/plan.yaml", "tasks: []\n");
    assert_bad_input(
        &project.run(&["lint", "--plan", "bad/plan.yaml"]),
        "bad/plan.yaml:1:",
    );
    project.write(
        "bad/01-01-PLAN.md",
        "---\nphase: 01-x\nplan: 01\n---\n\n<objective>x</objective>\n",
    );
    assert_bad_input(
        &project.run(&["next", "--plan", "bad/01-01-PLAN.md"]),
        "bad/01-01-PLAN.md:5: a GSD plan with no <task> block",
    );
    project.write(
        "bad/backlog/tasks/back-1 - A.md",
        "---\nid: BACK-1\ntitle: A\nstatus: To Do\n",
    );
    assert_bad_input(
        &project.run(&["analyze", "--plan", "bad/backlog"]),
        "back-1 - A.md:1: the front matter is not closed",
    );
}

#[test]
fn writing_commands_refuse_every_format_and_change_nothing() {
    let project = project();
    let before = project.read("taskmaster/tasks.json");
    let cases: [(&str, &[&str], &str); 5] = [
        (
            "taskmaster/tasks.json",
            &["done", "10"],
            "Taskmaster tasks.json",
        ),
        (
            "taskmaster/tasks.json",
            &["claim", "10", "--by", "s1"],
            "Taskmaster tasks.json",
        ),
        ("backlog", &["decide", "use JSON"], "Backlog.md"),
        ("gsd/01-02-PLAN.md", &["done", "T1"], "GSD PLAN.md"),
        ("gsd/ROADMAP.md", &["add", "New phase"], "GSD ROADMAP.md"),
    ];
    for (plan, args, format) in cases {
        let mut full = args.to_vec();
        full.extend(["--plan", plan]);
        let run = project.run(&full);
        assert_bad_input(
            &run,
            &format!("is a {format} plan: baton reads it but does not write it"),
        );
    }
    assert_eq!(project.read("taskmaster/tasks.json"), before);
    let list = json(
        &project,
        &["status", "--json", "--plan", "taskmaster/tasks.json"],
    );
    assert!(
        !list.to_string().contains("\"s1\""),
        "no claim was taken: {list}"
    );
}

/// Every fixture committed on `main`, then a branch `work` checked out.
fn on_a_branch() -> Project {
    let project = project();
    project
        .git(&["config", "user.email", "p@example.com"])
        .git(&["config", "user.name", "p"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "plans"])
        .git(&["switch", "-qc", "work"]);
    project
}

/// The audit reads another tool's plan at the base commit through its reader: a task a
/// branch marked done in tasks.json is audited (read as Markdown, the file would be a plan of
/// no tasks, and the audit would look at nothing).
#[test]
fn audit_reads_a_taskmaster_plan_at_its_base_commit() {
    let project = on_a_branch();
    let plan = "taskmaster/tasks.json";
    let pending: Vec<String> = tasks(&project, plan)
        .iter()
        .filter(|t| t["status"] == "todo")
        .map(|t| t["id"].as_str().expect("id").to_string())
        .collect();
    assert!(!pending.is_empty());
    let text = project.read_string(plan);
    let ticked = text.replacen("\"status\": \"pending\"", "\"status\": \"done\"", 1);
    project.write(plan, &ticked);
    project.git(&["commit", "-qam", "tick one"]);
    let now_done: Vec<String> = tasks(&project, plan)
        .iter()
        .filter(|t| {
            t["status"] == "done" && pending.contains(&t["id"].as_str().unwrap_or("").to_string())
        })
        .map(|t| t["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(now_done.len(), 1, "{now_done:?}");
    let report = json(
        &project,
        &["audit", "--json", "--plan", plan, "--base", "main"],
    );
    let audited: Vec<&str> = report["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(audited, [now_done[0].as_str()], "{report}");
    assert_eq!(
        report["tasks"][0]["why"],
        serde_json::json!(["ticked"]),
        "{report}"
    );

    // A base whose tasks.json does not read is bad input naming the commit and the line.
    project
        .git(&["switch", "-q", "main"])
        .write(plan, "{\n  \"master\": [\n");
    project
        .git(&["commit", "-qam", "break"])
        .git(&["switch", "-q", "work"]);
    let broken = project.run(&["audit", "--json", "--plan", plan, "--base", "main"]);
    assert_eq!(broken.code, 3, "{}", broken.transcript());
    assert!(
        broken.stderr.contains("the plan at ") && broken.stderr.contains("tasks.json:"),
        "{}",
        broken.stderr
    );
}

/// A Backlog.md folder at the base commit is copied out of git and read: only the task the
/// branch marked done is "ticked", not every task done before it.
#[test]
fn audit_reads_a_backlog_folder_at_its_base_commit() {
    let project = on_a_branch();
    let file = "backlog/tasks/back-548 - Expose-bidirectional-dependency-graphs-in-task-details.md";
    let text = project.read_string(file);
    project.write(file, text.replacen("status: To Do", "status: Done", 1));
    project.git(&["commit", "-qam", "tick one"]);
    let report = json(
        &project,
        &["audit", "--json", "--plan", "backlog", "--base", "main"],
    );
    let audited: Vec<&str> = report["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(audited, ["BACK-548"], "{report}");
}
