//! Claims through the team's git remote (`claims = "git"`): a bare repository in a temp dir
//! is the remote, each clone a teammate's machine. Real git, the real binary, real processes
//! racing: exactly one winner per race, for a free task and for an expired claim.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::harness::{BIN, Run, big_plan};

/// Races the free-task test runs by default (the takeover test a fifth of it): each race is
/// 16 processes of some ten git commands each, about 2 s on a loaded 2-core machine.
/// `BATON_GIT_RACES` sets more; bench/git_claims.sh runs the full thousand in its own loop.
const RACES: usize = 20;

const T0: &str = "2026-01-21T09:30:00Z";

/// A bare remote and the clones made of it, in one temp dir.
struct Team {
    root: tempfile::TempDir,
}

impl Team {
    /// A remote holding `plan.md` (`tasks` independent tasks) and a baton.toml choosing the
    /// git backend, pushed from a seed clone.
    fn new(tasks: usize) -> Team {
        Team::with_files(&[
            ("plan.md", big_plan(tasks)),
            ("baton.toml", "claims = \"git\"\n".to_string()),
        ])
    }

    fn with_files(files: &[(&str, String)]) -> Team {
        let team = Team {
            root: tempfile::tempdir().expect("temp dir"),
        };
        git(
            team.root.path(),
            &["init", "-q", "--bare", "-b", "main", "remote.git"],
        );
        let seed = team.clone_as("seed");
        for (rel, text) in files {
            let path = seed.join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        git(&seed, &["add", "."]);
        git(&seed, &["commit", "-q", "-m", "plan"]);
        git(&seed, &["push", "-q", "origin", "main"]);
        team
    }

    fn remote(&self) -> PathBuf {
        self.root.path().join("remote.git")
    }

    /// A new clone of the remote named `name`.
    fn clone_as(&self, name: &str) -> PathBuf {
        git(self.root.path(), &["clone", "-q", "remote.git", name]);
        self.root.path().join(name)
    }

    /// The claim refs on the remote: `(ref, commit)`.
    fn remote_claims(&self) -> Vec<String> {
        let out = git_output(
            &self.remote(),
            &["for-each-ref", "--format=%(refname)", "refs/baton/"],
        );
        out.lines().map(str::to_string).collect()
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = git_command(dir, args).status().expect("git");
    assert!(status.success(), "git {args:?} in {}", dir.display());
}

fn git_output(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir, args).output().expect("git");
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn git_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    cmd
}

/// `baton ARGS` in `dir` with the clock at `now`.
fn baton_command(dir: &Path, now: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1")
        .env("BATON_NOW", now);
    cmd
}

fn baton(dir: &Path, now: &str, args: &[&str]) -> Run {
    Run::from(baton_command(dir, now, args).output().expect("run baton"))
}

/// Runs `baton ARGS` once per clone (each with its own arguments), all released at the same
/// moment through a FIFO, and waits for all.
fn race(
    team: &Team,
    clones: &[PathBuf],
    now: &str,
    args: &dyn Fn(usize) -> Vec<String>,
) -> Vec<Run> {
    let fifo = team.root.path().join("go");
    let _ = std::fs::remove_file(&fifo);
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    let children: Vec<_> = clones
        .iter()
        .enumerate()
        .map(|(i, dir)| {
            let quoted: Vec<String> = args(i).iter().map(|a| format!("'{a}'")).collect();
            let mut cmd = baton_command(dir, now, &[]);
            let envs: Vec<_> = cmd
                .get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned())))
                .collect();
            cmd = Command::new("sh");
            cmd.arg("-c")
                .arg(format!(
                    "read _ < '{}'; exec '{BIN}' {}",
                    fifo.display(),
                    quoted.join(" ")
                ))
                .current_dir(dir)
                .env_clear()
                .envs(envs)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            cmd.spawn().expect("spawn")
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(100));
    drop(
        std::fs::OpenOptions::new()
            .write(true)
            .open(&fifo)
            .expect("open fifo"),
    );
    children
        .into_iter()
        .map(|c| Run::from(c.wait_with_output().expect("wait")))
        .collect()
}

