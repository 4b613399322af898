//! `baton dash` through a real terminal: tmux runs it, send-keys drive it, capture-pane shows
//! what a person sees (80×24 and 200×50), without a run and with a run in progress fed by a
//! fake agent; q, Ctrl-C and a hangup give the terminal back and end the process.
//!
//! Needs tmux: without it the terminal tests say so and pass without running, unless
//! `BATON_REQUIRE_TMUX` is set (as `.ci/run` does).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::harness::{BIN, Project};
use crate::run_fixture::FakeAgent;
use crate::run_view::{Tmux, shell_quote, tmux};

/// T1 is ticked but its file is missing (false-done by the static check); T2 open; T3 in a
/// later phase.
const PLAN: &str = "# Shop\n\n## Phase 1: Build\n\n\
- [x] T1 Write the cart\n  - files: src/cart.txt\n\
- [ ] T2 Write the prices\n  - files: src/prices.txt\n\
\n## Phase 2: Ship\n\n- [ ] T3 Ship it\n  - after: T2\n";

/// `baton dash` in a tmux pane of `width`×`height`, in `dir`; the pane's shell says how it
/// exited and stays. The dashboard's pid is written to `pidfile`.
struct Dash {
    tmux: Tmux,
    pidfile: std::path::PathBuf,
}

