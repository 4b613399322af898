//! Codex CLI: baton's MCP server as an `[mcp_servers.baton]` table in the project's
//! `.codex/config.toml`.
//!
//! The format is Codex's configuration reference
//! (<https://github.com/openai/codex/blob/main/docs/config.md>, "MCP servers", and
//! <https://developers.openai.com/codex/mcp>): one table per server with `command`, `args`
//! and optional keys. Codex reads a project's `.codex/config.toml` only once the project is
//! trusted, which is the user's decision, so nothing here touches `~/.codex`.
//!
//! The merge follows the rules of [`super::mcp`]. The file is parsed with `toml_edit` to
//! validate it and to decide; a new table is then appended to the original text rather than
//! rendered through the parsed document, because that would normalise line endings and move
//! a trailing comment. Appending `[mcp_servers.baton]` is valid whenever `mcp_servers` is
//! absent or an ordinary table (TOML allows a sub-table header after its parent's keys, even
//! dotted ones); only an inline `mcp_servers = { … }` is extended in place through
//! `toml_edit`. Either way the result is parsed again and must hold exactly the new entry.
//!
//! Codex's hooks have Claude Code's shape and live beside the project's configuration in
//! `.codex/hooks.json` (<https://developers.openai.com/codex/hooks>), merged by
//! [`super::hooks`]: `Stop` runs `baton hook codex-stop`, `SessionStart` runs
//! `baton hook session-start --agent codex`. Codex loads them only in a trusted project, and
//! runs each only once the user has trusted it (its hash is recorded in the user's
//! `~/.codex/config.toml`), so [`trust_instructions`] says what to run once.

use toml_edit::{Array, DocumentMut, Item, Table, TableLike, Value as TomlValue, value};

use super::hooks::Hook;
use super::mcp::{ConfigError, Launch, Merge, SERVER_NAME, mismatches};

/// The file, relative to the project directory.
pub const CONFIG: &str = ".codex/config.toml";

/// `codex exec` has nobody to approve a tool call, so without this it cannot use baton's
/// tools at all; baton's tools only read and update the project's own plan.
pub const APPROVAL_MODE: &str = "approve";

/// Codex gives up on a tool call after 60 s by default; `complete_task` and `verify` run the
/// plan's verify commands, which may take as long as baton's own `verify --timeout` default.
pub const TOOL_TIMEOUT_SEC: i64 = 600;

/// The session's variables Codex passes to the server: without this list Codex passes none,
/// and `BATON_SESSION` would not reach baton's tools.
pub const ENV_VARS: [&str; 1] = ["BATON_SESSION"];

/// Codex's project hook file, relative to the project directory.
pub const HOOKS: &str = ".codex/hooks.json";

/// Seconds Codex gives the Stop hook (it runs the session's verify commands; see
/// [`super::claude::STOP_TIMEOUT_SECS`]).
pub const STOP_TIMEOUT_SECS: u64 = super::claude::STOP_TIMEOUT_SECS;

const AGENT: &str = "Codex";

/// baton's hooks for Codex, run through `program` (`baton`). `SessionStart` has no matcher:
/// baton's hook reads the `source` itself.
pub fn hooks(program: &str) -> [Hook; 2] {
    [
        Hook {
            event: "Stop",
            matcher: None,
            name: None,
            program: program.to_string(),
            args: "codex-stop",
            timeout: STOP_TIMEOUT_SECS,
        },
        Hook {
            event: "SessionStart",
            matcher: None,
            name: None,
            program: program.to_string(),
            args: "session-start --agent codex",
            timeout: super::claude::START_TIMEOUT_SECS,
        },
    ]
}

/// The one-time steps that let `codex exec` use what `init` wrote in `project` (an absolute
/// path): trust the project, whose `.codex/` Codex otherwise skips, and trust the hooks,
/// which Codex otherwise skips without a word. Both are recorded in the user's
/// `$CODEX_HOME/config.toml`, which `init` never writes.
pub fn trust_instructions(project: &str) -> [String; 2] {
    let key = toml_edit::Value::from(project).to_string();
    [
        format!(
            "Codex reads .codex/ only in a trusted project: add `[projects.{key}]` with \
             `trust_level = \"trusted\"` to ~/.codex/config.toml once (what `codex exec \
             --trust` records)"
        ),
        "Codex runs a project hook only once you trust it: start `codex` here once and trust \
         baton's hooks when asked (or with /hooks); a script that has vetted them may pass \
         `codex exec --dangerously-bypass-hook-trust`"
            .to_string(),
    ]
}

