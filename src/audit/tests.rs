//! The audit against real repositories in temp dirs.

use super::*;
use crate::git::testing::{git, repo, write};

const PLAN: &str = "# P\n## Phase 1\n- [ ] T1 Auth\n  - files: src/auth/**\n- [ ] T2 Billing\n  - files: src/billing/**\n- [ ] T3 Docs for `_helper` in notes.md\n";

fn claim(task: &str, by: &str) -> Claim {
    Claim {
        task_id: task.into(),
        owner: by.into(),
        claimed_at: "2026-01-21T09:30:00Z".into(),
        expires_at: None,
    }
}

/// Runs the audit of the repository at `dir` for `session` with `claims`.
fn run(dir: &Path, tasks: &[&str], session: Option<&str>, claims: &[Claim]) -> AuditReport {
    run_with(dir, tasks, session, claims, &AuditConfig::default(), None)
}

fn run_with(
    dir: &Path,
    tasks: &[&str],
    session: Option<&str>,
    claims: &[Claim],
    config: &AuditConfig,
    head: Option<&str>,
) -> AuditReport {
    let plan_path = dir.join("plan.md");
    let plan = crate::plan::parse(&std::fs::read(&plan_path).expect("plan"));
    let tasks: Vec<String> = tasks.iter().map(|s| s.to_string()).collect();
    audit(&AuditInput {
        plan_path: &plan_path,
        plan: &plan,
        config,
        base: None,
        head,
        tasks: &tasks,
        session,
        claims,
    })
    .expect("audit")
}

fn codes(report: &AuditReport) -> Vec<(&str, &str)> {
    report
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.code.code()))
        .collect()
}

fn project() -> tempfile::TempDir {
    let dir = repo(&[
        ("plan.md", PLAN),
        ("src/auth/login.rs", "fn login() {}\n"),
        ("src/billing/pay.rs", "fn pay() {}\n"),
        ("src/legacy.rs", "old\n"),
        ("Cargo.lock", "v1\n"),
    ]);
    git(dir.path(), &["switch", "-q", "-c", "lane"]);
    dir
}

#[test]
fn an_honest_branch_is_clean_and_its_tests_count_as_in_scope() {
    let dir = project();
    let d = dir.path();
    write(d, "src/auth/login.rs", "fn login() { todo }\n");
    write(d, "src/auth/logout.rs", "fn logout() {}\n");
    write(d, "tests/auth/test_login.rs", "#[test] fn t() {}\n");
    write(d, "src/auth/login_test.rs", "\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "auth"]);
    write(d, "plan.md", &PLAN.replace("[ ] T1", "[x] T1"));
    let report = run(d, &[], None, &[]);
    assert_eq!(report.tasks.len(), 1, "T1 ticked on this branch");
    assert_eq!(report.tasks[0].why, [Reason::Ticked]);
    assert!(report.is_clean(), "{:?}", report.findings);
    assert_eq!(report.changed, 5);
    assert_eq!(report.base_from, "merge-base with main");
    assert_eq!(report.branch.as_deref(), Some("lane"));

    let strict = AuditConfig {
        tests_in_scope: false,
        ..AuditConfig::default()
    };
    let report = run_with(d, &["T1"], None, &[], &strict, None);
    assert_eq!(
        codes(&report),
        [("tests/auth/test_login.rs", "A001")],
        "login_test.rs is inside src/auth/**; the other test is not, without the rule"
    );
}

#[test]
fn each_finding_once_per_file() {
    let dir = project();
    let d = dir.path();
    write(d, "src/auth/login.rs", "changed\n");
    write(d, "src/billing/pay.rs", "changed\n");
    write(d, "src/other.rs", "new\n");
    write(d, "Cargo.lock", "v2\n");
    std::fs::remove_file(d.join("src/legacy.rs")).expect("rm");
    write(d, ".baton/lock.json", "{}\n");
    write(d, "plan.md", &PLAN.replace("[ ] T1", "[~] T1"));
    let claims = [claim("T1", "alice"), claim("T2", "bob")];
    let report = run(d, &[], Some("alice"), &claims);
    assert_eq!(report.tasks[0].id, "T1");
    assert_eq!(report.tasks[0].why, [Reason::Claimed]);
    assert_eq!(
        codes(&report),
        [
            ("Cargo.lock", "A004"),
            ("src/billing/pay.rs", "A002"),
            ("src/legacy.rs", "A003"),
            ("src/other.rs", "A001"),
        ]
    );
    let holder = report.findings[1].claim.as_ref().expect("holder");
    assert_eq!((holder.task.as_str(), holder.by.as_str()), ("T2", "bob"));
    // Bob's own audit of the same tree: his claim is his scope, alice's is another's.
    let report = run(d, &[], Some("bob"), &claims);
    assert_eq!(
        codes(&report)
            .iter()
            .filter(|(_, c)| *c == "A002")
            .map(|(p, _)| *p)
            .collect::<Vec<_>>(),
        ["src/auth/login.rs"]
    );
}

#[test]
fn hot_spots_need_explicit_scope_and_identifiers_cover_nothing() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "plan.md",
        &format!(
            "{PLAN}- [ ] T4 Everything\n  - files: **\n- [ ] T5 Deps\n  - files: Cargo.lock, src/**\n"
        ),
    );
    git(d, &["commit", "-q", "-am", "plan"]);
    write(d, "Cargo.lock", "v2\n");
    write(d, "notes.md", "n\n");
    write(d, "_helper", "not a file the plan meant\n");
    assert_eq!(codes(&run(d, &["T4"], None, &[])), [("Cargo.lock", "A004")]);
    assert!(
        run(d, &["T5", "T3"], None, &[])
            .findings
            .iter()
            .all(|f| f.path == "_helper")
    );
    let t3 = run(d, &["T3"], None, &[]);
    assert_eq!(t3.tasks[0].scope_source, "inferred");
    assert_eq!(
        codes(&t3),
        [("Cargo.lock", "A004"), ("_helper", "A001")],
        "notes.md is T3's inferred scope"
    );
}

