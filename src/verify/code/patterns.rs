//! The regular expressions, compiled once per process.
//!
//! All are byte regexes with Unicode off: source identifiers are ASCII in practice, ASCII
//! classes keep the automata small, and the masked text is matched as bytes without a
//! UTF-8 check. Definition patterns are anchored at the start of a line already trimmed
//! of indentation and are only tried on lines whose first word can start a declaration,
//! so most lines never reach a regex.

use std::sync::LazyLock;

use regex::bytes::{CaptureMatches, Captures, Regex, RegexBuilder};

/// A compiled pattern. A pattern that failed to compile (a bug that the tests catch)
/// matches nothing instead of panicking in a user's `baton verify`.
#[derive(Debug)]
pub(crate) struct Pat(Option<Regex>);

impl Pat {
    fn new(pattern: &str) -> Pat {
        Pat(RegexBuilder::new(pattern).unicode(false).build().ok())
    }

    /// Where the match ends. Much cheaper than [`Pat::caps`]: no capture groups to
    /// resolve, so the lazy DFA alone answers. Used for the patterns whose name is the
    /// last identifier of the match, which is then read back by hand.
    pub(crate) fn end(&self, haystack: &[u8]) -> Option<usize> {
        self.0.as_ref()?.find(haystack).map(|m| m.end())
    }

    pub(crate) fn caps<'h>(&self, haystack: &'h [u8]) -> Option<Captures<'h>> {
        self.0.as_ref()?.captures(haystack)
    }

    pub(crate) fn captures_iter<'r, 'h>(
        &'r self,
        haystack: &'h [u8],
    ) -> impl Iterator<Item = Captures<'h>> + use<'r, 'h> {
        self.0
            .as_ref()
            .map(|re| re.captures_iter(haystack))
            .into_iter()
            .flat_map(|it: CaptureMatches<'r, 'h>| it)
    }

    #[cfg(test)]
    pub(crate) fn is_compiled(&self) -> bool {
        self.0.is_some()
    }
}

/// Annotations (`@Override`, `@GetMapping("/x")`) before a Java or Kotlin declaration.
const ANNOTATIONS: &str = r"(?:@[A-Za-z_][\w.]*(?:\([^)]*\))?\s+)*";
/// C# attributes written on the declaration's own line.
const ATTRIBUTES: &str = r"(?:\[[^\]]*\]\s*)*";
/// A Java/C# type: `int`, `List<Map<String, User>>`, `byte[]`, `Task<User?>`.
const TYPE: &str = r"[A-Za-z_$][\w$.]*(?:<[^()]*>)?(?:\[\])*\??";

#[derive(Debug)]
pub(crate) struct Patterns {
    pub marker: Pat,

    pub rust_item: Pat,
    pub rust_stub: Pat,

    pub py_def: Pat,
    pub py_class: Pat,
    pub py_decorator: Pat,
    pub py_assign: Pat,
    pub py_type_alias: Pat,
    pub py_stub: Pat,

    pub js_function: Pat,
    pub js_class: Pat,
    pub js_interface: Pat,
    pub js_type_alias: Pat,
    pub js_enum: Pat,
    pub js_namespace: Pat,
    pub js_variable: Pat,
    pub js_exports: Pat,
    pub js_method: Pat,
    pub js_arrow_member: Pat,
    pub js_stub: Pat,

    pub go_func: Pat,
    pub go_type: Pat,
    pub go_value: Pat,
    pub go_block: Pat,
    pub go_block_entry: Pat,
    pub go_interface_method: Pat,
    pub go_stub: Pat,

    pub java_type: Pat,
    pub java_method: Pat,
    pub java_constant: Pat,
    pub java_stub: Pat,

    pub kt_type: Pat,
    pub kt_companion: Pat,
    pub kt_fun: Pat,
    pub kt_property: Pat,
    pub kt_typealias: Pat,
    pub kt_stub: Pat,

    pub cs_namespace: Pat,
    pub cs_type: Pat,
    pub cs_method: Pat,
    pub cs_constant: Pat,

    pub rb_def: Pat,
    pub rb_class: Pat,
    pub rb_module: Pat,
    pub rb_constant: Pat,
    pub rb_stub: Pat,

    pub php_namespace: Pat,
    pub php_type: Pat,
    pub php_function: Pat,
    pub php_constant: Pat,
    pub php_stub: Pat,
}

impl Patterns {
    #[cfg(test)]
    pub(crate) fn all(&self) -> Vec<&Pat> {
        vec![
            &self.marker,
            &self.rust_item,
            &self.rust_stub,
            &self.py_def,
            &self.py_class,
            &self.py_decorator,
            &self.py_assign,
            &self.py_type_alias,
            &self.py_stub,
            &self.js_function,
            &self.js_class,
            &self.js_interface,
            &self.js_type_alias,
            &self.js_enum,
            &self.js_namespace,
            &self.js_variable,
            &self.js_exports,
            &self.js_method,
            &self.js_arrow_member,
            &self.js_stub,
            &self.go_func,
            &self.go_type,
            &self.go_value,
            &self.go_block,
            &self.go_block_entry,
            &self.go_interface_method,
            &self.go_stub,
            &self.java_type,
            &self.java_method,
            &self.java_constant,
            &self.java_stub,
            &self.kt_type,
            &self.kt_companion,
            &self.kt_fun,
            &self.kt_property,
            &self.kt_typealias,
            &self.kt_stub,
            &self.cs_namespace,
            &self.cs_type,
            &self.cs_method,
            &self.cs_constant,
            &self.rb_def,
            &self.rb_class,
            &self.rb_module,
            &self.rb_constant,
            &self.rb_stub,
            &self.php_namespace,
            &self.php_type,
            &self.php_function,
            &self.php_constant,
            &self.php_stub,
        ]
    }
}