/// Adds baton's server to the text of `.codex/config.toml` (`None`: no file yet).
pub fn merge_config(existing: Option<&str>, launch: &Launch) -> Result<Merge, ConfigError> {
    let text = existing.unwrap_or("");
    let doc: DocumentMut = text.parse().map_err(|e| syntax(text, &e))?;
    let entry = entry_table(launch);
    let servers = doc.get("mcp_servers");
    let inline = match servers {
        None => false,
        Some(item) => {
            let Some(table) = item.as_table_like() else {
                return Err(shape("`mcp_servers`", item));
            };
            if let Some(found) = table.get(SERVER_NAME) {
                let Some(found) = found.as_table_like() else {
                    return Err(shape("`mcp_servers.baton`", found));
                };
                // What decides whether the tools work: the command line, and the approval
                // mode without which `codex exec` cannot call them. The timeout is only
                // baton's suggestion, so another value is the user's choice.
                let mut wanted = serde_json::json!({
                    "command": launch.command,
                    "args": launch.args,
                    "default_tools_approval_mode": APPROVAL_MODE,
                    "env_vars": ENV_VARS,
                });
                // A session name pinned in `env` needs no passing through.
                let pinned = found
                    .get("env")
                    .and_then(Item::as_table_like)
                    .is_some_and(|env| env.contains_key("BATON_SESSION"));
                if pinned && let Some(w) = wanted.as_object_mut() {
                    w.remove("env_vars");
                }
                let found_value = |key: &str| found.get(key).and_then(to_json);
                let mismatches = mismatches(&wanted, found_value);
                return Ok(if mismatches.is_empty() {
                    Merge::Unchanged
                } else {
                    Merge::KeptUserEntry(mismatches)
                });
            }
            item.is_inline_table()
        }
    };

    let out = if inline {
        let mut doc = doc;
        let Some(servers) = doc
            .get_mut("mcp_servers")
            .and_then(Item::as_inline_table_mut)
        else {
            return Err(ConfigError::Unmergeable(
                "`mcp_servers` could not be extended".to_string(),
            ));
        };
        servers.insert(
            SERVER_NAME,
            TomlValue::InlineTable(entry.clone().into_inline_table()),
        );
        doc.to_string()
    } else {
        append_table(text, &entry)
    };
    check(&out, &entry)?;
    Ok(Merge::Write(out))
}

/// The table baton writes, keys in this order.
fn entry_table(launch: &Launch) -> Table {
    let mut args = Array::new();
    for arg in &launch.args {
        args.push(arg.as_str());
    }
    let mut table = Table::new();
    table.insert("command", value(launch.command.as_str()));
    table.insert("args", value(args));
    table.insert("default_tools_approval_mode", value(APPROVAL_MODE));
    table.insert("tool_timeout_sec", value(TOOL_TIMEOUT_SEC));
    let mut env_vars = Array::new();
    for var in ENV_VARS {
        env_vars.push(var);
    }
    table.insert("env_vars", value(env_vars));
    table
}

/// `text` followed by a blank line and `[mcp_servers.baton]`, in the file's line endings.
fn append_table(text: &str, entry: &Table) -> String {
    let mut doc = DocumentMut::new();
    let mut servers = Table::new();
    servers.set_implicit(true);
    servers.insert(SERVER_NAME, Item::Table(entry.clone()));
    doc.insert("mcp_servers", Item::Table(servers));
    let block = doc.to_string();
    if text.trim().is_empty() {
        return block;
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = text.to_string();
    if !out.ends_with('\n') {
        out.push_str(newline);
    }
    if !out.ends_with(&format!("{newline}{newline}")) {
        out.push_str(newline);
    }
    out.push_str(&block.replace('\n', newline));
    out
}

/// The merged text must parse and hold exactly baton's entry; anything else is refused
/// rather than written.
fn check(out: &str, entry: &Table) -> Result<(), ConfigError> {
    let doc: DocumentMut = out.parse().map_err(|_| {
        ConfigError::Unmergeable(
            "adding `[mcp_servers.baton]` would make the file invalid; add it by hand".to_string(),
        )
    })?;
    let added = doc
        .get("mcp_servers")
        .and_then(Item::as_table_like)
        .and_then(|t| t.get(SERVER_NAME))
        .and_then(Item::as_table_like);
    let same = added.is_some_and(|added| {
        added.len() == entry.len()
            && entry
                .iter()
                .all(|(key, want)| added.get(key).and_then(to_json) == to_json(want))
    });
    if same {
        Ok(())
    } else {
        Err(ConfigError::Unmergeable(
            "baton's entry could not be added to `mcp_servers` as written; add it by hand"
                .to_string(),
        ))
    }
}

/// A TOML value as JSON, to compare and show it like the JSON configurations' values.
fn to_json(item: &Item) -> Option<serde_json::Value> {
    match item {
        Item::Value(v) => Some(value_json(v)),
        Item::Table(t) => Some(table_json(t)),
        Item::ArrayOfTables(a) => Some(serde_json::Value::Array(
            a.iter().map(|t| table_json(t)).collect(),
        )),
        Item::None => None,
    }
}

fn table_json(t: &dyn TableLike) -> serde_json::Value {
    serde_json::Value::Object(
        t.iter()
            .filter_map(|(k, v)| Some((k.to_string(), to_json(v)?)))
            .collect(),
    )
}

fn value_json(v: &TomlValue) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        TomlValue::String(s) => J::String(s.value().clone()),
        TomlValue::Integer(i) => J::from(*i.value()),
        TomlValue::Float(f) => J::from(*f.value()),
        TomlValue::Boolean(b) => J::Bool(*b.value()),
        TomlValue::Datetime(d) => J::String(d.value().to_string()),
        TomlValue::Array(a) => J::Array(a.iter().map(value_json).collect()),
        TomlValue::InlineTable(t) => table_json(t),
    }
}

