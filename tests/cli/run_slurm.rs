//! `baton run --executor slurm` on a real one-node Slurm cluster (Debian's slurm-wlm and
//! munge), started by the test on loopback by `tests/support/slurm-cluster.sh` with its
//! config, spool, state and munge key in a temp dir, and stopped when the test ends. Each
//! session is a batch job; the fake agents log the job they ran in.
//!
//! Without Slurm (or without root, which slurmd needs to start jobs) the tests say they
//! skipped, unless `BATON_REQUIRE_SLURM` is set (as `.ci/run` does): then they fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::harness::Run;
use crate::run_fixture::{FakeAgent, RunRepo, json_lines};

/// One cluster at a time: they would share the node's name.
static CLUSTER: Mutex<()> = Mutex::new(());

/// A running one-node cluster, stopped when dropped.
struct Cluster {
    dir: tempfile::TempDir,
    conf: PathBuf,
    _one: std::sync::MutexGuard<'static, ()>,
}

impl Cluster {
    /// Starts a cluster, or None (skipped) unless `BATON_REQUIRE_SLURM` is set.
    #[allow(clippy::print_stderr)]
    fn start() -> Option<Cluster> {
        let missing = ["slurmctld", "slurmd", "munged", "sbatch"]
            .into_iter()
            .find(|p| {
                !Path::new("/usr/sbin").join(p).exists() && !Path::new("/usr/bin").join(p).exists()
            });
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout == b"0\n");
        let why = match (missing, root) {
            (Some(p), _) => format!("{p} is not installed"),
            (None, false) => "slurmd needs root to start jobs".to_string(),
            (None, true) => String::new(),
        };
        if !why.is_empty() {
            assert!(
                std::env::var_os("BATON_REQUIRE_SLURM").is_none(),
                "Slurm is required (BATON_REQUIRE_SLURM is set): {why}"
            );
            eprintln!("SKIPPED Slurm test: {why}");
            return None;
        }
        let one = CLUSTER
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir = tempfile::tempdir().expect("tmp");
        let out = Command::new("bash")
            .arg(script())
            .arg("start")
            .arg(dir.path())
            .output()
            .expect("start the cluster");
        assert!(
            out.status.success(),
            "the cluster did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(Cluster {
            conf: dir.path().join("slurm.conf"),
            dir,
            _one: one,
        })
    }

    /// A Slurm client command against this cluster.
    fn client(&self, program: &str, args: &[&str]) -> String {
        let out = Command::new(program)
            .args(args)
            .env("SLURM_CONF", &self.conf)
            .output()
            .expect("slurm client");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Every job the controller still lists, any state: `id name state` lines.
    fn jobs(&self) -> Vec<String> {
        self.client("squeue", &["-h", "-t", "all", "-o", "%i %j %T"])
            .lines()
            .map(String::from)
            .collect()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/slurm-cluster.sh")
}

/// Three independent lanes in phase 1.
const PLAN: &str = "# Jobs\n\n## Phase 1: Build\n\n\
- [ ] T1 Write a\n  - files: src/a.txt\n  - verify: grep -q real src/a.txt\n\
- [ ] T2 Write b\n  - files: src/b.txt\n  - verify: grep -q real src/b.txt\n\
- [ ] T3 Write c\n  - files: src/c.txt\n  - verify: grep -q real src/c.txt\n";

/// Logs the job it runs in, then does its tasks (or, with MODE=wait, marks that it started
/// and sleeps).
const AGENT: &str = r#"#!/bin/sh
g() { git -c user.email=a@example.com -c user.name=agent "$@"; }
echo "job=$SLURM_JOB_ID|session=$BATON_SESSION|tasks=$BATON_TASKS|pid=$$" >> "$RUNS_LOG"
if [ "$MODE" = wait ]; then
  touch "$RUNS_LOG.$SLURM_JOB_ID"
  sleep 120
fi
for t in $BATON_TASKS; do
  case $t in T1) f=src/a.txt;; T2) f=src/b.txt;; T3) f=src/c.txt;; esac
  mkdir -p src && echo real > $f
  g add $f
  "$BATON" done "$t" >/dev/null 2>&1
done
g add -A src plan.md
g commit -qm "work on $BATON_TASKS"
"#;

const RUNS_LOG: &str = "runs.log";

fn setup(mode: &str) -> RunRepo {
    FakeAgent::new(AGENT)
        .env("MODE", mode)
        .env_outside("RUNS_LOG", RUNS_LOG)
        .toml_top("[run]\nexecutor = \"slurm\"\npool = 0")
        .plan(PLAN)
        .build()
}

/// `baton ARGS` in the repository, with the cluster's config in its environment.
fn baton(s: &RunRepo, c: &Cluster, args: &[&str]) -> Command {
    let mut cmd = s.project.command(args);
    cmd.env("SLURM_CONF", &c.conf);
    cmd
}

fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split('|')
        .find_map(|f| f.strip_prefix(&format!("{key}=")))
        .unwrap_or("")
}

#[test]
fn a_three_lane_phase_runs_as_three_jobs_and_merges() {
    let Some(c) = Cluster::start() else { return };
    let s = setup("honest");
    // Every squeue baton runs is logged (a shim first on PATH hands it on to Slurm's).
    let shims = s.outside_file("shims");
    std::fs::create_dir_all(&shims).expect("shims");
    let real = ["/usr/bin/squeue", "/usr/local/bin/squeue"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("squeue");
    let calls = s.outside_file("squeue.log");
    let shim = shims.join("squeue");
    std::fs::write(
        &shim,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec {real} \"$@\"\n",
            calls.display()
        ),
    )
    .expect("shim");
    std::fs::set_permissions(&shim, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let path = format!(
        "{}:{}",
        shims.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run: Run = baton(
        &s,
        &c,
        &["run", "--json", "--sessions", "3", "--retries", "0"],
    )
    .env("PATH", path)
    .output()
    .expect("baton run")
    .into();
    assert_eq!(run.code, 0, "{}", run.transcript());
    let plan = s.project.read_string("plan.md");
    for t in ["T1", "T2", "T3"] {
        assert!(plan.contains(&format!("- [x] {t}")), "{plan}");
    }
    let logged = s.log_lines(RUNS_LOG);
    assert_eq!(logged.len(), 3, "{logged:?}");
    let mut jobs: Vec<&str> = logged.iter().map(|l| field(l, "job")).collect();
    jobs.sort_unstable();
    jobs.dedup();
    assert_eq!(jobs.len(), 3, "each session its own job: {logged:?}");
    assert!(jobs.iter().all(|j| j.parse::<u32>().is_ok()), "{logged:?}");
    // The events name each session's job id; the controller names each job after the run.
    let events = json_lines(&run);
    let started: Vec<String> = events
        .iter()
        .filter(|e| e["event"] == "session_started")
        .map(|e| e["pid"].to_string())
        .collect();
    let mut started_sorted = started.clone();
    started_sorted.sort_unstable();
    assert_eq!(started_sorted, jobs, "{events:?}");
    let listed = c.jobs();
    for job in &jobs {
        let line = listed
            .iter()
            .find(|l| l.split(' ').next() == Some(job))
            .unwrap_or_else(|| panic!("job {job} in {listed:?}"));
        assert!(line.contains(" baton-run-1-session-"), "{line}");
        assert!(line.ends_with(" COMPLETED"), "{line}");
    }
    assert_eq!(
        events.iter().filter(|e| e["event"] == "merged").count(),
        3,
        "{}",
        run.stdout
    );
    // One poller follows every job: its squeue calls list the live jobs together.
    let polls: Vec<String> = std::fs::read_to_string(&calls)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("%i %T"))
        .map(String::from)
        .collect();
    assert!(!polls.is_empty(), "no squeue polls");
    assert!(
        polls
            .iter()
            .any(|l| l.rsplit(' ').next().is_some_and(|ids| ids.contains(','))),
        "no poll listed two jobs at once: {polls:?}"
    );
}

#[test]
fn a_cancelled_run_leaves_no_job_behind() {
    let Some(c) = Cluster::start() else { return };
    let s = setup("wait");
    let child = baton(
        &s,
        &c,
        &["run", "--json", "--sessions", "3", "--retries", "0"],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .expect("baton run");
    // Wait until all three jobs run their agents.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let marks = std::fs::read_dir(s.outside.path())
            .expect("outside")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("runs.log."))
            })
            .count();
        if marks == 3 {
            break;
        }
        assert!(Instant::now() < deadline, "jobs: {:?}", c.jobs());
        std::thread::sleep(Duration::from_millis(100));
    }
    let running: Vec<String> = c
        .jobs()
        .into_iter()
        .filter(|l| l.ends_with(" RUNNING"))
        .collect();
    assert_eq!(running.len(), 3, "{running:?}");
    let pids: Vec<String> = s
        .log_lines(RUNS_LOG)
        .iter()
        .map(|l| field(l, "pid").to_string())
        .collect();
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // No job is left running or pending, and the agents' processes are gone.
    let left: Vec<String> = c
        .jobs()
        .into_iter()
        .filter(|l| {
            !(l.ends_with(" CANCELLED") || l.ends_with(" COMPLETED") || l.ends_with(" FAILED"))
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(
        c.jobs()
            .iter()
            .filter(|l| l.ends_with(" CANCELLED"))
            .count(),
        3,
        "{:?}",
        c.jobs()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while pids.iter().any(|p| Path::new("/proc").join(p).exists()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    for pid in &pids {
        assert!(
            !Path::new("/proc").join(pid).exists(),
            "agent {pid} outlived the run"
        );
    }
}
