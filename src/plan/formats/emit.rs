//! The Markdown a reader generates, line by line, each line with the source line it stands
//! for. Text from the source goes in as data: every value is put on one line, and prose is
//! escaped so that nothing in it becomes a heading, a list item or a checkbox.

/// A converted source: baton Markdown and, for each of its lines, the 1-based source line.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    pub text: String,
    pub lines: Vec<u32>,
}

impl Converted {
    /// Appends one line (any line breaks in `text` become spaces).
    pub fn line(&mut self, source_line: u32, text: &str) {
        for c in text.chars() {
            self.text.push(if c == '\n' || c == '\r' { ' ' } else { c });
        }
        self.text.push('\n');
        self.lines.push(source_line);
    }

    /// A blank line.
    pub fn blank(&mut self, source_line: u32) {
        self.line(source_line, "");
    }

    /// A task line: `- [m] ID [label]… title`.
    pub fn task(&mut self, source_line: u32, mark: char, id: &str, labels: &[String], title: &str) {
        let mut text = format!("- [{mark}] {id}");
        for label in labels {
            let label = label.replace(['[', ']'], "");
            if !label.trim().is_empty() {
                text.push_str(&format!(" [{}]", label.trim()));
            }
        }
        let title = one_line(title);
        text.push(' ');
        text.push_str(if title.is_empty() {
            "(untitled)"
        } else {
            &title
        });
        self.line(source_line, &text);
    }

    /// A metadata sub-item `  - key: value` (skipped when the value is empty).
    pub fn key(&mut self, source_line: u32, key: &str, value: &str) {
        let value = one_line(value);
        if !value.is_empty() {
            self.line(source_line, &format!("  - {key}: {value}"));
        }
    }

    /// A description sub-item: prose, escaped.
    pub fn note(&mut self, source_line: u32, text: &str) {
        let text = one_line(text);
        if !text.is_empty() {
            self.line(source_line, &format!("  - {}", escape_prose(&text)));
        }
    }

    /// An acceptance check under the task.
    pub fn check(&mut self, source_line: u32, mark: char, text: &str) {
        let text = one_line(text);
        if !text.is_empty() {
            self.line(
                source_line,
                &format!("  - [{mark}] {}", escape_prose(&text)),
            );
        }
    }

    /// A paragraph line of prose (overview text), escaped.
    pub fn prose(&mut self, source_line: u32, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.line(source_line, &escape_prose(text));
        }
    }
}

/// Collapses whitespace runs (line breaks included) to single spaces.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes prose that would otherwise open Markdown structure (a heading, a list item, a
/// quote, a fence, an HTML block, a table) or read as a `key: value` sub-item. Only ASCII
/// punctuation is escaped, so a renderer shows the text as written.
pub fn escape_prose(text: &str) -> String {
    let mut text = text.trim_start().to_string();
    if let Some((k, _)) = text.split_once(':')
        && !k.is_empty()
        && k.len() <= 24
        && k.split_whitespace().count() <= 3
    {
        text.insert(k.len(), '\\');
    }
    if text.starts_with(['#', '-', '*', '+', '>', '|', '<', '`', '~', '=', '[', '_']) {
        text.insert(0, '\\');
    } else if let Some((n, _)) = text.split_once(['.', ')'])
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
    {
        text.insert(n.len(), '\\');
    }
    text
}
