//! `baton run`'s worktree pool: a finished session's worktree is recycled (detached, its
//! untracked files removed, its ignored ones kept) and the next session, in this run or a
//! later one, takes it instead of a fresh `git worktree add`. Fake agents (sh scripts) log
//! what they find in their worktree when they start.

use std::path::PathBuf;

use crate::run_fixture::{FakeAgent, RunRepo};

/// Phase 1: T1 and T2, independent; phase 2: T3.
const PLAN: &str = "# Pool\n\n## Phase 1: Build\n\n\
- [ ] T1 Write a\n  - files: src/a.txt\n  - verify: grep -q real src/a.txt\n\
- [ ] T2 Write b\n  - files: src/b.txt\n  - verify: grep -q real src/b.txt\n\n\
## Phase 2: Later\n\n- [ ] T3 Write c\n  - files: src/c.txt\n  - verify: grep -q real src/c.txt\n";

/// Logs what the session finds (one line of `key=value` fields), leaves a marker in the
/// ignored `cache/`, does its tasks and commits. In run 1, T2's session also leaves an
/// untracked file, so its gate fails and its worktree goes to the pool with that file.
const AGENT: &str = r#"#!/bin/sh
g() { git -c user.email=a@example.com -c user.name=agent "$@"; }
st=$(git status --porcelain --untracked-files=all | tr '\n' ' ')
echo "session=$BATON_SESSION|tasks=$BATON_TASKS|warm=$(cat cache/marker 2>/dev/null)|inode=$(ls -di . | cut -d' ' -f1)|head=$(git rev-parse HEAD)|status=$st|readme=$(cat README.md)" >> "$RUNS_LOG"
mkdir -p cache src
echo "$BATON_SESSION" > cache/marker
for t in $BATON_TASKS; do
  case $t in T1) f=src/a.txt;; T2) f=src/b.txt;; T3) f=src/c.txt;; esac
  echo real > $f
  g add $f
  "$BATON" done "$t" >/dev/null 2>&1
done
case "$BATON_SESSION $BATON_TASKS" in "run-1/"*T2*) echo left > loose.txt;; esac
g add -A src plan.md
g commit -qm "work on $BATON_TASKS"
"#;

/// What one session logged when it started.
#[derive(Debug)]
struct Seen {
    session: String,
    tasks: String,
    warm: String,
    inode: String,
    head: String,
    status: String,
    readme: String,
}

const RUNS_LOG: &str = "runs.log";

/// How each test runs baton: no retries, two sessions.
const RUN: &[&str] = &["run", "--retries", "0", "--sessions", "2"];

fn sessions_seen(s: &RunRepo) -> Vec<Seen> {
    s.log_lines(RUNS_LOG)
        .iter()
        .map(|line| {
            let field = |key: &str| {
                line.split('|')
                    .find_map(|f| f.strip_prefix(&format!("{key}=")))
                    .unwrap_or("")
                    .trim()
                    .to_string()
            };
            Seen {
                session: field("session"),
                tasks: field("tasks"),
                warm: field("warm"),
                inode: field("inode"),
                head: field("head"),
                status: field("status"),
                readme: field("readme"),
            }
        })
        .collect()
}

/// The pool's entries, `git worktree list` lines under `.baton/worktrees/pool/`.
fn pooled(s: &RunRepo) -> Vec<String> {
    s.git_out(&["worktree", "list"])
        .lines()
        .filter(|l| l.contains("/.baton/worktrees/pool/"))
        .map(String::from)
        .collect()
}

