//! `baton audit` on a real repository: a session's branch against its tasks' scopes and
//! another session's claim.

use insta::assert_snapshot;

use crate::harness::Project;

const PLAN: &str = "# Shop\n\n## Overview\nA shop.\n\n## Phase 1: Features\n\n- [ ] T1 Log in\n  - files: src/auth/**\n- [ ] T2 Search\n  - files: src/search.py\n- [ ] T5 Billing\n  - files: src/billing/**\n";

/// A repository on `main` with the plan and some code, then a branch `lane` for alice (who
/// claims T1) while bob claims T5.
fn shop() -> Project {
    let p = Project::new();
    p.write("plan.md", PLAN)
        .write("src/auth/login.py", "def login(): pass\n")
        .write("src/search.py", "def search(): pass\n")
        .write("src/billing/pay.py", "def pay(): pass\n")
        .write("src/legacy.py", "old = 1\n")
        .write("Cargo.lock", "version = 3\n");
    p.git(&["init", "-q", "-b", "main"])
        .git(&["add", "-A"])
        .git(&["commit", "-q", "-m", "shop"])
        .git(&["switch", "-q", "-c", "lane"]);
    p.run(&["claim", "T1", "--by", "alice"]).success();
    p.run(&["claim", "T5", "--by", "bob"]).success();
    p
}

#[test]
fn every_kind_of_finding_once() {
    let p = shop();
    // In scope, out of scope, bob's file, a lockfile, a deletion; committed and not.
    p.write("src/auth/login.py", "def login(): return True\n")
        .write("tests/auth/test_login.py", "def test_login(): pass\n")
        .write("src/other.py", "x = 1\n");
    p.git(&["add", "-A"]).git(&["commit", "-q", "-m", "work"]);
    p.write("src/billing/pay.py", "def pay(): return 0\n")
        .write("Cargo.lock", "version = 4\n");
    std::fs::remove_file(p.path("src/legacy.py")).expect("rm");

    let run = p.run(&["audit", "--session", "alice"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_snapshot!("audit_findings", run.transcript());

    let json = p.run(&["audit", "--session", "alice", "--json"]);
    assert_eq!(json.code, 1);
    let doc = json.json();
    assert_eq!(doc["schema"], "baton.audit");
    assert_eq!(doc["clean"], false);
    assert_eq!(doc["policy"], "block");
    assert_eq!(doc["changed"], 6);
    let findings: Vec<(String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["code"].as_str().expect("code").to_string(),
            )
        })
        .collect();
    let expected = [
        ("Cargo.lock", "A004"),
        ("src/billing/pay.py", "A002"),
        ("src/legacy.py", "A003"),
        ("src/other.py", "A001"),
    ];
    assert_eq!(
        findings,
        expected.map(|(p, c)| (p.to_string(), c.to_string()))
    );
    assert_eq!(doc["findings"][1]["claim"]["by"], "bob");
    assert_eq!(doc["findings"][1]["claim"]["task"], "T5");
    assert_eq!(doc["tasks"][0]["id"], "T1");
    assert_eq!(doc["tasks"][0]["why"][0], "claimed");

    // The session comes from BATON_SESSION too.
    let mut cmd = p.command(&["audit", "--json"]);
    let out = cmd.env("BATON_SESSION", "alice").output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(4));
}

#[test]
fn an_honest_branch_is_clean() {
    let p = shop();
    p.write("src/auth/login.py", "def login(): return True\n")
        .write("src/auth/session.py", "s = 1\n")
        .write("tests/auth/test_login.py", "def test_login(): pass\n")
        .write("tests/test_session.py", "def test_session(): pass\n");
    p.git(&["add", "-A"]).git(&["commit", "-q", "-m", "log in"]);
    // Ticking T1 on the branch makes it one of the branch's tasks without a session (alice
    // holds it, so she ticks it).
    p.run(&["done", "T1", "--by", "alice"]).success();
    let run = p.run(&["audit"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("T1 (ticked)"), "{}", run.stdout);
    assert!(run.stdout.contains("clean"), "{}", run.stdout);
    // With the tests rule off, the tests are findings.
    p.write("baton.toml", "[audit]\ntests_in_scope = false\n");
    let strict = p.run(&["audit", "--json"]);
    assert_eq!(strict.code, 1, "{}", strict.transcript());
    let paths: Vec<String> = strict.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["path"].as_str().expect("path").to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "baton.toml",
            "tests/auth/test_login.py",
            "tests/test_session.py"
        ],
        "baton.toml is a hot spot"
    );
}

#[test]
fn explicit_tasks_and_a_head_commit() {
    let p = shop();
    p.write("src/search.py", "def search(q): pass\n");
    p.git(&["commit", "-q", "-am", "search"]);
    p.run(&["audit", "--task", "T2", "--head", "HEAD"])
        .success();
    let t1 = p.run(&["audit", "--task", "T1", "--head", "lane", "--json"]);
    assert_eq!(t1.code, 1);
    assert_eq!(t1.json()["findings"][0]["path"], "src/search.py");
    let base = p.run(&["audit", "--task", "T2", "--base", "HEAD"]);
    assert!(base.stdout.contains("0 files changed"), "{}", base.stdout);

    let unknown = p.run(&["audit", "--task", "T3"]);
    assert_eq!(unknown.code, 3, "{}", unknown.transcript());
    assert!(unknown.stderr.contains("no task T3"), "{}", unknown.stderr);
    // Two commits: the ids are the head's; an unknown one or a bad ref on either side says so.
    let unknown = p.run(&["audit", "--task", "T3", "--base", "main", "--head", "HEAD"]);
    assert_eq!(unknown.code, 3, "{}", unknown.transcript());
    assert!(unknown.stderr.contains("no task T3"), "{}", unknown.stderr);
    for (base, head) in [("main", "nope"), ("nope", "HEAD")] {
        let bad = p.run(&["audit", "--base", base, "--head", head]);
        assert_eq!(bad.code, 3, "{}", bad.transcript());
        assert!(bad.stderr.contains("no commit `nope`"), "{}", bad.stderr);
    }
    let bad_ref = p.run(&["audit", "--task", "T2", "--base", "nope"]);
    assert_eq!(bad_ref.code, 3, "{}", bad_ref.transcript());
    assert!(
        bad_ref.stderr.contains("no commit `nope`"),
        "{}",
        bad_ref.stderr
    );
}

#[test]
fn config_errors_point_at_the_key() {
    let p = shop();
    p.write("baton.toml", "# settings\n[audit]\npolcy = \"warn\"\n");
    let run = p.run(&["audit"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("baton.toml:3:1: unknown key `polcy` in `[audit]` (did you mean `policy`?)"),
        "{}",
        run.stderr
    );
    p.write("baton.toml", "[audit]\nintegration_branch = \"develop\"\n");
    let run = p.run(&["audit"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stderr.contains("`develop` does not exist"),
        "{}",
        run.stderr
    );
}
