//! Sessions as batch jobs of a Slurm cluster (`baton run --executor slurm`).
//!
//! A session becomes one job: `sbatch` runs a two-line script that `exec`s the agent's argv,
//! passed to it as arguments (the argv never goes through a shell's parsing: `"$@"` hands
//! each argument over as it is), in the session's worktree (`--chdir`), with the session's
//! environment (sbatch exports its own environment to the job, and baton sets the session's
//! variables on sbatch), its output appended to the session's log, and a time limit from the
//! agent's `timeout`. baton then follows the job with `squeue` until it leaves the running
//! states, reads how it ended from `scontrol show job` (or `sacct` once the controller has
//! forgotten it), and maps that to the exit a local process would have had. On Ctrl-C or
//! the timeout it runs `scancel` and waits for the job to end; a handle dropped before its
//! job ended cancels it too, so no job outlives the run that started it.
//!
//! The worktree must be on a path every node sees (a shared file system): the job runs there
//! and the gate reads the branch it leaves. Slurm's own client commands find the cluster as
//! they always do (`SLURM_CONF`, `/etc/slurm/slurm.conf`).

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::{Exit, Finished, Output, Spec, Supervisor};

use super::executor::{Executor, StartError, Started, failed};

/// Where the job script is written, inside the session's worktree (git ignores the folder).
pub const JOB_SCRIPT: &str = ".baton/run/job.sh";

/// The script every job runs: the agent's argv, as the arguments it was given.
const SCRIPT: &str =
    "#!/bin/sh\n# baton: runs the session's agent, argv as given to sbatch.\nexec \"$@\"\n";

/// How long a cancelled job gets to leave the queue before baton stops waiting for it.
const CANCEL_WAIT: Duration = Duration::from_secs(30);

/// The Slurm executor.
#[derive(Debug)]
pub struct Slurm {
    supervisor: Supervisor,
    partition: Option<String>,
}

impl Slurm {
    pub fn new(supervisor: Supervisor, partition: Option<String>) -> Slurm {
        Slurm {
            supervisor,
            partition,
        }
    }
}

