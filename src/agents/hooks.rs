//! baton's hook entries in the three agents' hook files, which share Claude Code's shape:
//! `{"hooks": {"EVENT": [{"matcher": …, "hooks": [{"type": "command", "command": …,
//! "timeout": …}]}]}}` — `.claude/settings.json`, Codex's `.codex/hooks.json` and Gemini
//! CLI's `.gemini/settings.json`.
//!
//! The merge follows the rules of [`super::mcp`]: the text is validated and decided on
//! parsed, and a missing entry is spliced into the original text, indented like its
//! neighbours; every other byte stays. An entry counts as present when some handler of the
//! event runs the same baton hook (any path to `baton`, any flags, any timeout): a
//! customised entry is the user's. One without a `timeout` is kept and reported, since a
//! slow verify run would then be cut off at the agent's default.

use serde::Serialize;
use serde_json::Value;

use super::claude::{Node, Scanner, Style, pretty_value};
use super::mcp::{ConfigError, blank_comments, syntax};

/// One hook baton installs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    /// The event: `Stop`, `SessionStart`, `AfterAgent`.
    pub event: &'static str,
    /// Which occurrences of the event run it (Claude Code's `source` for `SessionStart`).
    pub matcher: Option<&'static str>,
    /// A name for the agent's hook list (Gemini CLI's `name`).
    pub name: Option<&'static str>,
    /// The program that runs baton, as written into the command (`baton`).
    pub program: String,
    /// `baton hook …` arguments: `claude-stop`, `session-start --agent claude`.
    pub args: &'static str,
    /// In the agent's unit: seconds for Claude Code and Codex, milliseconds for Gemini CLI.
    pub timeout: u64,
}

impl Hook {
    /// The command line written into the file.
    pub fn command(&self) -> String {
        format!("{} hook {}", shell_word(&self.program), self.args)
    }

    /// Whether a handler's command runs this hook: some word naming baton (any directory,
    /// quoted or not, `.exe`) or the program baton writes, then `hook` and the hook's name.
    pub fn is_run_by(&self, command: &str) -> bool {
        let Some(sub) = self.args.split_whitespace().next() else {
            return false;
        };
        let words: Vec<&str> = command.split_whitespace().collect();
        words.windows(3).any(|w| {
            let program = w[0].trim_matches(['"', '\'']);
            let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
            let baton = matches!(name, "baton" | "baton.exe") || program == self.program;
            baton && w[1] == "hook" && w[2] == sub
        })
    }
}

/// `word` as one shell word: as it is when it needs no quoting, else in single quotes.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./~+:@%=".contains(&b));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// What happened to each hook asked for, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Added,
    Present,
    /// Present, but with no `timeout`: the agent's default applies.
    PresentWithoutTimeout,
}

/// The merged text (`None`: unchanged) and each hook's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub text: Option<String>,
    pub outcomes: Vec<Outcome>,
}

/// Adds `hooks` to a hook file's text (`None`: no file yet). `agent` names the agent in
/// messages; `comments`: the agent strips `//` and `/* */` comments before parsing.
pub fn merge(
    existing: Option<&str>,
    hooks: &[Hook],
    agent: &'static str,
    comments: bool,
) -> Result<Merged, ConfigError> {
    let original = existing.unwrap_or("");
    let mut text = if original.trim().is_empty() {
        "{\n}\n".to_string()
    } else {
        original.to_string()
    };
    let mut outcomes = Vec::new();
    for hook in hooks {
        let (outcome, new) = merge_one(&text, hook, agent, comments)?;
        outcomes.push(outcome);
        if let Some(new) = new {
            text = new;
        }
    }
    let changed = text != original && outcomes.contains(&Outcome::Added);
    Ok(Merged {
        text: changed.then_some(text),
        outcomes,
    })
}

