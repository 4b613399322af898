//! Claims as leases that reserve files, ownership of finishing and releasing, dependencies
//! checked on `done`, and ticks seen across git worktrees — with the real binary, real git and
//! real processes racing.

use crate::harness::{Project, Run, race};

/// Four tasks in one phase: T2 and T5 write overlapping files, T3 is disjoint, T4 waits for T1.
const PLAN: &str = "# Leases

## Overview
Scopes that overlap.

## Phase 1: Work
- [ ] T1 Schema
  - files: db/schema.sql
- [ ] T2 Authentication
  - files: src/auth/**
- [ ] T3 Dashboard page
  - files: web/dashboard.html
- [ ] T4 Reports
  - after: T1
  - files: reports/**
- [ ] T5 Lint every Rust file
  - files: src/**/*.rs
";

fn project() -> Project {
    let p = Project::new();
    p.git_init();
    p.write("plan.md", PLAN);
    p
}

/// `baton ARGS` with the clock pinned to `now`.
fn at(p: &Project, now: &str, args: &[&str]) -> Run {
    Run::from(
        p.command(args)
            .env("BATON_NOW", now)
            .output()
            .expect("run baton"),
    )
}

#[test]
fn a_lease_runs_out_and_another_session_takes_the_task_saying_whose_it_was() {
    let p = project();
    at(
        &p,
        "2026-01-21T09:30:00Z",
        &["claim", "T3", "--by", "alice", "--ttl", "45m"],
    )
    .success();
    let early = at(&p, "2026-01-21T10:00:00Z", &["claim", "T3", "--by", "bob"]);
    assert_eq!(early.code, 4, "{}", early.transcript());
    assert!(early.stderr.contains("alice"), "{}", early.stderr);

    // After the lease: shown as stale, then taken over.
    let status = at(&p, "2026-01-21T10:20:00Z", &["status", "--json"]).json();
    assert_eq!(status["claimed"][0]["by"], "alice");
    assert_eq!(status["claimed"][0]["expires"], "2026-01-21T10:15:00Z");
    assert_eq!(status["claimed"][0]["stale"], true);
    let shown = at(&p, "2026-01-21T10:20:00Z", &["status"]);
    assert!(shown.stdout.contains("stale"), "{}", shown.stdout);
    let next = at(&p, "2026-01-21T10:20:00Z", &["next", "--json"]).json();
    assert!(
        next["ready"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "T3"),
        "a stale claim does not hold a task back: {next}"
    );
    let took = at(&p, "2026-01-21T10:20:00Z", &["claim", "T3", "--by", "bob"]);
    took.success();
    assert!(
        took.stderr.contains("taken over from alice"),
        "{}",
        took.stderr
    );
    let status = at(&p, "2026-01-21T10:20:00Z", &["status", "--json"]).json();
    assert_eq!(status["claimed"][0]["by"], "bob");
    assert_eq!(status["claimed"][0]["stale"], false);
}

#[test]
fn renewing_keeps_a_claim_alive() {
    let p = project();
    at(
        &p,
        "2026-01-21T09:30:00Z",
        &["claim", "T3", "--by", "alice", "--ttl", "45m"],
    )
    .success();
    let renewed = at(
        &p,
        "2026-01-21T10:00:00Z",
        &["claim", "--renew", "--by", "alice", "--ttl", "45m"],
    );
    renewed.success();
    assert!(
        renewed.stderr.contains("until 2026-01-21T10:45:00Z"),
        "{}",
        renewed.stderr
    );
    let refused = at(&p, "2026-01-21T10:20:00Z", &["claim", "T3", "--by", "bob"]);
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    // Nothing to renew for a session that holds nothing.
    let none = at(
        &p,
        "2026-01-21T10:20:00Z",
        &["claim", "--renew", "--by", "carol"],
    );
    assert_eq!(none.code, 4, "{}", none.transcript());
    // A malformed duration is a usage error.
    assert_eq!(
        p.run(&["claim", "T1", "--by", "x", "--ttl", "soon"]).code,
        2
    );
}

