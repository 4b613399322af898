//! The state on PostgreSQL (`BATON_STATE=postgres://…`, or `state` in baton.toml): a real
//! server started by the tests on loopback (tests/support/pg-server.sh), real processes.
//! Claims race from separate processes with exactly one winner, two checkouts that share
//! nothing but the server see each other's claims, and a run survives a server restart with
//! nothing lost.
//!
//! Without PostgreSQL installed these tests skip with a note, unless
//! `BATON_REQUIRE_POSTGRES` is set (as `.ci/run` does): then they fail.

use std::process::{Command, Stdio};

use crate::harness::{Project, Run, big_plan, race_with};
use crate::run_fixture::{FakeAgent, kinds};

/// How the test server is started, shared with the library's store tests.
#[path = "../support/pg.rs"]
mod pg;

/// What a server that cannot be started skips.
const SKIPPED: &str = "PostgreSQL test";

/// A new, empty database on the server at `base`: its URL.
fn fresh_database(base: &str) -> String {
    let (name, url) = pg::new_database(base, "cli");
    let mut client = postgres::Client::connect(base, postgres::NoTls).expect("connect");
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create database");
    url
}

/// A new, empty database on the server the tests of this process share.
fn shared_database() -> Option<String> {
    pg::shared_server(SKIPPED).map(fresh_database)
}

/// `baton ARGS` in `p` with the state on `url`.
fn baton(p: &Project, url: &str, args: &[&str]) -> Run {
    Run::from(
        p.command(args)
            .env("BATON_STATE", url)
            .output()
            .expect("run baton"),
    )
}

fn query_i64(url: &str, sql: &str) -> i64 {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    client.query_one(sql, &[]).expect("query").get(0)
}

#[test]
fn sixty_four_processes_claiming_one_task_yield_exactly_one_winner() {
    let Some(url) = shared_database() else {
        return;
    };
    let p = Project::new();
    p.git_init().write("plan.md", big_plan(3));
    let claims: Vec<Vec<String>> = (0..64)
        .map(|i| vec!["claim".into(), "T1".into(), "--by".into(), format!("s{i}")])
        .collect();
    let runs = race_with(&p, "go", &claims, &[("BATON_STATE", &url)]);
    let winners: Vec<usize> = (0..runs.len()).filter(|&i| runs[i].code == 0).collect();
    assert_eq!(
        winners.len(),
        1,
        "{:?}",
        runs.iter().map(Run::transcript).collect::<Vec<_>>()
    );
    let winner = format!("s{}", winners[0]);
    for (i, run) in runs.iter().enumerate() {
        if i != winners[0] {
            assert_eq!(run.code, 4, "{}", run.transcript());
            assert!(
                run.stderr.contains(&format!("claimed by {winner}")),
                "{}",
                run.transcript()
            );
        }
    }
    let held = query_i64(&url, "SELECT COUNT(*) FROM claims");
    assert_eq!(held, 1);
    // Nothing was written where the SQLite store would be: the state is on the server.
    assert!(!p.path(".git/baton/state.db").exists());
}

#[test]
fn two_checkouts_sharing_only_the_server_see_each_others_claims_and_ticks() {
    let Some(url) = shared_database() else {
        return;
    };
    // Two repositories with the plan at the same path: the same plan, as two clones are.
    let (a, b) = (Project::new(), Project::new());
    for p in [&a, &b] {
        p.git_init().write("plan.md", big_plan(3));
    }
    baton(&a, &url, &["claim", "T1", "--by", "alice"]).success();
    let status = baton(&b, &url, &["status", "--json"]).success().json();
    assert_eq!(status["claimed"][0]["id"], "T1", "{status}");
    assert_eq!(status["claimed"][0]["by"], "alice", "{status}");
    let refused = baton(&b, &url, &["claim", "T1", "--by", "bob"]);
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    // Ticking in one checkout releases the claim and counts in the other.
    baton(&a, &url, &["done", "T1", "--by", "alice"]).success();
    let next = baton(&b, &url, &["next", "--json"]).success().json();
    let offered: Vec<&str> = next["ready"]
        .as_array()
        .expect("ready")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert!(!offered.contains(&"T1"), "{next}");
    baton(&b, &url, &["claim", "T2", "--by", "bob"]).success();
    let log = baton(&a, &url, &["status", "--json"]).success().json();
    assert_eq!(log["claimed"][0]["by"], "bob", "{log}");
}

