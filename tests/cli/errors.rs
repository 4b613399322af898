//! Bad input never panics: each case gets a clear message, a documented exit code, and the
//! plan file is left as it was.

use insta::assert_snapshot;

use crate::harness::Project;

#[test]
fn no_plan_found() {
    let p = Project::new();
    let run = p.run(&["status"]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains("no plan found"), "{}", run.stderr);
    assert!(run.stderr.contains("baton init"));
}

#[test]
fn missing_plan_file() {
    let p = Project::new();
    assert_snapshot!(p.run(&["lint", "--plan", "nope.md"]).transcript());
}

#[test]
fn unknown_and_duplicate_ids() {
    let p = Project::new();
    let src = "# P\n- [ ] T1 a\n- [ ] T1 b\n- [ ] T20 c\n";
    p.write("plan.md", src);
    assert_snapshot!("unknown_id", p.run(&["done", "T2"]).transcript());
    assert_snapshot!("ambiguous_id", p.run(&["done", "T1"]).transcript());
    assert_eq!(p.read_string("plan.md"), src);
}

#[test]
fn lint_reports_every_kind_with_file_line_col() {
    let p = Project::new();
    p.write(
        "plan.md",
        "# P\n## Phase 1 ✅\n- [ ] T1 a\n  - after: T9\n  - fils: src/a.rs\n- [ ] T1 b\n  - after: T2\n- [x] no id\n  - [ ] open item\n## Phase 2\n- [ ] T2 c\n  - after: T3\n- [ ] T3 d\n  - after: T2\n",
    );
    let run = p.run(&["lint"]);
    assert_eq!(run.code, 1);
    assert_snapshot!(run.transcript());
    let json = p.run(&["lint", "--json"]).json();
    assert_eq!(json["errors"], 4);
    assert_eq!(json["warnings"], 4);
}

#[test]
fn warnings_fail_only_with_strict() {
    let p = Project::new();
    p.write("plan.md", "- [ ] no id\n");
    assert_eq!(p.run(&["lint"]).code, 0);
    assert_eq!(p.run(&["lint", "--strict"]).code, 1);
}

#[test]
fn non_utf8_crlf_and_bom_plans_work_and_keep_their_bytes() {
    let p = Project::new();
    let src = b"\xEF\xBB\xBF# P\r\n- [ ] T1 caf\xE9\r\n- [ ] T2 ok\r\n".to_vec();
    p.write("plan.md", &src);
    let lint = p.run(&["lint"]);
    assert_eq!(lint.code, 0);
    assert!(lint.stdout.contains("warning[B001]"), "{}", lint.stdout);
    assert!(lint.stdout.contains("plan.md:2:"), "{}", lint.stdout);
    p.run(&["done", "T2"]).success();
    let mut expected = src.clone();
    let at = expected.windows(8).position(|w| w == b"- [ ] T2").unwrap() + 3;
    assert_eq!(expected[at], b' ');
    expected[at] = b'x';
    assert_eq!(p.read("plan.md"), expected);
}

#[test]
fn usage_errors_exit_2() {
    let p = Project::new();
    assert_eq!(p.run(&["frobnicate"]).code, 2);
    assert_eq!(p.run(&["done"]).code, 2);
    assert_eq!(p.run(&["fmt"]).code, 2);
    assert_eq!(p.run(&["--help"]).code, 0);
    assert_eq!(p.run(&["--version"]).code, 0);
}

#[test]
fn a_plan_that_is_a_directory_or_unreadable() {
    let p = Project::new();
    p.write("dir/plan.md/x", "");
    let run = p.run(&["status", "--plan", "dir/plan.md"]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains("is not a file"), "{}", run.stderr);
}

#[test]
fn cycles_do_not_hang_next_or_status() {
    let p = Project::new();
    p.write(
        "plan.md",
        "- [ ] T1 a\n  - after: T2\n- [ ] T2 b\n  - after: T1\n- [ ] T3 c\n",
    );
    let next = p.run(&["next", "--json"]).success().json();
    assert_eq!(next["ready"][0]["id"], "T3");
    assert_eq!(next["ready"].as_array().unwrap().len(), 1);
    p.run(&["status"]).success();
}

#[test]
fn read_commands_leave_no_files_behind() {
    let p = Project::with_example("client-portal.md");
    for args in [
        &["status"][..],
        &["list"],
        &["next"],
        &["show", "T2"],
        &["lint"],
    ] {
        p.run(args).success();
    }
    let names: Vec<String> = std::fs::read_dir(p.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["plan.md"]);
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    for args in [&["list"][..], &["list", "--json"]] {
        closed_stdout_after_one_line(args);
    }
}

fn closed_stdout_after_one_line(args: &[&str]) {
    use std::io::{BufRead, BufReader};
    let p = Project::new();
    p.write("plan.md", crate::harness::big_plan(20_000));
    let mut child = p
        .command(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("read");
    // The reader is gone now: baton's next writes hit a closed pipe.
    let out = child.wait_with_output().expect("wait");
    assert!(
        first.contains("Phase 1") || first.starts_with('{'),
        "{first}"
    );
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn decide_refuses_a_plan_that_ends_inside_an_open_block() {
    let p = Project::new();
    let src = "# P\n- [ ] T1 a\n\n```\nunclosed fence\n";
    p.write("plan.md", src);
    let run = p.run(&["decide", "why"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stderr.contains("cannot be appended safely"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read_string("plan.md"), src);
}
