//! The identifier, wiring and stub layers: the code a task names, read from the code index.
//!
//! A task that says "Implement `UserService.register`" promises a definition. Whether it
//! exists, whether anything else uses it, and whether it is still a stub are questions about
//! the repository's code, answered from one [`CodeIndex`] built for the whole run. The
//! judgements are conservative: only a name the task implements that is defined nowhere,
//! with no close variant (plans drift from code: `parseConfig` for `parseConfigFile`) and no
//! use in code that would mark it as coming from a library, is hard evidence; and only a
//! stub inside a definition the task names, or in a file no other task names that this one
//! creates, is hard. Everything softer is a warning, so that a verdict of false-done always
//! rests on something a reviewer would call a lie.

use std::path::{Path, PathBuf};

use rustc_hash::{FxHashMap, FxHashSet};

use super::code::{CodeIndex, Definition, Ident, Stub, StubKind};
use super::finding::{Finding, Layer, Weight};
use super::mentions::{self, IdentRole, Mentions};
use super::paths::{ScopePath, Workspace};
use crate::graph::scope::Pattern;
use crate::plan::{Plan, Status};

/// Stub findings listed per task and kind before the rest are only counted.
const MAX_STUBS: usize = 5;
/// Files of a folder or glob scope searched for stubs.
const MAX_SCOPE_FILES: usize = 500;

/// Whether judging this task needs the code index: it names an identifier, or has files
/// whose stubs count.
pub fn needs_index(m: &Mentions, scope: &[ScopePath], ws: &Workspace) -> bool {
    m.idents.iter().any(|i| Ident::parse(&i.code).is_some())
        || scope
            .iter()
            .any(|s| s.exists && !s.removes && ws.exists(&s.rel))
}

/// How many tasks of the plan name each root-relative path: a file only one task names and
/// creates is that task's own, and a stub in it is that task's.
pub fn named_by(plan: &Plan, ws: &Workspace) -> FxHashMap<String, usize> {
    let mut count: FxHashMap<String, usize> = FxHashMap::default();
    for task in &plan.tasks {
        if task.status == Status::Skipped {
            continue;
        }
        let m = mentions::read(task);
        let mut seen: FxHashSet<String> = FxHashSet::default();
        for path in super::paths::named(task, &m) {
            let rel = ws.locate(&path).unwrap_or_else(|| ws.reading(&path));
            if seen.insert(rel.clone()) {
                *count.entry(rel).or_default() += 1;
            }
        }
    }
    count
}

/// Names the repository imports from elsewhere. The code index knows the names the
/// repository defines; a name it only imports (`lru_cache`, `useEffect`, `Display`) is
/// looked for on demand, only for an identifier that would otherwise be hard evidence, and
/// remembered for the rest of the run.
#[derive(Debug)]
pub struct Externals {
    root: PathBuf,
    cache: FxHashMap<String, Option<String>>,
}

/// Extensions of the files searched for imports.
const CODE_EXTENSIONS: &[&str] = &[
    "rs", "py", "pyi", "ts", "tsx", "js", "jsx", "mjs", "cjs", "go", "java", "kt", "kts", "cs",
    "rb", "php", "swift", "scala", "dart",
];

/// Code the index reads no definitions from: a shell function (`find_bun() {`) spelled
/// out there is not a name that was never written.
const UNINDEXED_CODE: &[&str] = &[
    "sh", "bash", "zsh", "fish", "ps1", "lua", "pl", "c", "h", "cc", "cpp", "hpp", "ex", "exs",
];

/// What an import line starts with, in the indexed languages.
const IMPORT_WORDS: &[&str] = &[
    "import ",
    "from ",
    "use ",
    "pub use ",
    "using ",
    "require",
    "extern crate ",
    "const ",
    "let ",
    "var ",
    "include ",
    "require_once",
];

/// Imports from the repository itself: a name imported this way must be defined here.
const LOCAL_IMPORTS: &[&str] = &[
    "'./",
    "\"./",
    "'../",
    "\"../",
    "'@/",
    "\"@/",
    "'~/",
    "\"~/",
    "from .",
    "crate::",
    "super::",
    "self::",
    "require_relative",
];