impl Executor for Slurm {
    fn start(&self, spec: &Spec, name: &str) -> Result<Box<dyn Started>, StartError> {
        if self.supervisor.is_cancelled() {
            return Err(StartError::Cancelled);
        }
        let script = spec.cwd.join(JOB_SCRIPT);
        script
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&script, SCRIPT))
            .map_err(|e| StartError::Failed(format!("cannot write {}: {e}", script.display())))?;
        let args = sbatch_args(spec, name, self.partition.as_deref(), &script);
        let mut sbatch = client("sbatch");
        sbatch.args(&args);
        for (k, v) in &spec.env {
            sbatch.env(k, v);
        }
        let out = sbatch.output().map_err(|e| {
            StartError::Failed(format!("cannot run sbatch (is Slurm installed?): {e}"))
        })?;
        if !out.status.success() {
            return Err(StartError::Failed(format!(
                "sbatch refused the job: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let id = text
            .trim()
            .split(';')
            .next()
            .and_then(|id| id.parse::<u32>().ok())
            .ok_or_else(|| StartError::Failed(format!("sbatch printed no job id: {text:?}")))?;
        super::slurm_watch::follow(id);
        Ok(Box::new(Job {
            id,
            supervisor: self.supervisor.clone(),
            started: Instant::now(),
            ended: false,
        }))
    }
}

/// sbatch's arguments for a session: options, the job script, then the agent's argv.
fn sbatch_args(spec: &Spec, name: &str, partition: Option<&str>, script: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "--parsable".into(),
        format!("--job-name={name}").into(),
        "--nodes=1".into(),
        "--ntasks=1".into(),
        "--no-requeue".into(),
        "--export=ALL".into(),
        "--open-mode=append".into(),
    ];
    let mut chdir = OsString::from("--chdir=");
    chdir.push(&spec.cwd);
    args.push(chdir);
    let log = match &spec.output {
        Output::File(path) => escape_pattern(path),
        _ => OsString::from("/dev/null"),
    };
    let mut output = OsString::from("--output=");
    output.push(log);
    args.push(output);
    if let Some(partition) = partition {
        args.push(format!("--partition={partition}").into());
    }
    args.push(script.as_os_str().to_owned());
    args.push(spec.program.clone());
    args.extend(spec.args.iter().cloned());
    args
}

/// sbatch reads `%j`, `%u`... in `--output` as patterns: a literal `%` is `%%`.
fn escape_pattern(path: &Path) -> OsString {
    OsString::from(path.to_string_lossy().replace('%', "%%"))
}

/// Cancels every job of run `run` still in the queue (jobs are named `baton-run-<run>-...`):
/// what a baton killed with `kill -9` left running. Best effort: without Slurm, nothing.
pub fn cancel_run_jobs(run: i64) {
    let Ok(out) = client("squeue")
        .args(["-h", "-o", "%i %j"])
        .stderr(Stdio::null())
        .output()
    else {
        return;
    };
    let prefix = format!("baton-run-{run}-");
    let ids: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter(|(_, name)| name.starts_with(&prefix))
        .map(|(id, _)| id.to_string())
        .collect();
    if !ids.is_empty() {
        let _ = client("scancel")
            .args(&ids)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A Slurm client command: its own process group, stdin closed.
pub(super) fn client(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.stdin(Stdio::null());
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    cmd
}

/// A submitted job.
#[derive(Debug)]
struct Job {
    id: u32,
    supervisor: Supervisor,
    started: Instant,
    /// Known to have left the running states (or given up on).
    ended: bool,
}

/// How a job ended, as Slurm says it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct End {
    state: String,
    /// `ExitCode=code:signal`.
    code: i32,
    signal: i32,
}

impl Started for Job {
    fn id(&self) -> u32 {
        self.id
    }

    fn wait(mut self: Box<Self>, timeout: Option<Duration>) -> Finished {
        loop {
            if let Some(why) = self.supervisor.cancellation() {
                let _ = why;
                self.cancel();
                return self.finished(Exit::Cancelled);
            }
            if timeout.is_some_and(|t| self.started.elapsed() >= t) {
                self.cancel();
                return self.finished(Exit::TimedOut);
            }
            // The run's one poller reads every job's state (src/run/slurm_watch.rs); short
            // waits, so Ctrl-C is seen within a twentieth of a second.
            match super::slurm_watch::next_state(self.id, Duration::from_millis(50)) {
                Some(state) if is_live(&state) => {}
                _ => break,
            }
        }
        self.ended = true;
        super::slurm_watch::forget(self.id);
        match end_of(self.id) {
            Some(end) => {
                let exit = exit_of(&end);
                self.finished(exit)
            }
            None => failed(
                format!("Slurm no longer knows job {} (scontrol, sacct)", self.id),
                self.started.elapsed(),
            ),
        }
    }
}

impl Job {
    /// `scancel`, then waits (at most [`CANCEL_WAIT`]) for the job to leave the queue.
    fn cancel(&mut self) {
        super::slurm_watch::forget(self.id);
        let _ = client("scancel")
            .arg(self.id.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + CANCEL_WAIT;
        while Instant::now() < deadline {
            // Asked directly: the run's poller no longer follows a cancelled job.
            match super::slurm_watch::squeue(&[self.id]).remove(&self.id) {
                Some(state) if is_live(&state) => std::thread::sleep(Duration::from_millis(100)),
                _ => break,
            }
        }
        self.ended = true;
    }

    fn finished(&self, exit: Exit) -> Finished {
        Finished {
            exit,
            duration: self.started.elapsed(),
            output: Default::default(),
        }
    }
}

impl Drop for Job {
    /// A job nobody waits for any more is cancelled: it never outlives its run.
    fn drop(&mut self) {
        if !self.ended {
            self.cancel();
        }
    }
}

/// States of a job that has not ended.
fn is_live(state: &str) -> bool {
    matches!(
        state,
        "PENDING"
            | "CONFIGURING"
            | "RUNNING"
            | "COMPLETING"
            | "SUSPENDED"
            | "REQUEUED"
            | "REQUEUE_HOLD"
            | "REQUEUE_FED"
            | "RESIZING"
            | "SIGNALING"
            | "STAGE_OUT"
            | "STOPPED"
            | "RESV_DEL_HOLD"
    )
}

/// How the job ended: from the controller (`scontrol show job`), else from accounting
/// (`sacct`).
fn end_of(id: u32) -> Option<End> {
    let scontrol = client("scontrol")
        .args(["show", "job", "-o"])
        .arg(id.to_string())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| parse_scontrol(&String::from_utf8_lossy(&o.stdout)));
    scontrol.or_else(|| {
        client("sacct")
            .args(["-n", "-P", "-X", "-o", "State,ExitCode", "-j"])
            .arg(id.to_string())
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| parse_sacct(&String::from_utf8_lossy(&o.stdout)))
    })
}

/// `JobState=FAILED ... ExitCode=3:0` from `scontrol show job -o`.
fn parse_scontrol(text: &str) -> Option<End> {
    let field = |key: &str| {
        text.split_whitespace()
            .find_map(|f| f.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
    };
    let state = field("JobState")?;
    let (code, signal) = parse_exit_code(field("ExitCode")?)?;
    Some(End {
        state: state.to_string(),
        code,
        signal,
    })
}

/// `FAILED|3:0` (or `CANCELLED by 0|0:15`) from `sacct -n -P -X -o State,ExitCode`.
fn parse_sacct(text: &str) -> Option<End> {
    let line = text.lines().next()?;
    let (state, exit) = line.split_once('|')?;
    let (code, signal) = parse_exit_code(exit.trim())?;
    Some(End {
        state: state.split_whitespace().next()?.to_string(),
        code,
        signal,
    })
}

fn parse_exit_code(text: &str) -> Option<(i32, i32)> {
    let (code, signal) = text.split_once(':')?;
    Some((code.parse().ok()?, signal.parse().ok()?))
}

/// The exit a local process would have had.
fn exit_of(end: &End) -> Exit {
    match end.state.as_str() {
        "COMPLETED" => Exit::Exited(end.code),
        "FAILED" if end.signal != 0 => Exit::Signaled(end.signal),
        "FAILED" => Exit::Exited(end.code),
        "TIMEOUT" | "DEADLINE" => Exit::TimedOut,
        _ => Exit::Killed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_argv_follows_the_script_as_arguments_and_percent_signs_are_escaped() {
        let spec = Spec::new("claude", "/w/t")
            .arg("-p")
            .arg("do it; rm -rf / $(x)")
            .output(Output::File("/logs/100%/s.log".into()));
        let args = sbatch_args(
            &spec,
            "baton-run-1-session-1",
            Some("gpu"),
            Path::new("/w/t/job.sh"),
        );
        let args: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let script = args
            .iter()
            .position(|a| a == "/w/t/job.sh")
            .expect("script");
        assert_eq!(args[script + 1..], ["claude", "-p", "do it; rm -rf / $(x)"]);
        assert!(args.contains(&"--chdir=/w/t".to_string()));
        assert!(args.contains(&"--output=/logs/100%%/s.log".to_string()));
        assert!(args.contains(&"--partition=gpu".to_string()));
        assert!(args.contains(&"--job-name=baton-run-1-session-1".to_string()));
    }

    #[test]
    fn slurm_ends_map_to_the_exits_of_a_local_process() {
        let end = parse_scontrol("JobId=7 JobName=x JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 RunTime=00:00:01")
            .expect("parsed");
        assert_eq!(exit_of(&end), Exit::Exited(3));
        let ok = parse_sacct("COMPLETED|0:0\n").expect("parsed");
        assert_eq!(exit_of(&ok), Exit::Exited(0));
        let killed = parse_sacct("FAILED|0:9\n").expect("parsed");
        assert_eq!(exit_of(&killed), Exit::Signaled(9));
        let cancelled = parse_sacct("CANCELLED by 0|0:15\n").expect("parsed");
        assert_eq!(cancelled.state, "CANCELLED");
        assert_eq!(exit_of(&cancelled), Exit::Killed);
        let timeout = parse_scontrol("JobState=TIMEOUT ExitCode=0:1").expect("parsed");
        assert_eq!(exit_of(&timeout), Exit::TimedOut);
        assert!(parse_scontrol("JobId=7").is_none());
        assert!(is_live("PENDING") && is_live("COMPLETING") && !is_live("COMPLETED"));
    }
}