#[test]
fn baton_toml_names_the_server_and_a_wrong_setting_is_refused_where_it_is() {
    let Some(url) = shared_database() else {
        return;
    };
    let p = Project::new();
    p.git_init().write("plan.md", big_plan(2));
    p.write("baton.toml", format!("state = \"{url}\"\n"));
    p.run(&["claim", "T1", "--by", "alice"]).success();
    assert_eq!(query_i64(&url, "SELECT COUNT(*) FROM claims"), 1);
    assert!(!p.path(".git/baton/state.db").exists());

    p.write("baton.toml", "state = \"mysql://db/x\"\n");
    let bad = p.run(&["claim", "T2", "--by", "alice"]);
    assert_eq!(bad.code, 3, "{}", bad.transcript());
    assert!(
        bad.stderr.contains("baton.toml:1:9"),
        "{}",
        bad.transcript()
    );
    p.write("baton.toml", "");
    let env = Run::from(
        p.command(&["status"])
            .env("BATON_STATE", "mysql://db/x")
            .output()
            .expect("run"),
    );
    assert_eq!(env.code, 2, "{}", env.transcript());
    assert!(env.stderr.contains("BATON_STATE"), "{}", env.transcript());
}

#[test]
fn a_server_that_is_down_is_named_without_its_password() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let p = Project::new();
    p.write("plan.md", big_plan(2));
    let url = format!("postgres://baton:hunter2@127.0.0.1:{port}/state?connect_timeout=2");
    let run = baton(&p, &url, &["claim", "T1", "--by", "alice"]);
    assert_eq!(run.code, 5, "{}", run.transcript());
    assert!(
        run.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        run.transcript()
    );
    assert!(!run.stderr.contains("hunter2"), "{}", run.transcript());
    assert!(run.stderr.contains("PostgreSQL"), "{}", run.transcript());
}

#[test]
fn tls_is_what_the_urls_sslmode_says_and_a_wrong_certificate_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(base) = pg::start_server_with(dir.path(), SKIPPED, &[("PG_TLS", "1")]) else {
        return;
    };
    // Stopped before its folder goes, whatever happens.
    struct Stop<'a>(&'a std::path::Path);
    impl Drop for Stop<'_> {
        fn drop(&mut self) {
            let _ = Command::new("bash")
                .arg(pg::script())
                .arg("stop")
                .arg(self.0)
                .status();
        }
    }
    let _stop = Stop(dir.path());
    let tls = dir.path().join("tls");
    let (ca, other) = (tls.join("ca.pem"), tls.join("other-ca.pem"));
    let p = Project::new();
    p.write("plan.md", big_plan(2));
    let claim = |url: &str| {
        let started = std::time::Instant::now();
        let run = baton(&p, url, &["claim", "T1", "--by", "alice"]);
        let _ = baton(&p, url, &["release", "T1", "--by", "alice"]);
        (run, started.elapsed())
    };
    let with = |host: &str, query: &str| {
        let url = base.replacen("127.0.0.1", host, 1);
        format!("{url}?{query}")
    };
    // Encrypted: the server refuses plain connections, so these went over TLS.
    for query in [
        String::new(),
        "sslmode=require".to_string(),
        format!("sslmode=verify-full&sslrootcert={}", ca.display()),
        format!("sslmode=verify-ca&sslrootcert={}", ca.display()),
    ] {
        let (run, _) = claim(&with("127.0.0.1", &query));
        assert_eq!(run.code, 0, "{query}: {}", run.transcript());
    }
    // The certificate names 127.0.0.1, not localhost: verify-ca takes it, verify-full not.
    let (run, _) = claim(&with(
        "localhost",
        &format!("sslmode=verify-ca&sslrootcert={}", ca.display()),
    ));
    assert_eq!(run.code, 0, "{}", run.transcript());
    let refusals = [
        (
            with(
                "localhost",
                &format!("sslmode=verify-full&sslrootcert={}", ca.display()),
            ),
            "not valid for name",
        ),
        (
            with(
                "127.0.0.1",
                &format!("sslmode=verify-full&sslrootcert={}", other.display()),
            ),
            "UnknownIssuer",
        ),
        (with("127.0.0.1", "sslmode=disable"), "no encryption"),
    ];
    for (url, why) in refusals {
        let (run, took) = claim(&url);
        assert_eq!(run.code, 5, "{url}: {}", run.transcript());
        assert!(run.stderr.contains(why), "{url}: {}", run.transcript());
        // A refused certificate is final: no waiting as for a server that restarts.
        assert!(took < std::time::Duration::from_secs(5), "{url}: {took:?}");
    }
    // A mode libpq does not have is refused before anything connects.
    let run = baton(&p, &with("127.0.0.1", "sslmode=sometimes"), &["status"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("sslmode=sometimes"),
        "{}",
        run.transcript()
    );
}

const PLAN: &str = "# Demo\n\n## Overview\nTwo files.\n\n## Phase 1: Build\n\n\
- [ ] T1 Write a\n  - files: src/a.txt\n  - verify: grep -q real src/a.txt\n\
- [ ] T2 Write b\n  - files: src/b.txt\n  - verify: grep -q real src/b.txt\n\n\
## Decisions\n\n";