fn syntax(text: &str, e: &toml_edit::TomlError) -> ConfigError {
    let at = e.span().map_or(0, |span| span.start).min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    ConfigError::Syntax {
        format: "TOML",
        line,
        column,
        message: e.message().lines().collect::<Vec<_>>().join("; "),
    }
}

fn shape(what: &str, found: &Item) -> ConfigError {
    let found = match found {
        Item::None => "missing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => match v {
            TomlValue::String(_) => "a string",
            TomlValue::Integer(_) => "an integer",
            TomlValue::Float(_) => "a float",
            TomlValue::Boolean(_) => "a boolean",
            TomlValue::Datetime(_) => "a date-time",
            TomlValue::Array(_) => "an array",
            TomlValue::InlineTable(_) => "an inline table",
        },
    };
    ConfigError::Shape {
        agent: AGENT,
        what: what.to_string(),
        found,
        expected: "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::mcp::{DEFAULT_COMMAND, Mismatch};

    const ENTRY: &str = "[mcp_servers.baton]\ncommand = \"baton\"\nargs = [\"mcp\"]\ndefault_tools_approval_mode = \"approve\"\ntool_timeout_sec = 600\nenv_vars = [\"BATON_SESSION\"]\n";

    fn baton() -> Launch {
        Launch::new(DEFAULT_COMMAND, None)
    }

    fn written(existing: Option<&str>) -> String {
        match merge_config(existing, &baton()) {
            Ok(Merge::Write(text)) => text,
            other => panic!("expected a write, got {other:?}"),
        }
    }

    fn parse(text: &str) -> DocumentMut {
        text.parse()
            .unwrap_or_else(|e| panic!("invalid TOML ({e}):\n{text}"))
    }

    #[test]
    fn a_missing_or_blank_file_gets_just_the_table() {
        assert_eq!(written(None), ENTRY);
        assert_eq!(written(Some("\n\n")), ENTRY);
        assert_eq!(merge_config(Some(ENTRY), &baton()), Ok(Merge::Unchanged));
    }

    #[test]
    fn comments_and_other_tables_keep_every_byte() {
        let old = "# Codex settings for this repo\nmodel = \"o3\"  # the big one\n\n[mcp_servers.docs]\ncommand = \"npx\"\nargs = [\"-y\", \"docs-mcp\"]\n\n[mcp_servers.docs.env]\nKEY = \"v\" # secret lives elsewhere\n\n[profiles.fast]\nmodel = \"o4-mini\"\n";
        let new = written(Some(old));
        assert_eq!(new, format!("{old}\n{ENTRY}"));
        let doc = parse(&new);
        assert_eq!(doc["mcp_servers"]["docs"]["env"]["KEY"].as_str(), Some("v"));
        assert_eq!(doc["profiles"]["fast"]["model"].as_str(), Some("o4-mini"));
        assert_eq!(merge_config(Some(&new), &baton()), Ok(Merge::Unchanged));

        // No final newline, a final comment, CRLF line endings: all kept as they are.
        let old = "a = 1\r\n# last words";
        let new = written(Some(old));
        assert_eq!(new, format!("{old}\r\n\r\n{}", ENTRY.replace('\n', "\r\n")));
        parse(&new);
        // A file that already ends with a blank line gets no second one.
        assert_eq!(written(Some("a = 1\n\n")), format!("a = 1\n\n{ENTRY}"));
    }

    #[test]
    fn dotted_and_inline_server_tables_are_extended() {
        let old = "mcp_servers.docs.command = \"npx\"\n";
        let new = written(Some(old));
        assert_eq!(new, format!("{old}\n{ENTRY}"));
        assert_eq!(
            parse(&new)["mcp_servers"]["docs"]["command"].as_str(),
            Some("npx")
        );

        let old = "# servers\nmcp_servers = { docs = { command = \"npx\" } }\nmodel = \"o3\"\n";
        let new = written(Some(old));
        assert!(
            new.starts_with("# servers\nmcp_servers = { docs = { command = \"npx\" }"),
            "{new}"
        );
        assert!(new.ends_with("}\nmodel = \"o3\"\n"), "{new}");
        let doc = parse(&new);
        assert_eq!(doc["mcp_servers"]["docs"]["command"].as_str(), Some("npx"));
        assert_eq!(
            doc["mcp_servers"]["baton"]["tool_timeout_sec"].as_integer(),
            Some(600)
        );
        assert_eq!(merge_config(Some(&new), &baton()), Ok(Merge::Unchanged));
    }

    #[test]
    fn an_equivalent_entry_is_left_alone() {
        // Inline, another timeout, extra keys: still baton's server as baton would start it.
        let old = "[mcp_servers]\nbaton = { command = \"baton\", args = [\"mcp\"], default_tools_approval_mode = \"approve\", tool_timeout_sec = 1800, env = { BATON_SESSION = \"a\" } }\n";
        assert_eq!(merge_config(Some(old), &baton()), Ok(Merge::Unchanged));
    }

    #[test]
    fn a_differing_entry_is_kept_and_described() {
        let old = "[mcp_servers.baton]\ncommand = \"/opt/bin/baton\"\nargs = [\"mcp\"]\n";
        assert_eq!(
            merge_config(Some(old), &baton()),
            Ok(Merge::KeptUserEntry(vec![
                Mismatch {
                    key: "command",
                    wanted: "\"baton\"".to_string(),
                    found: Some("\"/opt/bin/baton\"".to_string()),
                },
                Mismatch {
                    key: "default_tools_approval_mode",
                    wanted: "\"approve\"".to_string(),
                    found: None,
                },
                Mismatch {
                    key: "env_vars",
                    wanted: "[\"BATON_SESSION\"]".to_string(),
                    found: None,
                },
            ]))
        );
    }

    #[test]
    fn invalid_toml_and_wrong_types_are_refused() {
        match merge_config(
            Some("model = \"o3\"\n[mcp_servers.x]\ncommand = npx\n"),
            &baton(),
        ) {
            Err(ConfigError::Syntax {
                format: "TOML",
                line,
                column,
                message,
            }) => {
                assert_eq!((line, column), (3, 11), "{message}");
                assert!(!message.contains('\n'), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            merge_config(Some("[a]\nx = 1\n[a]\n"), &baton()),
            Err(ConfigError::Syntax { line: 3, .. })
        ));
        let shape = |text: &str| match merge_config(Some(text), &baton()) {
            Err(ConfigError::Shape { what, found, .. }) => (what, found),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            shape("mcp_servers = 3\n"),
            ("`mcp_servers`".to_string(), "an integer")
        );
        assert_eq!(
            shape("[[mcp_servers]]\nname = \"x\"\n"),
            ("`mcp_servers`".to_string(), "an array of tables")
        );
        assert_eq!(
            shape("[mcp_servers]\nbaton = \"baton mcp\"\n"),
            ("`mcp_servers.baton`".to_string(), "a string")
        );
        let e = merge_config(Some("mcp_servers = []"), &baton()).expect_err("an array");
        assert_eq!(
            e.to_string(),
            "`mcp_servers` is an array, but Codex expects a table"
        );
    }

    #[test]
    fn strings_are_quoted_as_toml() {
        let launch = Launch::new(r#"C:\Tools\baton "x".exe"#, Some("docs/plan.md"));
        let text = match merge_config(None, &launch) {
            Ok(Merge::Write(text)) => text,
            other => panic!("{other:?}"),
        };
        let doc = parse(&text);
        assert_eq!(
            doc["mcp_servers"]["baton"]["command"].as_str(),
            Some(r#"C:\Tools\baton "x".exe"#)
        );
        assert_eq!(merge_config(Some(&text), &launch), Ok(Merge::Unchanged));
        assert!(
            text.contains("args = [\"mcp\", \"--plan\", \"docs/plan.md\"]"),
            "{text}"
        );
    }
}
