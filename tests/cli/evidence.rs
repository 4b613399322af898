//! `baton verify` on plans as they are written in the wild: no `verify:` commands, only
//! prose naming files and identifiers. Synthetic git repositories in Rust, Python,
//! TypeScript, Go and Java, each with a spec-kit `tasks.md` and a Kiro `tasks.md` over the
//! same code: honest tasks (with drifted names, run-time paths, routes and prose that
//! merely mentions deletion) must never be called false-done, and every kind of lie must be
//! caught with the right evidence. Then the corpus of real plans, which must never crash
//! the verifier.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use insta::assert_snapshot;
use serde_json::Value;

use crate::harness::{Project, Run};

/// One language's repository and the words its plans use for it.
struct Lang {
    name: &'static str,
    /// The code once the work is done.
    files: &'static [(&'static str, &'static str)],
    /// A file the honest plan removes: committed first, deleted with the work.
    legacy: &'static str,
    /// A file a lying task claims to have deleted: still there.
    old: &'static str,
    src_dir: &'static str,
    model: &'static str,
    model_file: &'static str,
    method: &'static str,
    service_file: &'static str,
    /// Named by the plan; the code calls it something close.
    drift: &'static str,
    /// The close variant the code defines.
    variant: &'static str,
    config_file: &'static str,
    runtime: &'static str,
    session_file: &'static str,
    api_file: &'static str,
    /// A file a lying task claims to have created.
    missing: &'static str,
    /// A name a lying task claims to have implemented: nothing like it exists.
    undefined: &'static str,
    /// A definition a lying task claims to have implemented: still a stub.
    stubbed: &'static str,
    stub_file: &'static str,
    /// A file only one (lying) task creates, with a stub in it.
    export_file: &'static str,
    export: &'static str,
}

const PYTHON: Lang = Lang {
    name: "python",
    files: &[
        ("pyproject.toml", "[project]\nname = \"shop\"\n"),
        (
            "src/models/user.py",
            "class User:\n    def __init__(self, email):\n        self.email = email\n        self.deleted = False\n",
        ),
        (
            "src/services/user_service.py",
            "from models.user import User\n\n\nclass UserService:\n    def register(self, email):\n        return User(email)\n\n    def deactivate(self, user):\n        raise NotImplementedError\n",
        ),
        (
            "src/config.py",
            "def parse_config_file(path):\n    with open(path) as f:\n        return f.read()\n",
        ),
        (
            "src/services/session.py",
            "import json\n\nSTATE = \".app/state.json\"\n\n\ndef save_session(data):\n    with open(STATE, \"w\") as f:\n        json.dump(data, f)\n",
        ),
        (
            "src/api/users.py",
            "from config import parse_config_file\nfrom services.session import save_session\nfrom services.user_service import UserService\n\n\ndef create_user(email):\n    save_session(parse_config_file(\"app.toml\"))\n    return UserService().register(email)\n",
        ),
        ("src/old_api.py", "def old_handler():\n    return 1\n"),
        (
            "src/services/export.py",
            "def export_users(users):\n    return [_row(u) for u in users]\n\n\ndef _row(user):\n    raise NotImplementedError\n",
        ),
        (
            "tests/test_users.py",
            "from models.user import User\nfrom services.export import export_users\n\n\ndef test_user():\n    assert User(\"a\").email == \"a\"\n    assert export_users([]) == []\n",
        ),
    ],
    legacy: "src/legacy_auth.py",
    old: "src/old_api.py",
    src_dir: "src/",
    model: "User",
    model_file: "src/models/user.py",
    method: "UserService.register",
    service_file: "src/services/user_service.py",
    drift: "parse_config",
    variant: "parse_config_file",
    config_file: "src/config.py",
    runtime: ".app/state.json",
    session_file: "src/services/session.py",
    api_file: "src/api/users.py",
    missing: "src/services/billing.py",
    undefined: "PaymentGateway",
    stubbed: "UserService.deactivate",
    stub_file: "src/services/user_service.py",
    export_file: "src/services/export.py",
    export: "export_users",
};