/// Whether a Python-style import line (`from app.config import x`, `import app.config`)
/// names a package of the repository itself (`app/`, `app.py`).
fn imports_own_package(line: &str, files: &[String]) -> bool {
    let module = line
        .strip_prefix("from ")
        .or_else(|| line.strip_prefix("import "))
        .and_then(|rest| rest.split(|c: char| c == '.' || c.is_whitespace()).next())
        .unwrap_or("");
    if module.is_empty()
        || !module
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return false;
    }
    let dir = format!("{module}/");
    let inner = format!("/{module}/");
    let file = format!("{module}.py");
    files.iter().any(|f| {
        f.starts_with(&dir) || f.contains(&inner) || f == &file || f.ends_with(&format!("/{file}"))
    })
}

impl Externals {
    pub fn new(root: &Path) -> Externals {
        Externals {
            root: root.to_path_buf(),
            cache: FxHashMap::default(),
        }
    }

    /// The first whole-word occurrence of `name` in these code files, as `file:line`. A
    /// name the index has no definition for but the code spells out (a struct field, a
    /// class attribute, an item a macro generates) is not a name that was never written.
    pub fn occurs_in<'f>(
        &self,
        files: impl IntoIterator<Item = &'f str>,
        name: &str,
    ) -> Option<String> {
        if name.is_empty() {
            return None;
        }
        let finder = memchr::memmem::Finder::new(name.as_bytes());
        for file in files {
            let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
            if !CODE_EXTENSIONS.contains(&ext) && !UNINDEXED_CODE.contains(&ext) {
                continue;
            }
            let Ok(bytes) = std::fs::read(self.root.join(file)) else {
                continue;
            };
            let word = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
            for at in finder.find_iter(&bytes) {
                let before = at.checked_sub(1).map(|i| bytes[i]);
                if word(before) || word(bytes.get(at + name.len()).copied()) {
                    continue;
                }
                let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
                return Some(format!("{file}:{line}"));
            }
        }
        None
    }

    /// A non-test file that imports `name` from outside the repository, if any.
    pub fn imported(&mut self, index: &CodeIndex, name: &str) -> Option<String> {
        if name.is_empty() {
            return None;
        }
        if let Some(known) = self.cache.get(name) {
            return known.clone();
        }
        let finder = memchr::memmem::Finder::new(name.as_bytes());
        let mut found = None;
        'files: for file in index.files() {
            let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
            if !CODE_EXTENSIONS.contains(&ext) || is_test_file(file) {
                continue;
            }
            let Ok(bytes) = std::fs::read(self.root.join(file)) else {
                continue;
            };
            for at in finder.find_iter(&bytes) {
                let before = at.checked_sub(1).map(|i| bytes[i]);
                let after = bytes.get(at + name.len()).copied();
                let word =
                    |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
                if word(before) || word(after) {
                    continue;
                }
                let start = bytes[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                let end = bytes[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |i| at + i);
                let line = String::from_utf8_lossy(&bytes[start..end]);
                let line = line.trim_start();
                if IMPORT_WORDS.iter().any(|w| line.starts_with(w))
                    && (line.contains("import")
                        || line.contains("require")
                        || line.starts_with("use ")
                        || line.starts_with("pub use ")
                        || line.starts_with("using ")
                        || line.starts_with("extern crate "))
                    && !LOCAL_IMPORTS.iter().any(|l| line.contains(l))
                    && !imports_own_package(line, index.files())
                {
                    found = Some(file.clone());
                    break 'files;
                }
            }
        }
        self.cache.insert(name.to_string(), found.clone());
        found
    }
}

fn covers(scope: &ScopePath, file: &str) -> bool {
    if scope.glob {
        Pattern::new(&scope.rel).covers(file)
    } else {
        file == scope.rel
            || (file.starts_with(&scope.rel) && file.as_bytes().get(scope.rel.len()) == Some(&b'/'))
    }
}

