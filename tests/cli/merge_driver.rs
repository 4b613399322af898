//! `baton merge-driver` under real git: a repository registered with `baton init
//! --merge-driver`, two worktrees that tick, untick and log decisions with the real `baton`,
//! merged with `git merge` in either order; a true conflict; every corpus plan merged with
//! itself plus an edit.

use std::path::{Path, PathBuf};
use std::process::Command;

use insta::assert_snapshot;

use crate::harness::{Project, Run};

const PLAN: &str = "# Merge test

## Overview

Two sessions work on this plan at once.

## Phase 1: Build

- [ ] T1 First task
  - files: src/a.rs
- [ ] T2 Second task
- [ ] T3 Third task
- [x] T4 Fourth task
- [ ] T5 Fifth task

## Decisions

- 2026-01-01: start with a plan
";

/// `git ARGS` in `dir`, with a fixed identity and no user configuration; the outcome.
fn git_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new("git")
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .expect("git");
    Run::from(output)
}

#[track_caller]
fn git_ok(dir: &Path, args: &[&str]) -> Run {
    let run = git_in(dir, args);
    assert_eq!(run.code, 0, "git {args:?}\n{}", run.transcript());
    run
}

/// `baton ARGS` in `dir` on a given day.
fn baton_in(p: &Project, dir: &Path, day: &str, args: &[&str]) -> Run {
    let output = p
        .command(args)
        .current_dir(dir)
        .env("BATON_NOW", format!("{day}T09:30:00Z"))
        .output()
        .expect("baton");
    Run::from(output)
}

