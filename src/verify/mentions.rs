//! What a task's words say about the paths and identifiers it names.
//!
//! Most plans carry no `verify:` commands, only prose: "Implement `UserService.register` in
//! src/services/user.py", "Delete the obsolete `src/legacy.rs`". Before any file is looked
//! at, this module reads that prose into mentions and decides, from a fixed table of verbs
//! (docs/verify.md, "The verb table"), what each mention promises: a path the task creates
//! must exist afterwards, a path it removes must be gone, an identifier it implements must
//! be defined. Anything the words do not pin down is only expected, never required, because
//! a wrong guess here would call honest work a lie.
//!
//! The reading is deliberately shallow and predictable rather than clever: a clause ends at
//! `.`, `;`, `!` or `?`; a verb counts only where an imperative can stand (the start of a
//! clause, after a comma, a conjunction, a negation or `to`), so "add a soft-delete flag" or
//! "the delete endpoint" contain no removal; a removal applies only to its direct object,
//! so "remove the flag from `src/user.py`" removes nothing but the flag; and the object of
//! *write*, *save*, *persist* in a clause about what the code does ("Add `saveSettings`:
//! write canonical `.settings.json`") is a run-time path, not a deliverable.

use crate::plan::{Task, keys};

/// The verbs of the table, by what they do to their object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerbClass {
    /// create, add, implement, write, …: the object (and the place named) must exist.
    Create,
    /// remove, delete, drop, …: the direct object must be gone.
    Remove,
    /// move, rename, extract, …: the target must exist; the source is not judged.
    Move,
    /// update, fix, refactor, …: the object is expected to exist.
    Modify,
    /// use, call, import, read, …: the object comes from elsewhere.
    Use,
}

impl VerbClass {
    pub fn as_str(self) -> &'static str {
        match self {
            VerbClass::Create => "create",
            VerbClass::Remove => "remove",
            VerbClass::Move => "move",
            VerbClass::Modify => "modify",
            VerbClass::Use => "use",
        }
    }
}

const CREATE: &[&str] = &[
    "add",
    "adds",
    "added",
    "adding",
    "create",
    "creates",
    "created",
    "creating",
    "implement",
    "implements",
    "implemented",
    "implementing",
    "write",
    "writes",
    "wrote",
    "written",
    "writing",
    "build",
    "builds",
    "built",
    "building",
    "scaffold",
    "scaffolds",
    "scaffolded",
    "generate",
    "generates",
    "generated",
    "introduce",
    "introduces",
    "introduced",
    "define",
    "defines",
    "defined",
    "setup",
    "initialize",
    "initialise",
    "initialized",
    "initialised",
    "init",
    "bootstrap",
    "document",
    "documents",
    "documented",
];

const REMOVE: &[&str] = &[
    "remove",
    "removes",
    "removed",
    "removing",
    "delete",
    "deletes",
    "deleted",
    "deleting",
    "drop",
    "drops",
    "dropped",
    "rm",
    "erase",
    "erased",
    "eliminate",
    "eliminated",
    "purge",
    "purged",
];

const MOVE: &[&str] = &[
    "move",
    "moves",
    "moved",
    "moving",
    "rename",
    "renames",
    "renamed",
    "renaming",
    "relocate",
    "relocated",
    "extract",
    "extracts",
    "extracted",
    "split",
];

const MODIFY: &[&str] = &[
    "update",
    "updates",
    "updated",
    "modify",
    "modified",
    "edit",
    "edits",
    "edited",
    "change",
    "changed",
    "refactor",
    "refactored",
    "fix",
    "fixes",
    "fixed",
    "extend",
    "extended",
    "wire",
    "wired",
    "register",
    "registered",
    "configure",
    "configured",
    "integrate",
    "integrated",
    "connect",
    "adjust",
    "patch",
    "replace",
    "replaced",
    "rewrite",
    "rewrote",
    "improve",
    "clean",
    "harden",
    "expose",
    "export",
    "rework",
    "migrate",
    "migrated",
    "convert",
    "tweak",
    "polish",
    "optimize",
    "optimise",
    "make",
    "set",
    "enable",
    "disable",
    "port",
    "upgrade",
    "bump",
    "keep",
    "preserve",
    "retain",
    "merge",
    "document",
];

const USE: &[&str] = &[
    "use",
    "uses",
    "call",
    "calls",
    "invoke",
    "import",
    "imports",
    "read",
    "reads",
    "load",
    "reuse",
    "consume",
    "leverage",
    "wrap",
    "mock",
    "reference",
    "follow",
    "see",
    "check",
    "verify",
    "test",
    "validate",
    "ensure",
    "handle",
    "support",
    "depend",
    "review",
    "run",
    "refer",
    "mirror",
    "consult",
];