const RUST: Lang = Lang {
    name: "rust",
    files: &[
        (
            "Cargo.toml",
            "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
        ),
        (
            "src/lib.rs",
            "pub mod config;\npub mod export;\npub mod ledger;\npub mod naming;\npub mod old_api;\npub mod state;\n",
        ),
        (
            "src/naming.rs",
            "pub fn display_name(first: &str, last: &str) -> String {\n    format!(\"{first} {last}\")\n}\n",
        ),
        (
            "src/state.rs",
            "pub enum TransactionState {\n    Open,\n    Closed,\n}\n\npub fn journal_path() -> &'static str {\n    \".app/state.json\"\n}\n",
        ),
        (
            "src/config.rs",
            "pub fn parse_config_file(path: &str) -> String {\n    std::fs::read_to_string(path).unwrap_or_default()\n}\n",
        ),
        (
            "src/main.rs",
            "use shop::naming::display_name;\nuse shop::state::TransactionState;\n\nfn main() {\n    let _open = TransactionState::Open;\n    let _ = shop::config::parse_config_file(\"app.toml\");\n    let _ = shop::state::journal_path();\n    println!(\"{}\", display_name(\"a\", \"b\"));\n}\n",
        ),
        (
            "src/old_api.rs",
            "pub fn old_handler() -> u32 {\n    1\n}\n",
        ),
        (
            "src/ledger.rs",
            "pub struct Ledger;\n\nimpl Ledger {\n    pub fn settle(&self) -> u32 {\n        todo!()\n    }\n}\n",
        ),
        (
            "src/export.rs",
            "pub fn export_all() -> Vec<String> {\n    rows()\n}\n\nfn rows() -> Vec<String> {\n    unimplemented!()\n}\n",
        ),
    ],
    legacy: "src/legacy.rs",
    old: "src/old_api.rs",
    src_dir: "src/",
    model: "TransactionState",
    model_file: "src/state.rs",
    method: "naming::display_name",
    service_file: "src/naming.rs",
    drift: "parseConfig",
    variant: "parse_config_file",
    config_file: "src/config.rs",
    runtime: ".app/state.json",
    session_file: "src/state.rs",
    api_file: "src/main.rs",
    missing: "src/billing.rs",
    undefined: "RefundPolicy",
    stubbed: "Ledger::settle",
    stub_file: "src/ledger.rs",
    export_file: "src/export.rs",
    export: "export_all",
};

const TYPESCRIPT: Lang = Lang {
    name: "typescript",
    files: &[
        (
            "package.json",
            "{\n  \"name\": \"shop\",\n  \"private\": true\n}\n",
        ),
        (
            "src/models/user.ts",
            "export class User {\n  deleted = false;\n  constructor(public email: string) {}\n}\n",
        ),
        (
            "src/services/userService.ts",
            "import { User } from \"../models/user\";\n\nexport class UserService {\n  register(email: string): User {\n    return new User(email);\n  }\n\n  deactivate(user: User): void {\n    throw new Error(\"not implemented\");\n  }\n}\n",
        ),
        (
            "src/config.ts",
            "export function parseConfigFile(path: string): Record<string, string> {\n  return { path };\n}\n",
        ),
        (
            "src/session/sessionManager.ts",
            "const STATE = \".app/state.json\";\n\nexport function entriesFromSessionManager(): string[] {\n  return [STATE];\n}\n",
        ),
        (
            "src/api/users.ts",
            "import { parseConfigFile } from \"../config\";\nimport { entriesFromSessionManager } from \"../session/sessionManager\";\nimport { UserService } from \"../services/userService\";\n\nexport function createUser(email: string) {\n  parseConfigFile(\"app.json\");\n  entriesFromSessionManager();\n  return new UserService().register(email);\n}\n",
        ),
        (
            "src/oldApi.ts",
            "export function oldHandler(): number {\n  return 1;\n}\n",
        ),
        (
            "src/export.ts",
            "export function exportUsers(): string[] {\n  return rows();\n}\n\nfunction rows(): string[] {\n  throw new Error(\"not implemented\");\n}\n",
        ),
    ],
    legacy: "src/legacy.ts",
    old: "src/oldApi.ts",
    src_dir: "src/",
    model: "User",
    model_file: "src/models/user.ts",
    method: "UserService.register",
    service_file: "src/services/userService.ts",
    drift: "parseConfig",
    variant: "parseConfigFile",
    config_file: "src/config.ts",
    runtime: ".app/state.json",
    session_file: "src/session/sessionManager.ts",
    api_file: "src/api/users.ts",
    missing: "src/services/billing.ts",
    undefined: "InvoiceBuilder",
    stubbed: "UserService.deactivate",
    stub_file: "src/services/userService.ts",
    export_file: "src/export.ts",
    export: "exportUsers",
};

