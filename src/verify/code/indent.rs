//! Definitions and bodies in Python and Ruby, where a body is everything indented deeper
//! than the line that opened it.
//!
//! Ruby closes bodies with `end`, but that `end` sits at the opener's indentation in any
//! conventionally formatted file, so one indentation rule serves both and needs no keyword
//! counting (Ruby's modifier `if`, `do` blocks and `begin` make counting `end`s fragile).
//! Lines inside open brackets or after a backslash continue the previous line and never
//! close a body.
//!
//! Python is also where "the whole body is `pass`" is a stub: each function counts the
//! statements of its own body, and when it closes with none besides docstrings, `pass`
//! and `...`, it is one. Abstract methods, overloads, `Protocol` members and `.pyi` files
//! declare rather than implement, so they are exempt, and so is `raise
//! NotImplementedError` inside them.

use super::lang::Lang;
use super::patterns::PATTERNS;
use super::scan::{Input, Scanned, Sink, first_word, ident_before, text};
use super::{DefKind, StubKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Type,
    Module,
    Function,
}

#[derive(Debug)]
struct Frame {
    name: String,
    kind: Kind,
    /// Indentation (columns) of the line that opened the body.
    indent: usize,
    def: Option<usize>,
    /// Declares rather than implements (abstract, overload, protocol, stub file).
    exempt: bool,
    /// A Python class deriving from `Protocol`: its methods are declarations.
    protocol: bool,
    /// Statements in the body other than docstrings, `pass` and `...`.
    real: u32,
    /// The first `pass` or `...` line of the body.
    filler: Option<u32>,
}

struct Indent<'a> {
    input: &'a Input<'a>,
    sink: Sink,
    frames: Vec<Frame>,
    /// Decorators seen since the last statement (their last path segment).
    decorators: Vec<Vec<u8>>,
    next_hit: usize,
}

/// Decorators that make a Python function a declaration.
const DECLARING_DECORATORS: &[&[u8]] = &[
    b"abstractmethod",
    b"abstractproperty",
    b"abstractclassmethod",
    b"abstractstaticmethod",
    b"overload",
];

/// Python statements that an assignment pattern would otherwise take for a name.
const PY_KEYWORDS: &[&[u8]] = &[
    b"else",
    b"try",
    b"finally",
    b"except",
    b"elif",
    b"if",
    b"while",
    b"for",
    b"with",
    b"return",
    b"pass",
    b"break",
    b"continue",
    b"raise",
    b"import",
    b"from",
    b"del",
    b"global",
    b"nonlocal",
    b"assert",
    b"yield",
    b"lambda",
    b"match",
    b"case",
    b"async",
    b"await",
    b"class",
    b"def",
    b"print",
];

pub(super) fn run(input: &Input<'_>) -> Scanned {
    let mut t = Indent {
        input,
        sink: Sink::default(),
        frames: Vec::new(),
        decorators: Vec::new(),
        next_hit: 0,
    };
    let ruby = input.lang == Lang::Ruby;
    let mut brackets = 0i32;
    let mut continued = false;
    for (i, &(start, end)) in input.lines.iter().enumerate() {
        let line_no = i as u32 + 1;
        let line = &input.masked[start..end];
        let (indent_bytes, columns) = indentation(line);
        let code = line[indent_bytes..].trim_ascii_end();
        if code.is_empty() {
            // A comment line: its stubs (markers) belong to the body its indentation
            // puts it in, which may already have ended.
            let (_, raw_columns) = indentation(&input.src[start..end]);
            t.flush_hits(end, Some(raw_columns));
            continue;
        }
        if brackets == 0 && !continued {
            t.close_to(columns);
            if ruby {
                t.ruby(code, start + indent_bytes, columns, line_no);
            } else {
                t.python(code, start + indent_bytes, columns, line_no);
            }
        }
        t.flush_hits(end, None);
        for &b in code {
            match b {
                b'(' | b'[' => brackets += 1,
                b'{' if !ruby => brackets += 1,
                b')' | b']' => brackets = (brackets - 1).max(0),
                b'}' if !ruby => brackets = (brackets - 1).max(0),
                _ => {}
            }
        }
        continued = code.ends_with(b"\\");
    }
    t.close_to(0);
    t.flush_hits(usize::MAX, None);
    t.sink.out
}

/// Bytes of leading whitespace and the columns they span (tabs to multiples of 8).
fn indentation(line: &[u8]) -> (usize, usize) {
    let mut columns = 0;
    let mut bytes = 0;
    for &b in line {
        match b {
            b' ' => columns += 1,
            b'\t' => columns = (columns / 8 + 1) * 8,
            _ => break,
        }
        bytes += 1;
    }
    (bytes, columns)
}