/// Verbs whose object a program writes when it runs: in a clause about what the task's
/// code does ("Add `saveSettings`: write canonical `.settings.json`", "persist to
/// `state.json` on exit") their object is a run-time path, not a file the task delivers.
const RUNTIME_WRITES: &[&str] = &[
    "write",
    "writes",
    "save",
    "saves",
    "persist",
    "persists",
    "store",
    "stores",
    "dump",
    "dumps",
    "emit",
    "emits",
    "output",
    "outputs",
    "serialize",
    "serializes",
    "serialise",
    "serialises",
    "flush",
    "flushes",
    "append",
    "appends",
    "log",
    "logs",
    "cache",
    "caches",
    "export",
    "exports",
];

/// Extensions of source code: a program does not write its own code when it runs.
const CODE_EXTENSIONS: &[&str] = &[
    "rs", "py", "ts", "tsx", "js", "jsx", "mjs", "cjs", "go", "java", "kt", "rb", "php", "cs",
    "vue", "svelte", "swift", "c", "h", "cpp", "hpp", "sh",
];

/// Words after which a verb is an imperative: "and delete", "then add", "to remove".
const VERB_LEADS: &[&str] = &[
    "and", "or", "then", "also", "finally", "first", "next", "to", "must", "should", "will",
    "please", "can", "we", "i", "now", "just", "always", "fully", "properly",
];

/// Words that turn the verb after them around: "do not delete", "without removing".
const NEGATIONS: &[&str] = &[
    "not", "never", "don't", "dont", "doesn't", "won't", "without", "avoid", "no",
];

/// Words that may stand between a verb and its direct object: "delete the obsolete file".
const FILLERS: &[&str] = &[
    "the",
    "a",
    "an",
    "its",
    "their",
    "this",
    "that",
    "these",
    "those",
    "all",
    "any",
    "both",
    "each",
    "every",
    "new",
    "old",
    "older",
    "legacy",
    "obsolete",
    "unused",
    "dead",
    "deprecated",
    "stale",
    "empty",
    "outdated",
    "temporary",
    "existing",
    "redundant",
    "duplicate",
    "leftover",
    "orphaned",
    "file",
    "files",
    "folder",
    "folders",
    "directory",
    "directories",
    "dir",
    "module",
    "modules",
    "script",
    "scripts",
    "package",
    "source",
    "stub",
    "entirely",
    "completely",
    "altogether",
    "too",
    "following",
    "whole",
    "entire",
];

/// Prepositions that place the work: "in src/x.py", "into `b.rs`".
const PLACE: &[&str] = &["in", "into", "at", "under", "inside", "within", "to", "as"];

/// Prepositions after which a name comes from elsewhere: "with `serde`", "using `fetch()`".
const FROM_ELSEWHERE: &[&str] = &[
    "with",
    "using",
    "via",
    "from",
    "for",
    "like",
    "by",
    "over",
    "around",
    "than",
    "extends",
    "implements",
    "against",
    "through",
    "of",
    "on",
    "per",
    "after",
    "before",
];

/// What may follow the direct object of a removal for it to still be one: the clause ends,
/// a list goes on, or a reason is given. Anything else ("delete `tmp/` entries older than a
/// day") means the path was only an adjective of the real object, or the removal happens at
/// run time.
const AFTER_REMOVED: &[&str] = &[
    "and",
    "or",
    "from",
    "the",
    "repo",
    "repository",
    "codebase",
    "project",
    "tree",
    "too",
    "entirely",
    "completely",
    "altogether",
    "file",
    "files",
    "folder",
    "folders",
    "directory",
    "directories",
    "dir",
    "module",
    "modules",
    "script",
    "scripts",
    "package",
];

/// Nouns after an identifier that say it is not a code definition: "`tokio` dependency",
/// "`deleted_at` column".
const NOT_CODE_NOUNS: &[&str] = &[
    "dependency",
    "dependencies",
    "crate",
    "crates",
    "package",
    "packages",
    "library",
    "gem",
    "module",
    "column",
    "columns",
    "table",
    "tables",
    "field",
    "fields",
    "env",
    "environment",
    "variable",
    "var",
    "flag",
    "flags",
    "option",
    "options",
    "argument",
    "arg",
    "parameter",
    "param",
    "header",
    "key",
    "keys",
    "event",
    "events",
    "command",
    "commands",
    "subcommand",
    "endpoint",
    "route",
    "permission",
    "role",
    "setting",
    "settings",
    "label",
    "tag",
    "config",
    "property",
    "attribute",
    "section",
    "script",
    "target",
    "job",
    "step",
    "workflow",
    "fixture",
    "migration",
    "index",
    "constraint",
    "metric",
    "queue",
    "topic",
    "bucket",
    "secret",
    "file",
    "folder",
    "directory",
    "directive",
    "extension",
    "plugin",
    "feature",
    "value",
    "status",
    "state",
    "mode",
    "scope",
    "claim",
    "cookie",
    "query",
    "template",
    "page",
    "view",
    "screen",
    "button",
    "tab",
    "panel",
    "dialog",
    "binary",
    "cli",
    "service",
    "image",
    "container",
    "volume",
    "hook",
    "rule",
    "lint",
];

