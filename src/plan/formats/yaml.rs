//! The YAML that plan front matter actually uses, read leniently: top-level `key: value`
//! lines, flow lists (`[a, b]`), block lists (`- a` lines under a key) and quoted strings.
//! Anything deeper (nested maps, `must_haves:`) is kept as "nested" and not looked into.
//!
//! A strict YAML parser would reject files the tools themselves write (Backlog.md's early
//! `assignee: @MrLesk` is no valid plain scalar), so this reader takes each line as written.

/// One top-level key of the front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: Value,
    /// 1-based line of the key in the file.
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Scalar(String),
    /// Items with the line each stands on.
    List(Vec<(String, u32)>),
    /// Indented content that is not a list (a nested map): present but not read.
    Nested,
}

impl Value {
    /// The items of a list, or the one scalar as a list (empty scalars give none).
    pub fn items(&self, line: u32) -> Vec<(String, u32)> {
        match self {
            Value::List(items) => items.clone(),
            Value::Scalar(s) if !s.is_empty() => vec![(s.clone(), line)],
            _ => Vec::new(),
        }
    }

    pub fn scalar(&self) -> Option<&str> {
        match self {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }
}

/// The front matter of `text`: the lines between a first line `---` and the next `---` or
/// `...`, with the 1-based line just after the closing fence. `None` when the text does not
/// start with `---`; `Err(line)` when the front matter is never closed.
pub fn front_matter(text: &str) -> Option<Result<(Vec<Entry>, u32), u32>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split('\n');
    if lines.next().map(|l| l.trim_end()) != Some("---") {
        return None;
    }
    let mut body = Vec::new();
    for (i, line) in lines.enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim_end() == "---" || line.trim_end() == "..." {
            return Some(Ok((entries(&body), i as u32 + 3)));
        }
        body.push((line, i as u32 + 2));
    }
    Some(Err(1))
}

fn entries(lines: &[(&str, u32)]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for &(line, number) in lines {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indented = line.len() != trimmed.len();
        if indented || trimmed.starts_with("- ") || trimmed == "-" {
            // Belongs to the key above: a block list item, or nested content.
            let Some(last) = out.last_mut() else { continue };
            match trimmed
                .strip_prefix('-')
                .filter(|_| !indented || is_item(line))
            {
                Some(item) if !matches!(last.value, Value::Nested) => {
                    let item = scalar(item);
                    match &mut last.value {
                        Value::List(items) => items.push((item, number)),
                        _ => last.value = Value::List(vec![(item, number)]),
                    }
                }
                _ => {
                    if !matches!(last.value, Value::List(_)) {
                        last.value = Value::Nested;
                    }
                }
            }
            continue;
        }
        let Some(colon) = key_end(trimmed) else {
            continue;
        };
        let key = trimmed[..colon]
            .trim()
            .trim_matches(['"', '\''])
            .to_string();
        let raw = trimmed[colon + 1..].trim();
        let value = if let Some(inner) = raw.strip_prefix('[') {
            let inner = strip_comment(inner);
            let inner = inner.trim_end().strip_suffix(']').unwrap_or(inner);
            Value::List(
                split_flow(inner)
                    .into_iter()
                    .map(|s| (scalar(&s), number))
                    .filter(|(s, _)| !s.is_empty())
                    .collect(),
            )
        } else {
            Value::Scalar(scalar(raw))
        };
        out.push(Entry {
            key,
            value,
            line: number,
        });
    }
    out
}

/// Whether an indented line is a list item (`  - x`) rather than nested map content.
fn is_item(line: &str) -> bool {
    let t = line.trim_start();
    t == "-" || t.starts_with("- ")
}

/// The colon that ends a key: the first `:` followed by a space or the end of the line,
/// outside quotes.
fn key_end(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') if i == 0 => quote = Some(b),
            (Some(q), c) if c == q => quote = None,
            (None, b':') if matches!(bytes.get(i + 1), None | Some(b' ' | b'\t')) => {
                return Some(i);
            }
            _ => {}
        }
    }
    None
}

/// A scalar: quotes removed (with `''` and `\"` unescaped), a trailing ` # comment` dropped
/// from an unquoted value.
fn scalar(raw: &str) -> String {
    let raw = raw.trim();
    if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        return inner.replace("\\\"", "\"").replace("\\\\", "\\");
    }
    strip_comment(raw).trim().to_string()
}

fn strip_comment(raw: &str) -> &str {
    match raw.find(" #") {
        Some(at) => &raw[..at],
        None => raw,
    }
}

/// Splits a flow list's inside at commas outside quotes.
fn split_flow(inner: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote = None;
    for c in inner.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                current.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (None, ',') => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out
}

/// The entry with this key.
pub fn get<'e>(entries: &'e [Entry], key: &str) -> Option<&'e Entry> {
    entries.iter().find(|e| e.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_scalars_flow_and_block_lists_and_skips_nested_maps() {
        let text = "---\nid: BACK-4.2\ntitle: \"CLI: Listing\"\nassignee: @MrLesk\n\
                    labels: [\"cli\", command]\ndependencies:\n  - task-4.1\n  - 'task-4.0'\n\
                    must_haves:\n  truths:\n    - \"x\"\nwave: 2   # a comment\n---\nbody\n";
        let (entries, body) = front_matter(text).expect("front matter").expect("closed");
        assert_eq!(body, 14);
        let value = |k: &str| get(&entries, k).expect(k).value.clone();
        assert_eq!(value("id"), Value::Scalar("BACK-4.2".into()));
        assert_eq!(value("title"), Value::Scalar("CLI: Listing".into()));
        assert_eq!(value("assignee"), Value::Scalar("@MrLesk".into()));
        assert_eq!(
            value("labels"),
            Value::List(vec![("cli".into(), 5), ("command".into(), 5)])
        );
        assert_eq!(
            value("dependencies"),
            Value::List(vec![("task-4.1".into(), 7), ("task-4.0".into(), 8)])
        );
        assert_eq!(value("must_haves"), Value::Nested);
        assert_eq!(value("wave"), Value::Scalar("2".into()));
    }

    #[test]
    fn an_unclosed_front_matter_is_reported_and_none_is_none() {
        assert_eq!(front_matter("---\nid: 1\n"), Some(Err(1)));
        assert_eq!(front_matter("# Title\n"), None);
    }
}