#[test]
fn a_task_whose_files_overlap_a_live_claim_is_refused_naming_the_holder() {
    let p = project();
    p.run(&["claim", "T2", "--by", "alice"]).success();
    let refused = p.run(&["claim", "T5", "--by", "bob"]);
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    assert!(refused.stderr.contains("alice"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("`src/**/*.rs`"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("`src/auth/**`"),
        "{}",
        refused.stderr
    );
    // A disjoint task is free; --force overrides the reservation.
    p.run(&["claim", "T3", "--by", "bob"]).success();
    p.run(&["claim", "T5", "--by", "bob", "--force"]).success();
    // A stale claim reserves nothing.
    let q = project();
    at(
        &q,
        "2026-01-21T09:30:00Z",
        &["claim", "T2", "--by", "alice", "--ttl", "10m"],
    )
    .success();
    at(&q, "2026-01-21T09:50:00Z", &["claim", "T5", "--by", "bob"]).success();
}

#[test]
fn finishing_or_releasing_another_sessions_task_is_refused() {
    let p = project();
    let original = p.read("plan.md");
    p.run(&["claim", "T3", "--by", "alice"]).success();
    for args in [
        vec!["done", "T3", "--by", "bob"],
        vec!["done", "T3"],
        vec!["release", "T3", "--by", "bob"],
        vec!["release", "T3"],
    ] {
        let r = p.run(&args);
        assert_eq!(r.code, 4, "{args:?}: {}", r.transcript());
        assert!(
            r.stderr.contains("claimed by alice"),
            "{args:?}: {}",
            r.stderr
        );
    }
    assert_eq!(p.read("plan.md"), original);
    p.run(&["release", "T3", "--force"]).success();
    p.run(&["claim", "T3", "--by", "alice"]).success();
    p.run(&["done", "T3", "--by", "bob", "--force"]).success();
    assert!(p.read_string("plan.md").contains("- [x] T3"));
}

#[test]
fn done_on_a_task_whose_dependencies_are_open_is_refused_naming_them() {
    let p = project();
    let original = p.read("plan.md");
    let refused = p.run(&["done", "T4"]);
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    assert!(
        refused.stderr.contains("T4 waits for T1"),
        "{}",
        refused.stderr
    );
    assert_eq!(p.read("plan.md"), original, "nothing is written");
    // Ticking the dependency in the same command is fine.
    p.run(&["done", "T1", "T4"]).success();
    let q = project();
    q.run(&["done", "T4", "--force"]).success();
    assert!(q.read_string("plan.md").contains("- [x] T4"));
}

#[test]
fn a_tick_in_one_worktree_counts_in_every_other() {
    let p = project();
    p.git(&["add", "plan.md"])
        .git(&["commit", "-q", "-m", "plan"]);
    let other = tempfile::tempdir().expect("temp dir");
    let wt = other.path().join("wt");
    p.git(&["worktree", "add", "-q", "-b", "lane", wt.to_str().unwrap()]);
    let in_wt = |args: &[&str]| {
        Run::from(
            p.command(args)
                .current_dir(&wt)
                .output()
                .expect("run baton"),
        )
    };
    in_wt(&["done", "T1", "--by", "lane-1"]).success();

    // The main worktree's plan.md still shows T1 open, yet T4 (after T1) is ready here…
    assert!(p.read_string("plan.md").contains("- [ ] T1"));
    let next = p.run(&["next", "--json"]).json();
    let ready: Vec<&str> = next["ready"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(ready.contains(&"T4"), "{ready:?}");
    assert!(!ready.contains(&"T1"), "{ready:?}");
    let status = p.run(&["status"]);
    assert!(
        status.stderr.contains("plan.md lags: T1"),
        "{}",
        status.transcript()
    );
    let json = p.run(&["status", "--json"]).json();
    assert_eq!(json["ticked_elsewhere"], serde_json::json!(["T1"]));
    // …and `done T4` here is not refused for an open dependency.
    p.run(&["done", "T4"]).success();

    // An untick in the worktree takes the shared tick back.
    in_wt(&["undo", "T1"]).success();
    let next = p.run(&["next", "--json"]).json();
    assert!(
        next["ready"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "T1"),
        "{next}"
    );
}

#[test]
fn sixteen_processes_racing_for_one_task_or_two_overlapping_ones_leave_one_winner() {
    let p = project();
    for round in 0..20 {
        // Even rounds: all on T3. Odd rounds: half on T2, half on T5 (overlapping scopes).
        let runs: Vec<Vec<String>> = (0..16)
            .map(|i| {
                let task = match (round % 2, i % 2) {
                    (0, _) => "T3",
                    (_, 0) => "T2",
                    _ => "T5",
                };
                vec![
                    "claim".into(),
                    task.into(),
                    "--by".into(),
                    format!("s{round}-{i}"),
                ]
            })
            .collect();
        let results = race(&p, &format!("start-{round}.fifo"), &runs);
        let winners = results.iter().filter(|r| r.code == 0).count();
        let losers = results.iter().filter(|r| r.code == 4).count();
        assert_eq!(
            (winners, losers),
            (1, 15),
            "round {round}: {:?}",
            results.iter().map(Run::transcript).collect::<Vec<_>>()
        );
        let claims = p.run(&["status", "--json"]).json()["claimed"].clone();
        assert_eq!(
            claims.as_array().unwrap().len(),
            1,
            "round {round}: {claims}"
        );
        let id = claims[0]["id"].as_str().unwrap().to_string();
        p.run(&["release", &id, "--force"]).success();
    }
}
