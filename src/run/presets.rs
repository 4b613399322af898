//! Built-in agent presets for `baton run`: how to start Claude Code, Codex, Gemini CLI and
//! aider headless on one session's brief, as plain data.
//!
//! A preset is an argv (never a shell line: plan text never passes through a shell) with
//! placeholders the engine fills in per session with [`expand`], the environment it adds,
//! and the format of the agent's output stream ([`StreamFormat`]) so that its tool calls,
//! tokens and cost can be followed. `[agents.NAME]` in `baton.toml` overrides or adds to
//! these; docs/run-agents.md lists the exact argv of each and why each flag is there.

use super::stream::StreamFormat;

/// One agent's command line and environment, with placeholders left unexpanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    pub name: &'static str,
    /// The program first, then its arguments; placeholders as written (see [`PLACEHOLDERS`]).
    pub argv: Vec<String>,
    /// Variables added to the session's environment (besides baton's own `BATON_*`).
    pub env: Vec<(String, String)>,
    /// What the agent writes on stdout.
    pub stream: StreamFormat,
}

/// The placeholders an argv may hold, in braces: `{prompt}` (the brief's text),
/// `{prompt_file}` (the path of the brief written into the worktree), `{worktree}` (the
/// session's worktree), `{session}` (its id), `{tasks}` (its task ids, space-separated),
/// `{git_dir}` (the worktree's own git dir, `<common>/worktrees/<name>`: its index and HEAD)
/// and `{git_common_dir}` (the repository's `.git`: objects and refs). A sandboxed agent
/// that commits needs both writable.
pub const PLACEHOLDERS: &[&str] = &[
    "prompt",
    "prompt_file",
    "worktree",
    "session",
    "tasks",
    "git_dir",
    "git_common_dir",
];

/// The values of the placeholders for one session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placeholders {
    pub prompt: String,
    pub prompt_file: String,
    pub worktree: String,
    pub session: String,
    pub tasks: String,
    pub git_dir: String,
    pub git_common_dir: String,
}

impl Placeholders {
    /// The value of the placeholder `name` (without braces); None for a name baton does not
    /// know.
    pub fn get(&self, name: &str) -> Option<&str> {
        match name {
            "prompt" => Some(&self.prompt),
            "prompt_file" => Some(&self.prompt_file),
            "worktree" => Some(&self.worktree),
            "session" => Some(&self.session),
            "tasks" => Some(&self.tasks),
            "git_dir" => Some(&self.git_dir),
            "git_common_dir" => Some(&self.git_common_dir),
            _ => None,
        }
    }
}

/// The names of the built-in presets.
pub fn names() -> &'static [&'static str] {
    &["claude", "codex", "gemini", "aider"]
}

