//! `baton verify` in real git repositories: lies, honest ticks, unticked finished work,
//! criteria edited after `baton lock`, commands that hang, flood or die, and `--fix`.

use std::process::Command;
use std::time::{Duration, Instant};

use insta::assert_snapshot;
use serde_json::Value;

use crate::harness::Project;

fn verdicts(json: &Value) -> Vec<(String, String)> {
    json["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            (
                t["id"].as_str().expect("id").to_string(),
                t["verdict"].as_str().expect("verdict").to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

const PLAN: &str = "# Shop
## Phase 1: Core
- [x] T1 Auth module
  - files: src/auth/**
  - verify: `test -f src/auth/login.rs`
  - [x] login works
- [x] T2 Billing module
  - files: src/billing/**
  - verify: `echo no billing yet; exit 3`
- [ ] T3 Search, finished but not ticked
  - files: src/search.rs
  - verify: `grep -q search src/search.rs`
- [x] T4 Trusted without evidence
- [ ] T5 Not started
  - verify: `test -f src/reports.rs`
## Phase 2: Later
- [ ] T6 Later work
  - verify: `false`
";

fn shop() -> Project {
    let p = Project::new();
    p.write("plan.md", PLAN);
    p.write("src/auth/login.rs", "pub fn login() {}\n");
    p.write("src/search.rs", "pub fn search() {}\n");
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "work"]);
    p
}

#[test]
fn verdicts_exit_codes_and_fix() {
    let p = shop();
    let run = p.run(&["verify"]);
    assert_eq!(run.code, 6, "a false tick is exit 6\n{}", run.transcript());
    assert_snapshot!("verify_phase_one", run.transcript());
    let json = p.run(&["verify", "--json"]).json();
    assert_eq!(json["schema"], "baton.verify");
    assert_eq!(json["scope"], "phase 1");
    assert_eq!(
        verdicts(&json),
        pairs(&[
            ("T1", "verified"),
            ("T2", "false-done"),
            ("T3", "done-unticked"),
            ("T4", "unverifiable"),
            ("T5", "incomplete"),
        ])
    );
    let t2 = &json["tasks"][1];
    assert_eq!(t2["commands"][0]["outcome"], "failed");
    assert_eq!(t2["commands"][0]["code"], 3);
    assert_eq!(t2["commands"][0]["tail"], "no billing yet\n");
    assert_eq!(t2["paths"][0]["matches"], 0);
    // Git: T1's files came with the commit that began the phase; T2's never existed.
    assert_eq!(json["tasks"][0]["git"]["commits"], 1);
    assert_eq!(t2["git"]["commits"], 0);
    assert_eq!(t2["git"]["uncommitted"], false);
    assert_eq!(t2["git"]["since"], json["tasks"][0]["git"]["since"]);

    // --fix unticks the lie and ticks the finished work, touching only those two bytes.
    let before = p.read("plan.md");
    let fixed = p.run(&["verify", "--fix"]);
    assert_eq!(fixed.code, 1, "{}", fixed.transcript());
    let after = p.read("plan.md");
    let diff: Vec<usize> = (0..before.len())
        .filter(|&i| before[i] != after[i])
        .collect();
    assert_eq!(before.len(), after.len());
    assert_eq!(diff.len(), 2);
    let text = p.read_string("plan.md");
    assert!(text.contains("- [ ] T2 Billing"), "{text}");
    assert!(text.contains("- [x] T3 Search"), "{text}");
    // After the fix every box tells the truth: what was finished passes on its own, and
    // nothing is false-done or done-unticked any more.
    assert_eq!(p.run(&["verify", "--task", "T1", "T3"]).code, 0);
    assert_ne!(p.run(&["verify"]).code, 6);
    assert_eq!(
        verdicts(&p.run(&["verify", "--json"]).json()),
        pairs(&[
            ("T1", "verified"),
            ("T2", "incomplete"),
            ("T3", "verified"),
            ("T4", "unverifiable"),
            ("T5", "incomplete"),
        ])
    );
}

#[test]
fn scope_selection() {
    let p = shop();
    let tasks = p.run(&["verify", "--task", "T1", "--json"]);
    assert_eq!(tasks.code, 0, "{}", tasks.transcript());
    assert_eq!(verdicts(&tasks.json()), pairs(&[("T1", "verified")]));
    let phase = p.run(&["verify", "--phase", "2", "--json"]);
    assert_eq!(phase.code, 1);
    assert_eq!(verdicts(&phase.json()), pairs(&[("T6", "incomplete")]));
    assert_eq!(p.run(&["verify", "--phase", "9"]).code, 3);
    assert_eq!(p.run(&["verify", "--task", "T99"]).code, 3);
    let all = p.run(&["verify", "--all", "--json"]).json();
    assert_eq!(verdicts(&all).len(), 6);

    // When a phase is fully verified, the default moves on to the next.
    let q = Project::new();
    q.write(
        "plan.md",
        "## Phase 1\n- [x] T1 a\n  - verify: `true`\n## Phase 2\n- [ ] T2 b\n  - verify: `false`\n",
    );
    let json = q.run(&["verify", "--json"]).json();
    assert_eq!(json["scope"], "phase 2");
    assert_eq!(
        verdicts(&json),
        pairs(&[("T1", "verified"), ("T2", "incomplete")])
    );
    let done = Project::new();
    done.write("plan.md", "## Phase 1\n- [x] T1 a\n  - verify: `true`\n");
    let run = done.run(&["verify"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn unverifiable_is_trusted_only_when_asked() {
    let p = Project::new();
    p.write(
        "plan.md",
        "## Phase 1\n- [x] T1 a\n- [x] T2 b\n  - verify: `true`\n",
    );
    assert_eq!(p.run(&["verify"]).code, 1);
    assert_eq!(p.run(&["verify", "--trust-unverifiable"]).code, 0);
}

#[test]
fn weakened_criteria_are_tampering() {
    let p = shop();
    let locked = p.run(&["lock"]);
    assert_eq!(locked.code, 0, "{}", locked.transcript());
    // The session weakens T2's check so it passes, and drops an acceptance item of T1.
    let weakened = PLAN
        .replace("`echo no billing yet; exit 3`", "`true`")
        .replace("  - [x] login works\n", "");
    p.write("plan.md", weakened);
    let run = p.run(&["verify", "--task", "T1", "T2"]);
    assert_eq!(run.code, 7, "tampering is exit 7\n{}", run.transcript());
    assert_snapshot!("verify_tampered", run.transcript());
    let json = p.run(&["verify", "--task", "T2", "--json"]).json();
    assert_eq!(
        json["tasks"][0]["tamper"]["before"]["verify"],
        serde_json::json!(["echo no billing yet; exit 3"])
    );
    assert_eq!(
        json["tasks"][0]["tamper"]["after"]["verify"],
        serde_json::json!(["true"])
    );
    // Accepting the change on purpose clears the tampering; the missing files remain.
    assert_eq!(p.run(&["lock", "--update"]).code, 0);
    let json = p.run(&["verify", "--task", "T2", "--json"]).json();
    assert_eq!(verdicts(&json), pairs(&[("T2", "false-done")]));
}

#[test]
fn hanging_flooding_dying_and_stdin_reading_commands() {
    let p = Project::new();
    p.write(
        "plan.md",
        "## Phase 1\n\
- [x] T1 hangs\n  - verify: `sleep 30.0417 & sleep 30.0417`\n\
- [x] T2 floods\n  - verify: `yes baton | head -c 20000000; exit 1`\n\
- [x] T3 dies\n  - verify: `kill -SEGV $$`\n\
- [x] T4 reads stdin\n  - verify: `cat`\n",
    );
    let started = Instant::now();
    let run = p.run(&["verify", "--timeout", "1", "--json"]);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "took {took:?}");
    assert_eq!(run.code, 6, "{}", run.transcript());
    let json = run.json();
    let outcome = |i: usize| json["tasks"][i]["commands"][0]["outcome"].clone();
    assert_eq!(outcome(0), "timed-out");
    assert_eq!(outcome(1), "failed");
    assert_eq!(outcome(2), "signaled");
    assert_eq!(json["tasks"][2]["commands"][0]["signal"], 11);
    assert_eq!(outcome(3), "passed", "cat sees end of input at once");
    let dropped = json["tasks"][1]["commands"][0]["dropped_bytes"]
        .as_u64()
        .expect("dropped");
    assert!(dropped > 19_000_000, "{dropped}");
    assert!(
        json["tasks"][1]["commands"][0]["tail"]
            .as_str()
            .expect("tail")
            .len()
            <= 4096
    );
    // Nothing the hanging command started is still running.
    let left = Command::new("pgrep")
        .args(["-f", "sleep 30.0417"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if let Ok(pids) = left {
        assert!(pids.is_empty(), "left running: {pids}");
    }
}

#[test]
fn junit_report() {
    let p = shop();
    let run = p.run(&["verify", "--junit", "report.xml"]);
    assert_eq!(run.code, 6);
    let xml = p.read_string("report.xml");
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "{xml}"
    );
    assert!(
        xml.contains("<testsuite name=\"Phase 1: Core\" tests=\"5\" failures=\"3\" errors=\"0\" skipped=\"1\">"),
        "{xml}"
    );
    assert!(
        xml.contains("<failure type=\"false-done\" message=\"false-done\">verify `echo no billing yet; exit 3` exited 3\n"),
        "{xml}"
    );
    assert!(
        xml.contains("<testcase classname=\"plan.md\" name=\"T1 Auth module\""),
        "{xml}"
    );
}