impl Dash {
    fn start(dir: &Path, outside: &Path, width: u16, height: u16) -> Dash {
        let pidfile = outside.join("dash.pid");
        let wrapper = outside.join("dash.sh");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\ncd {dir}\nexport HOME={dir} NO_COLOR=1 BATON_NOW=2026-01-21T09:30:00Z\n\
                 sh -c 'echo $$ > \"$1\"; exec \"$2\" dash' _ {pid} {bin}\n\
                 echo \"dash exited $?\"\nsleep 600\n",
                dir = shell_quote(dir),
                pid = shell_quote(&pidfile),
                bin = shell_quote(Path::new(BIN)),
            ),
        )
        .expect("wrapper");
        let tmux = Tmux {
            socket: outside.join("tmux.sock"),
        };
        let (w, h) = (width.to_string(), height.to_string());
        let started = tmux.command(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "run",
            "-x",
            &w,
            "-y",
            &h,
            "sh",
            &wrapper.display().to_string(),
        ]);
        assert!(
            started.status.success(),
            "{}",
            String::from_utf8_lossy(&started.stderr)
        );
        Dash { tmux, pidfile }
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.tmux.command(&["send-keys", "-t", "run", key]);
            // An Escape followed at once by another key reads as Alt+key.
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        self.tmux.wait_for(what, done)
    }

    fn pid(&self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(pid) = std::fs::read_to_string(&self.pidfile)
                .ok()
                .and_then(|t| t.trim().parse().ok())
            {
                return pid;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "no pid file");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn alternate_screen(&self) -> bool {
        let out = self
            .tmux
            .command(&["display-message", "-p", "-t", "run", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }
}

/// Waits (at most 10 s) for process `pid` to be gone (or a zombie nobody reaped).
fn gone(pid: u32) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(stat)
                if stat
                    .rsplit_once(')')
                    .is_some_and(|(_, r)| r.trim_start().starts_with('Z')) =>
            {
                return true;
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    false
}

fn plan_repo() -> (Project, tempfile::TempDir) {
    let p = Project::new();
    p.git_init();
    p.write("plan.md", PLAN);
    p.git(&["add", "-A"]).git(&["commit", "-q", "-m", "plan"]);
    (p, tempfile::tempdir().expect("tmp"))
}

#[test]
fn off_a_terminal_dash_is_a_usage_error() {
    let (p, _outside) = plan_repo();
    let run = p.run(&["dash"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("terminal"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "no escape codes: {:?}", run.stdout);
}

#[test]
fn without_a_run_it_shows_plan_claims_and_findings_follows_changes_and_quits_on_q() {
    if tmux().is_none() {
        return;
    }
    let (p, outside) = plan_repo();
    let claim = p
        .command(&["claim", "T2"])
        .env("BATON_SESSION", "ann")
        .output();
    assert!(claim.expect("claim").status.success());
    let dash = Dash::start(p.dir.path(), outside.path(), 80, 24);
    let first = dash.wait_for("the dashboard", |pane| pane.contains("Findings (1)"));
    assert!(dash.alternate_screen());
    insta::assert_snapshot!("dash_no_run_80x24", first);

    // The evidence, one key away.
    dash.keys(&["Tab", "Enter"]);
    let detail = dash.wait_for("the detail pane", |pane| pane.contains("Evidence:"));
    assert!(detail.contains("`src/cart.txt` does not exist"), "{detail}");
    assert!(detail.contains("from static check"), "{detail}");
    dash.keys(&["Escape", "Tab"]);
    dash.wait_for("the detail pane closed", |pane| !pane.contains("Evidence:"));

    // A claim made elsewhere shows up, through the state database's notification.
    let claim = p
        .command(&["release", "T2"])
        .env("BATON_SESSION", "ann")
        .output();
    assert!(claim.expect("release").status.success());
    let moved = dash.wait_for("ann's claim gone", |pane| !pane.contains("ann"));
    assert!(moved.contains("no run"), "{moved}");

    let pid = dash.pid();
    dash.keys(&["q"]);
    let after = dash.wait_for("the shell again", |pane| pane.contains("dash exited"));
    assert!(after.contains("dash exited 0"), "{after}");
    assert!(
        !after.contains("Phases"),
        "the alternate screen is left:\n{after}"
    );
    assert!(!dash.alternate_screen());
    assert!(gone(pid), "dash (pid {pid}) still runs");
}

#[test]
fn a_hangup_ends_it() {
    if tmux().is_none() {
        return;
    }
    let (p, outside) = plan_repo();
    let dash = Dash::start(p.dir.path(), outside.path(), 80, 24);
    dash.wait_for("the dashboard", |pane| pane.contains("Phases"));
    let pid = dash.pid();
    dash.tmux.command(&["kill-session", "-t", "run"]);
    assert!(gone(pid), "dash (pid {pid}) survived its terminal");
}

/// Says it runs a Bash command, sleeps `$PAUSE` seconds, then does T1 for real.
const AGENT: &str = r#"#!/bin/sh
echo '{"type":"system","subtype":"init","session_id":"s"}'
echo '{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"make cart"}}],"usage":{"input_tokens":1200,"output_tokens":34}}}'
sleep "$PAUSE"
g() { git -c user.email=a@example.com -c user.name=agent "$@"; }
mkdir -p src; echo real > src/a.txt
g add -A
"$BATON" done T1 --force >/dev/null 2>&1
g add -A
g commit -qm "work on $BATON_TASKS"
echo '{"type":"result","subtype":"success","is_error":false,"total_cost_usd":0.02,"usage":{"input_tokens":2000,"output_tokens":50}}'
"#;

const RUN_PLAN: &str = "# Demo\n\n## Phase 1: Build\n\n\
- [ ] T1 Write a\n  - files: src/a.txt\n  - verify: grep -q real src/a.txt\n";

#[test]
fn a_run_in_progress_shows_its_session_live_at_200x50_and_ctrl_c_quits() {
    if tmux().is_none() {
        return;
    }
    let s = FakeAgent::new(AGENT)
        .agent_line("stream = \"claude\"")
        .env("PAUSE", "8")
        .plan(RUN_PLAN)
        .build();
    let (mut run, _) = s.start_until(&["run", "--json"], |e| {
        e["event"] == "session_activity" && e["last_tool"] == "Bash: make cart"
    });
    let dash = Dash::start(s.project.dir.path(), s.outside.path(), 200, 50);
    let live = dash.wait_for("the running session", |pane| {
        pane.lines().any(|l| {
            l.contains("session-1") && l.contains("running") && l.contains("Bash: make cart")
        })
    });
    assert!(live.contains("run 1 phase 1 running"), "{live}");
    let row = live
        .lines()
        .find(|l| l.contains("session-1") && l.contains("running"))
        .unwrap_or_default();
    assert!(row.contains("fake"), "the agent: {row}");
    assert!(row.contains("T1 Write a"), "the current task: {row}");
    assert!(row.contains("1.2k"), "tokens: {row}");
    assert!(
        live.contains("Log: session-1") && live.contains(r#""subtype":"init""#),
        "the log tail of the selected session:\n{live}"
    );

    // The run ends while the dashboard watches: the session merges.
    let merged = dash.wait_for("the run's end", |pane| pane.contains("finished (success)"));
    assert!(
        merged
            .lines()
            .any(|l| l.contains("session-1") && l.contains("merged")),
        "{merged}"
    );
    assert!(run.wait().expect("run").success());
    insta::assert_snapshot!("dash_run_finished_200x50", merged);

    let pid = dash.pid();
    dash.keys(&["C-c"]);
    let after = dash.wait_for("the shell again", |pane| pane.contains("dash exited"));
    assert!(after.contains("dash exited 0"), "{after}");
    assert!(!dash.alternate_screen());
    assert!(gone(pid), "dash (pid {pid}) still runs");
}