fn races() -> usize {
    std::env::var("BATON_GIT_RACES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RACES)
}

#[test]
fn a_claim_in_one_clone_is_seen_and_refused_in_another_until_released() {
    let team = Team::new(3);
    let (a, b) = (team.clone_as("a"), team.clone_as("b"));
    let took = baton(&a, T0, &["claim", "T1", "--by", "alice"]);
    took.success();
    assert_eq!(team.remote_claims(), ["refs/baton/claims/plan.md/T1"]);

    let status = baton(&b, T0, &["status", "--json"]).success().json();
    assert_eq!(status["claimed"][0]["id"], "T1", "{status}");
    assert_eq!(status["claimed"][0]["by"], "alice", "{status}");
    let next = baton(&b, T0, &["next", "--json"]).success().json();
    let offered: Vec<&str> = next["ready"]
        .as_array()
        .expect("ready")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert!(
        !offered.contains(&"T1"),
        "a claimed task is not offered: {next}"
    );

    let refused = baton(&b, T0, &["claim", "T1", "--by", "bob"]);
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    assert!(
        refused.stderr.contains("claimed by alice"),
        "{}",
        refused.stderr
    );
    // bob may not release alice's claim; alice may.
    let not_his = baton(&b, T0, &["release", "T1", "--by", "bob"]);
    assert_eq!(not_his.code, 4, "{}", not_his.transcript());
    baton(&a, T0, &["release", "T1", "--by", "alice"]).success();
    assert!(team.remote_claims().is_empty());
    baton(&b, T0, &["claim", "T1", "--by", "bob"]).success();
    let status = baton(&a, T0, &["status", "--json"]).success().json();
    assert_eq!(status["claimed"][0]["by"], "bob", "{status}");
}

#[test]
fn done_releases_the_claim_on_the_remote_and_renewing_extends_it_there() {
    let team = Team::new(3);
    let (a, b) = (team.clone_as("a"), team.clone_as("b"));
    baton(&a, T0, &["claim", "T2", "--by", "alice", "--ttl", "30m"]).success();
    let later = "2026-01-21T09:50:00Z";
    let renewed = baton(
        &a,
        later,
        &["claim", "--renew", "--by", "alice", "--ttl", "30m"],
    );
    renewed.success();
    let seen = baton(&b, later, &["status", "--json"]).success().json();
    assert_eq!(
        seen["claimed"][0]["expires"], "2026-01-21T10:20:00Z",
        "{seen}"
    );
    // Finishing someone else's task is refused in the other clone.
    let refused = baton(&b, later, &["done", "T2", "--by", "bob"]);
    assert_eq!(refused.code, 4, "{}", refused.transcript());
    baton(&a, later, &["done", "T2", "--by", "alice"]).success();
    assert!(
        team.remote_claims().is_empty(),
        "{:?}",
        team.remote_claims()
    );
}

#[test]
fn an_expired_claim_is_taken_over_from_another_clone() {
    let team = Team::new(3);
    let (a, b) = (team.clone_as("a"), team.clone_as("b"));
    baton(&a, T0, &["claim", "T3", "--by", "alice", "--ttl", "45m"]).success();
    let early = baton(&b, "2026-01-21T10:00:00Z", &["claim", "T3", "--by", "bob"]);
    assert_eq!(early.code, 4, "{}", early.transcript());
    let late = "2026-01-21T10:20:00Z";
    let status = baton(&b, late, &["status", "--json"]).success().json();
    assert_eq!(status["claimed"][0]["stale"], true, "{status}");
    let took = baton(&b, late, &["claim", "T3", "--by", "bob"]);
    took.success();
    assert!(
        took.stderr.contains("taken over from alice"),
        "{}",
        took.stderr
    );
    let status = baton(&a, late, &["status", "--json"]).success().json();
    assert_eq!(status["claimed"][0]["by"], "bob", "{status}");
    assert_eq!(status["claimed"][0]["stale"], false, "{status}");
}

#[test]
fn two_plans_in_one_repository_do_not_share_claims() {
    let team = Team::with_files(&[
        ("plan.md", big_plan(1)),
        ("docs/plan.md", big_plan(1)),
        ("baton.toml", "claims = \"git\"\n".to_string()),
        ("docs/baton.toml", "claims = \"git\"\n".to_string()),
    ]);
    let a = team.clone_as("a");
    baton(&a, T0, &["claim", "T1", "--by", "alice"]).success();
    baton(
        &a,
        T0,
        &["--plan", "docs/plan.md", "claim", "T1", "--by", "bob"],
    )
    .success();
    assert_eq!(
        team.remote_claims(),
        [
            "refs/baton/claims/docs%2Fplan.md/T1",
            "refs/baton/claims/plan.md/T1"
        ]
    );
}

#[test]
fn sixteen_clones_racing_for_one_task_leave_exactly_one_winner_every_time() {
    let races = races();
    let team = Team::new(races);
    let clones: Vec<PathBuf> = (0..16).map(|i| team.clone_as(&format!("c{i}"))).collect();
    for r in 1..=races {
        let task = format!("T{r}");
        let runs = race(&team, &clones, T0, &|i| {
            vec!["claim".into(), task.clone(), "--by".into(), format!("s{i}")]
        });
        let winners: Vec<usize> = (0..runs.len()).filter(|&i| runs[i].code == 0).collect();
        assert_eq!(winners.len(), 1, "race {r}: {}", transcripts(&runs));
        for (i, run) in runs.iter().enumerate() {
            if i != winners[0] {
                assert_eq!(run.code, 4, "race {r}, s{i}:\n{}", run.transcript());
            }
        }
        let status = baton(&clones[0], T0, &["status", "--json"]).json();
        let holder = status["claimed"]
            .as_array()
            .expect("claimed")
            .iter()
            .find(|c| c["id"] == task.as_str())
            .map(|c| c["by"].clone());
        assert_eq!(holder, Some(format!("s{}", winners[0]).into()), "race {r}");
    }
}

#[test]
fn sixteen_clones_racing_to_take_over_an_expired_claim_leave_exactly_one_winner() {
    let races = races() / 5;
    let team = Team::new(races);
    let clones: Vec<PathBuf> = (0..16).map(|i| team.clone_as(&format!("c{i}"))).collect();
    let late = "2026-01-21T12:00:00Z";
    for r in 1..=races {
        let task = format!("T{r}");
        baton(
            &clones[0],
            T0,
            &["claim", &task, "--by", "old", "--ttl", "1h"],
        )
        .success();
        let runs = race(&team, &clones, late, &|i| {
            vec!["claim".into(), task.clone(), "--by".into(), format!("s{i}")]
        });
        let winners: Vec<&Run> = runs.iter().filter(|r| r.code == 0).collect();
        assert_eq!(winners.len(), 1, "race {r}: {}", transcripts(&runs));
        assert!(
            winners[0].stderr.contains("taken over from old"),
            "{}",
            winners[0].stderr
        );
        assert!(
            runs.iter().all(|r| r.code == 0 || r.code == 4),
            "{}",
            transcripts(&runs)
        );
    }
}

fn transcripts(runs: &[Run]) -> String {
    runs.iter()
        .map(Run::transcript)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_remote_that_refuses_claim_refs_is_a_clear_error_and_nothing_is_claimed() {
    let team = Team::new(1);
    let hook = team.remote().join("hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\nwhile read old new ref; do\n  case \"$ref\" in refs/baton/*) echo \"no baton refs here\" >&2; exit 1;; esac\ndone\n",
    )
    .expect("hook");
    Command::new("chmod")
        .arg("+x")
        .arg(&hook)
        .status()
        .expect("chmod");
    let a = team.clone_as("a");
    let refused = baton(&a, T0, &["claim", "T1", "--by", "alice"]);
    assert_eq!(refused.code, 3, "{}", refused.transcript());
    assert!(
        refused
            .stderr
            .contains("the git remote `origin` refused the claim ref refs/baton/claims/plan.md/T1"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("pre-receive hook declined"),
        "{}",
        refused.stderr
    );
    let status = baton(&a, T0, &["status", "--json"]).success().json();
    assert_eq!(status["claimed"], serde_json::json!([]), "{status}");
}

#[test]
fn an_unreachable_remote_is_an_error_never_a_local_claim() {
    let team = Team::new(1);
    let a = team.clone_as("a");
    git(
        &a,
        &["remote", "set-url", "origin", "/nonexistent/remote.git"],
    );
    for args in [
        &["claim", "T1", "--by", "alice"][..],
        &["status"],
        &["next"],
        &["list"],
    ] {
        let run = baton(&a, T0, args);
        assert_eq!(run.code, 5, "{args:?}\n{}", run.transcript());
        assert!(
            run.stderr
                .contains("cannot read the claims on the git remote `origin`"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("/nonexistent/remote.git"),
            "{}",
            run.stderr
        );
    }
    // claims_remote names another remote, which works.
    git(
        &a,
        &[
            "remote",
            "add",
            "team",
            team.remote().to_str().expect("utf-8"),
        ],
    );
    std::fs::write(
        a.join("baton.toml"),
        "claims = \"git\"\nclaims_remote = \"team\"\n",
    )
    .expect("write");
    baton(&a, T0, &["claim", "T1", "--by", "alice"]).success();
    assert_eq!(team.remote_claims(), ["refs/baton/claims/plan.md/T1"]);
}

#[test]
fn an_unknown_backend_is_refused_from_the_environment_and_from_baton_toml() {
    let team = Team::new(1);
    let a = team.clone_as("a");
    let env = Run::from(
        baton_command(&a, T0, &["claim", "T1", "--by", "alice"])
            .env("BATON_CLAIMS", "gti")
            .output()
            .expect("run"),
    );
    assert_eq!(env.code, 2, "{}", env.transcript());
    assert!(env.stderr.contains("BATON_CLAIMS=gti"), "{}", env.stderr);
    std::fs::write(
        a.join("baton.toml"),
        "# team settings\nclaims = \"sqlite\"\n",
    )
    .expect("write");
    let file = baton(&a, T0, &["status"]);
    assert_eq!(file.code, 3, "{}", file.transcript());
    assert!(
        file.stderr
            .contains("baton.toml:2:10: `claims` cannot be \"sqlite\""),
        "{}",
        file.stderr
    );
    // The environment wins over the file: local claims, nothing on the remote.
    std::fs::write(a.join("baton.toml"), "claims = \"git\"\n").expect("write");
    let local = Run::from(
        baton_command(&a, T0, &["claim", "T1", "--by", "alice"])
            .env("BATON_CLAIMS", "local")
            .output()
            .expect("run"),
    );
    local.success();
    assert!(team.remote_claims().is_empty());
}