fn merge_one(
    text: &str,
    hook: &Hook,
    agent: &'static str,
    comments: bool,
) -> Result<(Outcome, Option<String>), ConfigError> {
    let plain = if comments {
        blank_comments(text)
    } else {
        text.to_string()
    };
    let root: Value = serde_json::from_str(&plain).map_err(syntax)?;
    let Some(top) = root.as_object() else {
        return Err(shape(agent, "the top level", &root, "an object"));
    };
    let hooks_value = top.get("hooks");
    if let Some(h) = hooks_value
        && !h.is_object()
    {
        return Err(shape(agent, "`hooks`", h, "an object"));
    }
    let groups = hooks_value.and_then(|h| h.get(hook.event));
    if let Some(g) = groups
        && !g.is_array()
    {
        return Err(shape(
            agent,
            &format!("`hooks.{}`", hook.event),
            g,
            "an array",
        ));
    }
    let found = groups
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|group| group.get("hooks").and_then(Value::as_array))
        .flatten()
        .find(|h| {
            h.get("command")
                .and_then(Value::as_str)
                .is_some_and(|c| hook.is_run_by(c))
        });
    if let Some(handler) = found {
        let outcome = if handler.get("timeout").is_some() {
            Outcome::Present
        } else {
            Outcome::PresentWithoutTimeout
        };
        return Ok((outcome, None));
    }

    // Valid JSON: the scanner only has to find things.
    let mut scanner = Scanner {
        s: plain.as_bytes(),
        pos: 0,
    };
    scanner.skip_ws();
    let root_node = scanner.value();
    let style = Style::detect(&plain, &root_node);
    let Node::Object(root_obj) = &root_node else {
        return Err(shape(agent, "the top level", &root, "an object"));
    };
    let group = Group::of(hook);
    let (at, mut remove, insert) = match root_obj.member("hooks") {
        None => style.insert_member(
            &plain,
            root_obj,
            "hooks",
            &pretty_value(
                &std::collections::BTreeMap::from([(hook.event, [&group])]),
                &style,
            ),
        ),
        Some(Node::Object(hooks_obj)) => match hooks_obj.member(hook.event) {
            None => style.insert_member(
                &plain,
                hooks_obj,
                hook.event,
                &pretty_value(&[&group], &style),
            ),
            Some(Node::Array(arr)) => style.append_item(&plain, arr, &pretty_value(&group, &style)),
            Some(_) => {
                return Err(ConfigError::Unmergeable(format!(
                    "`hooks.{}` could not be extended",
                    hook.event
                )));
            }
        },
        Some(_) => {
            return Err(ConfigError::Unmergeable(
                "`hooks` could not be extended".to_string(),
            ));
        }
    };
    // Filling an empty container replaces the whitespace between its brackets; a comment
    // there is kept, and the entry goes in front of it.
    if !text.as_bytes()[at..at + remove]
        .iter()
        .all(u8::is_ascii_whitespace)
    {
        remove = 0;
    }
    let mut out = String::with_capacity(text.len() + insert.len());
    out.push_str(&text[..at]);
    out.push_str(&insert);
    out.push_str(&text[at + remove..]);
    Ok((Outcome::Added, Some(out)))
}

// ---- what is added (structs, so that keys keep this order) --------------------------------

#[derive(Serialize)]
struct Group {
    #[serde(skip_serializing_if = "Option::is_none")]
    matcher: Option<&'static str>,
    hooks: [Handler; 1],
}

#[derive(Serialize)]
struct Handler {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'static str>,
    #[serde(rename = "type")]
    kind: &'static str,
    command: String,
    timeout: u64,
}

impl Group {
    fn of(hook: &Hook) -> Group {
        Group {
            matcher: hook.matcher,
            hooks: [Handler {
                name: hook.name,
                kind: "command",
                command: hook.command(),
                timeout: hook.timeout,
            }],
        }
    }
}