pub(crate) static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let java_mods = r"(?:(?:public|protected|private|static|final|abstract|synchronized|native|default|strictfp)\s+)*";
    let cs_mods = r"(?:(?:public|private|protected|internal|static|virtual|override|abstract|sealed|async|extern|unsafe|new|partial|readonly)\s+)*";
    Patterns {
        marker: Pat::new(r"\b(?:TODO|FIXME)\b"),

        // Group 1: `macro_rules`, group 2: the item keyword, group 3: the name.
        rust_item: Pat::new(
            r#"^(?:pub(?:\s*\([^)]*\))?\s+)?(?:(?:default|async|unsafe|safe|extern(?:\s*"[^"]*")?)\s+)*(?:(macro_rules)!\s*|(const\s+(?:(?:async|unsafe|extern(?:\s*"[^"]*")?)\s+)*fn|fn|struct|enum|trait|type|union|mod|const|static)\s+(?:(?:mut|ref)\s+)?)(?:r#)?([A-Za-z_]\w*)"#,
        ),
        rust_stub: Pat::new(r"\b(?:(todo)|(unimplemented))!\s*[(\[{]|\b(panic)!\s*[(\[{]"),

        py_def: Pat::new(r"^(?:async\s+)?def\s+([A-Za-z_]\w*)"),
        py_class: Pat::new(r"^class\s+([A-Za-z_]\w*)"),
        py_decorator: Pat::new(r"^@\s*([A-Za-z_][\w.]*)"),
        py_assign: Pat::new(r"^([A-Za-z_]\w*)\s*(?::([^=]*))?(?:=[^=]|=$|$)"),
        py_type_alias: Pat::new(r"^type\s+([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*="),
        py_stub: Pat::new(
            r"\braise\s+(NotImplemented(?:Error)?)\b|\braise\s+([A-Za-z_][\w.]*)\s*\(",
        ),

        js_function: Pat::new(
            r"^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)",
        ),
        js_class: Pat::new(
            r"^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)",
        ),
        js_interface: Pat::new(r"^(?:export\s+)?(?:declare\s+)?interface\s+([A-Za-z_$][\w$]*)"),
        js_type_alias: Pat::new(
            r"^(?:export\s+)?(?:declare\s+)?type\s+([A-Za-z_$][\w$]*)\s*(?:<.*>)?\s*=",
        ),
        js_enum: Pat::new(r"^(?:export\s+)?(?:declare\s+)?(?:const\s+)?enum\s+([A-Za-z_$][\w$]*)"),
        js_namespace: Pat::new(
            r"^(?:export\s+)?(?:declare\s+)?(?:namespace|module)\s+([A-Za-z_$][\w$.]*)",
        ),
        // Group 2: what is assigned, to tell functions from values.
        js_variable: Pat::new(
            r"^(?:export\s+)?(?:declare\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=(.*)$",
        ),
        js_exports: Pat::new(r"^(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=(.*)$"),
        js_method: Pat::new(
            r"^(?:(?:public|private|protected|static|readonly|async|override|abstract|declare|get|set|accessor)\s+)*\*?\s*(#?[A-Za-z_$][\w$]*)\s*\??\s*(?:<[^()]*>)?\s*\(",
        ),
        js_arrow_member: Pat::new(
            r"^(?:(?:public|private|protected|static|readonly|override)\s+)*(#?[A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*(?:async\s+)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*(?::[^=]*)?=>",
        ),
        // Group 1: the thrown class, group 2: a thrown string literal.
        js_stub: Pat::new(r"\bthrow\s+(?:new\s+)?([A-Za-z_$][\w$.]*)\s*\(|\bthrow\s+([`'\x22])"),

        // Group 1: the receiver type, group 2: the name.
        go_func: Pat::new(
            r"^func\s*(?:\(\s*(?:[A-Za-z_]\w*\s+)?\*?\s*([A-Za-z_]\w*)(?:\[[^\]]*\])?\s*\)\s*)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*\(",
        ),
        go_type: Pat::new(r"^type\s+([A-Za-z_]\w*)(?:\[[^\]]*\])?\s+(?:=\s*)?(struct|interface)?"),
        go_value: Pat::new(r"^(const|var)\s+([A-Za-z_]\w*)"),
        go_block: Pat::new(r"^(const|var|type)\s*\("),
        go_block_entry: Pat::new(r"^([A-Za-z_]\w*)(?:\s*\[[^\]]*\])?(?:\s+(struct|interface)\b)?"),
        go_interface_method: Pat::new(r"^([A-Za-z_]\w*)\s*\("),
        go_stub: Pat::new(r"\bpanic\s*\("),

        java_type: Pat::new(&format!(
            r"^{ANNOTATIONS}(?:(?:public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)\s+)*(class|interface|enum|record|@interface)\s+([A-Za-z_$][\w$]*)"
        )),
        // Group 1: the return type (absent for constructors), group 2: the name.
        java_method: Pat::new(&format!(
            r"^{ANNOTATIONS}{java_mods}(?:<[^()]*?>\s+)?(?:({TYPE})\s+)?([A-Za-z_$][\w$]*)\s*\("
        )),
        java_constant: Pat::new(&format!(
            r"^(?:(?:public|protected|private|static|final|transient|volatile)\s+)+{TYPE}\s+([A-Z][A-Z0-9_]*)\s*[=;]"
        )),
        java_stub: Pat::new(r"\bthrow\s+new\s+([A-Za-z_][\w.]*)\s*\("),

        kt_type: Pat::new(&format!(
            r"^{ANNOTATIONS}(?:(?:public|private|protected|internal|open|abstract|sealed|data|enum|annotation|inner|value|inline|expect|actual|final|fun)\s+)*(class|interface|object)\s+([A-Za-z_]\w*)"
        )),
        kt_companion: Pat::new(
            r"^(?:(?:private|public|internal|protected)\s+)?companion\s+object\b",
        ),
        // Group 1: the receiver of an extension function, group 2: the name.
        kt_fun: Pat::new(&format!(
            r"^{ANNOTATIONS}(?:(?:public|private|protected|internal|open|override|abstract|final|suspend|inline|operator|infix|tailrec|external|expect|actual)\s+)*fun\s+(?:<[^>]*>\s*)?(?:([A-Za-z_][\w.]*(?:<[^>]*>)?\??)\.)?([A-Za-z_]\w*)\s*\("
        )),
        // Group 1: the modifiers (`const` makes a constant), group 2: the name.
        kt_property: Pat::new(
            r"^((?:(?:public|private|protected|internal|const|override|lateinit|open|final)\s+)*)(?:val|var)\s+([A-Za-z_]\w*)",
        ),
        kt_typealias: Pat::new(r"^(?:(?:public|private|internal)\s+)?typealias\s+([A-Za-z_]\w*)"),
        // Group 1: `TODO(`, group 2: the thrown class.
        kt_stub: Pat::new(r"\b(TODO)\s*\(|\bthrow\s+([A-Za-z_][\w.]*)\s*\("),

        cs_namespace: Pat::new(r"^namespace\s+([A-Za-z_][\w.]*)"),
        cs_type: Pat::new(&format!(
            r"^{ATTRIBUTES}(?:(?:public|private|protected|internal|static|abstract|sealed|partial|readonly|ref|unsafe|new|file)\s+)*(class|struct|interface|enum|record(?:\s+(?:class|struct))?)\s+([A-Za-z_]\w*)"
        )),
        cs_method: Pat::new(&format!(
            r"^{ATTRIBUTES}{cs_mods}(?:({TYPE})\s+)?([A-Za-z_]\w*)\s*(?:<[^()]*>)?\s*\("
        )),
        cs_constant: Pat::new(
            r"^(?:(?:public|private|protected|internal|new)\s+)*const\s+[\w.<>?\[\]]+\s+([A-Za-z_]\w*)",
        ),

        // Group 1: an explicit receiver (`self`), group 2: the name with its `?`/`!`.
        rb_def: Pat::new(
            r"^(?:(?:private|public|protected|module_function)\s+)?def\s+(?:([A-Za-z_]\w*)\s*\.\s*)?([A-Za-z_]\w*[?!=]?)",
        ),
        rb_class: Pat::new(r"^class\s+(<<\s*self\b|[A-Z][\w:]*)"),
        rb_module: Pat::new(r"^module\s+([A-Z][\w:]*)"),
        rb_constant: Pat::new(r"^([A-Z]\w*)\s*=[^=~]"),
        // Group 1: `raise NotImplementedError`, group 2: any other raise.
        rb_stub: Pat::new(r"\braise\s+(NotImplementedError)\b|\b(raise|fail)\b"),

        php_namespace: Pat::new(r"^namespace\s+([A-Za-z_][\w\\]*)"),
        php_type: Pat::new(
            r"^(?:(?:abstract|final|readonly)\s+)*(class|interface|trait|enum)\s+([A-Za-z_]\w*)",
        ),
        php_function: Pat::new(
            r"^(?:(?:public|private|protected|static|abstract|final)\s+)*function\s+&?\s*([A-Za-z_]\w*)\s*\(",
        ),
        php_constant: Pat::new(
            r"^(?:(?:public|private|protected|final)\s+)*const\s+(?:[A-Za-z_][\w\\]*\s+)?([A-Za-z_]\w*)\s*=",
        ),
        php_stub: Pat::new(r"\bthrow\s+new\s+\\?([A-Za-z_][\w\\]*)\s*\("),
    }
});