/// HTTP methods: in capitals before a path they make it a route, and `DELETE` is no removal.
const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// What the task's words promise about a path it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathRole {
    /// Created, added, implemented, or the place the task's work lands: must exist.
    Creates,
    /// The direct object of a removal: must be gone.
    Removes,
    /// Named otherwise: expected to exist, a warning if it does not.
    Names,
    /// Named in a way that promises nothing (the source of a move, a path standing as an
    /// adjective of what is removed).
    Neutral,
    /// What the task's code writes when it runs ("… : write canonical `.settings.json`"):
    /// a mention, never evidence.
    Runtime,
}

impl PathRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PathRole::Creates => "creates",
            PathRole::Removes => "removes",
            PathRole::Names => "names",
            PathRole::Neutral => "neutral",
            PathRole::Runtime => "runtime",
        }
    }
}

/// What the task's words promise about an identifier it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentRole {
    /// Implemented, added, defined: must be defined (hard when nothing close is).
    Defines,
    /// The direct object of a removal: should be defined nowhere any more.
    Removes,
    /// Used, called, imported, or with a preposition saying it comes from elsewhere.
    Uses,
    /// Named otherwise: expected to be defined, a warning if it is not.
    Names,
}

impl IdentRole {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentRole::Defines => "defines",
            IdentRole::Removes => "removes",
            IdentRole::Uses => "uses",
            IdentRole::Names => "names",
        }
    }
}

/// Where in the task a mention was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Title,
    /// The n-th plain sub-item (0-based).
    Note(usize),
}

/// A path the task's text names, with what the words around it promise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathMention {
    /// As written, `{a,b}` expanded, without a leading `./`.
    pub path: String,
    pub role: PathRole,
    /// The verb that decided the role, as written.
    pub verb: Option<String>,
    /// The preposition before it, if any ("in", "from", …).
    pub prep: Option<String>,
    pub place: Place,
    /// Written after an HTTP method (`GET users/`): a route, not a file.
    pub after_http_method: bool,
    /// What the task delivers though no creation verb says so: named in the title, not
    /// negated, not for reference (*for*, *from*, *with*, a *use* verb), not qualifying a
    /// noun ("Parser tests in `src/parser.test.ts`", "Update `src/app.ts`"). Missing, it is
    /// hard when it is the task's only deliverable or its subject (no verb before it).
    pub deliverable: bool,
}

/// An identifier candidate: a code span that is not a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentMention {
    /// The code span's text.
    pub code: String,
    pub role: IdentRole,
    pub verb: Option<String>,
    /// The word right after it, lowercased ("enum", "column"), if any.
    pub noun_after: Option<String>,
    pub place: Place,
}

/// Everything a task's title and notes name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    pub paths: Vec<PathMention>,
    pub idents: Vec<IdentMention>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    /// A plain word, with surrounding punctuation and emphasis stripped.
    Word(&'a str),
    /// A backticked code span.
    Code(&'a str),
    /// A plain word that is a path.
    PlainPath(&'a str),
    /// `,`, `:`, a dash between words: the clause goes on, a list may follow.
    Comma,
    /// `.`, `;`, `!`, `?`: the clause ends.
    Break,
}

fn class_of(word: &str) -> Option<VerbClass> {
    let lower = word.to_ascii_lowercase();
    let lower = lower.as_str();
    if HTTP_METHODS.contains(&word) {
        return None;
    }
    if REMOVE.contains(&lower) {
        Some(VerbClass::Remove)
    } else if CREATE.contains(&lower) {
        Some(VerbClass::Create)
    } else if MOVE.contains(&lower) {
        Some(VerbClass::Move)
    } else if MODIFY.contains(&lower) {
        Some(VerbClass::Modify)
    } else if USE.contains(&lower) {
        Some(VerbClass::Use)
    } else {
        None
    }
}

/// Splits one piece of Markdown text into tokens. `paths` are the paths the parser found in
/// the same text (`keys::paths_in`): a plain word is a path only if the parser says so, so
/// that the scope `baton show` prints and the paths judged here agree.
fn tokens<'a>(text: &'a str, paths: &[String]) -> Vec<Tok<'a>> {
    let mut out = Vec::new();
    for piece in keys::pieces(text) {
        match piece {
            keys::Piece::Plain(plain) => plain_tokens(plain, paths, &mut out),
            keys::Piece::Code("") => {}
            keys::Piece::Code(code) => out.push(Tok::Code(code)),
        }
    }
    out
}