/// A repository in `repo/` with the plan committed and the driver registered, and two
/// worktrees `a/` (branch a) and `b/` (branch b) beside it.
fn setup(plan: &str) -> (Project, PathBuf, PathBuf, PathBuf) {
    let p = Project::new();
    let repo = p.path("repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    std::fs::write(repo.join("plan.md"), plan).expect("write plan");
    git_ok(&repo, &["init", "-q", "-b", "main"]);
    baton_in(&p, &repo, "2026-01-20", &["init", "--merge-driver"]).success();
    git_ok(&repo, &["add", "plan.md", ".gitattributes"]);
    git_ok(&repo, &["commit", "-q", "-m", "plan"]);
    for side in ["a", "b"] {
        git_ok(
            &repo,
            &["worktree", "add", "-q", "-b", side, &format!("../{side}")],
        );
    }
    let (a, b) = (p.path("a"), p.path("b"));
    (p, repo, a, b)
}

/// One side's work: baton commands, `{side}` standing for the side's name.
struct Action {
    name: &'static str,
    commands: &'static [&'static [&'static str]],
}

const ACTIONS: &[Action] = &[
    Action {
        name: "tick T1",
        commands: &[&["done", "T1"]],
    },
    Action {
        name: "tick T2 and T3",
        commands: &[&["done", "T2", "T3"]],
    },
    Action {
        name: "untick T4",
        commands: &[&["undo", "T4"]],
    },
    Action {
        name: "decide",
        commands: &[&["decide", "{side} picked argon2", "--task", "T1"]],
    },
    Action {
        name: "tick T5 and decide",
        commands: &[&["done", "T5"], &["decide", "{side} finished T5"]],
    },
];

/// The plan each side should end with, and what a merge of both must hold.
fn apply(plan: &str, action: &Action, side: &str, day: &str) -> String {
    let mut plan = plan.to_string();
    for command in action.commands {
        match command[0] {
            "done" => {
                for id in &command[1..] {
                    plan = plan.replace(&format!("- [ ] {id} "), &format!("- [x] {id} "));
                }
            }
            "undo" => {
                plan = plan.replace(
                    &format!("- [x] {} ", command[1]),
                    &format!("- [ ] {} ", command[1]),
                )
            }
            _ => {}
        }
    }
    for line in decisions(action, side, day) {
        plan.push_str(&line);
    }
    plan
}

fn decisions(action: &Action, side: &str, day: &str) -> Vec<String> {
    action
        .commands
        .iter()
        .filter(|c| c[0] == "decide")
        .map(|c| {
            let text = c[1].replace("{side}", side);
            match c.get(3) {
                Some(task) => format!("- {day} {task}: {text}\n"),
                None => format!("- {day}: {text}\n"),
            }
        })
        .collect()
}

fn work(p: &Project, dir: &Path, action: &Action, side: &str, day: &str) {
    for command in action.commands {
        let args: Vec<String> = command.iter().map(|a| a.replace("{side}", side)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        baton_in(p, dir, day, &args).success();
    }
    git_ok(dir, &["commit", "-q", "-am", side]);
}

/// The merged plan both orders must give: every mark either side set, and B's decisions
/// (an earlier day) before A's.
fn expected(first: &Action, second: &Action) -> String {
    let a = apply(PLAN, first, "a", "2026-01-22");
    let b = apply(PLAN, second, "b", "2026-01-21");
    let base: Vec<&str> = PLAN.split_inclusive('\n').collect();
    let (la, lb): (Vec<&str>, Vec<&str>) = (
        a.split_inclusive('\n').collect(),
        b.split_inclusive('\n').collect(),
    );
    let mut out = String::new();
    for (i, line) in base.iter().enumerate() {
        out.push_str(if la[i] != *line { la[i] } else { lb[i] });
    }
    for line in decisions(second, "b", "2026-01-21") {
        if !out.contains(&line) {
            out.push_str(&line);
        }
    }
    for line in decisions(first, "a", "2026-01-22") {
        out.push_str(&line);
    }
    out
}

#[test]
fn ticks_unticks_and_decisions_from_two_worktrees_merge_in_either_order() {
    for first in ACTIONS {
        for second in ACTIONS {
            let (p, repo, a, b) = setup(PLAN);
            work(&p, &a, first, "a", "2026-01-22");
            work(&p, &b, second, "b", "2026-01-21");
            let want = expected(first, second);
            for (order, branches) in [("a then b", ["a", "b"]), ("b then a", ["b", "a"])] {
                let what = format!("{} / {} merged {order}", first.name, second.name);
                git_ok(&repo, &["reset", "-q", "--hard", "main"]);
                git_ok(&repo, &["checkout", "-q", "-B", "merged", "main"]);
                for branch in branches {
                    let run = git_in(&repo, &["merge", "-q", "--no-edit", branch]);
                    assert_eq!(
                        run.code,
                        0,
                        "{what}: merging {branch}\n{}",
                        run.transcript()
                    );
                }
                let merged = std::fs::read_to_string(repo.join("plan.md")).expect("read");
                assert_eq!(merged, want, "{what}");
                let status = git_ok(&repo, &["status", "--porcelain"]);
                assert_eq!(status.stdout, "", "{what}");
                git_ok(&repo, &["checkout", "-q", "main"]);
            }
        }
    }
}

#[test]
fn rewording_one_task_two_ways_is_a_conflict_on_those_lines_only() {
    let (p, repo, a, b) = setup(PLAN);
    let reword = |dir: &Path, how: &str| {
        let path = dir.join("plan.md");
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(
            &path,
            text.replace("T2 Second task", &format!("T2 Second task, {how}")),
        )
        .expect("write");
    };
    baton_in(&p, &a, "2026-01-22", &["done", "T1"]).success();
    baton_in(&p, &a, "2026-01-22", &["decide", "ours"]).success();
    reword(&a, "the short way");
    git_ok(&a, &["commit", "-q", "-am", "a"]);
    baton_in(&p, &b, "2026-01-21", &["done", "T3"]).success();
    baton_in(&p, &b, "2026-01-21", &["decide", "theirs"]).success();
    reword(&b, "the long way");
    git_ok(&b, &["commit", "-q", "-am", "b"]);

    git_ok(&repo, &["merge", "-q", "--no-edit", "a"]);
    let run = git_in(&repo, &["merge", "--no-edit", "b"]);
    assert_ne!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("CONFLICT (content): Merge conflict in plan.md"),
        "{}",
        run.transcript()
    );
    let status = git_ok(&repo, &["status", "--porcelain"]);
    assert_eq!(status.stdout, "UU plan.md\n");
    assert_snapshot!(
        "merge_driver_true_conflict",
        std::fs::read_to_string(repo.join("plan.md")).expect("read")
    );
}

#[test]
fn init_registers_the_driver_once_and_keeps_existing_attributes() {
    let p = Project::new();
    p.git_init();
    p.write(".gitattributes", "*.png binary\r\n# keep this");
    let first = p.run(&["init"]);
    first.success();
    assert!(
        first
            .stderr
            .contains("added `plan.md merge=baton` to .gitattributes"),
        "{}",
        first.stderr
    );
    assert_eq!(
        p.read_string(".gitattributes"),
        "*.png binary\r\n# keep this\r\nplan.md merge=baton\r\n"
    );
    let config = git_in(
        p.dir.path(),
        &["config", "--local", "--get", "merge.baton.driver"],
    );
    assert!(
        config
            .stdout
            .ends_with(" merge-driver %O %A %B %P --marker-size %L\n"),
        "{}",
        config.stdout
    );
    let attrs = p.read(".gitattributes");
    let again = p.run(&["init", "--merge-driver"]);
    again.success();
    assert_eq!(p.read(".gitattributes"), attrs);
    assert_eq!(
        git_in(
            p.dir.path(),
            &["config", "--local", "--get", "merge.baton.driver"]
        )
        .stdout,
        config.stdout
    );
    assert!(
        again
            .stderr
            .contains(".gitattributes already merges plan.md with baton")
    );
    assert!(
        again
            .stderr
            .contains("git config already has merge driver `baton`")
    );

    // A plan someone gave another driver keeps it.
    let q = Project::new();
    q.git_init();
    q.write(".gitattributes", "plan.md merge=union\n");
    let run = q.run(&["init", "--merge-driver"]);
    run.success();
    assert_eq!(q.read_string(".gitattributes"), "plan.md merge=union\n");
    assert!(
        run.stderr
            .contains("warning: .gitattributes gives plan.md its own merge setting")
    );

    // Outside a repository there is nothing to register.
    let r = Project::new();
    let run = r.run(&["init", "--merge-driver"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(!r.path(".gitattributes").exists());
}

/// `baton merge-driver` on three files in `p`; the result and the exit code.
fn drive(p: &Project, base: &[u8], ours: &[u8], theirs: &[u8]) -> (Vec<u8>, i32) {
    p.write("O", base).write("A", ours).write("B", theirs);
    let run = p.run(&["merge-driver", "O", "A", "B", "plan.md"]);
    assert!(run.code == 0 || run.code == 4, "{}", run.transcript());
    (p.read("A"), run.code)
}

fn corpus_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read corpus dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus"),
        &mut out,
    );
    out.sort();
    out
}

/// Replaces the first occurrence of `from` at or after byte `at`.
fn replace_from(text: &[u8], at: usize, from: &[u8], to: &[u8]) -> Option<Vec<u8>> {
    let found = text[at..].windows(from.len()).position(|w| w == from)? + at;
    let mut out = text[..found].to_vec();
    out.extend_from_slice(to);
    out.extend_from_slice(&text[found + from.len()..]);
    Some(out)
}

#[test]
fn every_corpus_plan_merged_with_itself_plus_an_edit_is_that_edit() {
    let p = Project::new();
    let files = corpus_files();
    assert!(files.len() >= 20, "{files:?}");
    for file in files {
        let plan = std::fs::read(&file).expect("read");
        let name = file.display();
        // One side ticks the first open box; the other appends a line.
        let ticked = replace_from(&plan, 0, b"- [ ] ", b"- [x] ");
        let mut appended = plan.clone();
        if !appended.is_empty() && !appended.ends_with(b"\n") {
            appended.push(b'\n');
        }
        appended.extend_from_slice(b"- 2026-01-21: merged by the driver\n");
        let mut edits = vec![appended.clone()];
        edits.extend(ticked.clone());
        for edit in &edits {
            assert_eq!(
                drive(&p, &plan, &plan, edit),
                (edit.clone(), 0),
                "{name}: ours unchanged"
            );
            assert_eq!(
                drive(&p, &plan, edit, &plan),
                (edit.clone(), 0),
                "{name}: theirs unchanged"
            );
            assert_eq!(
                drive(&p, &plan, edit, edit),
                (edit.clone(), 0),
                "{name}: both the same"
            );
        }
        if let Some(ticked) = ticked {
            let mut both = ticked.clone();
            if !both.is_empty() && !both.ends_with(b"\n") {
                both.push(b'\n');
            }
            both.extend_from_slice(b"- 2026-01-21: merged by the driver\n");
            assert_eq!(
                drive(&p, &plan, &ticked, &appended),
                (both.clone(), 0),
                "{name}"
            );
            assert_eq!(drive(&p, &plan, &appended, &ticked), (both, 0), "{name}");
        }
    }
}

#[test]
fn unreadable_input_leaves_ours_alone_and_conflicts_exit_4() {
    let p = Project::new();
    p.write("A", "- [ ] T1 a\n");
    let run = p.run(&["merge-driver", "missing", "A", "B"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert_eq!(p.read_string("A"), "- [ ] T1 a\n");
    let (out, code) = drive(&p, b"- [ ] T1 a\n", b"- [ ] T1 x\n", b"- [ ] T1 y\n");
    assert_eq!(code, 4);
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        "<<<<<<< ours\n- [ ] T1 x\n=======\n- [ ] T1 y\n>>>>>>> theirs\n"
    );
    let run = p.run(&[
        "merge-driver",
        "O",
        "A",
        "B",
        "plan.md",
        "--marker-size",
        "3",
        "--ours-label",
        "HEAD",
    ]);
    assert_eq!(run.code, 4);
    assert_snapshot!("merge_driver_conflict_message", run.transcript());
}