fn pool_dirs(s: &RunRepo) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(s.project.path(".baton/worktrees/pool"))
        .map(|r| r.map(|e| e.expect("entry").path()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// A repository with the plan committed and locked, `cache/` ignored, the fake agent, and
/// `run` as the `[run]` section of baton.toml.
fn setup(run: &str) -> RunRepo {
    FakeAgent::new(AGENT)
        .env_outside("RUNS_LOG", RUNS_LOG)
        .toml_top(&format!("[run]\n{run}"))
        .file("README.md", "start\n")
        .file(".gitignore", "cache/\n")
        .plan(PLAN)
        .build()
}

#[test]
fn a_second_run_takes_the_first_runs_worktrees_clean_and_warm() {
    let s = setup("pool = 4");
    let first = s.run(RUN);
    // T2's session left an untracked file: blocked, its worktree pooled all the same.
    assert_eq!(first.code, 1, "{}", first.transcript());
    assert!(s.project.read_string("plan.md").contains("- [x] T1"));
    assert_eq!(pooled(&s).len(), 2, "{}", s.git_out(&["worktree", "list"]));
    let seen = sessions_seen(&s);
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen.iter().all(|x| x.warm.is_empty()), "fresh: {seen:?}");
    let inodes: Vec<&str> = seen.iter().map(|x| x.inode.as_str()).collect();

    // The second run (T2 again): its session takes a pooled worktree.
    let head = s.git_out(&["rev-parse", "HEAD"]).trim().to_string();
    let second = s.run(RUN);
    assert_eq!(second.code, 0, "{}", second.transcript());
    let seen = sessions_seen(&s);
    assert_eq!(seen.len(), 3, "{seen:?}");
    let again = &seen[2];
    assert!(again.session.starts_with("run-2/"), "{again:?}");
    assert_eq!(again.tasks, "T2");
    assert!(
        again.warm.starts_with("run-1/"),
        "the ignored cache survives into the next session: {again:?}"
    );
    assert!(
        inodes.contains(&again.inode.as_str()),
        "{inodes:?} {again:?}"
    );
    assert_eq!(again.head, head, "exactly the start commit");
    assert_eq!(again.status, "", "no leftovers, nothing uncommitted");
    // The start commit's tracked files: T1's merged work is there, T2's old try is not.
    let wt = s.project.path(".baton/worktrees/pool");
    assert!(wt.is_dir());
    assert_eq!(s.project.read_string("src/b.txt"), "real\n");
    // Both worktrees are back in the pool; the run's own folder is gone.
    assert_eq!(pooled(&s).len(), 2, "{}", s.git_out(&["worktree", "list"]));
    assert!(!s.project.path(".baton/worktrees/2").exists());
    for dir in pool_dirs(&s) {
        assert!(!dir.join("loose.txt").exists(), "{}", dir.display());
        let branch = std::process::Command::new("git")
            .args(["symbolic-ref", "-q", "HEAD"])
            .current_dir(&dir)
            .status()
            .expect("git");
        assert!(!branch.success(), "a pooled worktree is detached");
    }
    // Phase 2 (T3) runs in a pooled worktree too.
    let third = s.run(RUN);
    assert_eq!(third.code, 0, "{}", third.transcript());
    let seen = sessions_seen(&s);
    assert!(seen[3].warm.starts_with("run-"), "{:?}", seen[3]);
    assert_eq!(seen[3].status, "");
}

#[test]
fn a_dirty_pooled_worktree_is_never_handed_out() {
    let s = setup("pool = 4");
    assert_eq!(s.run(RUN).code, 1);
    let pool = pool_dirs(&s);
    assert_eq!(pool.len(), 2, "{pool:?}");
    for dir in &pool {
        std::fs::write(dir.join("README.md"), "dirty\n").expect("write");
    }
    let second = s.run(RUN);
    assert_eq!(second.code, 0, "{}", second.transcript());
    let seen = sessions_seen(&s);
    let again = &seen[2];
    assert_eq!(again.readme, "start", "{again:?}");
    assert_eq!(again.status, "", "{again:?}");
    assert!(again.warm.is_empty(), "a fresh worktree: {again:?}");
    // The dirty entry taken was removed; the clean session's worktree joined the pool.
    let readmes: Vec<String> = pool_dirs(&s)
        .iter()
        .map(|d| std::fs::read_to_string(d.join("README.md")).expect("readme"))
        .collect();
    assert_eq!(readmes.len(), 2, "{readmes:?}");
    assert_eq!(
        readmes.iter().filter(|r| *r == "dirty\n").count(),
        1,
        "{readmes:?}"
    );
}

#[test]
fn the_pool_holds_at_most_its_cap() {
    let s = setup("pool = 1");
    assert_eq!(s.run(RUN).code, 1);
    assert_eq!(pooled(&s).len(), 1, "{}", s.git_out(&["worktree", "list"]));
    assert_eq!(pool_dirs(&s).len(), 1);
    assert_eq!(s.git_out(&["worktree", "list"]).lines().count(), 2);
}

#[test]
fn pool_0_adds_and_removes_every_worktree_as_before() {
    let s = setup("pool = 0");
    assert_eq!(s.run(RUN).code, 1);
    assert_eq!(s.git_out(&["worktree", "list"]).lines().count(), 1);
    assert!(!s.project.path(".baton/worktrees/pool").exists());
    assert_eq!(s.run(RUN).code, 0);
    let seen = sessions_seen(&s);
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen[2].warm.is_empty(), "fresh: {:?}", seen[2]);
    assert!(
        !s.project.path(".baton/worktrees").exists(),
        "nothing left behind: {}",
        s.git_out(&["status", "--porcelain", "--ignored"])
    );
    assert_eq!(s.git_out(&["worktree", "list"]).lines().count(), 1);
}

