//! Parallel sessions with real processes: no check-off is lost and exactly one claim wins.
//! Every child blocks on a FIFO until the test closes it, so all start at the same moment.

use crate::harness::{Project, Run, big_plan};

/// Every run released at once through `start.fifo`.
fn race(p: &Project, runs: Vec<Vec<String>>) -> Vec<Run> {
    crate::harness::race(p, "start.fifo", &runs)
}

#[test]
fn thirty_two_sessions_tick_thirty_two_tasks_and_lose_none() {
    let p = Project::new();
    p.git_init();
    let plan = big_plan(1000);
    p.write("plan.md", &plan);
    let ids: Vec<usize> = (0..32).map(|i| 7 + i * 31).collect();
    let runs = race(
        &p,
        ids.iter()
            .map(|i| vec!["done".into(), format!("T{i}")])
            .collect(),
    );
    for run in &runs {
        assert_eq!(run.code, 0, "{}", run.transcript());
    }
    let after = p.read_string("plan.md");
    let mut expected = plan.clone();
    for i in &ids {
        let line = format!("- [ ] T{i} Task number {i}\n");
        let at = expected.find(&line).expect("task line");
        expected.replace_range(at + 3..at + 4, "x");
    }
    assert_eq!(after, expected, "all 32 ticked, every other byte identical");
}

#[test]
fn sixteen_sessions_claim_one_task_and_exactly_one_wins() {
    let p = Project::new();
    p.git_init();
    p.write("plan.md", big_plan(20));
    let before = p.read("plan.md");
    let runs = race(
        &p,
        (0..16)
            .map(|i| {
                vec![
                    "claim".into(),
                    "T5".into(),
                    "--by".into(),
                    format!("session-{i}"),
                ]
            })
            .collect(),
    );
    let winners: Vec<usize> = (0..16).filter(|&i| runs[i].code == 0).collect();
    assert_eq!(
        winners.len(),
        1,
        "{:#?}",
        runs.iter().map(Run::transcript).collect::<Vec<_>>()
    );
    let winner = format!("session-{}", winners[0]);
    for (i, run) in runs.iter().enumerate() {
        if i == winners[0] {
            continue;
        }
        assert_eq!(run.code, 4, "{}", run.transcript());
        assert!(
            run.stderr.contains(&format!("already claimed by {winner}")),
            "loser must name the winner: {}",
            run.stderr
        );
    }
    assert_eq!(p.read("plan.md"), before, "claims never touch the plan");
    let status = p.run(&["status", "--json"]).json();
    assert_eq!(status["claimed"][0]["by"], winner.as_str());
}

#[test]
fn claims_are_shared_between_git_worktrees() {
    let p = Project::new();
    p.git_init();
    p.write("plan.md", big_plan(3));
    let git = |args: &[&str]| {
        p.git(args);
    };
    git(&["add", "plan.md"]);
    git(&["commit", "-q", "-m", "plan"]);
    git(&["worktree", "add", "-q", "wt", "-b", "other"]);
    p.run(&["claim", "T2", "--by", "main-session"]).success();
    let mut cmd = p.command(&["claim", "T2", "--by", "worktree-session"]);
    let out = Run::from(cmd.current_dir(p.path("wt")).output().expect("run"));
    assert_eq!(out.code, 4, "{}", out.transcript());
    assert!(out.stderr.contains("main-session"), "{}", out.stderr);
}
