//! Claude Code: baton's hooks in `.claude/settings.json`, and the JSON splicing every merge
//! of `init --agents` shares.
//!
//! The settings file is shared with the people who maintain it and with other tools, so the
//! merge is surgical ([`super::hooks`]): the file is parsed to validate it and to decide, and
//! a missing entry is spliced into the original text at the one place it belongs, indented
//! like its neighbours. Re-serialising the document would sort keys and reflow it.
//!
//! Two hooks, in Claude Code's layout (<https://code.claude.com/docs/en/hooks>): `Stop` runs
//! `baton hook claude-stop`, the gate that keeps a session from stopping with its tasks
//! unfinished or falsely ticked; `SessionStart` (sources `startup`, `resume`, `compact`)
//! runs `baton hook session-start --agent claude`, which records where the session started
//! and, after a compaction or a resume, prints its brief into the new context.

use serde::Serialize;

use super::hooks::Hook;

/// The project settings file, relative to the project directory.
pub const SETTINGS: &str = ".claude/settings.json";

/// Seconds Claude Code gives the Stop hook before killing it (which lets the session stop).
/// The hook runs the session's verify commands, each allowed `baton verify`'s default 600 s;
/// the margin lets baton report a command that timed out rather than be killed itself.
pub const STOP_TIMEOUT_SECS: u64 = 900;

/// Seconds for the SessionStart hook, which only reads the plan and baton's state.
pub const START_TIMEOUT_SECS: u64 = 60;

/// baton's hooks for Claude Code, run through `program` (`baton`).
pub fn hooks(program: &str) -> [Hook; 2] {
    [
        Hook {
            event: "Stop",
            matcher: None,
            name: None,
            program: program.to_string(),
            args: "claude-stop",
            timeout: STOP_TIMEOUT_SECS,
        },
        Hook {
            event: "SessionStart",
            matcher: Some("startup|resume|compact"),
            name: None,
            program: program.to_string(),
            args: "session-start --agent claude",
            timeout: START_TIMEOUT_SECS,
        },
    ]
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
    pub(super) fn append_item(
        &self,
        text: &str,
        arr: &Container,
        value: &Rendered,
    ) -> (usize, usize, String) {
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