#[test]
fn a_broken_pool_left_by_a_crash_does_not_break_the_next_run() {
    let s = setup("pool = 4");
    assert_eq!(s.run(RUN).code, 1);
    let pool = pool_dirs(&s);
    assert_eq!(pool.len(), 2, "{pool:?}");
    // A move cut short: one entry's folder gone (git still lists it), a stray folder beside.
    std::fs::remove_dir_all(&pool[0]).expect("rm entry");
    let stray = s.project.path(".baton/worktrees/pool/9");
    std::fs::create_dir_all(stray.join("src")).expect("mkdir");
    std::fs::write(stray.join("src/junk.txt"), "x\n").expect("write");
    let second = s.run(RUN);
    assert_eq!(second.code, 0, "{}", second.transcript());
    let seen = sessions_seen(&s);
    assert_eq!(seen[2].status, "", "{:?}", seen[2]);
    assert!(seen[2].warm.starts_with("run-1/"), "{:?}", seen[2]);
    assert!(!stray.exists(), "not a worktree: dropped");
    let list = s.git_out(&["worktree", "list"]);
    assert!(!list.contains("prunable"), "{list}");
    assert_eq!(pooled(&s).len(), 1, "{list}");
}

#[test]
fn a_pool_filled_ahead_makes_the_first_run_warm_and_drop_empties_it() {
    let s = setup("pool = 4");
    let status = s.run(&["pool", "status", "--json"]);
    assert_eq!(status.code, 0, "{}", status.transcript());
    assert_eq!(status.json()["worktrees"], serde_json::json!([]));
    let fill = s.run(&["pool", "fill", "--count", "2"]);
    assert_eq!(fill.code, 0, "{}", fill.transcript());
    assert!(
        fill.stderr.contains("pool: 2 added, 2 held"),
        "{}",
        fill.stderr
    );
    let head = s.git_out(&["rev-parse", "HEAD"]).trim().to_string();
    let listed = s.run(&["pool", "status", "--json"]).json();
    assert_eq!(listed["size"], 4);
    let entries = listed["worktrees"].as_array().expect("array").clone();
    assert_eq!(entries.len(), 2, "{listed}");
    assert!(
        entries.iter().all(|e| e["commit"] == head.as_str()),
        "{listed}"
    );
    // Each pooled worktree is complete; a mark in its ignored cache shows who takes it.
    let mut inodes = Vec::new();
    for dir in pool_dirs(&s) {
        assert_eq!(
            std::fs::read_to_string(dir.join("README.md")).expect("readme"),
            "start\n"
        );
        std::fs::create_dir_all(dir.join("cache")).expect("mkdir");
        std::fs::write(dir.join("cache/marker"), "filled\n").expect("mark");
        let meta = std::fs::metadata(&dir).expect("meta");
        inodes.push(std::os::unix::fs::MetadataExt::ino(&meta).to_string());
    }
    // Filling again to what it holds adds nothing.
    let again = s.run(&["pool", "fill", "--count", "2"]);
    assert!(
        again.stderr.contains("pool: 0 added, 2 held"),
        "{}",
        again.stderr
    );

    let first = s.run(RUN);
    assert_eq!(
        first.code,
        1,
        "T2's session leaves a stray file: {}",
        first.transcript()
    );
    let seen = sessions_seen(&s);
    assert_eq!(seen.len(), 2, "{seen:?}");
    for x in &seen {
        assert_eq!(x.warm, "filled", "taken from the filled pool: {x:?}");
        assert!(inodes.contains(&x.inode), "{inodes:?} {x:?}");
        assert_eq!(x.head, head);
        assert_eq!(x.status, "");
    }
    let dropped = s.run(&["pool", "drop"]);
    assert_eq!(dropped.code, 0, "{}", dropped.transcript());
    assert!(
        dropped.stderr.contains("pool: 2 worktrees removed"),
        "{}",
        dropped.stderr
    );
    assert!(pooled(&s).is_empty());
    assert_eq!(s.git_out(&["worktree", "list"]).lines().count(), 1);
    let text = s.run(&["pool"]);
    assert_eq!(
        text.stdout,
        "pool: 0 of 4 worktrees\n",
        "{}",
        text.transcript()
    );
}