/// Writes its tasks' files and ticks them; the session holding T2 first waits for
/// `$RUNS_LOG.go` (leaving `$RUNS_LOG.waited`).
const AGENT: &str = r#"#!/bin/sh
echo "$BATON_SESSION $BATON_TASKS" >> "$RUNS_LOG"
case " $BATON_TASKS " in *" T2 "*)
  touch "$RUNS_LOG.waited"
  while [ ! -e "$RUNS_LOG.go" ]; do sleep 0.05; done;;
esac
g() { git -c user.email=a@example.com -c user.name=agent "$@"; }
for t in $BATON_TASKS; do
  case $t in T1) f=src/a.txt;; T2) f=src/b.txt;; esac
  mkdir -p src; echo real > $f
  g add -A
  "$BATON" done "$t" >/dev/null 2>&1 || echo "done $t failed" >> "$RUNS_LOG"
done
g add -A
g commit -qm "work on $BATON_TASKS"
"#;

#[test]
fn a_run_goes_on_through_a_server_restart_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let server_dir = dir.path().join("pg");
    let Some(base) = pg::start_server(&server_dir, SKIPPED) else {
        return;
    };
    let url = fresh_database(&base);
    let s = FakeAgent::new(AGENT)
        .argv_tail(&["{prompt_file}"])
        .env_outside("RUNS_LOG", "runs.log")
        .toml_top(&format!("state = \"{url}\""))
        .plan(PLAN)
        .build();
    let (child, events) = s.start_until(&["run", "--sessions", "2", "--json"], |e| {
        e["event"] == "session_started" && e["tasks"][0] == "T2"
    });
    s.wait_for_file("runs.log.waited");
    // The server goes away and comes back while the run waits on its agent.
    let restarted = Command::new("bash")
        .arg(pg::script())
        .arg("restart")
        .arg(&server_dir)
        .output()
        .expect("restart");
    assert!(
        restarted.status.success(),
        "{}",
        String::from_utf8_lossy(&restarted.stderr)
    );
    std::fs::write(s.outside_file("runs.log.go"), "").expect("go");
    let out = child.wait_with_output().expect("wait");
    let run = Run::from(out);
    assert_eq!(
        run.code,
        0,
        "{}\n{}",
        run.transcript(),
        std::fs::read_to_string(s.outside_file("stderr")).unwrap_or_default()
    );
    // The rest of the run's output went to the reader of `start_until`; the ledger has it.
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let stored: Vec<String> = client
        .query(
            "SELECT kind FROM run_events WHERE run_id = 1 ORDER BY id",
            &[],
        )
        .expect("events")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        stored.iter().filter(|k| *k == "merged").count(),
        2,
        "{stored:?}"
    );
    assert_eq!(
        stored.last().map(String::as_str),
        Some("run_finished"),
        "{stored:?}"
    );
    // What was printed before the restart is in the ledger too, in order.
    let printed = kinds(&events);
    assert_eq!(stored[..printed.len()], printed[..], "{stored:?}");
    let lines = s.log_lines("runs.log");
    assert!(!lines.iter().any(|l| l.contains("failed")), "{lines:?}");
    assert_eq!(lines.len(), 2, "each session started once: {lines:?}");
    let status = baton(&s.project, &url, &["status", "--json"])
        .success()
        .json();
    assert_eq!(status["run"]["outcome"], "success", "{status}");
    assert_eq!(
        query_i64(
            &url,
            "SELECT COUNT(*) FROM run_queue WHERE run_id = 1 AND taken_by IS NOT NULL"
        ),
        2,
        "both units went through the queue"
    );
}

#[test]
fn the_mcp_server_claims_and_serves_prompts_from_the_server() {
    use std::io::Write;
    let Some(url) = shared_database() else {
        return;
    };
    let p = Project::new();
    p.git_init().write("plan.md", big_plan(3));
    let mut child = p
        .command(&["mcp"])
        .env("BATON_STATE", &url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("baton mcp");
    let requests = [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"claim_task","arguments":{"id":"T2","session":"alice"}}}"#,
        r#"{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"baton://prompts/1"}}"#,
        r#"{"jsonrpc":"2.0","id":4,"method":"resources/list"}"#,
    ];
    let mut stdin = child.stdin.take().expect("stdin");
    for line in requests {
        writeln!(stdin, "{line}").expect("write");
    }
    drop(stdin);
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let replies: Vec<serde_json::Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let reply = |id: i64| {
        replies
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| {
                panic!(
                    "no reply {id}: {stdout}\n{}",
                    String::from_utf8_lossy(&out.stderr)
                )
            })
            .clone()
    };
    let claimed = reply(2);
    assert_ne!(claimed["result"]["isError"], true, "{claimed}");
    let prompt = reply(3);
    assert!(
        prompt["result"]["contents"][0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("# Big: session 1")),
        "{prompt}"
    );
    assert!(reply(4)["result"]["resources"].is_array());
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let owner: String = client
        .query_one("SELECT owner FROM claims WHERE task_id = 'T2'", &[])
        .expect("the claim is on the server")
        .get(0);
    assert_eq!(owner, "alice");
}