const GO: Lang = Lang {
    name: "go",
    files: &[
        ("go.mod", "module example.com/shop\n\ngo 1.22\n"),
        (
            "internal/naming/naming.go",
            "package naming\n\nfunc DisplayName(first, last string) string {\n\treturn first + \" \" + last\n}\n",
        ),
        (
            "internal/store/store.go",
            "package store\n\ntype TransactionState int\n\nconst journal = \".app/state.json\"\n\nfunc ParseConfigFile(path string) string {\n\treturn path + journal\n}\n",
        ),
        (
            "internal/store/ledger.go",
            "package store\n\ntype Ledger struct{}\n\nfunc (l *Ledger) Settle() int {\n\tpanic(\"not implemented\")\n}\n",
        ),
        (
            "cmd/shop/main.go",
            "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/shop/internal/naming\"\n\t\"example.com/shop/internal/store\"\n)\n\nfunc main() {\n\tvar s store.TransactionState\n\tfmt.Println(naming.DisplayName(\"a\", \"b\"), s, store.ParseConfigFile(\"x\"))\n}\n",
        ),
        (
            "internal/oldapi/oldapi.go",
            "package oldapi\n\nfunc Handler() int {\n\treturn 1\n}\n",
        ),
        (
            "internal/export/export.go",
            "package export\n\nfunc Export() []string {\n\treturn rows()\n}\n\nfunc rows() []string {\n\tpanic(\"not implemented\")\n}\n",
        ),
    ],
    legacy: "internal/legacy/legacy.go",
    old: "internal/oldapi/oldapi.go",
    src_dir: "internal/",
    model: "TransactionState",
    model_file: "internal/store/store.go",
    method: "naming.DisplayName",
    service_file: "internal/naming/naming.go",
    drift: "ParseConfig",
    variant: "ParseConfigFile",
    config_file: "internal/store/store.go",
    runtime: ".app/state.json",
    session_file: "internal/store/store.go",
    api_file: "cmd/shop/main.go",
    missing: "internal/billing/billing.go",
    undefined: "RefundPolicy",
    stubbed: "Ledger.Settle",
    stub_file: "internal/store/ledger.go",
    export_file: "internal/export/export.go",
    export: "Export",
};

