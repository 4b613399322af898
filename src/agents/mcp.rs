//! Registering baton's MCP server (`baton mcp`) with coding agents, and merging it into the
//! JSON files of the two agents that keep their servers under `mcpServers`: Claude Code's
//! project `.mcp.json` and Gemini CLI's `.gemini/settings.json`. Codex's TOML lives in
//! [`super::codex`]; both share the types here.
//!
//! These files are shared with the people who maintain them and with other tools, so the
//! merge never rewrites what is there. The text is validated with serde_json, the decision is
//! taken on the parsed value, and a new entry is spliced into the original text with the span
//! scanner of [`super::claude`], indented like its neighbours. Re-serialising the document is
//! not an option: serde_json is built here without `preserve_order`, so a round trip would
//! sort every key and reflow the file.
//!
//! The rules, the same for every agent:
//! - no file, or a blank one: a new file holding only baton's entry;
//! - no `baton` server: the entry is added, every other byte stays;
//! - a `baton` server holding every key baton writes, with the same values (extra keys such
//!   as `env` or `timeout` are the user's): nothing to do, the file is not rewritten;
//! - a `baton` server that differs: it is kept exactly as it is, and the differences are
//!   returned so the caller can warn. A differing entry cannot be told apart from a
//!   deliberate one (a wrapper script, a pinned path, an extra flag), and replacing it would
//!   silently break a setup that works, while a stale one only costs a warning that says how
//!   to let baton write it again;
//! - invalid syntax, or a value of the wrong type on baton's path: an error, nothing to write.
//!
//! The formats: Claude Code's project scope (<https://code.claude.com/docs/en/mcp>) and
//! Gemini CLI's `mcpServers` setting
//! (<https://github.com/google-gemini/gemini-cli/blob/main/docs/tools/mcp-server.md>).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::claude::{Node, Scanner, Style, pretty, pretty_value};

/// The name every agent knows baton's server by; tools become `mcp__baton__…` and the like.
pub const SERVER_NAME: &str = "baton";

/// The command written unless the caller asks for another: found on the agent's `PATH`, so
/// the configuration can be committed and shared (never an absolute path of one machine).
pub const DEFAULT_COMMAND: &str = "baton";

/// How an agent starts baton's MCP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub command: String,
    pub args: Vec<String>,
}

impl Launch {
    /// `COMMAND mcp`, with `--plan PLAN` when the plan is one the server would not find by
    /// itself from the project directory.
    pub fn new(command: impl Into<String>, plan: Option<&str>) -> Launch {
        let mut args = vec!["mcp".to_string()];
        if let Some(plan) = plan {
            args.push("--plan".to_string());
            args.push(plan.to_string());
        }
        Launch {
            command: command.into(),
            args,
        }
    }

    /// The command line, for messages.
    pub fn command_line(&self) -> String {
        let mut words = vec![self.command.as_str()];
        words.extend(self.args.iter().map(String::as_str));
        words.join(" ")
    }
}

/// What a merge decided. The caller writes (or not) and reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// The file's new text: created, or the old text with baton's entry added.
    Write(String),
    /// baton's entry is there already: leave the file as it is.
    Unchanged,
    /// A `baton` entry is there but differs from what baton would write; it was kept.
    KeptUserEntry(Vec<Mismatch>),
}

/// One key where an existing `baton` entry differs from what baton would write. Values are
/// shown as JSON (for the strings and arrays written here, TOML reads the same).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub key: &'static str,
    pub wanted: String,
    /// None: the key is missing.
    pub found: Option<String>,
}

/// Why a configuration file cannot be merged. Either way the caller must not write it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// Not valid JSON or TOML; `line` and `column` are 1-based, as editors count.
    #[error("{line}:{column}: not valid {format}: {message}")]
    Syntax {
        format: &'static str,
        line: usize,
        column: usize,
        message: String,
    },
    /// Valid, but a value on baton's path has the wrong type.
    #[error("{what} is {found}, but {agent} expects {expected}")]
    Shape {
        agent: &'static str,
        what: String,
        found: &'static str,
        expected: &'static str,
    },
    /// Valid, but laid out in a way baton could not add its entry to without risk.
    #[error("{0}")]
    Unmergeable(String),
}

