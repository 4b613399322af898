//! Claude Code: adding baton's Stop hook to `.claude/settings.json`.
//!
//! The settings file is shared with the people who maintain it and with other tools, so the
//! merge is surgical. The file is parsed once to validate it and to learn whether a baton Stop
//! hook is already there; if one is, the text is returned unchanged. Otherwise the new entry
//! is spliced into the original text at the one place it belongs (the end of `hooks.Stop`, a
//! new `Stop` member of `hooks`, or a new `hooks` member of the top-level object), indented
//! like its neighbours. Every other byte, key order and comment-free formatting included,
//! stays as it was: re-serialising the whole document would sort keys and reflow it.
//!
//! The settings layout follows Claude Code's hooks reference
//! (<https://code.claude.com/docs/en/hooks>): `hooks.Stop` is an array of matcher groups,
//! each holding a `hooks` array of `{"type": "command", "command": ...}` handlers.

use serde::Serialize;
use serde_json::Value;

/// The command the installed hook runs.
pub const STOP_COMMAND: &str = "baton hook claude-stop";

/// What [`merge_stop_hook`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// A baton Stop hook is already configured: leave the file as it is.
    AlreadyPresent,
    /// The file's new text, with baton's Stop hook added.
    Updated(String),
}

/// Why the settings could not be merged. Either way the caller must not write the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// Not valid JSON; `line` and `column` are 1-based, as editors count.
    #[error("{line}:{column}: not valid JSON: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// Valid JSON, but a value on baton's path has the wrong type.
    #[error("{what} is {found}, but Claude Code expects {expected}")]
    Shape {
        what: &'static str,
        found: &'static str,
        expected: &'static str,
    },
}

/// Adds baton's Stop hook to the text of a `.claude/settings.json` (`None`: the file does not
/// exist yet). An equivalent entry — any Stop handler whose command runs
/// `baton hook claude-stop`, see [`is_baton_stop_command`] — means nothing to do.
pub fn merge_stop_hook(existing: Option<&str>) -> Result<Merged, SettingsError> {
    let text = existing.unwrap_or("");
    if text.trim().is_empty() {
        return Ok(Merged::Updated(format!(
            "{}\n",
            pretty(&Settings::default(), "  ")
        )));
    }
    let root: Value = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let message = match full.rfind(" at line ") {
            Some(at) => full[..at].to_string(),
            None => full,
        };
        SettingsError::Syntax {
            line: e.line(),
            column: e.column(),
            message,
        }
    })?;
    let Some(top) = root.as_object() else {
        return Err(shape("the top level", &root, "an object"));
    };
    let hooks = top.get("hooks");
    if let Some(hooks) = hooks
        && !hooks.is_object()
    {
        return Err(shape("`hooks`", hooks, "an object"));
    }
    let stop = hooks.and_then(|h| h.get("Stop"));
    if let Some(stop) = stop
        && !stop.is_array()
    {
        return Err(shape("`hooks.Stop`", stop, "an array"));
    }
    if has_baton_stop_hook(&root) {
        return Ok(Merged::AlreadyPresent);
    }

    // The JSON is valid, so the span scanner only has to find things, not judge them.
    let bytes = text.as_bytes();
    let mut scanner = Scanner { s: bytes, pos: 0 };
    scanner.skip_ws();
    let root_node = scanner.value();
    let style = Style::detect(text, &root_node);
    let Node::Object(root_obj) = &root_node else {
        return Err(shape("the top level", &root, "an object"));
    };
    let hooks_node = root_obj.member("hooks");
    let edit = match hooks_node {
        None => style.insert_member(
            text,
            root_obj,
            "hooks",
            &pretty_value(&HooksValue::default(), &style),
        ),
        Some(Node::Object(hooks_obj)) => match hooks_obj.member("Stop") {
            None => style.insert_member(
                text,
                hooks_obj,
                "Stop",
                &pretty_value(&[StopEntry::default()], &style),
            ),
            Some(Node::Array(stop_arr)) => {
                style.append_item(text, stop_arr, &pretty_value(&StopEntry::default(), &style))
            }
            Some(_) => {
                return Err(shape(
                    "`hooks.Stop`",
                    stop.unwrap_or(&Value::Null),
                    "an array",
                ));
            }
        },
        Some(_) => return Err(shape("`hooks`", hooks.unwrap_or(&Value::Null), "an object")),
    };
    let (at, remove, insert) = edit;
    let mut out = String::with_capacity(text.len() + insert.len());
    out.push_str(&text[..at]);
    out.push_str(&insert);
    out.push_str(&text[at + remove..]);
    Ok(Merged::Updated(out))
}