fn plain_tokens<'a>(plain: &'a str, paths: &[String], out: &mut Vec<Tok<'a>>) {
    for raw in plain.split_whitespace() {
        if matches!(raw, "-" | "—" | "–" | "--" | "|" | "/" | "&") {
            out.push(if raw == "&" {
                Tok::Word("and")
            } else {
                Tok::Comma
            });
            continue;
        }
        // A parenthesis opens an aside: the clause before it is over for what follows.
        if raw.starts_with('(') {
            out.push(Tok::Comma);
        }
        let lead = raw.trim_start_matches(['(', '[', '"', '\'', '*', '_', '{']);
        let word = lead.trim_end_matches([
            ')', ']', '"', '\'', '*', '_', '.', ',', ':', ';', '!', '?', '}',
        ]);
        let tail = &lead[word.len()..];
        if !word.is_empty() {
            let bare = word.strip_prefix("./").unwrap_or(word);
            let is_path = bare.contains(['/', '.', '*'])
                && keys::expand_braces(bare).iter().any(|p| paths.contains(p));
            out.push(if is_path {
                Tok::PlainPath(word)
            } else {
                Tok::Word(word)
            });
        }
        if tail.contains(['.', ';', '!', '?']) {
            out.push(Tok::Break);
        } else if tail.contains([',', ':', ')']) {
            out.push(Tok::Comma);
        }
    }
}

fn is_word(tok: Option<&Tok<'_>>, list: &[&str]) -> bool {
    matches!(tok, Some(Tok::Word(w)) if list.iter().any(|x| x.eq_ignore_ascii_case(w)))
}