/// The two JSON configuration files that list MCP servers under `mcpServers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonConfig {
    /// Claude Code's project-scoped `.mcp.json`: loaded for every session started in the
    /// project, including `claude -p`.
    ClaudeCode,
    /// Gemini CLI's project `.gemini/settings.json`.
    GeminiCli,
}

impl JsonConfig {
    /// The file, relative to the project directory.
    pub fn path(self) -> &'static str {
        match self {
            JsonConfig::ClaudeCode => ".mcp.json",
            JsonConfig::GeminiCli => ".gemini/settings.json",
        }
    }

    fn agent(self) -> &'static str {
        match self {
            JsonConfig::ClaudeCode => "Claude Code",
            JsonConfig::GeminiCli => "Gemini CLI",
        }
    }

    /// Gemini CLI strips comments from its settings before parsing them, so people write
    /// them; Claude Code reads `.mcp.json` as plain JSON.
    fn allows_comments(self) -> bool {
        self == JsonConfig::GeminiCli
    }

    fn entry(self, launch: &Launch) -> Entry<'_> {
        Entry {
            command: &launch.command,
            args: &launch.args,
            // Without `trust`, Gemini CLI asks before every call of the server's tools, and a
            // headless run (`gemini -p`), which has nobody to ask, does not offer them at all.
            trust: (self == JsonConfig::GeminiCli).then_some(true),
        }
    }
}

/// baton's server entry, in the order its keys are written.
#[derive(Serialize)]
struct Entry<'a> {
    command: &'a str,
    args: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    trust: Option<bool>,
}

#[derive(Serialize)]
struct NewFile<'a> {
    #[serde(rename = "mcpServers")]
    mcp_servers: BTreeMap<&'static str, &'a Entry<'a>>,
}

/// Adds baton's server to the text of `config` (`None`: the file does not exist yet).
pub fn merge_json(
    config: JsonConfig,
    existing: Option<&str>,
    launch: &Launch,
) -> Result<Merge, ConfigError> {
    let entry = config.entry(launch);
    let text = existing.unwrap_or("");
    if text.trim().is_empty() {
        let file = NewFile {
            mcp_servers: BTreeMap::from([(SERVER_NAME, &entry)]),
        };
        return Ok(Merge::Write(format!("{}\n", pretty(&file, "  "))));
    }
    // Comments become spaces: every byte offset, line and column stays where it was, so the
    // spans found in this copy are spans of the original text.
    let plain = if config.allows_comments() {
        blank_comments(text)
    } else {
        text.to_string()
    };
    let root: Value = serde_json::from_str(&plain).map_err(syntax)?;
    let agent = config.agent();
    let Some(top) = root.as_object() else {
        return Err(shape(agent, "the top level", &root, "an object"));
    };
    if let Some(servers) = top.get("mcpServers") {
        let Some(servers) = servers.as_object() else {
            return Err(shape(agent, "`mcpServers`", servers, "an object"));
        };
        if let Some(found) = servers.get(SERVER_NAME) {
            let Some(found) = found.as_object() else {
                return Err(shape(agent, "`mcpServers.baton`", found, "an object"));
            };
            let wanted = serde_json::to_value(&entry).unwrap_or(Value::Null);
            let mismatches = mismatches(&wanted, |key| found.get(key).cloned());
            return Ok(if mismatches.is_empty() {
                Merge::Unchanged
            } else {
                Merge::KeptUserEntry(mismatches)
            });
        }
    }

    // The JSON is valid, so the scanner only has to find things, not judge them.
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
    let (at, mut remove, insert) = match root_obj.member("mcpServers") {
        None => {
            let servers = BTreeMap::from([(SERVER_NAME, &entry)]);
            style.insert_member(
                &plain,
                root_obj,
                "mcpServers",
                &pretty_value(&servers, &style),
            )
        }
        Some(Node::Object(servers)) => {
            style.insert_member(&plain, servers, SERVER_NAME, &pretty_value(&entry, &style))
        }
        Some(_) => {
            let found = top.get("mcpServers").unwrap_or(&Value::Null);
            return Err(shape(agent, "`mcpServers`", found, "an object"));
        }
    };
    // Filling an empty object replaces the whitespace between its braces; a comment there
    // is kept, and the entry goes in front of it.
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
    Ok(Merge::Write(out))
}