/// Whether a handler's command runs baton's Claude Code Stop hook: some word named `baton`
/// (any directory, optionally quoted or with `.exe`) followed by `hook claude-stop`, so that
/// `/usr/local/bin/baton hook claude-stop --session a` counts as already installed.
pub fn is_baton_stop_command(command: &str) -> bool {
    let words: Vec<&str> = command.split_whitespace().collect();
    words.windows(3).any(|w| {
        let program = w[0].trim_matches(['"', '\'']);
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        matches!(name, "baton" | "baton.exe") && w[1] == "hook" && w[2] == "claude-stop"
    })
}

/// Whether `hooks.Stop` holds a handler that runs baton's Stop hook.
pub fn has_baton_stop_hook(settings: &Value) -> bool {
    let Some(groups) = settings
        .get("hooks")
        .and_then(|h| h.get("Stop"))
        .and_then(Value::as_array)
    else {
        return false;
    };
    groups.iter().any(|group| {
        group
            .get("hooks")
            .and_then(Value::as_array)
            .is_some_and(|handlers| {
                handlers.iter().any(|h| {
                    h.get("command")
                        .and_then(Value::as_str)
                        .is_some_and(is_baton_stop_command)
                })
            })
    })
}

fn shape(what: &'static str, found: &Value, expected: &'static str) -> SettingsError {
    let found = match found {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    SettingsError::Shape {
        what,
        found,
        expected,
    }
}

// ---- what is added (structs, so that keys keep this order) --------------------------------

#[derive(Serialize, Default)]
struct Settings {
    hooks: HooksValue,
}

#[derive(Serialize, Default)]
struct HooksValue {
    #[serde(rename = "Stop")]
    stop: [StopEntry; 1],
}

#[derive(Serialize, Default)]
struct StopEntry {
    hooks: [Handler; 1],
}

#[derive(Serialize)]
struct Handler {
    #[serde(rename = "type")]
    kind: &'static str,
    command: &'static str,
}

impl Default for Handler {
    fn default() -> Handler {
        Handler {
            kind: "command",
            command: STOP_COMMAND,
        }
    }
}

/// Pretty JSON with `unit` as one level of indentation.
pub(super) fn pretty(value: &impl Serialize, unit: &str) -> String {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(unit.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    // Serialising these plain structs into memory cannot fail.
    let _ = value.serialize(&mut ser);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The value as it will be written: pretty in the file's indentation, or compact.
pub(super) fn pretty_value(value: &impl Serialize, style: &Style) -> Rendered {
    if style.compact {
        Rendered(serde_json::to_string(value).unwrap_or_default())
    } else {
        Rendered(pretty(value, &style.unit))
    }
}

/// A rendered value whose lines after the first are not yet indented.
pub(super) struct Rendered(String);

// ---- where things are in the original text ----------------------------------------------
//
// The scanner and the layout below are shared with `mcp.rs`, which splices baton's MCP server
// entry into `.mcp.json` and `.gemini/settings.json` the same way.

pub(super) enum Node {
    Object(Container),
    Array(Container),
    Scalar,
}

/// An object or array: the byte offsets of its brackets and of each child.
pub(super) struct Container {
    open: usize,
    close: usize,
    /// Each member or item: where it starts (the key, for members) and ends, its key, value.
    children: Vec<Child>,
}

struct Child {
    start: usize,
    end: usize,
    key: Option<String>,
    value: Node,
}

impl Container {
    /// The last member named `key` (the one JSON parsers keep when a key repeats).
    pub(super) fn member(&self, key: &str) -> Option<&Node> {
        self.children
            .iter()
            .rev()
            .find(|c| c.key.as_deref() == Some(key))
            .map(|c| &c.value)
    }
}

/// A forgiving scanner over JSON already known to be valid.
pub(super) struct Scanner<'a> {
    pub(super) s: &'a [u8],
    pub(super) pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    pub(super) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    pub(super) fn value(&mut self) -> Node {
        match self.peek() {
            Some(b'{') => Node::Object(self.container(b'}', true)),
            Some(b'[') => Node::Array(self.container(b']', false)),
            Some(b'"') => {
                self.string();
                Node::Scalar
            }
            _ => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
                Node::Scalar
            }
        }
    }

    /// Skips a string literal, returning its raw text (quotes included).
    fn string(&mut self) -> &[u8] {
        let start = self.pos;
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'"' => break,
                _ => {}
            }
        }
        &self.s[start..self.pos.min(self.s.len())]
    }

    fn container(&mut self, close: u8, keyed: bool) -> Container {
        let open = self.pos;
        self.pos += 1;
        let mut children = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => break,
                Some(b) if b == close => break,
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {}
            }
            let start = self.pos;
            let key = if keyed {
                let raw = self.string();
                let key = serde_json::from_slice::<String>(raw).ok();
                self.skip_ws();
                if self.peek() == Some(b':') {
                    self.pos += 1;
                }
                self.skip_ws();
                key
            } else {
                None
            };
            let value = self.value();
            children.push(Child {
                start,
                end: self.pos,
                key,
                value,
            });
        }
        let close_at = self.pos;
        if self.peek().is_some() {
            self.pos += 1;
        }
        Container {
            open,
            close: close_at,
            children,
        }
    }
}

