//! Each reader on small sources: ids, statuses, links, and lines that point back into the
//! source rather than into the generated Markdown.

use std::path::Path;

use super::*;
use crate::plan::Status;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
    path
}

fn read(path: &Path) -> Result<Plan, FormatError> {
    let sniffed = sniff(path).expect("a known format");
    load(path, sniffed).map(|(_, plan)| plan)
}

fn summary(plan: &Plan) -> Vec<String> {
    plan.tasks
        .iter()
        .map(|t| {
            let deps: Vec<&str> = t.deps.iter().map(|d| d.id.as_str()).collect();
            format!(
                "{} L{} {} after[{}]",
                t.display_id(),
                t.line_span.line,
                t.status.as_str(),
                deps.join(",")
            )
        })
        .collect()
}

const TASKMASTER: &str = r#"{
  "master": {
    "tasks": [
      {
        "id": 1,
        "title": "Schema",
        "status": "done",
        "dependencies": [],
        "priority": "high",
        "subtasks": []
      },
      {
        "id": 2,
        "title": "API",
        "status": "in-progress",
        "dependencies": [1],
        "testStrategy": "curl the endpoint",
        "subtasks": [
          {"id": 1, "title": "Routes", "status": "done", "dependencies": []},
          {"id": 2, "title": "Handlers", "status": "pending", "dependencies": [1, "1"]}
        ]
      }
    ]
  },
  "feature-x": {"tasks": []}
}
"#;

#[test]
fn taskmaster_ids_statuses_dependencies_and_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "tasks.json", TASKMASTER);
    let plan = read(&path).expect("read");
    assert_eq!(
        summary(&plan),
        [
            "1 L4 done after[]",
            "2 L12 in-progress after[1]",
            "2.1 L19 done after[]",
            "2.2 L20 todo after[2.1,1]",
        ]
    );
    assert_eq!(plan.tasks[0].labels.as_slice(), ["high"]);
    assert_eq!(plan.tasks[1].done_when.as_slice(), ["curl the endpoint"]);
    assert_eq!(plan.tasks[2].parent, Some(1));
    let overview = plan.overview.as_ref().expect("overview").text.clone();
    assert!(
        overview.contains("tag `master`") && overview.contains("feature-x"),
        "{overview}"
    );
}

#[test]
fn taskmaster_errors_name_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "{\n  \"tasks\": [\n    {\"id\": 1,}\n  ]\n}\n",
            3,
            "not valid JSON",
        ),
        ("{\n  \"version\": 2\n}\n", 1, "no `tasks` array"),
        ("{\"tasks\": {}}", 1, "not an array"),
        ("{\"tasks\": [\n {\"title\": \"x\"}\n]}", 2, "has no `id`"),
        ("[1, 2]", 1, "JSON object"),
    ];
    for (text, line, message) in cases {
        let path = write(dir.path(), "tasks.json", text);
        match read(&path) {
            Err(FormatError::Malformed {
                line: l,
                message: m,
                ..
            }) => {
                assert_eq!(l, line, "{text}: {m}");
                assert!(m.contains(message), "{text}: {m}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

const GSD_PLAN: &str = "---
phase: 02-auth
plan: 03
wave: 2
depends_on: [02-01]
files_modified:
  - src/auth.ts
---

<objective>
Sign-in with OAuth.
</objective>

<tasks>
<task type=\"auto\">
  <name>Task 1: Token storage</name>
  <files>src/auth/tokens.ts</files>
  <verify>
    <automated>npm test -- tokens</automated>
  </verify>
  <acceptance_criteria>
    - tokens survive a restart
  </acceptance_criteria>
  <done>Tokens are stored</done>
</task>

```xml
<task type=\"auto\"><name>Task 9: inside a fence</name></task>
```

<task type=\"checkpoint:human-verify\" gate=\"blocking\">
  <name>Task 2: Check the login page</name>
</task>
</tasks>
";

#[test]
fn gsd_plan_tasks_in_order_with_files_verify_and_the_summary_as_done() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "02-03-PLAN.md", GSD_PLAN);
    let plan = read(&path).expect("read");
    assert_eq!(
        summary(&plan),
        ["T1 L15 todo after[]", "T2 L31 todo after[T1]"]
    );
    let t1 = &plan.tasks[0];
    assert_eq!(t1.title, "Token storage");
    assert_eq!(t1.files.as_slice(), ["src/auth/tokens.ts"]);
    assert_eq!(t1.verify.as_slice(), ["npm test -- tokens"]);
    assert_eq!(t1.acceptance[0].span.line, 22);
    assert_eq!(plan.tasks[1].labels.as_slice(), ["checkpoint:human-verify"]);
    assert_eq!(plan.tasks[1].files.as_slice(), ["src/auth.ts"]);
    assert_eq!(plan.phases[0].heading_span.expect("heading").line, 3);

    write(dir.path(), "02-03-SUMMARY.md", "# Summary\n");
    let plan = read(&path).expect("read");
    assert!(plan.tasks.iter().all(|t| t.status == Status::Done));
}

#[test]
fn gsd_plan_without_tasks_or_with_open_front_matter_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "01-01-PLAN.md",
        "---\nphase: 01\nplan: 01\n---\n\nNo tasks.\n",
    );
    assert!(matches!(
        read(&path),
        Err(FormatError::Malformed { line: 5, .. })
    ));
    let path = write(dir.path(), "01-02-PLAN.md", "---\nphase: 01\nplan: 02\n");
    // Not closed: not recognised by its front matter, so it stays a Markdown plan.
    assert!(sniff(&path).is_none());
}