/// The keys of `wanted` (an object) whose value `found` lacks or holds differently, in the
/// order baton writes them.
pub(super) fn mismatches(wanted: &Value, found: impl Fn(&str) -> Option<Value>) -> Vec<Mismatch> {
    const ORDER: [&str; 6] = [
        "command",
        "args",
        "trust",
        "default_tools_approval_mode",
        "tool_timeout_sec",
        "env_vars",
    ];
    let Some(wanted) = wanted.as_object() else {
        return Vec::new();
    };
    ORDER
        .iter()
        .filter_map(|&key| {
            let want = wanted.get(key)?;
            let got = found(key);
            (got.as_ref() != Some(want)).then(|| Mismatch {
                key,
                wanted: want.to_string(),
                found: got.map(|v| v.to_string()),
            })
        })
        .collect()
}

/// The text with every `//` and `/* */` comment outside strings replaced by spaces (line
/// breaks inside block comments are kept, so lines and columns do not move).
pub(super) fn blank_comments(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match (b, bytes.get(i + 1)) {
            (b'"', _) => in_string = true,
            (b'/', Some(b'/')) => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    bytes[i] = b' ';
                    i += 1;
                }
                continue;
            }
            (b'/', Some(b'*')) => {
                // An unclosed comment runs to the end; the parser then reports the end.
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |at| i + 2 + at + 2);
                for byte in &mut bytes[i..end] {
                    if *byte != b'\n' && *byte != b'\r' {
                        *byte = b' ';
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Only whole comments were replaced, and they start and end at ASCII bytes, so the text
    // is still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

pub(super) fn syntax(e: serde_json::Error) -> ConfigError {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(at) => full[..at].to_string(),
        None => full,
    };
    ConfigError::Syntax {
        format: "JSON",
        line: e.line(),
        column: e.column(),
        message,
    }
}

pub(super) fn shape(
    agent: &'static str,
    what: &str,
    found: &Value,
    expected: &'static str,
) -> ConfigError {
    let found = match found {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    ConfigError::Shape {
        agent,
        what: what.to_string(),
        found,
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baton() -> Launch {
        Launch::new(DEFAULT_COMMAND, None)
    }

    fn written(config: JsonConfig, existing: Option<&str>) -> String {
        match merge_json(config, existing, &baton()) {
            Ok(Merge::Write(text)) => text,
            other => panic!("expected a write, got {other:?}"),
        }
    }

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{text}"))
    }

    #[test]
    fn launch_names_the_plan_only_when_asked() {
        assert_eq!(baton().args, ["mcp"]);
        assert_eq!(baton().command_line(), "baton mcp");
        let other = Launch::new("/opt/baton", Some("docs/roadmap.md"));
        assert_eq!(other.args, ["mcp", "--plan", "docs/roadmap.md"]);
    }

    #[test]
    fn a_missing_or_blank_file_gets_just_the_entry() {
        let claude = written(JsonConfig::ClaudeCode, None);
        assert_eq!(
            claude,
            "{\n  \"mcpServers\": {\n    \"baton\": {\n      \"command\": \"baton\",\n      \"args\": [\n        \"mcp\"\n      ]\n    }\n  }\n}\n"
        );
        assert_eq!(written(JsonConfig::ClaudeCode, Some(" \n")), claude);
        let gemini = written(JsonConfig::GeminiCli, None);
        assert_eq!(
            parse(&gemini),
            serde_json::json!({"mcpServers": {"baton": {"command": "baton", "args": ["mcp"], "trust": true}}})
        );
        for (config, text) in [
            (JsonConfig::ClaudeCode, &claude),
            (JsonConfig::GeminiCli, &gemini),
        ] {
            assert_eq!(
                merge_json(config, Some(text), &baton()),
                Ok(Merge::Unchanged)
            );
        }
    }

    #[test]
    fn empty_objects_are_filled_in_the_file_s_style() {
        assert_eq!(
            written(JsonConfig::ClaudeCode, Some("{}")),
            r#"{"mcpServers":{"baton":{"command":"baton","args":["mcp"]}}}"#
        );
        assert_eq!(
            written(JsonConfig::ClaudeCode, Some("{\n}\n")),
            "{\n  \"mcpServers\": {\n    \"baton\": {\n      \"command\": \"baton\",\n      \"args\": [\n        \"mcp\"\n      ]\n    }\n  }\n}\n"
        );
        let new = written(
            JsonConfig::ClaudeCode,
            Some("{\n    \"mcpServers\": {}\n}\n"),
        );
        assert!(
            new.starts_with("{\n    \"mcpServers\": {\n        \"baton\": {\n"),
            "{new}"
        );
        assert_eq!(parse(&new)["mcpServers"]["baton"]["command"], "baton");
    }

    #[test]
    fn other_servers_and_keys_keep_every_byte() {
        let old = r#"{
  "zeta": {"keep": [1, 2, 3]},
  "mcpServers": {
    "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": {"TOKEN": "${GITHUB_TOKEN}"}}
  },
  "alpha": true
}
"#;
        let new = written(JsonConfig::ClaudeCode, Some(old));
        // Only an insertion after the last server: the text around it is the original.
        let cut = old.find("\n  },\n  \"alpha\"").expect("end of mcpServers");
        assert!(new.starts_with(&old[..cut]), "{new}");
        assert!(new.ends_with(&old[cut..]), "{new}");
        let v = parse(&new);
        assert_eq!(v["mcpServers"]["github"]["env"]["TOKEN"], "${GITHUB_TOKEN}");
        assert_eq!(
            v["mcpServers"]["baton"],
            serde_json::json!({"command": "baton", "args": ["mcp"]})
        );
        assert_eq!(v["zeta"]["keep"][2], 3);
        // Keys stay in the file's order (serde_json would sort them).
        assert!(new.find("\"zeta\"") < new.find("\"alpha\""));
        assert_eq!(
            merge_json(JsonConfig::ClaudeCode, Some(&new), &baton()),
            Ok(Merge::Unchanged)
        );

        // No `mcpServers` yet: it becomes the last member.
        let old = "{\r\n\t\"theme\": \"dark\"\r\n}\r\n";
        let new = written(JsonConfig::GeminiCli, Some(old));
        assert!(
            new.starts_with(
                "{\r\n\t\"theme\": \"dark\",\r\n\t\"mcpServers\": {\r\n\t\t\"baton\": {"
            ),
            "{new:?}"
        );
        assert!(!new.replace("\r\n", "").contains('\n'), "{new:?}");
        assert_eq!(parse(&new)["mcpServers"]["baton"]["trust"], true);
    }

    #[test]
    fn an_equivalent_entry_is_left_alone() {
        let old = r#"{"mcpServers": {"baton": {"type": "stdio", "args": ["mcp"], "command": "baton", "env": {"BATON_SESSION": "a"}}}}"#;
        assert_eq!(
            merge_json(JsonConfig::ClaudeCode, Some(old), &baton()),
            Ok(Merge::Unchanged)
        );
        let old = r#"{"mcpServers": {"baton": {"command": "baton", "args": ["mcp"], "trust": true, "timeout": 900000}}}"#;
        assert_eq!(
            merge_json(JsonConfig::GeminiCli, Some(old), &baton()),
            Ok(Merge::Unchanged)
        );
    }

    #[test]
    fn a_differing_entry_is_kept_and_described() {
        let old = r#"{"mcpServers": {"baton": {"command": "/opt/bin/baton", "args": ["mcp"]}}}"#;
        assert_eq!(
            merge_json(JsonConfig::GeminiCli, Some(old), &baton()),
            Ok(Merge::KeptUserEntry(vec![
                Mismatch {
                    key: "command",
                    wanted: "\"baton\"".to_string(),
                    found: Some("\"/opt/bin/baton\"".to_string()),
                },
                Mismatch {
                    key: "trust",
                    wanted: "true".to_string(),
                    found: None,
                },
            ]))
        );
        let custom = Launch::new("/opt/bin/baton", None);
        assert_eq!(
            merge_json(JsonConfig::ClaudeCode, Some(old), &custom),
            Ok(Merge::Unchanged)
        );
    }

    #[test]
    fn invalid_json_and_wrong_types_are_refused() {
        match merge_json(
            JsonConfig::ClaudeCode,
            Some("{\n  \"mcpServers\": {\n    \"a\": 1,\n  }\n}\n"),
            &baton(),
        ) {
            Err(ConfigError::Syntax {
                format: "JSON",
                line,
                column,
                ..
            }) => assert_eq!((line, column), (4, 3)),
            other => panic!("{other:?}"),
        }
        // Claude Code reads `.mcp.json` as strict JSON: a comment is an error there.
        assert!(matches!(
            merge_json(JsonConfig::ClaudeCode, Some("// x\n{}"), &baton()),
            Err(ConfigError::Syntax { line: 1, .. })
        ));
        let shape = |text: &str| match merge_json(JsonConfig::ClaudeCode, Some(text), &baton()) {
            Err(ConfigError::Shape { what, found, .. }) => (what, found),
            other => panic!("{other:?}"),
        };
        assert_eq!(shape("[]"), ("the top level".to_string(), "an array"));
        assert_eq!(
            shape(r#"{"mcpServers": []}"#),
            ("`mcpServers`".to_string(), "an array")
        );
        assert_eq!(
            shape(r#"{"mcpServers": {"baton": "baton mcp"}}"#),
            ("`mcpServers.baton`".to_string(), "a string")
        );
        let e = merge_json(
            JsonConfig::GeminiCli,
            Some(r#"{"mcpServers": 1}"#),
            &baton(),
        )
        .expect_err("a number");
        assert_eq!(
            e.to_string(),
            "`mcpServers` is a number, but Gemini CLI expects an object"
        );
    }

    #[test]
    fn gemini_settings_keep_their_comments() {
        let old = r#"{
  // The theme everybody agreed on.
  "theme": "GitHub", /* inline */
  "url": "http://example.com/*not a comment*/",
  "mcpServers": {
    // none yet
  }
}
"#;
        let new = written(JsonConfig::GeminiCli, Some(old));
        assert!(new.contains("// The theme everybody agreed on."), "{new}");
        assert!(new.contains("/* inline */"), "{new}");
        assert!(new.contains("// none yet"), "{new}");
        assert!(
            new.contains("\"url\": \"http://example.com/*not a comment*/\""),
            "{new}"
        );
        let v = parse(&blank_comments(&new));
        assert_eq!(v["mcpServers"]["baton"]["trust"], true);
        assert_eq!(v["url"], "http://example.com/*not a comment*/");
        assert_eq!(
            merge_json(JsonConfig::GeminiCli, Some(&new), &baton()),
            Ok(Merge::Unchanged)
        );
        // An error is still placed in the original text.
        match merge_json(
            JsonConfig::GeminiCli,
            Some("/* a\nb */ {\n  \"x\": ,\n}"),
            &baton(),
        ) {
            Err(ConfigError::Syntax { line, column, .. }) => assert_eq!((line, column), (3, 8)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn comments_become_spaces_of_the_same_length() {
        let text = "{\"a\": \"//x\\\"/*\", // é\n /* b\r\n c */ \"d\": 1}";
        let blank = blank_comments(text);
        assert_eq!(blank.len(), text.len());
        assert_eq!(
            blank,
            "{\"a\": \"//x\\\"/*\",      \n     \r\n      \"d\": 1}"
        );
        assert_eq!(blank_comments("1 /* open"), "1        ");
    }
}