#[test]
fn committed_renames_against_a_head_commit() {
    let dir = project();
    let d = dir.path();
    git(d, &["mv", "src/legacy.rs", "src/auth/legacy.rs"]);
    git(d, &["commit", "-q", "-m", "move"]);
    let head = run_with(d, &["T1"], None, &[], &AuditConfig::default(), Some("HEAD"));
    assert!(head.head.is_some() && head.branch.is_none());
    assert_eq!(head.findings.len(), 1, "{:?}", head.findings);
    let f = &head.findings[0];
    assert_eq!(
        (f.path.as_str(), f.code, f.change),
        ("src/legacy.rs", Code::Deletion, ChangeKind::Deleted)
    );
    // The working tree is no different here.
    assert_eq!(run(d, &["T1"], None, &[]).findings, head.findings);
}

#[test]
fn the_integration_branch_is_found_or_named() {
    let dir = project();
    let d = dir.path();
    git(d, &["branch", "-q", "-m", "main", "master"]);
    let g = Git::new(d);
    let config = AuditConfig::default();
    assert_eq!(
        integration_branch(&g, &config, d).expect("master"),
        "master"
    );
    let named = AuditConfig {
        integration_branch: Some("lane".into()),
        ..AuditConfig::default()
    };
    assert_eq!(integration_branch(&g, &named, d).expect("named"), "lane");
    let missing = AuditConfig {
        integration_branch: Some("develop".into()),
        ..AuditConfig::default()
    };
    assert!(matches!(
        integration_branch(&g, &missing, d),
        Err(AuditError::UnknownIntegrationBranch { .. })
    ));
    git(d, &["branch", "-q", "-m", "master", "trunk"]);
    assert!(matches!(
        integration_branch(&g, &config, d),
        Err(AuditError::NoIntegrationBranch { .. })
    ));
    git(d, &["update-ref", "refs/remotes/origin/trunk", "trunk"]);
    git(
        d,
        &[
            "symbolic-ref",
            "refs/remotes/origin/HEAD",
            "refs/remotes/origin/trunk",
        ],
    );
    assert_eq!(
        integration_branch(&g, &config, d).expect("origin"),
        "origin/trunk"
    );
}

#[test]
fn unknown_tasks_and_no_repository_are_errors() {
    let dir = project();
    let plan_path = dir.path().join("plan.md");
    let plan = crate::plan::parse(PLAN.as_bytes());
    let config = AuditConfig::default();
    let input = |tasks: &'static [String], path: &Path| {
        audit(&AuditInput {
            plan_path: path,
            plan: &plan,
            config: &config,
            base: None,
            head: None,
            tasks,
            session: None,
            claims: &[],
        })
    };
    static NINE: std::sync::LazyLock<Vec<String>> =
        std::sync::LazyLock::new(|| vec!["T9".to_string()]);
    assert!(matches!(
        input(&NINE, &plan_path),
        Err(AuditError::UnknownTask { .. })
    ));
    let bare = tempfile::tempdir().expect("tmp");
    assert!(matches!(
        input(&[], &bare.path().join("plan.md")),
        Err(AuditError::NotARepository { .. })
    ));
}

#[test]
fn one_reading_of_git_serves_each_session_as_a_whole_audit_would() {
    let dir = project();
    let d = dir.path();
    write(d, "src/auth/login.rs", "changed\n");
    git(d, &["commit", "-q", "-am", "auth"]);
    write(d, "src/billing/pay.rs", "changed\n");
    write(d, "new folder/n.rs", "new\n");
    let claims = [claim("T1", "alice"), claim("T2", "bob")];
    let plan_path = d.join("plan.md");
    let plan = crate::plan::parse(&std::fs::read(&plan_path).expect("plan"));
    let config = AuditConfig::default();
    let input = |session| AuditInput {
        plan_path: &plan_path,
        plan: &plan,
        config: &config,
        base: None,
        head: None,
        tasks: &[],
        session,
        claims: &claims,
    };
    let changed = read_changes(&input(None).target()).expect("git");
    for session in [Some("alice"), Some("bob"), None] {
        let split = judge(&changed, &input(session)).expect("judge");
        assert_eq!(split, audit(&input(session)).expect("audit"), "{session:?}");
        assert_eq!(split.changed, 3, "committed, unstaged and untracked");
    }
    assert_eq!(
        codes(&judge(&changed, &input(Some("alice"))).expect("alice")),
        [("new folder/n.rs", "A001"), ("src/billing/pay.rs", "A002")]
    );
}