/// The indexed files a scope entry covers: the file itself, or the files below a folder
/// or matching a glob (at most [`MAX_SCOPE_FILES`]).
fn files_of<'i>(sp: &ScopePath, files: &'i [String]) -> Vec<&'i str> {
    if !sp.glob
        && let Ok(i) = files.binary_search(&sp.rel)
    {
        return vec![files[i].as_str()];
    }
    let prefix = if sp.glob {
        String::new()
    } else {
        format!("{}/", sp.rel)
    };
    let start = files.partition_point(|f| f.as_str() < prefix.as_str());
    files[start..]
        .iter()
        .take_while(|f| f.starts_with(&prefix))
        .filter(|f| covers(sp, f))
        .take(MAX_SCOPE_FILES)
        .map(String::as_str)
        .collect()
}

/// A test file, by the conventions of the indexed languages.
fn is_test_file(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file);
    let stem = name.split('.').next().unwrap_or(name);
    file.split('/')
        .any(|d| matches!(d, "test" | "tests" | "__tests__" | "spec" | "specs"))
        || stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("Test")
        || stem.ends_with("Tests")
        || name.contains(".test.")
        || name.contains(".spec.")
}

fn at(def: &Definition) -> String {
    format!("{}:{}", def.file, def.line)
}

/// How a definition is shown: `Container.name` when it has a container.
fn shown(def: &Definition) -> String {
    match &def.container {
        Some(c) => format!("{c}.{}", def.name),
        None => def.name.clone(),
    }
}

/// A stub kind as a reader knows it.
fn describe(kind: StubKind) -> &'static str {
    match kind {
        StubKind::Todo => "`todo!()`",
        StubKind::Unimplemented => "`unimplemented!()`",
        StubKind::NotImplementedError => "`raise NotImplementedError`",
        StubKind::PassBody => "a body of only `pass` or `...`",
        StubKind::ThrowNotImplemented => "a \"not implemented\" throw",
        StubKind::Marker => "a TODO/FIXME comment",
    }
}

/// Whether a stub recorded as inside `inside` lies in `def`.
fn stub_in_def(stub: &Stub, def: &Definition) -> bool {
    match &stub.inside {
        Some(inside) => {
            inside == &def.name
                || inside.ends_with(&format!(".{}", def.name))
                || inside.ends_with(&format!("::{}", def.name))
        }
        None => false,
    }
}

/// Stub findings under a per-kind cap.
struct StubSink<'f> {
    findings: &'f mut Vec<Finding>,
    seen: FxHashSet<(String, u32)>,
    counts: FxHashMap<&'static str, usize>,
}

impl StubSink<'_> {
    fn push(&mut self, file: &str, line: u32, finding: Finding) {
        if !self.seen.insert((file.to_string(), line)) {
            return;
        }
        let n = self.counts.entry(finding.check).or_default();
        *n += 1;
        if *n <= MAX_STUBS {
            self.findings.push(finding.at(file, Some(line)));
        }
    }

    fn finish(self) {
        let mut more: Vec<(&str, usize)> = self
            .counts
            .iter()
            .filter(|(_, n)| **n > MAX_STUBS)
            .map(|(k, n)| (*k, n - MAX_STUBS))
            .collect();
        more.sort();
        for (check, n) in more {
            self.findings.push(Finding::new(
                Layer::Stubs,
                Weight::Note,
                "more",
                check,
                format!("and {n} more `{check}` finding(s) not listed"),
            ));
        }
    }
}

