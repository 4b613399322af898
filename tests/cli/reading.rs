//! Reading without silent loss: every way a plan can be read as less than it says (a
//! dependency that names no task, a code fence left open, tasks that name no files, a
//! dependency loop, a plan path that is no file) is said, with the file and line, and a
//! documented exit code.

use insta::assert_snapshot;

use crate::harness::Project;

// ---- (5) the plan path is a directory or a broken link ----

#[test]
fn a_plan_path_that_is_a_directory_is_named_as_one() {
    let p = Project::new();
    std::fs::create_dir_all(p.path("notes")).unwrap();
    let run = p.run(&["lint", "--plan", "notes"]);
    assert_eq!(run.code, 3);
    assert_snapshot!(run.transcript());
}

#[test]
fn a_directory_named_plan_md_upwards_is_named_not_skipped() {
    let p = Project::new();
    std::fs::create_dir_all(p.path("plan.md")).unwrap();
    std::fs::create_dir_all(p.path("src/deep")).unwrap();
    let mut cmd = p.command(&["status"]);
    cmd.current_dir(p.path("src/deep"));
    let run = crate::harness::Run::from(cmd.output().unwrap());
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(!run.stderr.contains("no plan found"), "{}", run.stderr);
    let root = p.dir.path().to_string_lossy().into_owned();
    assert_snapshot!(run.transcript().replace(&root, "[project]"));
}

#[cfg(unix)]
#[test]
fn a_broken_link_given_or_found_says_where_it_points() {
    let p = Project::new();
    std::os::unix::fs::symlink("gone/plan.md", p.path("linked.md")).unwrap();
    let given = p.run(&["next", "--plan", "linked.md"]);
    assert_eq!(given.code, 3);
    assert_snapshot!("broken_link_given", given.transcript());

    std::os::unix::fs::symlink("gone/plan.md", p.path("plan.md")).unwrap();
    let found = p.run(&["next"]);
    assert_eq!(found.code, 3);
    assert_snapshot!("broken_link_found", found.transcript());
}

#[test]
fn a_plan_file_beside_a_directory_of_another_name_is_still_found() {
    // `PLAN.md` the directory does not hide `tasks.md` the file in the same place.
    let p = Project::new();
    std::fs::create_dir_all(p.path("PLAN.md")).unwrap();
    p.write("tasks.md", "# P\n- [ ] T1 a\n");
    p.run(&["next"]).success();
}