const JAVA: Lang = Lang {
    name: "java",
    files: &[
        (
            "pom.xml",
            "<project><artifactId>shop</artifactId></project>\n",
        ),
        (
            "src/main/java/shop/User.java",
            "package shop;\n\npublic class User {\n    private final String email;\n    private boolean deleted;\n\n    public User(String email) {\n        this.email = email;\n    }\n}\n",
        ),
        (
            "src/main/java/shop/UserService.java",
            "package shop;\n\npublic class UserService {\n    public User register(String email) {\n        return new User(email);\n    }\n\n    public void deactivate(User user) {\n        throw new UnsupportedOperationException(\"not implemented\");\n    }\n}\n",
        ),
        (
            "src/main/java/shop/Config.java",
            "package shop;\n\npublic class Config {\n    public static String parseConfigFile(String path) {\n        return path;\n    }\n}\n",
        ),
        (
            "src/main/java/shop/Sessions.java",
            "package shop;\n\npublic class Sessions {\n    static final String STATE = \".app/state.json\";\n}\n",
        ),
        (
            "src/main/java/shop/Api.java",
            "package shop;\n\npublic class Api {\n    public User create(String email) {\n        Config.parseConfigFile(Sessions.STATE);\n        return new UserService().register(email);\n    }\n}\n",
        ),
        (
            "src/main/java/shop/OldApi.java",
            "package shop;\n\npublic class OldApi {\n    public int handle() {\n        return 1;\n    }\n}\n",
        ),
        (
            "src/main/java/shop/Export.java",
            "package shop;\n\npublic class Export {\n    public static String[] exportUsers() {\n        return rows();\n    }\n\n    private static String[] rows() {\n        throw new UnsupportedOperationException(\"not implemented\");\n    }\n}\n",
        ),
    ],
    legacy: "src/main/java/shop/LegacyAuth.java",
    old: "src/main/java/shop/OldApi.java",
    src_dir: "src/main/java/",
    model: "User",
    model_file: "src/main/java/shop/User.java",
    method: "UserService.register",
    service_file: "src/main/java/shop/UserService.java",
    drift: "parseConfig",
    variant: "parseConfigFile",
    config_file: "src/main/java/shop/Config.java",
    runtime: ".app/state.json",
    session_file: "src/main/java/shop/Sessions.java",
    api_file: "src/main/java/shop/Api.java",
    missing: "src/main/java/shop/Billing.java",
    undefined: "InvoiceBuilder",
    stubbed: "UserService.deactivate",
    stub_file: "src/main/java/shop/UserService.java",
    export_file: "src/main/java/shop/Export.java",
    export: "exportUsers",
};

/// A spec-kit `tasks.md`: ids, `[P]` and story labels, paths at the end of the title.
fn spec_kit(l: &Lang) -> String {
    format!(
        "# Tasks: {name} shop

**Input**: Design documents from `/specs/001-users/`

## Phase 1: Setup

- [ ] T001 Create the project layout in {src_dir}
- [ ] T002 [P] Configure linting and formatting tools

## Phase 2: User Story 1 - Registration (Priority: P1)

- [ ] T010 [P] [US1] Create `{model}` in {model_file}
- [ ] T011 [US1] Implement `{method}` in {service_file}
- [ ] T012 [US1] Implement `{drift}` in {config_file}
- [ ] T013 [US1] Persist sessions to `{runtime}` in {session_file}
- [ ] T014 [US1] Add a soft-delete flag to `{model}` in {model_file}
- [ ] T015 [US1] Handle the delete endpoint and `users/` in {api_file}
- [ ] T016 Remove the legacy `{legacy}` file

## Phase 3: Lies

- [ ] T020 Create {missing}
- [ ] T021 Delete the obsolete `{old}`
- [ ] T022 Implement `{undefined}` in {service_file}
- [ ] T023 Implement `{stubbed}` in {stub_file}
- [ ] T024 [P] Create {export_file} with `{export}`
",
        name = l.name,
        src_dir = l.src_dir,
        model = l.model,
        model_file = l.model_file,
        method = l.method,
        service_file = l.service_file,
        drift = l.drift,
        config_file = l.config_file,
        runtime = l.runtime,
        session_file = l.session_file,
        api_file = l.api_file,
        legacy = l.legacy,
        missing = l.missing,
        old = l.old,
        undefined = l.undefined,
        stubbed = l.stubbed,
        stub_file = l.stub_file,
        export_file = l.export_file,
        export = l.export,
    )
}

