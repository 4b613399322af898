//! An agent session's command line and environment, from `[agents.NAME]` in baton.toml.
//! Placeholders are expanded inside each argument, never through a shell: a brief or a task
//! title reaches the agent as one argument, whatever it holds.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::AgentConfig;
use crate::process::{Output, Spec};

/// What one session is: the values its placeholders and environment take.
#[derive(Debug, Clone)]
pub struct Session<'a> {
    pub run: i64,
    /// `session-1`.
    pub name: &'a str,
    /// Its task ids, in order.
    pub tasks: &'a [String],
    pub worktree: &'a Path,
    /// The plan inside the worktree.
    pub plan: &'a Path,
    pub prompt_file: &'a Path,
    /// The prompt's text, for `{prompt}`.
    pub prompt: &'a str,
}

/// Who owns a session's claims: the run and the session, so two runs never share a name.
pub fn owner(run: i64, session: &str) -> String {
    format!("run-{run}/{session}")
}

/// `argv` with `{prompt}`, `{prompt_file}`, `{worktree}`, `{session}`, `{tasks}`,
/// `{git_dir}` and `{git_common_dir}` replaced in each argument ([`presets::expand`](super::presets::expand)). `{{` and `}}`
/// stand for literal braces.
pub fn expand(argv: &[String], s: &Session<'_>) -> Vec<String> {
    let (git_dir, common) = if argv.iter().any(|a| a.contains("{git_")) {
        git_dirs(s.worktree)
    } else {
        (PathBuf::new(), PathBuf::new())
    };
    let values = super::presets::Placeholders {
        prompt: s.prompt.to_string(),
        prompt_file: s.prompt_file.to_string_lossy().into_owned(),
        worktree: s.worktree.to_string_lossy().into_owned(),
        session: owner(s.run, s.name),
        tasks: s.tasks.join(" "),
        git_dir: git_dir.to_string_lossy().into_owned(),
        git_common_dir: common.to_string_lossy().into_owned(),
    };
    super::presets::expand(argv, &values)
}

/// The worktree's own git dir and the repository's common one, for `{git_dir}` and
/// `{git_common_dir}`. A worktree not made yet (`--dry-run`) gets the dir git will give it,
/// `<common>/worktrees/<its folder's name>`.
fn git_dirs(worktree: &Path) -> (PathBuf, PathBuf) {
    match crate::repo::discover(worktree) {
        Some(loc)
            if worktree
                .canonicalize()
                .is_ok_and(|w| w == loc.worktree_root) =>
        {
            (loc.git_dir, loc.common_dir)
        }
        Some(loc) => {
            let name = worktree.file_name().unwrap_or_default();
            (loc.common_dir.join("worktrees").join(name), loc.common_dir)
        }
        None => (worktree.join(".git"), worktree.join(".git")),
    }
}

/// The environment every session gets beside the agent's own `env`.
pub fn environment(s: &Session<'_>) -> Vec<(String, String)> {
    vec![
        ("BATON_SESSION".into(), owner(s.run, s.name)),
        ("BATON_RUN".into(), s.run.to_string()),
        ("BATON_TASKS".into(), s.tasks.join(" ")),
        (
            "BATON_WORKTREE".into(),
            s.worktree.to_string_lossy().into_owned(),
        ),
        ("BATON_PLAN".into(), s.plan.to_string_lossy().into_owned()),
    ]
}

/// The process to start for a session: its expanded argv in its worktree, stdin closed,
/// output appended to `log`.
pub fn spec(agent: &AgentConfig, s: &Session<'_>, log: PathBuf) -> Spec {
    let argv = expand(&agent.argv, s);
    let mut spec = Spec::new(&argv[0], s.worktree).output(Output::File(log));
    for arg in &argv[1..] {
        spec = spec.arg(arg);
    }
    for (k, v) in agent.env.iter().cloned().chain(environment(s)) {
        spec = spec.env(k, v);
    }
    spec.grace(Duration::from_secs(5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_expand_inside_arguments_and_nothing_else_does() {
        let tasks = vec!["T1".to_string(), "T2".to_string()];
        let s = Session {
            run: 3,
            name: "session-1",
            tasks: &tasks,
            worktree: Path::new("/w"),
            plan: Path::new("/w/plan.md"),
            prompt_file: Path::new("/w/.baton/prompt.md"),
            prompt: "do it; rm -rf / $(x)",
        };
        let argv: Vec<String> = [
            "agent",
            "--file={prompt_file}",
            "{prompt}",
            "{session}:{tasks}",
            "{{literal}} {unknown} }",
            "{worktree}",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            expand(&argv, &s),
            [
                "agent",
                "--file=/w/.baton/prompt.md",
                "do it; rm -rf / $(x)",
                "run-3/session-1:T1 T2",
                "{literal} {unknown} }",
                "/w",
            ]
        );
        let env = environment(&s);
        assert!(env.contains(&("BATON_TASKS".into(), "T1 T2".into())));
        assert!(env.contains(&("BATON_SESSION".into(), "run-3/session-1".into())));
    }
}