// ---- how the file is laid out -----------------------------------------------------------

/// The file's layout, copied for what is inserted.
pub(super) struct Style {
    /// Everything on one line: insert compact JSON.
    compact: bool,
    /// One level of indentation.
    unit: String,
    newline: &'static str,
}

impl Style {
    pub(super) fn detect(text: &str, root: &Node) -> Style {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let trimmed = text.trim_end();
        let compact = !trimmed.contains('\n');
        let unit = match root {
            Node::Object(c) => c
                .children
                .first()
                .and_then(|first| own_line_indent(text, first.start))
                .filter(|indent| !indent.is_empty())
                .unwrap_or_else(|| "  ".to_string()),
            _ => "  ".to_string(),
        };
        Style {
            compact,
            unit,
            newline,
        }
    }

    /// Indents a rendered value's continuation lines to sit under `indent`.
    fn place(&self, rendered: &Rendered, indent: &str) -> String {
        if self.compact {
            return rendered.0.clone();
        }
        rendered
            .0
            .split('\n')
            .collect::<Vec<_>>()
            .join(&format!("{}{indent}", self.newline))
    }

    /// Where children of `c` are indented: like the last one, or one level in from the line
    /// holding the opening bracket.
    fn child_indent(&self, text: &str, c: &Container) -> String {
        c.children
            .last()
            .and_then(|last| own_line_indent(text, last.start))
            .unwrap_or_else(|| format!("{}{}", line_indent(text, c.open), self.unit))
    }