/// A line that is only a string literal (a docstring, once masked: `"""   """`).
fn only_string(t: &[u8]) -> bool {
    t.iter().any(|&b| b == b'"' || b == b'\'')
        && t.iter().all(|&b| {
            matches!(
                b,
                b'"' | b'\'' | b' ' | b'\t' | b'r' | b'R' | b'b' | b'B' | b'u' | b'U' | b'f' | b'F'
            )
        })
}

/// What follows the colon that ends a `def` signature on its own line (`def f(): pass`).
fn inline_body(t: &[u8], from: usize) -> Option<&[u8]> {
    let mut depth = 0i32;
    let mut opened = false;
    for (i, &b) in t.iter().enumerate().skip(from) {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                opened = true;
            }
            b')' | b']' | b'}' => depth -= 1,
            b':' if depth == 0 && opened => {
                let rest = t[i + 1..].trim_ascii();
                return (!rest.is_empty()).then_some(rest);
            }
            _ => {}
        }
    }
    None
}

impl Indent<'_> {
    fn close_to(&mut self, columns: usize) {
        while self.frames.last().is_some_and(|f| f.indent >= columns) {
            if let Some(f) = self.frames.pop() {
                self.finish(f);
            }
        }
    }

    fn finish(&mut self, f: Frame) {
        if f.kind == Kind::Function
            && f.real == 0
            && !f.exempt
            && let Some(line) = f.filler
        {
            self.sink
                .stub(line, StubKind::PassBody, Some(f.name), f.def);
        }
    }

    fn flush_hits(&mut self, end: usize, comment_columns: Option<usize>) {
        while let Some(hit) = self.input.hits.get(self.next_hit)
            && hit.at <= end
        {
            self.next_hit += 1;
            let frame = match comment_columns {
                Some(c) => self.frames.iter().rev().find(|f| f.indent < c),
                None => self.frames.last(),
            };
            let (inside, def, exempt) = match frame {
                Some(f) => (
                    Some(f.name.clone()),
                    (f.kind == Kind::Function).then_some(f.def).flatten(),
                    f.exempt,
                ),
                None => (None, None, false),
            };
            if exempt && hit.kind.is_hard() {
                continue;
            }
            self.sink.stub(hit.line, hit.kind, inside, def);
        }
    }

    fn container(&self) -> Option<String> {
        self.frames
            .iter()
            .rev()
            .find(|f| f.kind != Kind::Function)
            .map(|f| f.name.clone())
    }

    fn in_class(&self) -> bool {
        self.frames
            .last()
            .is_some_and(|f| matches!(f.kind, Kind::Type | Kind::Module))
    }

    fn in_function(&self) -> bool {
        self.frames.iter().any(|f| f.kind == Kind::Function)
    }

    /// A statement of the innermost function's own body that is not a stub.
    fn count_real(&mut self) {
        if let Some(f) = self.frames.last_mut()
            && f.kind == Kind::Function
        {
            f.real += 1;
        }
    }

    fn push(&mut self, name: String, kind: Kind, indent: usize, def: Option<usize>) {
        self.frames.push(Frame {
            name,
            kind,
            indent,
            def,
            exempt: false,
            protocol: false,
            real: 0,
            filler: None,
        });
    }

    fn python(&mut self, t: &[u8], off: usize, columns: usize, line: u32) {
        let p = &*PATTERNS;
        if t.starts_with(b"@") {
            if let Some(name) = p.py_decorator.caps(t).and_then(|c| c.get(1)) {
                let name = name.as_bytes();
                let last = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
                self.decorators.push(last.to_vec());
            }
            return;
        }
        let word = first_word(t);
        if matches!(word, b"def" | b"async")
            && let Some(end) = p.py_def.end(t)
            && let Some((start, end)) = ident_before(t, end, b"")
        {
            self.count_real();
            let kind = if self.in_class() {
                DefKind::Method
            } else {
                DefKind::Function
            };
            let exempt = self.input.pyi
                || self
                    .decorators
                    .iter()
                    .any(|d| DECLARING_DECORATORS.contains(&d.as_slice()))
                || self.frames.last().is_some_and(|f| f.protocol);
            self.decorators.clear();
            let name = text(&t[start..end]);
            let container = self.container();
            let def = self
                .sink
                .def(name.clone(), line, kind, container, off + start);
            self.push(name, Kind::Function, columns, Some(def));
            if let Some(f) = self.frames.last_mut() {
                f.exempt = exempt;
            }
            if let Some(body) = inline_body(t, end) {
                self.body_statement(body, line);
            }
            return;
        }
        if word == b"class"
            && let Some(end) = p.py_class.end(t)
            && let Some((start, end)) = ident_before(t, end, b"")
        {
            self.count_real();
            self.decorators.clear();
            let protocol = memchr::memmem::find(&t[end..], b"Protocol").is_some();
            let name = text(&t[start..end]);
            let container = self.container();
            let def = self
                .sink
                .def(name.clone(), line, DefKind::Type, container, off + start);
            self.push(name, Kind::Type, columns, Some(def));
            if let Some(f) = self.frames.last_mut() {
                f.protocol = protocol;
            }
            return;
        }
        self.decorators.clear();
        if self.frames.last().is_some_and(|f| f.kind == Kind::Function) {
            self.body_statement(t, line);
            return;
        }
        if self.in_function() {
            return;
        }
        if word == b"type"
            && let Some(m) = p.py_type_alias.caps(t).and_then(|c| c.get(1))
        {
            let container = self.container();
            self.sink.def(
                text(m.as_bytes()),
                line,
                DefKind::Type,
                container,
                off + m.start(),
            );
            return;
        }
        let Some(c) = p.py_assign.caps(t) else {
            return;
        };
        let (Some(whole), Some(m)) = (c.get(0), c.get(1)) else {
            return;
        };
        if PY_KEYWORDS.contains(&m.as_bytes()) {
            return;
        }
        let annotated = c
            .get(2)
            .is_some_and(|a| !a.as_bytes().trim_ascii().is_empty());
        if !whole.as_bytes().contains(&b'=') && !annotated {
            return;
        }
        let container = self.container();
        self.sink.def(
            text(m.as_bytes()),
            line,
            constant_or_variable(m.as_bytes()),
            container,
            off + m.start(),
        );
    }

    /// Counts a statement of the innermost function's body.
    fn body_statement(&mut self, t: &[u8], line: u32) {
        let Some(f) = self.frames.last_mut() else {
            return;
        };
        if t == b"pass" || t == b"..." {
            f.filler.get_or_insert(line);
        } else if !(only_string(t) || t.starts_with(b"raise NotImplemented")) {
            f.real += 1;
        }
    }

    fn ruby(&mut self, t: &[u8], off: usize, columns: usize, line: u32) {
        let p = &*PATTERNS;
        let word = first_word(t);
        if matches!(
            word,
            b"def" | b"private" | b"public" | b"protected" | b"module_function"
        ) && let Some(end) = p.rb_def.end(t)
            // `valid?` is called as `valid?` but read as the word `valid` everywhere else.
            && let Some((start, end)) = ident_before(t, end, b"?!=")
        {
            let name = text(&t[start..end]);
            let receiver = (start > 0 && t[start - 1] == b'.')
                .then(|| ident_before(t, start - 1, b""))
                .flatten()
                .map(|(s, e)| &t[s..e]);
            let container = match receiver {
                Some(b"self") | None => self.container(),
                Some(receiver) => Some(text(receiver)),
            };
            let kind = if container.is_some() {
                DefKind::Method
            } else {
                DefKind::Function
            };
            let def = self
                .sink
                .def(name.clone(), line, kind, container, off + start);
            self.push(name, Kind::Function, columns, Some(def));
            return;
        }
        if word == b"class"
            && let Some(m) = p.rb_class.caps(t).and_then(|c| c.get(1))
        {
            if m.as_bytes().starts_with(b"<<") {
                // `class << self`: what follows belongs to the enclosing class.
                let outer = self.container().unwrap_or_default();
                self.push(outer, Kind::Type, columns, None);
                return;
            }
            let (name, at) = last_constant(m.as_bytes(), off + m.start());
            let container = self.container();
            let def = self
                .sink
                .def(name.clone(), line, DefKind::Type, container, at);
            self.push(name, Kind::Type, columns, Some(def));
            return;
        }
        if word == b"module"
            && let Some(m) = p.rb_module.caps(t).and_then(|c| c.get(1))
        {
            let (name, at) = last_constant(m.as_bytes(), off + m.start());
            let container = self.container();
            let def = self
                .sink
                .def(name.clone(), line, DefKind::Module, container, at);
            self.push(name, Kind::Module, columns, Some(def));
            return;
        }
        if self.in_function() {
            return;
        }
        if let Some(m) = p.rb_constant.caps(t).and_then(|c| c.get(1)) {
            let name = m.as_bytes();
            let kind = match constant_or_variable(name) {
                DefKind::Constant => DefKind::Constant,
                _ => DefKind::Type,
            };
            let container = self.container();
            self.sink
                .def(text(name), line, kind, container, off + m.start());
        }
    }
}

/// `Admin::UserService` → `UserService` and its offset.
fn last_constant(path: &[u8], at: usize) -> (String, usize) {
    let last = path.rsplit(|&b| b == b':').next().unwrap_or(path);
    (text(last), at + path.len() - last.len())
}

fn constant_or_variable(name: &[u8]) -> DefKind {
    if name.iter().any(u8::is_ascii_uppercase) && !name.iter().any(u8::is_ascii_lowercase) {
        DefKind::Constant
    } else {
        DefKind::Variable
    }
}