/// A Kiro `tasks.md`: numbered tasks, sub-tasks at the same indentation, files and names in
/// sub-bullets, `_Requirements:_` trailers.
fn kiro(l: &Lang) -> String {
    format!(
        "# Implementation Plan

- [ ] 1. Set up the {name} project
  - Create the layout under `{src_dir}`
  - _Requirements: 1.1_

- [ ] 2. User registration
- [ ] 2.1 Build the user model
  - Create `{model}` in `{model_file}`
  - Add a soft-delete flag to it
  - _Requirements: 1.2_
- [ ] 2.2 Implement registration
  - `{service_file}`
  - Implement `{method}`
  - Keep the delete endpoint in `{api_file}` working
  - _Requirements: 1.3, 2.1_
- [ ] 2.3 Read the configuration
  - Implement `{drift}` in `{config_file}`
  - Cache sessions in `{runtime}`
  - _Requirements: 2.2_
- [ ] 2.4 Retire the legacy module
  - Delete `{legacy}`
  - _Requirements: 2.3_

- [ ] 3. Lies
- [ ] 3.1 Build billing
  - Create `{missing}`
- [ ] 3.2 Clean up
  - Remove `{old}`
- [ ] 3.3 Add invoicing
  - Implement `{undefined}` in `{service_file}`
- [ ] 3.4 Deactivate users
  - Implement `{stubbed}` in `{stub_file}`
- [ ] 3.5 Export users
  - Create `{export_file}`
  - Implement `{export}` there
",
        name = l.name,
        src_dir = l.src_dir,
        model = l.model,
        model_file = l.model_file,
        method = l.method,
        service_file = l.service_file,
        drift = l.drift,
        config_file = l.config_file,
        runtime = l.runtime,
        api_file = l.api_file,
        legacy = l.legacy,
        missing = l.missing,
        old = l.old,
        undefined = l.undefined,
        stubbed = l.stubbed,
        stub_file = l.stub_file,
        export_file = l.export_file,
        export = l.export,
    )
}

const SPEC_PLAN: &str = "specs/001-users/tasks.md";
const KIRO_PLAN: &str = ".kiro/specs/users/tasks.md";

/// Ticks every box but the ones listed.
fn ticked(plan: &str, open: &[&str]) -> String {
    plan.lines()
        .map(|line| {
            let keep = open
                .iter()
                .any(|id| line.starts_with(&format!("- [ ] {id} ")));
            if keep {
                line.to_string()
            } else {
                line.replacen("- [ ] ", "- [x] ", 1)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The repository: the plans (all open) and the legacy files first; then the work, the
/// legacy file deleted, and the boxes ticked.
fn repo(l: &Lang) -> Project {
    let p = Project::new();
    p.git(&["init", "-q", "-b", "main"]);
    p.write(".gitignore", "target/\nnode_modules/\n");
    p.write(SPEC_PLAN, spec_kit(l));
    p.write(KIRO_PLAN, kiro(l));
    p.write(l.legacy, "legacy\n");
    for (path, text) in l.files {
        if *path == l.old {
            p.write(path, text);
        }
    }
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "plan"]);
    for (path, text) in l.files {
        p.write(path, text);
    }
    std::fs::remove_file(p.path(l.legacy)).expect("remove legacy");
    p.write(SPEC_PLAN, ticked(&spec_kit(l), &["T002"]));
    p.write(KIRO_PLAN, ticked(&kiro(l), &[]));
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "work"]);
    p
}

fn verify_json(p: &Project, plan: &str) -> (Run, Value) {
    let run = p.run(&["verify", "--all", "--json", "--plan", plan]);
    assert!(
        [0, 1, 6].contains(&run.code),
        "verify {plan}: exit {}\n{}",
        run.code,
        run.transcript()
    );
    let json = run.json();
    (run, json)
}

fn task<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no task {id}"))
}