    /// An edit (offset, bytes removed, text inserted) adding `"key": value` to an object.
    pub(super) fn insert_member(
        &self,
        text: &str,
        obj: &Container,
        key: &str,
        value: &Rendered,
    ) -> (usize, usize, String) {
        let key = serde_json::to_string(key).unwrap_or_default();
        let indent = self.child_indent(text, obj);
        let sep = if self.compact { ":" } else { ": " };
        let member = format!("{key}{sep}{}", self.place(value, &indent));
        self.insert_child(text, obj, &indent, &member)
    }

    /// An edit appending an item to an array.
    fn append_item(&self, text: &str, arr: &Container, value: &Rendered) -> (usize, usize, String) {
        let indent = self.child_indent(text, arr);
        let item = self.place(value, &indent);
        self.insert_child(text, arr, &indent, &item)
    }

    fn insert_child(
        &self,
        text: &str,
        c: &Container,
        indent: &str,
        child: &str,
    ) -> (usize, usize, String) {
        match c.children.last() {
            Some(last) => {
                let on_own_line = own_line_indent(text, last.start).is_some();
                if self.compact || !on_own_line {
                    (last.end, 0, format!(",{child}"))
                } else {
                    (last.end, 0, format!(",{}{indent}{child}", self.newline))
                }
            }
            None => {
                // Replace whatever whitespace sits between the brackets.
                let inner = c.close - (c.open + 1);
                if self.compact {
                    (c.open + 1, inner, child.to_string())
                } else {
                    let outer = line_indent(text, c.open);
                    (
                        c.open + 1,
                        inner,
                        format!("{nl}{indent}{child}{nl}{outer}", nl = self.newline),
                    )
                }
            }
        }
    }
}

/// The whitespace before `at` when nothing else precedes it on its line.
fn own_line_indent(text: &str, at: usize) -> Option<String> {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    before
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
        .then(|| before.to_string())
}