/// Judges the identifiers a task names, whether they are wired, and the stubs in what it
/// names and in its files.
pub fn judge(
    m: &Mentions,
    scope: &[ScopePath],
    index: &CodeIndex,
    named_by: &FxHashMap<String, usize>,
    externals: &mut Externals,
    findings: &mut Vec<Finding>,
) {
    let live: Vec<&ScopePath> = scope.iter().filter(|s| s.exists && !s.removes).collect();
    let in_scope = |file: &str| live.iter().any(|s| covers(s, file));
    let scope_files: Vec<&str> = live
        .iter()
        .flat_map(|sp| files_of(sp, index.files()))
        .collect();
    // Where a name may be spelled out: the scope's files, with those the index does not
    // read (a hidden folder git tracks, a shell script) too.
    let mut spelled_files = scope_files.clone();
    for sp in &live {
        if !sp.glob && !spelled_files.contains(&sp.rel.as_str()) {
            spelled_files.push(sp.rel.as_str());
        }
    }
    let mut stub_findings = Vec::new();
    let mut sink = StubSink {
        findings: &mut stub_findings,
        seen: FxHashSet::default(),
        counts: FxHashMap::default(),
    };
    let mut seen_idents: FxHashSet<String> = FxHashSet::default();

    for mention in &m.idents {
        let Some(ident) = Ident::parse(&mention.code) else {
            continue;
        };
        if !seen_idents.insert(ident.text.clone()) {
            continue;
        }
        let text = &ident.text;
        let not_code = mention
            .noun_after
            .as_deref()
            .is_some_and(mentions::is_not_code_noun);
        let mut role = mention.role;
        if role == IdentRole::Defines && not_code {
            role = IdentRole::Names;
        }
        let defs = index.definitions(&ident);
        let qualified = ident.segments.len() > 1;
        let (exact, loose): (Vec<&Definition>, Vec<&Definition>) = defs
            .into_iter()
            .partition(|d| !qualified || d.qualified_match);

        if role == IdentRole::Removes {
            match exact.first() {
                Some(def) => findings.push(
                    Finding::new(
                        Layer::Identifiers,
                        Weight::Warning,
                        "still-defined",
                        text,
                        format!("`{text}` is still defined, though the task removes it"),
                    )
                    .at(&def.file, Some(def.line)),
                ),
                None => findings.push(Finding::new(
                    Layer::Identifiers,
                    Weight::Positive,
                    "removed",
                    text,
                    format!("`{text}` is defined nowhere any more; the task removes it"),
                )),
            }
            continue;
        }

        if exact.is_empty() {
            let missing = Missing {
                ident: &ident,
                role,
                not_code,
                loose: &loose,
                scope_files: (!live.is_empty()).then_some(spelled_files.as_slice()),
            };
            judge_missing(&missing, index, externals, findings);
            continue;
        }

        let scoped: Vec<&Definition> = exact
            .iter()
            .copied()
            .filter(|d| in_scope(&d.file))
            .collect();
        let chosen: Vec<&Definition> = if scoped.is_empty() {
            exact.clone()
        } else {
            scoped.clone()
        };
        let first = chosen[0];
        if role == IdentRole::Uses {
            findings.push(
                Finding::new(
                    Layer::Identifiers,
                    Weight::Note,
                    "used",
                    text,
                    format!("`{text}` is defined at {}; the task uses it", at(first)),
                )
                .at(&first.file, Some(first.line)),
            );
        } else if !live.is_empty() && scoped.is_empty() {
            findings.push(
                Finding::new(
                    Layer::Identifiers,
                    Weight::Warning,
                    "defined-elsewhere",
                    text,
                    format!(
                        "`{text}` is defined at {}, outside the task's files",
                        at(first)
                    ),
                )
                .at(&first.file, Some(first.line)),
            );
        } else {
            let more = if chosen.len() > 1 {
                format!(" (and {} more)", chosen.len() - 1)
            } else {
                String::new()
            };
            findings.push(
                Finding::new(
                    Layer::Identifiers,
                    Weight::Positive,
                    "defined",
                    text,
                    format!("`{text}` is defined at {}{more}", at(first)),
                )
                .at(&first.file, Some(first.line)),
            );
        }

        if role != IdentRole::Uses {
            wiring(text, &chosen, index, findings);
        }

        // Stubs inside what the task names: hard when it implements or names the
        // definition, a warning when it only uses it. When the name has several
        // definitions (`register` in three classes), one stub among real implementations
        // is not proof: hard only when every one of them is a stub.
        let stubs: Vec<Vec<(u32, StubKind)>> = chosen
            .iter()
            .map(|def| {
                let mut inside: Vec<(u32, StubKind)> = index
                    .stubs_in(&def.file)
                    .iter()
                    .filter(|stub| stub_in_def(stub, def))
                    .map(|stub| (stub.line, stub.kind))
                    .collect();
                // The index marks a stub body on the definition itself too; once is enough.
                if let Some(kind) = def.stub
                    && !inside.iter().any(|(_, k)| k.is_hard())
                {
                    inside.push((def.line, kind));
                }
                inside
            })
            .collect();
        let all_stubbed = stubs.iter().all(|s| s.iter().any(|(_, k)| k.is_hard()));
        for (def, inside) in chosen.iter().zip(stubs) {
            for (line, kind) in inside {
                let hard =
                    kind.is_hard() && role != IdentRole::Uses && (chosen.len() == 1 || all_stubbed);
                let (weight, check) = if hard {
                    (Weight::Hard, "stub")
                } else if kind.is_hard() {
                    (Weight::Warning, "stub-nearby")
                } else {
                    (Weight::Warning, "marker")
                };
                sink.push(
                    &def.file,
                    line,
                    Finding::new(
                        Layer::Stubs,
                        weight,
                        check,
                        text,
                        if kind.is_hard() {
                            format!(
                                "`{}` is still a stub: {} at {}:{line}",
                                shown(def),
                                describe(kind),
                                def.file
                            )
                        } else {
                            format!(
                                "`{}` has {} at {}:{line}",
                                shown(def),
                                describe(kind),
                                def.file
                            )
                        },
                    ),
                );
            }
        }
    }

    // Stubs in the task's files: its own created files are hard evidence, the rest a
    // warning.
    let files = index.files();
    for sp in &live {
        let covered = files_of(sp, files);
        // A file (not a folder: other tasks' files live in it) that this task alone names
        // and creates is its own.
        let own = sp.creates
            && !sp.glob
            && files.binary_search(&sp.rel).is_ok()
            && named_by.get(&sp.rel).copied().unwrap_or(0) <= 1;
        for file in covered {
            for stub in index.stubs_in(file) {
                let (weight, check, why) = if !stub.kind.is_hard() {
                    (Weight::Warning, "marker", "left in the task's files")
                } else if own {
                    (
                        Weight::Hard,
                        "stub-in-created",
                        "in a file only this task creates",
                    )
                } else {
                    (
                        Weight::Warning,
                        "stub-nearby",
                        "in the task's files, outside what it names",
                    )
                };
                let inside = stub
                    .inside
                    .as_ref()
                    .map_or(String::new(), |i| format!(" in `{i}`"));
                sink.push(
                    file,
                    stub.line,
                    Finding::new(
                        Layer::Stubs,
                        weight,
                        check,
                        file,
                        format!(
                            "{}{inside} at {file}:{}, {why}",
                            describe(stub.kind),
                            stub.line
                        ),
                    ),
                );
            }
        }
    }
    sink.finish();
    findings.extend(stub_findings);
}