#[test]
fn filling_the_pool_readies_the_repository_as_a_first_run_would() {
    let s = setup("pool = 2");
    let git_dir = s.project.path(".git");
    assert!(!git_dir.join("baton/state.db").exists());
    let fill = s.run(&["pool", "fill", "--count", "1"]);
    assert_eq!(fill.code, 0, "{}", fill.transcript());
    // The state store, the runs' files kept out of git, the plan's merge driver: the first
    // run finds them there and writes none of them on its way to its first session.
    assert!(git_dir.join("baton/state.db").is_file());
    let exclude = std::fs::read_to_string(git_dir.join("info/exclude")).expect("exclude");
    for line in ["/.baton/run/", "/.baton/worktrees/"] {
        assert!(exclude.lines().any(|l| l == line), "{exclude}");
    }
    assert!(
        s.git_out(&["config", "--local", "--get", "merge.baton.driver"])
            .contains("merge-driver"),
        "driver registered"
    );
    assert_eq!(
        s.git_out(&["check-attr", "merge", "--", "plan.md"]).trim(),
        "plan.md: merge: baton"
    );
    let config = std::fs::read_to_string(git_dir.join("config")).expect("config");
    let first = s.run(RUN);
    assert_eq!(first.code, 1, "{}", first.transcript());
    assert_eq!(
        std::fs::read_to_string(git_dir.join("config")).expect("config"),
        config,
        "the run had nothing left to register"
    );
    assert_eq!(
        std::fs::read_to_string(git_dir.join("info/exclude")).expect("exclude"),
        exclude
    );
}

#[test]
fn filling_a_pool_that_is_off_needs_a_count() {
    let s = setup("pool = 0");
    let fill = s.run(&["pool", "fill"]);
    assert_eq!(fill.code, 2, "{}", fill.transcript());
    assert!(fill.stderr.contains("the pool is off"), "{}", fill.stderr);
    assert!(pool_dirs(&s).is_empty());
}