/// The leading whitespace of the line holding `at`.
fn line_indent(text: &str, at: usize) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at]
        .bytes()
        .take_while(|&b| b == b' ' || b == b'\t')
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn updated(existing: Option<&str>) -> String {
        match merge_stop_hook(existing) {
            Ok(Merged::Updated(text)) => text,
            other => panic!("expected an update, got {other:?}"),
        }
    }

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{text}"))
    }

    #[test]
    fn creates_the_file_from_nothing() {
        let text = updated(None);
        assert_eq!(
            text,
            "{\n  \"hooks\": {\n    \"Stop\": [\n      {\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": \"baton hook claude-stop\"\n          }\n        ]\n      }\n    ]\n  }\n}\n"
        );
        assert_eq!(updated(Some("  \n")), text);
        assert_eq!(merge_stop_hook(Some(&text)), Ok(Merged::AlreadyPresent));
    }

    #[test]
    fn adds_hooks_keeping_every_other_byte() {
        let old = "{\n    \"zeta\": 1,\n    \"alpha\": {\"x\": [1, 2]}\n}\n";
        let new = updated(Some(old));
        assert_eq!(
            new,
            "{\n    \"zeta\": 1,\n    \"alpha\": {\"x\": [1, 2]},\n    \"hooks\": {\n        \"Stop\": [\n            {\n                \"hooks\": [\n                    {\n                        \"type\": \"command\",\n                        \"command\": \"baton hook claude-stop\"\n                    }\n                ]\n            }\n        ]\n    }\n}\n"
        );
        assert!(has_baton_stop_hook(&parse(&new)));
        assert_eq!(merge_stop_hook(Some(&new)), Ok(Merged::AlreadyPresent));
    }

    #[test]
    fn appends_to_existing_stop_hooks() {
        let old = r#"{
  "hooks": {
    "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "guard"}]}],
    "Stop": [
      {
        "hooks": [{"type": "command", "command": "notify-send done"}]
      }
    ]
  },
  "model": "x"
}"#;
        let new = updated(Some(old));
        let v = parse(&new);
        let stop = v["hooks"]["Stop"].as_array().map(Vec::len);
        assert_eq!(stop, Some(2));
        assert_eq!(
            v["hooks"]["Stop"][0]["hooks"][0]["command"],
            "notify-send done"
        );
        assert_eq!(v["hooks"]["Stop"][1]["hooks"][0]["command"], STOP_COMMAND);
        assert_eq!(v["hooks"]["PreToolUse"][0]["matcher"], "Bash");
        assert_eq!(v["model"], "x");
        assert!(new.starts_with(&old[..old.find("      }\n    ]").unwrap_or(0)]));
        assert!(new.ends_with("  },\n  \"model\": \"x\"\n}"));
    }

    #[test]
    fn adds_stop_to_hooks_and_fills_empty_containers() {
        let new = updated(Some("{\n  \"hooks\": {}\n}\n"));
        assert!(
            new.starts_with("{\n  \"hooks\": {\n    \"Stop\": [\n      {\n"),
            "{new}"
        );
        assert!(has_baton_stop_hook(&parse(&new)));
        let new = updated(Some("{\n  \"hooks\": {\"Stop\": []}\n}"));
        assert!(has_baton_stop_hook(&parse(&new)));
        let new = updated(Some("{}"));
        assert_eq!(
            new,
            r#"{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"baton hook claude-stop"}]}]}}"#
        );
        let new = updated(Some("{\"a\":1}"));
        assert_eq!(parse(&new)["a"], 1);
        assert!(has_baton_stop_hook(&parse(&new)));
    }

    #[test]
    fn keeps_crlf_and_tabs() {
        let old = "{\r\n\t\"a\": true\r\n}\r\n";
        let new = updated(Some(old));
        assert!(
            new.starts_with("{\r\n\t\"a\": true,\r\n\t\"hooks\": {\r\n\t\t\"Stop\": ["),
            "{new:?}"
        );
        assert!(!new.replace("\r\n", "").contains('\n'), "{new:?}");
        assert!(has_baton_stop_hook(&parse(&new)));
    }

    #[test]
    fn recognises_equivalent_commands() {
        assert!(is_baton_stop_command("baton hook claude-stop"));
        assert!(is_baton_stop_command(
            "/usr/local/bin/baton hook claude-stop --session a"
        ));
        assert!(is_baton_stop_command(
            "BATON_SESSION=x \"$HOME/bin/baton\" hook claude-stop"
        ));
        assert!(!is_baton_stop_command("baton verify"));
        assert!(!is_baton_stop_command("notbaton hook claude-stop"));
        let old = r#"{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"~/bin/baton hook claude-stop"}]}]}}"#;
        assert_eq!(merge_stop_hook(Some(old)), Ok(Merged::AlreadyPresent));
    }

    #[test]
    fn rejects_bad_json_and_wrong_shapes() {
        match merge_stop_hook(Some("{\n  \"a\": 1,\n  \"b\": \n}\n")) {
            Err(SettingsError::Syntax { line, column, .. }) => assert_eq!((line, column), (4, 1)),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            merge_stop_hook(Some("[]")),
            Err(SettingsError::Shape {
                what: "the top level",
                found: "an array",
                expected: "an object"
            })
        );
        assert!(matches!(
            merge_stop_hook(Some(r#"{"hooks": {"Stop": {}}}"#)),
            Err(SettingsError::Shape {
                what: "`hooks.Stop`",
                ..
            })
        ));
        assert!(matches!(
            merge_stop_hook(Some(r#"{"hooks": null}"#)),
            Err(SettingsError::Shape {
                what: "`hooks`",
                found: "null",
                ..
            })
        ));
    }

    #[test]
    fn a_repeated_key_is_merged_where_parsers_read_it() {
        let old = "{\n  \"hooks\": {\"Stop\": 1},\n  \"hooks\": {}\n}";
        let new = updated(Some(old));
        assert!(has_baton_stop_hook(&parse(&new)), "{new}");
        assert!(new.starts_with("{\n  \"hooks\": {\"Stop\": 1},\n"));
    }
}