/// The built-in preset called `name`.
pub fn preset(name: &str) -> Option<Preset> {
    let (name, argv, env, stream): (&'static str, &[&str], &[(&str, &str)], StreamFormat) =
        match name {
            // `-p` prints and exits; stream-json needs --verbose. In -p mode a tool call with
            // no allow rule is denied: acceptEdits lets it edit files inside its working
            // directory (the worktree, `.baton/worktrees/…`, never under `.git`, where Claude
            // Code refuses every edit) and no further; mcp__baton is baton's MCP tools
            // (claim, tick, decide); Bash runs builds, tests and commits. --allowedTools
            // takes a list, so it comes last and the prompt stays the positional after -p.
            "claude" => (
                "claude",
                &[
                    "claude",
                    "-p",
                    "{prompt}",
                    "--output-format",
                    "stream-json",
                    "--verbose",
                    "--permission-mode",
                    "acceptEdits",
                    "--allowedTools",
                    "mcp__baton,Bash",
                ],
                &[],
                StreamFormat::ClaudeStreamJson,
            ),
            // exec is headless; --json writes events as JSON lines. The default sandbox is
            // read-only: workspace-write lets commands write inside --cd (the worktree).
            // A session commits its work, and git writes outside the worktree: its index in
            // the worktree's git dir, objects and refs in the common one, both read-only
            // under workspace-write unless added (Codex 0.171 needs both). --trust loads
            // the worktree's .codex/config.toml, where baton's MCP server is (an untrusted
            // project's is skipped and the model gets no baton tools). `--` keeps a prompt
            // that starts with `-` from being read as a flag.
            "codex" => (
                "codex",
                &[
                    "codex",
                    "exec",
                    "--json",
                    "--trust",
                    "--sandbox",
                    "workspace-write",
                    "--cd",
                    "{worktree}",
                    "--add-dir",
                    "{git_dir}",
                    "--add-dir",
                    "{git_common_dir}",
                    "--",
                    "{prompt}",
                ],
                &[],
                StreamFormat::CodexJson,
            ),
            // -p runs headless; -o stream-json writes JSON lines. auto_edit approves file
            // edits without a prompt; shell commands still need approval, which a headless
            // run cannot give (yolo would allow them: see docs/run-agents.md). The worktree
            // is trusted so that its .gemini/settings.json (baton's MCP server) loads.
            "gemini" => (
                "gemini",
                &[
                    "gemini",
                    "-p",
                    "{prompt}",
                    "-o",
                    "stream-json",
                    "--approval-mode",
                    "auto_edit",
                ],
                &[("GEMINI_CLI_TRUST_WORKSPACE", "true")],
                StreamFormat::GeminiStreamJson,
            ),
            // No MCP and no stream: the message comes from the brief's file. aider commits
            // each edit itself (its default), which the gate needs: only a session's commits
            // merge. No update check or analytics in a run.
            "aider" => (
                "aider",
                &[
                    "aider",
                    "--message-file",
                    "{prompt_file}",
                    "--yes-always",
                    "--no-check-update",
                    "--no-analytics",
                ],
                &[],
                StreamFormat::None,
            ),
            _ => return None,
        };
    Some(Preset {
        name,
        argv: argv.iter().map(|a| (*a).to_string()).collect(),
        env: env
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect(),
        stream,
    })
}

/// Fills the placeholders of each argument. Every argument stays one argument: a value with
/// spaces, quotes or newlines is inserted as it is, and nothing is ever split or joined.
///
/// - `{name}` for a name in [`PLACEHOLDERS`] becomes its value; text around it stays
///   (`--cd={worktree}` gives `--cd=/path`).
/// - An unknown `{x}` is left as written.
/// - `{{` gives `{` and `}}` gives `}` (so `{{prompt}}` is the literal text `{prompt}`); a
///   lone `}` stays.
/// - Values are not scanned again: a brief that contains `{worktree}` keeps that text.
pub fn expand(argv: &[String], values: &Placeholders) -> Vec<String> {
    argv.iter().map(|arg| expand_one(arg, values)).collect()
}

fn expand_one(arg: &str, values: &Placeholders) -> String {
    let mut out = String::with_capacity(arg.len());
    let mut rest = arg;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{{") {
            out.push('{');
            rest = after;
        } else if let Some(after) = tail.strip_prefix("}}") {
            out.push('}');
            rest = after;
        } else if let Some(after) = tail.strip_prefix('{') {
            let value = after
                .split_once('}')
                .and_then(|(name, left)| values.get(name).map(|v| (v, left)));
            match value {
                Some((value, left)) => {
                    out.push_str(value);
                    rest = left;
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        } else {
            out.push('}');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values() -> Placeholders {
        Placeholders {
            prompt: "Do T1 and T2.\nThen \"stop\"; rm -rf / $(x)".to_string(),
            prompt_file: "/wt/s1/.baton/prompt.md".to_string(),
            worktree: "/wt/with space/s1".to_string(),
            session: "run-1-s1".to_string(),
            tasks: "T1 T2".to_string(),
            git_dir: "/repo/.git/worktrees/s1".to_string(),
            git_common_dir: "/repo/.git".to_string(),
        }
    }

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|a| (*a).to_string()).collect()
    }

    #[test]
    fn every_name_has_a_preset_named_after_it() {
        for name in names() {
            let p = preset(name).expect("a listed preset exists");
            assert_eq!(p.name, *name);
            assert_eq!(p.argv[0], *name, "the program is the agent's own binary");
        }
        assert_eq!(preset("cursor"), None);
        assert_eq!(preset(""), None);
    }

    #[test]
    fn claude_preset_is_headless_stream_json_with_baton_tools() {
        let p = preset("claude").expect("claude");
        assert_eq!(
            p.argv,
            strings(&[
                "claude",
                "-p",
                "{prompt}",
                "--output-format",
                "stream-json",
                "--verbose",
                "--permission-mode",
                "acceptEdits",
                "--allowedTools",
                "mcp__baton,Bash",
            ])
        );
        assert_eq!(p.stream, StreamFormat::ClaudeStreamJson);
        assert!(p.env.is_empty());
    }

    #[test]
    fn codex_preset_writes_only_in_its_worktree_and_takes_the_prompt_last() {
        let p = preset("codex").expect("codex");
        assert_eq!(&p.argv[..3], &strings(&["codex", "exec", "--json"])[..]);
        let sandbox = p
            .argv
            .iter()
            .position(|a| a == "--sandbox")
            .expect("sandbox");
        assert_eq!(p.argv[sandbox + 1], "workspace-write");
        let cd = p.argv.iter().position(|a| a == "--cd").expect("cd");
        assert_eq!(p.argv[cd + 1], "{worktree}");
        assert!(p.argv.contains(&"--trust".to_string()));
        // The session commits: its git dirs are writable, and nothing else outside it.
        let added: Vec<&String> = p
            .argv
            .windows(2)
            .filter(|w| w[0] == "--add-dir")
            .map(|w| &w[1])
            .collect();
        assert_eq!(added, ["{git_dir}", "{git_common_dir}"]);
        assert_eq!(
            &p.argv[p.argv.len() - 2..],
            &strings(&["--", "{prompt}"])[..]
        );
        assert_eq!(p.stream, StreamFormat::CodexJson);
    }

    #[test]
    fn gemini_and_aider_presets() {
        let g = preset("gemini").expect("gemini");
        assert_eq!(
            &g.argv[..5],
            &strings(&["gemini", "-p", "{prompt}", "-o", "stream-json"])[..]
        );
        assert!(!g.argv.iter().any(|a| a == "yolo"), "no blanket approval");
        assert_eq!(
            g.env,
            vec![("GEMINI_CLI_TRUST_WORKSPACE".to_string(), "true".to_string())]
        );
        let a = preset("aider").expect("aider");
        assert_eq!(
            a.argv,
            strings(&[
                "aider",
                "--message-file",
                "{prompt_file}",
                "--yes-always",
                "--no-check-update",
                "--no-analytics",
            ])
        );
        assert_eq!(a.stream, StreamFormat::None);
    }

    #[test]
    fn every_placeholder_in_a_preset_is_known() {
        for name in names() {
            let p = preset(name).expect("preset");
            let empty = Placeholders::default();
            for arg in expand(&p.argv, &empty) {
                assert!(!arg.contains('{'), "{name}: {arg} kept a placeholder");
            }
        }
        for name in PLACEHOLDERS {
            assert!(Placeholders::default().get(name).is_some());
        }
    }

    #[test]
    fn expansion_fills_values_inside_arguments() {
        let v = values();
        let argv = strings(&[
            "agent",
            "{prompt}",
            "--cd={worktree}",
            "s={session}/{tasks}!",
            "{prompt_file}",
        ]);
        assert_eq!(
            expand(&argv, &v),
            vec![
                "agent".to_string(),
                v.prompt.clone(),
                "--cd=/wt/with space/s1".to_string(),
                "s=run-1-s1/T1 T2!".to_string(),
                v.prompt_file.clone(),
            ]
        );
    }

    #[test]
    fn unknown_placeholders_and_escapes() {
        let v = values();
        let argv = strings(&[
            "{model}",
            "{{prompt}}",
            "{{{session}}}",
            "{",
            "}",
            "a}b{",
            "{prompt",
            "{}",
            "{\"json\": {{\"x\": 1}}}",
        ]);
        assert_eq!(
            expand(&argv, &v),
            strings(&[
                "{model}",
                "{prompt}",
                "{run-1-s1}",
                "{",
                "}",
                "a}b{",
                "{prompt",
                "{}",
                "{\"json\": {\"x\": 1}}",
            ])
        );
    }

    #[test]
    fn values_are_not_expanded_again() {
        let v = Placeholders {
            prompt: "see {worktree} and {{".to_string(),
            worktree: "/w".to_string(),
            ..Placeholders::default()
        };
        assert_eq!(
            expand(&strings(&["{prompt}{worktree}"]), &v),
            strings(&["see {worktree} and {{/w"])
        );
    }

    proptest! {
        #[test]
        fn expansion_never_splits_or_joins_arguments(
            argv in proptest::collection::vec("[a-z {}_=/\"'\\n-]{0,24}", 0..8),
            prompt in "\\PC{0,40}",
            worktree in "[ -~]{0,20}",
        ) {
            let v = Placeholders { prompt, worktree, ..values() };
            let out = expand(&argv, &v);
            prop_assert_eq!(out.len(), argv.len());
            for (before, after) in argv.iter().zip(&out) {
                if !before.contains(['{', '}']) {
                    prop_assert_eq!(before, after);
                }
            }
        }

        #[test]
        fn a_lone_placeholder_becomes_exactly_its_value(
            prompt in "\\PC{0,60}",
        ) {
            let v = Placeholders { prompt: prompt.clone(), ..Placeholders::default() };
            prop_assert_eq!(expand(&strings(&["{prompt}"]), &v), vec![prompt]);
        }
    }
}