/// An identifier not defined as written: drift when something close is, external when code
/// uses it without defining it, else hard (for a name the task implements) or a warning.
/// An identifier with no definition as written, and what the task says about it.
struct Missing<'a> {
    ident: &'a Ident,
    role: IdentRole,
    not_code: bool,
    /// Definitions of the bare name whose qualifier did not match.
    loose: &'a [&'a Definition],
    /// The task's files, when it has any.
    scope_files: Option<&'a [&'a str]>,
}

fn judge_missing(
    missing: &Missing<'_>,
    index: &CodeIndex,
    externals: &mut Externals,
    findings: &mut Vec<Finding>,
) {
    let Missing {
        ident,
        role,
        not_code,
        loose,
        scope_files,
    } = *missing;
    let text = &ident.text;
    if let Some(def) = loose.first() {
        findings.push(
            Finding::new(
                Layer::Identifiers,
                Weight::Warning,
                "drift",
                text,
                format!(
                    "`{text}` is not defined as written; `{}` is, at {}",
                    shown(def),
                    at(def)
                ),
            )
            .at(&def.file, Some(def.line)),
        );
        return;
    }
    // Drift is the task's own work under another name: with files, in them.
    let mut variants = index.close_variants(ident);
    if let Some(files) = scope_files.filter(|f| !f.is_empty()) {
        variants.retain(|d| files.contains(&d.file.as_str()));
    }
    if !variants.is_empty() {
        let names: Vec<String> = variants
            .iter()
            .take(3)
            .map(|d| format!("`{}` ({})", shown(d), at(d)))
            .collect();
        let first = variants[0];
        findings.push(
            Finding::new(
                Layer::Identifiers,
                Weight::Warning,
                "drift",
                text,
                format!(
                    "`{text}` is defined nowhere, but a close variant is: {}",
                    names.join(", ")
                ),
            )
            .at(&first.file, Some(first.line)),
        );
        return;
    }
    // A qualifier the repository defines (`UserService` of `UserService.register`) makes
    // the name the repository's own: no library to blame.
    let root_name = ident.segments.first().map_or("", String::as_str);
    let own_root = ident.segments.len() > 1
        && !index
            .definitions(&Ident {
                text: root_name.to_string(),
                segments: vec![root_name.to_string()],
            })
            .is_empty();
    if role == IdentRole::Defines
        && !own_root
        && let Some(user) = externals.imported(index, root_name)
    {
        findings.push(Finding::new(
            Layer::Identifiers,
            Weight::Warning,
            "external",
            text,
            format!(
                "`{text}` is defined nowhere in the repository, but {user} imports \
                 `{root_name}` from elsewhere: a library's name?"
            ),
        ));
        return;
    }
    // Spelled out in the code (the task's files, else any non-test source), just not as a
    // definition the index recognises: a warning, never proof.
    let spelled = match scope_files {
        Some(files) => externals.occurs_in(files.iter().copied(), ident.name()),
        None => externals.occurs_in(
            index
                .files()
                .iter()
                .map(String::as_str)
                .filter(|f| !is_test_file(f)),
            ident.name(),
        ),
    };
    if let Some(at) = spelled
        && role != IdentRole::Uses
    {
        findings.push(Finding::new(
            Layer::Identifiers,
            Weight::Warning,
            "not-a-definition",
            text,
            format!(
                "`{text}` appears in the code ({at}) but not as a definition the index \
                 recognises (a field, an attribute, a generated item?)"
            ),
        ));
        return;
    }
    let finding = match role {
        IdentRole::Defines => Finding::new(
            Layer::Identifiers,
            Weight::Hard,
            "undefined",
            text,
            format!("`{text}` is defined nowhere, and nothing close to it is"),
        ),
        _ if not_code => Finding::new(
            Layer::Identifiers,
            Weight::Note,
            "not-code",
            text,
            format!("`{text}` is not defined in code; the task names it as something else"),
        ),
        IdentRole::Uses => Finding::new(
            Layer::Identifiers,
            Weight::Note,
            "not-found",
            text,
            format!("`{text}` is defined nowhere in the repository; the task uses it"),
        ),
        _ => Finding::new(
            Layer::Identifiers,
            Weight::Warning,
            "not-found",
            text,
            format!("`{text}` is named but defined nowhere"),
        ),
    };
    findings.push(finding);
}