fn shape(agent: &'static str, what: &str, found: &Value, expected: &'static str) -> ConfigError {
    super::mcp::shape(agent, what, found, expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stop() -> Hook {
        Hook {
            event: "Stop",
            matcher: None,
            name: None,
            program: "baton".to_string(),
            args: "claude-stop",
            timeout: 900,
        }
    }

    fn start() -> Hook {
        Hook {
            event: "SessionStart",
            matcher: Some("startup|resume|compact"),
            name: None,
            program: "baton".to_string(),
            args: "session-start --agent claude",
            timeout: 60,
        }
    }

    fn text(m: Result<Merged, ConfigError>) -> String {
        m.expect("merged").text.expect("changed")
    }

    #[test]
    fn a_new_file_gets_both_hooks_and_a_second_merge_changes_nothing() {
        let new = text(merge(None, &[stop(), start()], "Claude Code", false));
        let v: Value = serde_json::from_str(&new).expect("JSON");
        assert_eq!(
            v,
            serde_json::json!({"hooks": {
                "Stop": [{"hooks": [{"type": "command", "command": "baton hook claude-stop", "timeout": 900}]}],
                "SessionStart": [{"matcher": "startup|resume|compact", "hooks": [{"type": "command", "command": "baton hook session-start --agent claude", "timeout": 60}]}]
            }})
        );
        assert!(
            new.starts_with("{\n  \"hooks\": {\n    \"Stop\": [\n"),
            "{new}"
        );
        let again = merge(Some(&new), &[stop(), start()], "Claude Code", false).expect("ok");
        assert_eq!(again.text, None);
        assert_eq!(again.outcomes, [Outcome::Present, Outcome::Present]);
    }

    #[test]
    fn other_hooks_stay_and_an_old_entry_without_timeout_is_reported() {
        let old = r#"{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "/opt/baton hook claude-stop --session x"}]}]}, "a": 1}"#;
        let m = merge(Some(old), &[stop(), start()], "Claude Code", false).expect("ok");
        assert_eq!(m.outcomes, [Outcome::PresentWithoutTimeout, Outcome::Added]);
        let new = m.text.expect("changed");
        let cut = old.find("}]}]").expect("end of Stop") + 4;
        assert!(new.starts_with(&old[..cut]), "{new}");
        assert!(new.ends_with(&old[cut..]), "{new}");
        let v: Value = serde_json::from_str(&new).expect("JSON");
        assert_eq!(v["hooks"]["SessionStart"][0]["hooks"][0]["timeout"], 60);
        assert_eq!(v["a"], 1);
    }

    #[test]
    fn commands_are_recognised_and_quoted() {
        let mut h = stop();
        assert!(h.is_run_by("\"$HOME/bin/baton\" hook claude-stop"));
        assert!(!h.is_run_by("baton hook codex-stop"));
        h.program = "/opt/my tools/run-baton".to_string();
        assert_eq!(h.command(), "'/opt/my tools/run-baton' hook claude-stop");
        h.program = "/opt/run-baton".to_string();
        assert!(h.is_run_by("/opt/run-baton hook claude-stop"));
    }

    #[test]
    fn wrong_shapes_and_bad_json_are_refused() {
        let e = merge(
            Some(r#"{"hooks": {"Stop": "x"}}"#),
            &[stop()],
            "Claude Code",
            false,
        )
        .expect_err("shape");
        assert_eq!(
            e.to_string(),
            "`hooks.Stop` is a string, but Claude Code expects an array"
        );
        assert!(matches!(
            merge(Some("{\n  \"hooks\": [,]\n}"), &[stop()], "Codex", false),
            Err(ConfigError::Syntax { line: 2, .. })
        ));
        // Comments, where the agent allows them, are kept.
        let new = text(merge(
            Some("{ // ours\n  \"a\": 1\n}\n"),
            &[stop()],
            "Gemini CLI",
            true,
        ));
        assert!(
            new.starts_with("{ // ours\n  \"a\": 1,\n  \"hooks\""),
            "{new}"
        );
    }

    #[test]
    fn crlf_tabs_and_repeated_keys_are_followed() {
        let new = text(merge(
            Some("{\r\n\t\"a\": true\r\n}\r\n"),
            &[stop()],
            "Codex",
            false,
        ));
        assert!(
            new.starts_with("{\r\n\t\"a\": true,\r\n\t\"hooks\": {\r\n\t\t\"Stop\": ["),
            "{new:?}"
        );
        assert!(!new.replace("\r\n", "").contains('\n'), "{new:?}");
        // A repeated key: merged where parsers read it, the last one.
        let new = text(merge(
            Some("{\n  \"hooks\": {\"Stop\": 1},\n  \"hooks\": {}\n}"),
            &[stop()],
            "Claude Code",
            false,
        ));
        let v: Value = serde_json::from_str(&new).expect("JSON");
        assert_eq!(v["hooks"]["Stop"][0]["hooks"][0]["timeout"], 900);
        assert_eq!(
            text(merge(Some("{}"), &[stop()], "Claude Code", false)),
            r#"{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"baton hook claude-stop","timeout":900}]}]}}"#
        );
    }
}
