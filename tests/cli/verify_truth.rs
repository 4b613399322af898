//! `baton verify` against the plain lies it used to let through (issue 17): a deliverable
//! named without a creation verb, a missing function forgiven for a loosely similar name, a
//! removal undone, and a task with nothing done at all; and, the other way round, a path the
//! task's code writes at run time, which is no deliverable. Each lie has an honest twin that
//! must stay verified. Real git repositories, the built binary.

use serde_json::Value;

use crate::harness::Project;

const SETTINGS_TS: &str = "export interface OpenLedgerOptions {\n  path: string;\n}\n\n\
export const settings = { theme: \"dark\" };\n\n\
export function saveSettings(value: object): string {\n  return JSON.stringify(value);\n}\n\n\
export function parseConfigFile(text: string): object {\n  return JSON.parse(text);\n}\n";

const APP_TS: &str = "import { saveSettings, settings, parseConfigFile } from \"./lib/settings\";\n\n\
export function main(): string {\n  parseConfigFile(\"{}\");\n  return saveSettings(settings);\n}\n";

/// A TypeScript repository with the plan committed first (open boxes), then the work, then
/// the ticks: the history an honest run of a plan leaves.
fn repo(plan: &str, work: &[(&str, &str)], remove: &[&str]) -> Project {
    let p = Project::new();
    p.write("package.json", "{ \"name\": \"shop\" }\n");
    p.write("src/lib/settings.ts", SETTINGS_TS);
    p.write("src/app.ts", APP_TS);
    p.write(
        "src/tests/app.test.ts",
        "import { main } from \"../app\";\nmain();\n",
    );
    p.write("legacy/old.ts", "export const old = 1;\n");
    p.write("specs/001-shop/tasks.md", plan.replace("[X]", "[ ]"));
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "plan"]);
    for (file, text) in work {
        p.write(file, text);
    }
    for gone in remove {
        p.git(&["rm", "-r", "-q", gone]);
    }
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "--allow-empty", "-m", "work"]);
    p.write("specs/001-shop/tasks.md", plan);
    p.git(&["commit", "-q", "-a", "-m", "tick"]);
    p
}

fn verify(p: &Project) -> Value {
    let run = p.run(&[
        "verify",
        "--all",
        "--json",
        "--plan",
        "specs/001-shop/tasks.md",
    ]);
    assert!(
        [0, 1, 6].contains(&run.code),
        "unexpected exit\n{}",
        run.transcript()
    );
    run.json()
}

fn task<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no task {id}"))
}

fn verdict<'a>(json: &'a Value, id: &str) -> &'a str {
    task(json, id)["verdict"].as_str().expect("verdict")
}