/// The wiring layer: a definition nothing outside its own file uses was built and never
/// called.
fn wiring(text: &str, defs: &[&Definition], index: &CodeIndex, findings: &mut Vec<Finding>) {
    if defs
        .iter()
        .all(|d| is_test_file(&d.file) || d.name == "main")
    {
        return;
    }
    let mut users: Vec<&str> = Vec::new();
    for def in defs {
        for file in index.references_outside(def) {
            if !users.contains(&file) {
                users.push(file);
            }
        }
    }
    let first = defs[0];
    if users.is_empty() {
        findings.push(
            Finding::new(
                Layer::Wiring,
                Weight::Warning,
                "not-wired",
                text,
                format!(
                    "`{text}` is defined ({}) but no other file uses it: built, never called",
                    at(first)
                ),
            )
            .at(&first.file, Some(first.line)),
        );
    } else if users.iter().all(|f| is_test_file(f)) {
        findings.push(Finding::new(
            Layer::Wiring,
            Weight::Warning,
            "tests-only",
            text,
            format!("`{text}` is used only by tests ({})", list(&users)),
        ));
    } else {
        findings.push(Finding::new(
            Layer::Wiring,
            Weight::Positive,
            "wired",
            text,
            format!(
                "`{text}` is used in {} other file(s): {}",
                users.len(),
                list(&users)
            ),
        ));
    }
}

fn list(files: &[&str]) -> String {
    let mut shown: Vec<&str> = files.iter().copied().take(3).collect();
    shown.sort_unstable();
    let more = files.len().saturating_sub(3);
    if more > 0 {
        format!("{}, and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