/// Whether the removal whose object ends at token `i` is one: what follows ends the clause,
/// continues a list, or gives a reason.
fn removal_object_ends(toks: &[Tok<'_>], i: usize) -> bool {
    for tok in &toks[i + 1..] {
        match tok {
            Tok::Break | Tok::Comma => return true,
            Tok::Code(_) | Tok::PlainPath(_) => continue,
            Tok::Word(w) => {
                if AFTER_REMOVED.iter().any(|x| x.eq_ignore_ascii_case(w)) {
                    continue;
                }
                // A reason, or the next verb: the object ended.
                if [
                    "since",
                    "because",
                    "as",
                    "so",
                    "after",
                    "once",
                    "now",
                    "instead",
                    "which",
                    "that",
                    "no",
                    "superseded",
                    "replaced",
                ]
                .iter()
                .any(|x| x.eq_ignore_ascii_case(w))
                    || class_of(w).is_some()
                {
                    return true;
                }
                return false;
            }
        }
    }
    true
}

/// The next plain word after token `i`, lowercased: the noun an identifier qualifies.
fn word_after(toks: &[Tok<'_>], i: usize) -> Option<String> {
    match toks.get(i + 1) {
        Some(Tok::Word(w)) => Some(w.to_ascii_lowercase()),
        _ => None,
    }
}

/// Reads one piece of text (the title, or one note).
fn read_text(
    text: &str,
    place: Place,
    inherited: Option<(VerbClass, String)>,
    out: &mut Mentions,
) -> Option<(VerbClass, String)> {
    let paths = keys::paths_in(text);
    let toks = tokens(text, &paths);
    let mut verb: Option<(VerbClass, String)> = None;
    let mut first_verb: Option<(VerbClass, String)> = None;
    let mut negated = false;
    let mut pending_negation = false;
    let mut object_phase = false;
    let mut prep: Option<String> = None;
    let mut after_http = false;
    // In a clause about what the task's code does at run time (see RUNTIME_WRITES).
    let mut runtime = false;
    let mut prev: Option<&Tok<'_>> = None;
    for (i, tok) in toks.iter().enumerate() {
        match tok {
            Tok::Break => {
                runtime = false;
                verb = None;
                negated = false;
                pending_negation = false;
                object_phase = false;
                prep = None;
                after_http = false;
            }
            Tok::Comma => {
                after_http = false;
            }
            Tok::Word(w) => {
                let lower = w.to_ascii_lowercase();
                after_http = HTTP_METHODS.contains(w);
                let imperative = match prev {
                    None | Some(Tok::Break) | Some(Tok::Comma) => true,
                    Some(Tok::Word(p)) => {
                        VERB_LEADS.iter().any(|x| x.eq_ignore_ascii_case(p))
                            || NEGATIONS.iter().any(|x| x.eq_ignore_ascii_case(p))
                    }
                    _ => false,
                };
                // "get rid of": the removal is "rid", led by "get".
                let rid = lower == "rid" && is_word(prev, &["get", "got"]);
                // "…: write `x`" after another verb, or "the store writes `x`": behaviour.
                if RUNTIME_WRITES.contains(&lower.as_str())
                    && !is_past(w)
                    && (is_word(prev, &["always", "automatically"])
                        || (first_verb.is_some()
                            && imperative
                            && !is_word(prev, &["and", "then", "also"]))
                        || (!imperative
                            && lower.ends_with('s')
                            && matches!(prev, Some(Tok::Word(_)) | Some(Tok::Code(_)))))
                {
                    runtime = true;
                    verb = None;
                    negated = false;
                    object_phase = true;
                    prep = None;
                    prev = Some(tok);
                    continue;
                }
                // "set up": a creation, though "set" alone modifies.
                let set_up = lower == "set" && is_word(toks.get(i + 1), &["up"]);
                // A past form before a plain noun is an adjective: "Generated types".
                let adjective = is_past(w)
                    && matches!(toks.get(i + 1), Some(Tok::Word(next))
                        if !FILLERS.iter().any(|f| f.eq_ignore_ascii_case(next)));
                let class = if rid {
                    Some(VerbClass::Remove)
                } else if set_up {
                    Some(VerbClass::Create)
                } else if imperative && !adjective {
                    class_of(w)
                } else {
                    None
                };
                if let Some(class) = class {
                    runtime = false;
                    verb = Some((class, w.to_string()));
                    if first_verb.is_none() {
                        first_verb = verb.clone();
                    }
                    negated = pending_negation;
                    pending_negation = false;
                    object_phase = true;
                    prep = None;
                } else if NEGATIONS.contains(&lower.as_str()) {
                    pending_negation = true;
                } else if lower == "get" || (lower == "up" && is_word(prev, &["set"])) {
                    // part of a verb read above
                } else if lower == "of" && is_word(prev, &["rid"]) {
                    // "get rid of" keeps its object phase
                } else if PLACE.contains(&lower.as_str())
                    || FROM_ELSEWHERE.contains(&lower.as_str())
                {
                    prep = Some(lower);
                    object_phase = false;
                } else if ["and", "or", "then", "plus", "also"].contains(&lower.as_str())
                    || FILLERS.contains(&lower.as_str())
                {
                    // a list goes on, or an article: the object phase holds
                } else if matches!(verb, Some((VerbClass::Remove, _)))
                    && matches!(prev, Some(Tok::Word(_)))
                    && lower.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                {
                    // "Delete stacked PR command `x.ts`": words naming what is removed,
                    // before the path, keep it the direct object; a preposition ("the flag
                    // from `x.py`") or a code span ends it.
                } else {
                    object_phase = false;
                }
            }
            Tok::Code(code) if keys::code_span_is_path(code) => {
                let candidate = code.strip_prefix("./").unwrap_or(code);
                for path in keys::expand_braces(candidate) {
                    let read = Reading {
                        verb: verb.as_ref(),
                        negated,
                        object_phase,
                        prep: prep.as_deref(),
                        place,
                        inherited: inherited.as_ref(),
                        runtime,
                        after_http,
                    };
                    push_path(out, &toks, i, path, &read);
                }
            }
            Tok::PlainPath(word) => {
                let bare = word.strip_prefix("./").unwrap_or(word);
                for path in keys::expand_braces(bare) {
                    if !paths.contains(&path) {
                        continue;
                    }
                    let read = Reading {
                        verb: verb.as_ref(),
                        negated,
                        object_phase,
                        prep: prep.as_deref(),
                        place,
                        inherited: inherited.as_ref(),
                        runtime,
                        after_http,
                    };
                    push_path(out, &toks, i, path, &read);
                }
            }
            Tok::Code(code) => {
                let role = ident_role(
                    &toks,
                    i,
                    verb.as_ref(),
                    negated,
                    object_phase,
                    prep.as_deref(),
                    inherited.as_ref(),
                );
                let used_verb = verb.clone().or_else(|| inherited.clone());
                if !out.idents.iter().any(|m| m.code == *code) {
                    out.idents.push(IdentMention {
                        code: code.to_string(),
                        role,
                        verb: used_verb.map(|(_, w)| w),
                        noun_after: word_after(&toks, i),
                        place,
                    });
                }
            }
        }
        prev = Some(tok);
    }
    first_verb
}

/// Where a path stands in its clause: what [`push_path`] needs to read its role.
struct Reading<'r> {
    verb: Option<&'r (VerbClass, String)>,
    negated: bool,
    object_phase: bool,
    prep: Option<&'r str>,
    place: Place,
    inherited: Option<&'r (VerbClass, String)>,
    runtime: bool,
    after_http: bool,
}

fn is_code_file(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or(path);
    last.rsplit_once('.')
        .is_some_and(|(_, ext)| CODE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

fn push_path(out: &mut Mentions, toks: &[Tok<'_>], i: usize, path: String, r: &Reading<'_>) {
    let runtime = r.runtime
        && matches!(r.prep, None | Some("to" | "into" | "in" | "under" | "at"))
        && !is_code_file(&path);
    let role = if runtime {
        PathRole::Runtime
    } else {
        path_role(
            toks,
            i,
            r.verb,
            r.negated,
            r.object_phase,
            r.prep,
            r.place,
            r.inherited,
        )
    };
    let class = r.verb.or(r.inherited).map(|v| v.0);
    // Where the work lands: "… in `x.ts`" whatever the verb ("verify month rendering in
    // `x.test.tsx`"), the file a removal takes something out of ("remove the hook from
    // `settings.json`"), or the object of a verb that changes it ("Update `x.ts`"); not a
    // reference ("see `docs/x.md`", "based on `y.md`").
    let place = matches!(
        r.prep,
        Some("in" | "into" | "at" | "under" | "inside" | "within")
    );
    let lands = match class {
        Some(VerbClass::Use) => place,
        Some(VerbClass::Remove) => place || r.prep == Some("from"),
        _ => place || r.prep.is_none(),
    };
    let deliverable = role == PathRole::Names
        && !r.negated
        && r.place == Place::Title
        && lands
        && !qualifies_a_noun(toks, i);
    let verb = r.verb.or(r.inherited).map(|(_, w)| w.clone());
    if let Some(existing) = out.paths.iter_mut().find(|m| m.path == path) {
        // Named twice: the strongest promise counts (a removal over anything else, a
        // creation over a plain mention).
        let rank = |r: PathRole| match r {
            PathRole::Removes => 3,
            PathRole::Creates => 2,
            PathRole::Names => 1,
            PathRole::Neutral | PathRole::Runtime => 0,
        };
        if rank(role) > rank(existing.role) {
            existing.role = role;
            existing.verb = verb;
        }
        existing.deliverable = existing.deliverable || deliverable;
        return;
    }
    out.paths.push(PathMention {
        path,
        role,
        verb,
        prep: r.prep.map(str::to_string),
        place: r.place,
        after_http_method: r.after_http,
        deliverable,
    });
}

#[allow(clippy::too_many_arguments)]
fn path_role(
    toks: &[Tok<'_>],
    i: usize,
    verb: Option<&(VerbClass, String)>,
    negated: bool,
    object_phase: bool,
    prep: Option<&str>,
    place: Place,
    inherited: Option<&(VerbClass, String)>,
) -> PathRole {
    let elsewhere = prep.is_some_and(|p| FROM_ELSEWHERE.contains(&p));
    match verb.map(|v| v.0) {
        _ if negated => PathRole::Names,
        // "Write tests for `src/x.py`": the tests are made, the file is only referred to;
        // "Add `checksums.txt` artifacts": the artifacts are made, the path only qualifies
        // them.
        Some(VerbClass::Create) if elsewhere || qualifies_a_noun(toks, i) => PathRole::Names,
        Some(VerbClass::Create) => PathRole::Creates,
        Some(VerbClass::Remove) => {
            if object_phase && removal_object_ends(toks, i) {
                PathRole::Removes
            } else if object_phase {
                PathRole::Neutral
            } else {
                PathRole::Names
            }
        }
        Some(VerbClass::Move) => match prep {
            Some("to" | "into" | "under" | "as" | "in") => PathRole::Creates,
            _ if object_phase => PathRole::Neutral,
            _ => PathRole::Names,
        },
        Some(VerbClass::Modify | VerbClass::Use) => PathRole::Names,
        // No verb of its own: a note listing files inherits a creation from the title, and a
        // spec-kit title that ends with where its work lands ("Contract test … in
        // tests/x.py") names the file it writes.
        None => match inherited.map(|v| v.0) {
            // Only a bare listing or a place inherits it: "Based on `docs/design.md`" or
            // "Refer to `x.md`" in a sub-bullet names a file, it does not create one.
            Some(VerbClass::Create)
                if !qualifies_a_noun(toks, i)
                    && matches!(
                        prep,
                        None | Some("in" | "into" | "under" | "at" | "inside" | "within")
                    ) =>
            {
                PathRole::Creates
            }
            _ if place == Place::Title && prep == Some("in") && ends_clause(toks, i) => {
                PathRole::Creates
            }
            _ => PathRole::Names,
        },
    }
}

/// Whether the clause ends right after token `i`.
fn ends_clause(toks: &[Tok<'_>], i: usize) -> bool {
    matches!(toks.get(i + 1), None | Some(Tok::Break))
}

/// Whether a path at token `i` stands before a noun it qualifies (`checksums.txt`
/// artifacts): then the noun, not the path, is what the verb acts on.
fn qualifies_a_noun(toks: &[Tok<'_>], i: usize) -> bool {
    let Some(Tok::Word(w)) = toks.get(i + 1) else {
        return false;
    };
    let lower = w.to_ascii_lowercase();
    let lower = lower.as_str();
    !(FILLERS.contains(&lower)
        || PLACE.contains(&lower)
        || FROM_ELSEWHERE.contains(&lower)
        || AFTER_REMOVED.contains(&lower)
        || VERB_LEADS.contains(&lower)
        || [
            "since", "because", "so", "that", "which", "there", "here", "now",
        ]
        .contains(&lower)
        || class_of(w).is_some()
        || lower.ends_with("ing")
        || lower.ends_with("ed")
        || !lower.chars().all(|c| c.is_ascii_alphabetic()))
}

/// A past form (`generated`, `written`): at the start of a clause it is a verb only before
/// its object ("Removed `x.rs`"), not before a noun ("Generated types are written to …").
fn is_past(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    lower.ends_with("ed") || ["written", "wrote", "built", "made"].contains(&lower.as_str())
}

fn ident_role(
    toks: &[Tok<'_>],
    i: usize,
    verb: Option<&(VerbClass, String)>,
    negated: bool,
    object_phase: bool,
    prep: Option<&str>,
    inherited: Option<&(VerbClass, String)>,
) -> IdentRole {
    let elsewhere = prep.is_some_and(|p| FROM_ELSEWHERE.contains(&p));
    // "Implement `Display` for `Money`": the first is a trait from elsewhere.
    let trait_impl = is_word(toks.get(i + 1), &["for"]);
    if negated || elsewhere || trait_impl {
        return IdentRole::Uses;
    }
    match verb.or(inherited).map(|v| v.0) {
        Some(VerbClass::Create) => IdentRole::Defines,
        Some(VerbClass::Remove) if object_phase && removal_object_ends(toks, i) => {
            IdentRole::Removes
        }
        Some(VerbClass::Use) => IdentRole::Uses,
        _ => IdentRole::Names,
    }
}

/// Whether the word after an identifier says it is no code definition ("`tokio`
/// dependency", "`deleted_at` column").
pub fn is_not_code_noun(word: &str) -> bool {
    NOT_CODE_NOUNS.contains(&word)
}

/// Reads what a task's title and notes name. Notes without a verb of their own (a list of
/// files under "Create the API") inherit a creation from the title.
pub fn read(task: &Task) -> Mentions {
    let mut out = Mentions::default();
    let title_verb = read_text(&task.title, Place::Title, None, &mut out);
    let inherited = title_verb.filter(|(c, _)| *c == VerbClass::Create);
    for (n, note) in task.notes.iter().enumerate() {
        read_text(note, Place::Note(n), inherited.clone(), &mut out);
    }
    out
}

/// Whether the text says the task removes `path` (for a declared scope entry).
pub fn removes(mentions: &Mentions, path: &str) -> bool {
    mentions
        .paths
        .iter()
        .any(|m| m.path == path && m.role == PathRole::Removes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::parse;

    fn roles(source: &str) -> Vec<(String, &'static str)> {
        let plan = parse(source.as_bytes());
        read(&plan.tasks[0])
            .paths
            .into_iter()
            .map(|m| (m.path, m.role.as_str()))
            .collect()
    }

    fn pairs(list: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
        list.iter().map(|(a, b)| (a.to_string(), *b)).collect()
    }

    #[test]
    fn creations_and_places_must_exist() {
        assert_eq!(
            roles(
                "- [x] T014 [P] [US1] Implement `UserService.register` in src/services/user.py\n"
            ),
            pairs(&[("src/services/user.py", "creates")])
        );
        assert_eq!(
            roles("- [x] T010 [P] Contract test POST /api/users in tests/contract/test_users.py\n"),
            pairs(&[("tests/contract/test_users.py", "creates")])
        );
        assert_eq!(
            roles("- [x] T1 Create `src/{a,b}.rs` and update README.md\n"),
            pairs(&[
                ("src/a.rs", "creates"),
                ("src/b.rs", "creates"),
                ("README.md", "names")
            ])
        );
    }

    #[test]
    fn removal_needs_its_direct_object() {
        assert_eq!(
            roles("- [x] T1 Delete the obsolete `src/legacy.rs` file\n"),
            pairs(&[("src/legacy.rs", "removes")])
        );
        assert_eq!(
            roles("- [x] T1 Remove `a.py` and `b/c.py` since they are unused\n"),
            pairs(&[("a.py", "removes"), ("b/c.py", "removes")])
        );
        // The object is the flag; the file is where it goes.
        assert_eq!(
            roles("- [x] T1 Add a soft-delete flag to `src/models/user.py`\n"),
            pairs(&[("src/models/user.py", "creates")])
        );
        assert_eq!(
            roles("- [x] T1 Remove the debug flag from `src/app.py`\n"),
            pairs(&[("src/app.py", "names")])
        );
        // Words saying what is removed stand before its path (a real spec-kit task).
        assert_eq!(
            roles(
                "- [X] T002 [P] Delete stacked PR command `.speck/scripts/branch.ts` (if exists)\n"
            ),
            pairs(&[(".speck/scripts/branch.ts", "removes")])
        );
        assert_eq!(
            roles("- [x] T1 Remove the `legacy/` directory after migrating callers\n"),
            pairs(&[("legacy/", "removes")])
        );
        // A noun, not a verb: "the delete endpoint", and HTTP's DELETE.
        assert_eq!(
            roles("- [x] T1 Wire the delete endpoint in `src/api/users.ts`\n"),
            pairs(&[("src/api/users.ts", "names")])
        );
        assert_eq!(
            roles("- [x] T1 Handle DELETE `api/users/` in `src/routes.ts`\n"),
            pairs(&[("api/users/", "names"), ("src/routes.ts", "names")])
        );
        // Run-time removals and adjectives are not the task deleting a file.
        assert_eq!(
            roles("- [x] T1 Delete `tmp/uploads/` entries older than a day\n"),
            pairs(&[("tmp/uploads/", "neutral")])
        );
        assert_eq!(
            roles("- [x] T1 Do not delete `config.yml`\n"),
            pairs(&[("config.yml", "names")])
        );
        assert_eq!(
            roles("- [x] T1 Get rid of `old.sh`\n"),
            pairs(&[("old.sh", "removes")])
        );
    }

    #[test]
    fn prose_is_not_read_as_a_creation() {
        // Run-time behaviour described in a requirement, not a file the task writes.
        assert_eq!(
            roles(
                "- [x] CGEN-02 Generated types are written to a `.posthog.d.ts` file in the workspace root\n"
            ),
            pairs(&[(".posthog.d.ts", "names")])
        );
        assert_eq!(
            roles("- [x] P3 Command Palette entry generates types into a `.posthog.d.ts` file\n"),
            pairs(&[(".posthog.d.ts", "names")])
        );
        // The path qualifies what is made; the path referred to is not made.
        assert_eq!(
            roles(
                "- [x] T1 Add manual installers (`al-install.sh`) and `checksums.txt` artifacts.\n"
            ),
            pairs(&[("al-install.sh", "creates"), ("checksums.txt", "names")])
        );
        assert_eq!(
            roles("- [x] T1 Write unit tests for `src/parser.rs`\n"),
            pairs(&[("src/parser.rs", "names")])
        );
        assert_eq!(
            roles(
                "- [x] T1 Create src/core/parsers/change-parser.ts (extends base markdown parser)\n"
            ),
            pairs(&[("src/core/parsers/change-parser.ts", "creates")])
        );
        assert_eq!(
            roles("- [x] T1 Removed `src/old.rs` and created `src/new.rs`\n"),
            pairs(&[("src/old.rs", "removes"), ("src/new.rs", "creates")])
        );
    }

    #[test]
    fn moves_name_their_target() {
        assert_eq!(
            roles("- [x] T1 Move `src/a.rs` to `src/b/a.rs`\n"),
            pairs(&[("src/a.rs", "neutral"), ("src/b/a.rs", "creates")])
        );
    }

    #[test]
    fn notes_inherit_a_creation_and_read_their_own_verbs() {
        let plan = parse(
            b"- [x] 2.1 Create the user API\n  - `src/api/users.ts`\n  - Delete `src/api/legacy.ts`\n  - See docs/api.md\n  - _Requirements: 1.2_\n",
        );
        let found: Vec<(String, &str)> = read(&plan.tasks[0])
            .paths
            .into_iter()
            .map(|m| (m.path, m.role.as_str()))
            .collect();
        assert_eq!(
            found,
            pairs(&[
                ("src/api/users.ts", "creates"),
                ("src/api/legacy.ts", "removes"),
                ("docs/api.md", "names")
            ])
        );
        let plan = parse(
            b"- [x] 2.2 Create the user API\n  - Based on `docs/design.md`\n  - Refer to `docs/style.md`\n  - Tests in `tests/api.test.ts`\n",
        );
        let found: Vec<(String, &str)> = read(&plan.tasks[0])
            .paths
            .into_iter()
            .map(|m| (m.path, m.role.as_str()))
            .collect();
        assert_eq!(
            found,
            pairs(&[
                ("docs/design.md", "names"),
                ("docs/style.md", "names"),
                ("tests/api.test.ts", "creates")
            ])
        );
    }

    #[test]
    fn identifiers_and_their_roles() {
        let plan = parse(
            b"- [x] T1 Implement `parseConfig` using `serde_json` and add `tokio` dependency; call `fetch()`. Remove `legacyAuth`.\n",
        );
        let idents: Vec<(String, &str, Option<String>)> = read(&plan.tasks[0])
            .idents
            .into_iter()
            .map(|m| (m.code, m.role.as_str(), m.noun_after))
            .collect();
        assert_eq!(
            idents,
            [
                (
                    "parseConfig".to_string(),
                    "defines",
                    Some("using".to_string())
                ),
                ("serde_json".to_string(), "uses", Some("and".to_string())),
                (
                    "tokio".to_string(),
                    "defines",
                    Some("dependency".to_string())
                ),
                ("fetch()".to_string(), "uses", None),
                ("legacyAuth".to_string(), "removes", None),
            ]
        );
    }
}