/// `(check, subject)` of a task's findings of one weight.
fn findings(t: &Value, weight: &str) -> Vec<(String, String)> {
    t["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .filter(|f| f["weight"] == weight)
        .map(|f| {
            (
                f["check"].as_str().expect("check").to_string(),
                f["subject"].as_str().expect("subject").to_string(),
            )
        })
        .collect()
}

fn has(t: &Value, weight: &str, check: &str, subject: &str) -> bool {
    findings(t, weight)
        .iter()
        .any(|(c, s)| c == check && s == subject)
}

/// Every honest task: never false-done, and verified (with or without warnings) when it
/// names anything; the lies: false-done, each with its own hard evidence.
fn check_plan(l: &Lang, plan: &str, honest: &[&str], lies: &[(&str, &str, &str)]) -> Value {
    let p = repo(l);
    let (run, json) = verify_json(&p, plan);
    let context = format!(
        "{} {plan}\n{}",
        l.name,
        serde_json::to_string_pretty(&json).unwrap_or_default()
    );
    assert_eq!(run.code, 6, "the lies make it exit 6: {context}");
    for id in honest {
        let t = task(&json, id);
        let verdict = t["verdict"].as_str().expect("verdict");
        assert!(
            verdict == "verified" || verdict == "verified-with-warnings",
            "honest task {id} is {verdict}: {context}"
        );
        assert!(
            findings(t, "hard").is_empty(),
            "honest {id} has hard evidence: {context}"
        );
    }
    for (id, check, subject) in lies {
        let t = task(&json, id);
        assert_eq!(t["verdict"], "false-done", "lie {id}: {context}");
        assert!(
            has(t, "hard", check, subject),
            "lie {id} must be caught by {check} on {subject}: {:?}\n{context}",
            findings(t, "hard")
        );
    }
    // Nothing else in the plan is false-done.
    let false_done: Vec<String> = json["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter(|t| t["verdict"] == "false-done")
        .map(|t| t["id"].as_str().expect("id").to_string())
        .collect();
    let lie_ids: Vec<String> = lies.iter().map(|l| l.0.to_string()).collect();
    assert_eq!(false_done, lie_ids, "{context}");
    json
}

fn spec_kit_case(l: &Lang) {
    let honest = [
        "T001", "T010", "T011", "T012", "T013", "T014", "T015", "T016",
    ];
    let lies = [
        ("T020", "created-missing", l.missing),
        ("T021", "removed-present", l.old),
        ("T022", "undefined", l.undefined),
        ("T023", "stub", l.stubbed),
        ("T024", "stub-in-created", l.export_file),
    ];
    let json = check_plan(l, SPEC_PLAN, &honest, &lies);
    // The drifted name is a warning naming the variant, never a lie.
    let drift = task(&json, "T012");
    assert_eq!(drift["verdict"], "verified-with-warnings");
    assert!(has(drift, "warning", "drift", l.drift), "{drift}");
    let message = drift["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .find(|f| f["check"] == "drift")
        .and_then(|f| f["message"].as_str())
        .unwrap_or_default();
    assert!(message.contains(l.variant), "{message}");
    // The run-time path and the route are mentions, not evidence.
    assert!(has(task(&json, "T013"), "note", "mention", l.runtime));
    assert!(has(task(&json, "T015"), "note", "mention", "users/"));
    // "Add a soft-delete flag", "the delete endpoint": no removal is read into them.
    for id in ["T014", "T015"] {
        let t = task(&json, id);
        for weight in ["hard", "positive", "warning"] {
            assert!(
                findings(t, weight)
                    .iter()
                    .all(|(c, _)| !c.starts_with("removed")),
                "{id}: {t}"
            );
        }
    }
    // The honest removal is positive evidence, and the history saw it.
    assert!(has(task(&json, "T016"), "positive", "removed", l.legacy));
    let removal = &task(&json, "T016")["git"];
    assert_eq!(removal["anchor"], "task");
    assert!(
        removal["commits"].as_u64().expect("commits") >= 1,
        "{removal}"
    );
    assert!(has(task(&json, "T016"), "positive", "touched", ""));
    // The lie nothing ever touched is also flagged by the history.
    assert!(has(task(&json, "T020"), "warning", "untouched", ""));
    // The open task with nothing to check stays incomplete.
    assert_eq!(task(&json, "T002")["verdict"], "incomplete");
    // The named definitions are found where the plan says.
    let defined = task(&json, "T011");
    assert!(has(defined, "positive", "defined", l.method), "{defined}");
}

fn kiro_case(l: &Lang) {
    let honest = ["1", "2.1", "2.2", "2.3", "2.4"];
    let lies = [
        ("3.1", "created-missing", l.missing),
        ("3.2", "removed-present", l.old),
        ("3.3", "undefined", l.undefined),
        ("3.4", "stub", l.stubbed),
        ("3.5", "stub-in-created", l.export_file),
    ];
    let json = check_plan(l, KIRO_PLAN, &honest, &lies);
    // Group tasks with nothing of their own to check are trusted, not verified.
    for id in ["2", "3"] {
        assert_eq!(task(&json, id)["verdict"], "unverifiable", "{id}");
    }
    assert!(has(task(&json, "2.3"), "warning", "drift", l.drift));
    assert!(has(task(&json, "2.3"), "note", "mention", l.runtime));
    assert!(has(task(&json, "2.4"), "positive", "removed", l.legacy));
    // Files listed in a sub-bullet under "Implement registration" are the task's own.
    assert!(has(
        task(&json, "2.2"),
        "positive",
        "created",
        l.service_file
    ));
}

#[test]
fn python_spec_kit() {
    spec_kit_case(&PYTHON);
}

#[test]
fn python_kiro() {
    kiro_case(&PYTHON);
}

#[test]
fn rust_spec_kit() {
    spec_kit_case(&RUST);
}

#[test]
fn rust_kiro() {
    kiro_case(&RUST);
}

#[test]
fn typescript_spec_kit() {
    spec_kit_case(&TYPESCRIPT);
}

#[test]
fn typescript_kiro() {
    kiro_case(&TYPESCRIPT);
}

#[test]
fn go_spec_kit() {
    spec_kit_case(&GO);
}

#[test]
fn go_kiro() {
    kiro_case(&GO);
}

#[test]
fn java_spec_kit() {
    spec_kit_case(&JAVA);
}

#[test]
fn java_kiro() {
    kiro_case(&JAVA);
}

// ---- What a person and a CI job see ------------------------------------------------------

#[test]
fn human_report_explain_and_junit() {
    let p = repo(&PYTHON);
    let run = p.run(&["verify", "--all", "--plan", SPEC_PLAN]);
    assert_eq!(run.code, 6, "{}", run.transcript());
    assert_snapshot!("evidence_report_python_spec_kit", run.transcript());

    let explain = p.run(&["verify", "--explain", "T023", "--plan", SPEC_PLAN]);
    assert_eq!(explain.code, 6, "{}", explain.transcript());
    assert_snapshot!("evidence_explain_stub", explain.transcript());
    let drift = p.run(&["verify", "--explain", "T012", "--plan", SPEC_PLAN]);
    assert_eq!(
        drift.code,
        0,
        "a drifted name is finished work: {}",
        drift.transcript()
    );
    assert!(
        drift.stdout.contains("verified-with-warnings"),
        "{}",
        drift.stdout
    );
    assert!(
        drift.stdout.contains("parse_config_file"),
        "{}",
        drift.stdout
    );
    assert_eq!(
        p.run(&["verify", "--explain", "T99", "--plan", SPEC_PLAN])
            .code,
        3
    );

    let junit = p.run(&[
        "verify",
        "--all",
        "--plan",
        SPEC_PLAN,
        "--junit",
        "report.xml",
    ]);
    assert_eq!(junit.code, 6);
    let xml = p.read_string("report.xml");
    // Warnings ride along a passing test case; lies are failures with their evidence.
    assert!(
        xml.contains("<property name=\"verdict\" value=\"verified-with-warnings\"/>"),
        "{xml}"
    );
    assert!(
        xml.contains("<property name=\"warning.identifiers.drift\""),
        "{xml}"
    );
    assert!(xml.contains("<system-out>"), "{xml}");
    assert!(
        xml.contains("<failure type=\"false-done\" message=\"false-done\">paths `src/services/billing.py` does not exist, though the task creates it"),
        "{xml}"
    );
}

// ---- The corpus of real plans and the shipped examples ----------------------------------

fn fixtures() -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                let rel = path
                    .strip_prefix(base)
                    .expect("under base")
                    .iter()
                    .map(|c| c.to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if rel != "README.md" {
                    out.push((rel, path));
                }
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    walk(
        &root.join("tests/fixtures/corpus"),
        &root.join("tests/fixtures/corpus"),
        &mut out,
    );
    let mut examples = Vec::new();
    walk(&root.join("examples"), root, &mut examples);
    out.extend(examples);
    out
}

/// `baton ARGS` in `p`, killed if it outlives `deadline`. Output is drained on threads so
/// that a large report cannot block the child.
fn run_in_time(p: &Project, args: &[&str], deadline: Duration) -> Run {
    let started = Instant::now();
    let mut child = p
        .command(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn baton");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            pipe.read_to_end(&mut buf).ok();
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("baton {args:?} still running after {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// Every corpus plan and example, verified whole in a repository holding only the plan:
/// never a crash, never an internal error, and a count of the tasks each layer could
/// judge (found evidence for or against), checked against the snapshot and reproduced in
/// docs/verify.md.
#[test]
fn corpus_and_examples_never_crash_and_what_each_layer_judges() {
    let layers = [
        "commands",
        "acceptance",
        "paths",
        "identifiers",
        "wiring",
        "stubs",
        "history",
    ];
    let mut lines = vec![format!(
        "| file | tasks | ticked | {} | false-done |",
        layers.join(" | ")
    )];
    lines.push(format!(
        "|---|---:|---:|{}---:|",
        "---:|".repeat(layers.len())
    ));
    let mut totals = vec![0usize; layers.len() + 3];
    for (rel, path) in fixtures() {
        let p = Project::new();
        p.git_init();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        p.write(&name, std::fs::read(&path).expect("read fixture"));
        p.git(&["add", "-A"]);
        p.git(&["commit", "-q", "-m", "plan"]);
        let run = run_in_time(
            &p,
            &[
                "verify",
                "--all",
                "--json",
                "--timeout",
                "5",
                "--plan",
                &name,
            ],
            Duration::from_secs(60),
        );
        assert!(
            [0, 1, 6, 7].contains(&run.code),
            "verify --all on {rel} exited {} (70 internal, 101 panic)\n{}",
            run.code,
            run.transcript()
        );
        let json = run.json();
        let tasks = json["tasks"].as_array().expect("tasks");
        let ticked = tasks.iter().filter(|t| t["status"] == "done").count();
        let false_done = tasks
            .iter()
            .filter(|t| t["verdict"] == "false-done")
            .count();
        let mut row = vec![rel.clone(), tasks.len().to_string(), ticked.to_string()];
        totals[0] += tasks.len();
        totals[1] += ticked;
        for (i, layer) in layers.iter().enumerate() {
            let judged = tasks
                .iter()
                .filter(|t| {
                    t["evidence"]
                        .as_array()
                        .expect("evidence")
                        .iter()
                        .any(|f| f["layer"] == *layer && f["weight"] != "note")
                })
                .count();
            totals[i + 2] += judged;
            row.push(judged.to_string());
        }
        totals[layers.len() + 2] += false_done;
        row.push(false_done.to_string());
        lines.push(format!("| {} |", row.join(" | ")));
    }
    let total: Vec<String> = totals.iter().map(usize::to_string).collect();
    lines.push(format!("| **all** | {} |", total.join(" | ")));
    assert_snapshot!("evidence_corpus_layers", lines.join("\n") + "\n");
}