/// The checks of the task's findings of one weight.
fn checks(json: &Value, id: &str, weight: &str) -> Vec<String> {
    task(json, id)["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .filter(|f| f["weight"] == weight)
        .map(|f| f["check"].as_str().expect("check").to_string())
        .collect()
}

#[track_caller]
fn assert_verdict(json: &Value, id: &str, want: &str) {
    assert_eq!(
        verdict(json, id),
        want,
        "{id}: {:#}",
        task(json, id)["evidence"]
    );
}

#[test]
fn a_deliverable_named_without_a_creation_verb_must_exist() {
    let plan = "# Tasks\n\n## Phase 1: Tests\n\n\
- [X] T001 [P] [US1] Parser tests in `src/tests/parser.test.ts`: every default applied\n\
- [X] T002 [P] [US1] Settings tests in `src/tests/settings.test.ts`: saving sorts keys\n\
- [X] T003 Parser tests for `src/lib/parser.ts`, see `docs/parsing.md`\n";
    let p = repo(
        plan,
        &[(
            "src/tests/settings.test.ts",
            "import \"../lib/settings\";\n",
        )],
        &[],
    );
    let json = verify(&p);
    assert_verdict(&json, "T001", "false-done");
    assert!(checks(&json, "T001", "hard").contains(&"named-missing".to_string()));
    assert_verdict(&json, "T002", "verified");
    // Named for reference, not as what the task delivers: never hard.
    assert!(checks(&json, "T003", "hard").is_empty(), "{json:#}");
}

#[test]
fn drift_must_be_the_same_kind_and_close_as_a_whole_name() {
    let plan = "# Tasks\n\n## Phase 1: Core\n\n\
- [X] T001 Implement `openLedger(path)` in src/lib/settings.ts\n\
- [X] T002 Implement `loadSettings` in src/lib/settings.ts\n\
- [X] T003 Implement `parseConfig` in src/lib/settings.ts\n\
- [X] T004 Implement `saveSetting` in src/lib/settings.ts\n";
    let p = repo(plan, &[], &[]);
    let json = verify(&p);
    // A type is no variant of a function; a fragment is no variant of a whole name.
    assert_verdict(&json, "T001", "false-done");
    assert_verdict(&json, "T002", "false-done");
    assert_eq!(checks(&json, "T001", "hard"), ["undefined"]);
    // One word more, or one letter off: drift, a warning.
    for id in ["T003", "T004"] {
        assert_verdict(&json, id, "verified-with-warnings");
        assert!(checks(&json, id, "warning").contains(&"drift".to_string()));
    }
}

#[test]
fn a_removal_undone_is_a_lie() {
    let plan = "# Tasks\n\n## Phase 1: Cleanup\n\n\
- [X] T001 Remove the `legacy/` directory after migrating callers to `src/lib/`\n";
    let honest = repo(plan, &[], &["legacy"]);
    assert_verdict(&verify(&honest), "T001", "verified");
    // The directory is put back after the removal.
    honest.write("legacy/old.ts", "export const old = 1;\n");
    honest.git(&["add", "-A"]);
    honest.git(&["commit", "-q", "-m", "restore"]);
    let json = verify(&honest);
    assert_verdict(&json, "T001", "false-done");
    assert_eq!(checks(&json, "T001", "hard"), ["removed-present"]);
}

#[test]
fn a_path_the_code_writes_at_run_time_is_a_mention() {
    let plan = "# Tasks\n\n## Phase 1: Settings\n\n\
- [X] T001 Add `saveSettings`: write canonical `.settings.json` sorted by key\n\
- [X] T002 Add `saveSettings` in src/lib/settings.ts; persist to `state/settings.json` on exit\n";
    let p = repo(plan, &[], &[]);
    // The work landed with the plan's ticks: nothing of it is missing.
    let json = verify(&p);
    for id in ["T001", "T002"] {
        assert!(checks(&json, id, "hard").is_empty(), "{id}: {json:#}");
        assert!(checks(&json, id, "note").contains(&"mention".to_string()));
    }
}

#[test]
fn a_task_with_nothing_done_is_never_verified() {
    let p = Project::new();
    p.write("package.json", "{ \"name\": \"shop\" }\n");
    p.write("src/lib/settings.ts", SETTINGS_TS);
    p.write("src/app.ts", APP_TS);
    let base = "# Tasks\n\n## Phase 1: Core\n\n\
- [X] T001 Implement `saveSettings` in src/lib/settings.ts\n";
    p.write("specs/001-shop/tasks.md", base);
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "code and plan"]);
    // A task enters the plan after its files exist, and is ticked later: no commit touched
    // them since.
    let added = format!(
        "{base}- [ ] T002 Implement `parseConfigFile` in src/app.ts\n  - files: src/app.ts\n"
    );
    p.write("specs/001-shop/tasks.md", &added);
    p.git(&["commit", "-q", "-a", "-m", "plan T002"]);
    p.write(
        "specs/001-shop/tasks.md",
        added.replace("- [ ] T002", "- [X] T002"),
    );
    p.git(&["commit", "-q", "-a", "-m", "tick T002"]);
    let run = p.run(&[
        "verify",
        "--all",
        "--json",
        "--plan",
        "specs/001-shop/tasks.md",
    ]);
    assert_ne!(run.code, 0, "{}", run.transcript());
    let json = run.json();
    assert!(
        !["verified", "verified-with-warnings"].contains(&verdict(&json, "T002")),
        "{json:#}"
    );
    // T001 entered the plan with its code: verified.
    assert!(
        ["verified", "verified-with-warnings"].contains(&verdict(&json, "T001")),
        "{json:#}"
    );
    // The same task, with a commit that does the work: verified.
    p.write(
        "src/app.ts",
        format!("{APP_TS}\nexport const ready = true;\n"),
    );
    p.git(&["commit", "-q", "-a", "-m", "do T002"]);
    let json = verify(&p);
    assert!(
        ["verified", "verified-with-warnings"].contains(&verdict(&json, "T002")),
        "{json:#}"
    );
}

/// The truth benchmark's planter on one real project copy, a few runs per class, so the
/// figures in docs/verify.md cannot rot: recall of lies >= 95%, false alarms <= 2%.
#[test]
fn planted_lies_in_a_real_project_are_caught() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = std::process::Command::new("python3")
        .arg(root.join("bench/truth/run.py"))
        .args([
            crate::harness::BIN,
            "ms-community-007",
            "--max",
            "3",
            "--jobs",
            "2",
            "--check",
        ])
        .output()
        .expect("python3 runs the planter (bench/truth/run.py)");
    let out = String::from_utf8_lossy(&run.stdout);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{out}\n{err}");
    for class in [
        "1 named without a creation verb",
        "5 nothing done",
        "deleted: a created file",
    ] {
        assert!(out.contains(class), "no run of {class}:\n{out}");
    }
}
