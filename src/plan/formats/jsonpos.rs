//! Where each value of a JSON text starts, by line. serde_json checks the text and gives the
//! values; this walker, run only on text serde_json accepted, gives their lines, so that a
//! task read from `tasks.json` keeps the line it stands on.

/// A JSON value's line, and for arrays and objects the lines of what they hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Node {
    /// 1-based line where the value starts.
    pub line: u32,
    /// Object members by key, in order.
    pub members: Vec<(String, Node)>,
    /// Array elements, in order.
    pub elements: Vec<Node>,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.members.iter().find(|(k, _)| k == key).map(|(_, n)| n)
    }

    /// The line of member `key`, else this value's own line.
    pub fn line_of(&self, key: &str) -> u32 {
        self.get(key).map_or(self.line, |n| n.line)
    }
}

/// Walks `text`, which must be JSON serde_json accepted (nesting depth is bounded by it).
pub fn walk(text: &str) -> Node {
    let mut walker = Walker {
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
    };
    walker.value()
}

struct Walker<'t> {
    bytes: &'t [u8],
    at: usize,
    line: u32,
}

impl Walker<'_> {
    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.at += 1;
        }
    }

    fn value(&mut self) -> Node {
        self.skip_ws();
        let mut node = Node {
            line: self.line,
            ..Node::default()
        };
        match self.bytes.get(self.at) {
            Some(b'{') => {
                self.at += 1;
                loop {
                    self.skip_ws();
                    match self.bytes.get(self.at) {
                        Some(b'}') | None => {
                            self.at += 1;
                            break;
                        }
                        Some(b',') => self.at += 1,
                        Some(b'"') => {
                            let key = self.string();
                            self.skip_ws();
                            self.at += 1; // the colon
                            let value = self.value();
                            node.members.push((key, value));
                        }
                        Some(_) => self.at += 1,
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                loop {
                    self.skip_ws();
                    match self.bytes.get(self.at) {
                        Some(b']') | None => {
                            self.at += 1;
                            break;
                        }
                        Some(b',') => self.at += 1,
                        Some(_) => node.elements.push(self.value()),
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while let Some(&b) = self.bytes.get(self.at) {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                        break;
                    }
                    self.at += 1;
                }
            }
            None => {}
        }
        node
    }

    /// A string starting at the opening quote; returns its text (escapes other than `\"`
    /// and `\\` kept as written: only keys are compared, and keys are plain).
    fn string(&mut self) -> String {
        self.at += 1;
        let mut out = Vec::new();
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b'"' => {
                    self.at += 1;
                    return String::from_utf8_lossy(&out).into_owned();
                }
                b'\\' => {
                    if let Some(&next) = self.bytes.get(self.at + 1) {
                        out.push(next);
                    }
                    self.at += 2;
                }
                _ => {
                    out.push(b);
                    self.at += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_members_and_elements() {
        let text = "{\n  \"master\": {\n    \"tasks\": [\n      {\"id\": 1},\n      {\n        \"id\": \"a\\\"b\"\n      }\n    ]\n  }\n}\n";
        let root = walk(text);
        let tasks = root
            .get("master")
            .and_then(|m| m.get("tasks"))
            .expect("tasks");
        assert_eq!(tasks.line, 3);
        assert_eq!(tasks.elements.len(), 2);
        assert_eq!(tasks.elements[0].line, 4);
        assert_eq!(tasks.elements[1].line, 5);
        assert_eq!(tasks.elements[1].line_of("id"), 6);
    }
}