const ROADMAP: &str = "# Roadmap: App

## Phases

- [x] **Phase 1: Core** - the base
- [ ] **Phase 2: API** - endpoints
- [ ] **Phase 2.1: Hotfix (INSERTED)** - urgent
- [ ] **Phase 3: UI** - screens

## Phase Details

### Phase 1: Core
**Goal**: A base
**Depends on**: Nothing (first phase)
**Requirements**: CORE-01
**Success Criteria** (what must be TRUE):
  1. It builds
Plans:
- [x] 01-01-PLAN.md — scaffold

### Phase 2: API
**Depends on**: Phase 1

### Phase 2.1: Hotfix (INSERTED)
**Depends on**: Phase 2

### Phase 3: UI
**Depends on**: Phase 1
";

#[test]
fn gsd_roadmap_phases_become_tasks_linked_by_depends_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "ROADMAP.md", ROADMAP);
    let plan = read(&path).expect("read");
    assert_eq!(
        summary(&plan),
        [
            "P1 L5 done after[]",
            "P2 L6 todo after[P1]",
            "P2.1 L7 todo after[P2]",
            "P3 L8 todo after[P1]",
        ]
    );
    assert_eq!(plan.tasks[1].deps[0].span.line, 22);
    let p1 = &plan.tasks[0];
    assert_eq!(p1.requirements.as_slice(), ["CORE-01"]);
    assert_eq!(p1.done_when.as_slice(), ["It builds"]);
    assert_eq!(p1.acceptance.len(), 1);
    assert_eq!(p1.acceptance[0].status, Status::Done);
}

#[test]
fn a_roadmap_only_inside_a_fence_is_markdown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "roadmap.md",
        &format!("```markdown\n{ROADMAP}```\n"),
    );
    assert!(sniff(&path).is_none());
}

#[test]
fn backlog_folder_ids_dependencies_by_number_and_completed_tasks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("backlog");
    write(&root, "config.yml", "task_prefix: \"back\"\n");
    write(
        &root,
        "tasks/back-2 - API.md",
        "---\nid: BACK-2\ntitle: API\nstatus: In Progress\nlabels: [api]\ndependencies:\n  - task-01\nmodified_files:\n  - src/api.ts\n---\n\n## Description\n\nThe API.\n\n## Acceptance Criteria\n<!-- AC:BEGIN -->\n- [x] #1 it answers\n- [ ] #2 it is fast\n<!-- AC:END -->\n",
    );
    write(
        &root,
        "completed/back-1 - Schema.md",
        "---\nid: BACK-1\ntitle: Schema\nstatus: To Do\n---\n",
    );
    let plan = read(&root).expect("read");
    assert_eq!(
        summary(&plan),
        [
            "BACK-1 L2 done after[]",
            "BACK-2 L2 in-progress after[BACK-1]"
        ]
    );
    let api = &plan.tasks[1];
    assert_eq!(api.deps[0].span.line, 6);
    assert_eq!(api.files.as_slice(), ["src/api.ts"]);
    assert_eq!(api.labels.as_slice(), ["api"]);
    let checks: Vec<(&str, u32)> = api
        .acceptance
        .iter()
        .map(|a| (a.text.as_str(), a.span.line))
        .collect();
    assert_eq!(checks, [("it answers", 18), ("it is fast", 19)]);

    // `--plan backlog/tasks` reads the same tasks.
    let plan = read(&root.join("tasks")).expect("read");
    assert_eq!(plan.tasks.len(), 2);
}

#[test]
fn a_backlog_task_file_without_an_id_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("backlog");
    write(
        &root,
        "tasks/back-1 - A.md",
        "---\nid: BACK-1\ntitle: A\nstatus: To Do\n---\n",
    );
    write(
        &root,
        "tasks/back-2 - B.md",
        "---\ntitle: B\nstatus: To Do\n---\n",
    );
    match read(&root) {
        Err(FormatError::Malformed { path, line: 1, .. }) => {
            assert!(path.ends_with("back-2 - B.md"), "{}", path.display());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn markdown_plans_are_left_to_the_markdown_reader() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [
        ("plan.md", "# P\n\n- [ ] T1 x\n"),
        ("PLAN.md", "---\ntitle: x\n---\n- [ ] T1 x\n"),
        ("tasks.md", "---\nid: 3\n---\n- [ ] T1 x\n"),
    ] {
        let path = write(dir.path(), name, text);
        assert!(sniff(&path).is_none(), "{name}");
    }
    assert_eq!(
        sniff(&write(dir.path(), "plan.yaml", "a: 1\n")),
        Some(Sniffed::Yaml)
    );
}

#[test]
fn prose_is_escaped_so_it_never_becomes_structure() {
    for (text, escaped) in [
        ("- [ ] not a task", "\\- [ ] not a task"),
        ("# not a heading", "\\# not a heading"),
        ("1. not a list", "1\\. not a list"),
        ("files: not a key", "files\\: not a key"),
        ("plain words", "plain words"),
    ] {
        assert_eq!(emit::escape_prose(text), escaped);
    }
}
