//! What `claim` needs to know of a plan, cached beside the checkbox index so that claiming a
//! task on a large plan does not parse it again: every task's checkbox offset, phase, parent,
//! dependencies (as the dependency graph resolves them, `blocks` included), id and `files`.
//!
//! Why it is safe: the index is built from a full parse of bytes it then describes by a hash
//! taken with every checkbox mark masked. Ticks change marks only, which never moves a byte,
//! so the index stays true across `done` and `undo` by anyone; any other edit changes the hash
//! and the index is not used. Statuses are never stored: they are read from the bytes at the
//! recorded offsets, and a byte that is not a checkbox mark sends the caller to the full
//! parse. The index only ever answers "ready"; anything else (closed, waiting, a later phase,
//! an unknown or duplicate id) is left to the full parse, which also words the refusal.

use std::path::Path;

use rustc_hash::FxHashMap;

use super::Dag;
use crate::plan::index::{content_hash, content_hash_words};
use crate::plan::{Plan, Status};

const MAGIC: &str = "baton-ready-index 1";
const NONE: u32 = u32::MAX;
/// In the id table: more than one task has this id hash (look it up by a scan).
const SHARED: u32 = u32::MAX;

/// One task, as offsets into the index's text: loading allocates nothing per task.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    id: (u32, u32),
    mark_at: usize,
    phase: u32,
    parent: u32,
    deps: (u32, u32),
    files: (u32, u32),
}

/// The readiness index of one plan's bytes.
#[derive(Debug, Clone)]
pub struct ReadyIndex {
    hash: u64,
    len: usize,
    /// The index as saved: every entry's strings are ranges of it.
    text: String,
    tasks: Vec<Entry>,
    /// Task by the hash of its id, made on the first lookup.
    ids: std::cell::OnceCell<FxHashMap<u64, u32>>,
}

impl PartialEq for ReadyIndex {
    fn eq(&self, other: &ReadyIndex) -> bool {
        self.hash == other.hash && self.len == other.len && self.text == other.text
    }
}

impl Eq for ReadyIndex {}

/// One task as the index sees it.
#[derive(Debug, Clone)]
pub struct Found {
    pub index: usize,
    pub files: Vec<String>,
}

impl ReadyIndex {
    /// Builds the index of `plan` parsed from `bytes`; None when a task's text cannot be
    /// written into the index's line format.
    pub fn build(plan: &Plan, dag: &Dag, bytes: &[u8]) -> Option<ReadyIndex> {
        let bad = |s: &str| s.contains(['\t', '\n', '\r', '\u{1f}']);
        let mut marks = Vec::with_capacity(plan.tasks.len());
        let mut body = String::new();
        for task in &plan.tasks {
            let id = task.id.as_deref().unwrap_or_default();
            if bad(id) || task.files.iter().any(|f| bad(f)) {
                return None;
            }
            u32::try_from(task.phase).ok()?;
            marks.push(task.status_span.start);
            let mut deps: Vec<String> =
                dag.deps(task.index).iter().map(|d| d.to_string()).collect();
            // A dependency that names no task: a mark no index reads as done, so the fast
            // path never finds the task claimable and the full one words the refusal.
            if plan.unresolved_dep(task.index).is_some() {
                deps.push("?".to_string());
            }
            let parent = task.parent.map_or(String::new(), |p| p.to_string());
            body.push_str(&format!(
                "{id}\t{}\t{}\t{parent}\t{}\t{}\n",
                task.status_span.start,
                task.phase,
                deps.join(","),
                task.files.join("\u{1f}")
            ));
        }
        let probe = ReadyIndex {
            hash: 0,
            len: bytes.len(),
            text: String::new(),
            tasks: marks
                .iter()
                .map(|&mark_at| Entry {
                    id: (0, 0),
                    mark_at,
                    phase: 0,
                    parent: NONE,
                    deps: (0, 0),
                    files: (0, 0),
                })
                .collect(),
            ids: Default::default(),
        };
        // Every recorded offset must hold a checkbox mark in these bytes.
        probe.statuses(bytes)?;
        let hash = probe.masked_hash(bytes);
        ReadyIndex::parse(format!("{MAGIC}\t{hash}\t{}\n{body}", bytes.len()))
    }

    /// Whether the index describes these bytes (up to checkbox marks).
    pub fn describes(&self, bytes: &[u8]) -> bool {
        self.len == bytes.len() && self.hash == self.masked_hash(bytes)
    }

    /// [`content_hash`] of the bytes with every checkbox mark read as a space, without
    /// copying them (the marks are in ascending order, as tasks are in the plan).
    fn masked_hash(&self, bytes: &[u8]) -> u64 {
        let mut marks = self.tasks.iter().map(|t| t.mark_at).peekable();
        let mut at = 0;
        content_hash_words(bytes, |word: &mut [u8; 8]| {
            let end = at + 8;
            while let Some(&m) = marks.peek() {
                if m >= end {
                    break;
                }
                if m >= at {
                    word[m - at] = b' ';
                }
                marks.next();
            }
            at = end;
        })
    }

    fn str(&self, (start, end): (u32, u32)) -> &str {
        self.text
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// Every task's status as these bytes say; None when an offset holds no checkbox mark.
    fn statuses(&self, bytes: &[u8]) -> Option<Vec<Status>> {
        self.tasks
            .iter()
            .map(|t| {
                let open = t.mark_at.checked_sub(1)?;
                if bytes.get(open) != Some(&b'[') || bytes.get(t.mark_at + 1) != Some(&b']') {
                    return None;
                }
                Status::from_mark(*bytes.get(t.mark_at)?)
            })
            .collect()
    }

    /// The only task with this id; None when there is none or several.
    fn only(&self, id: &str) -> Option<usize> {
        let ids = self.ids.get_or_init(|| {
            let mut ids = FxHashMap::default();
            ids.reserve(self.tasks.len());
            for (i, t) in self.tasks.iter().enumerate() {
                ids.entry(id_hash(self.str(t.id)))
                    .and_modify(|v| *v = SHARED)
                    .or_insert(i as u32);
            }
            ids
        });
        match ids.get(&id_hash(id)) {
            None => None,
            Some(&SHARED) => {
                let mut found = self
                    .tasks
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| self.str(t.id) == id);
                let (i, _) = found.next()?;
                found.next().is_none().then_some(i)
            }
            Some(&i) => (self.str(self.tasks[i as usize].id) == id).then_some(i as usize),
        }
    }

    fn files(&self, t: &Entry) -> Vec<String> {
        match self.str(t.files) {
            "" => Vec::new(),
            s => s.split('\u{1f}').map(str::to_string).collect(),
        }
    }

    /// Task `id` when it is ready to claim in these bytes, given the tasks other worktrees
    /// ticked (`ticked_elsewhere`) and the live claims (`held`): the same answer as
    /// `graph::readiness` gives a claim that passes. None means "ask the full parse", never
    /// "not ready".
    pub fn claimable(
        &self,
        bytes: &[u8],
        id: &str,
        ticked_elsewhere: &dyn Fn(&str) -> bool,
        held: &dyn Fn(&str) -> bool,
    ) -> Option<Found> {
        let index = self.only(id)?;
        let mut statuses = self.statuses(bytes)?;
        for (t, status) in self.tasks.iter().zip(statuses.iter_mut()) {
            if *status == Status::Todo {
                let tid = self.str(t.id);
                if !tid.is_empty() && ticked_elsewhere(tid) {
                    *status = Status::Done;
                }
            }
        }
        let task = &self.tasks[index];
        let ready = if statuses[index].is_closed() {
            false
        } else if held(id) || statuses[index] == Status::InProgress {
            true
        } else {
            let deps = self.str(task.deps);
            let deps_done = deps.is_empty()
                || deps.split(',').all(|d| {
                    d.parse::<usize>()
                        .ok()
                        .and_then(|d| statuses.get(d))
                        .is_some_and(|s| s.is_closed())
                });
            let current = self
                .tasks
                .iter()
                .zip(&statuses)
                .filter(|(_, s)| !s.is_closed())
                .map(|(t, _)| t.phase)
                .min();
            deps_done && current.is_none_or(|c| task.phase <= c)
        };
        ready.then(|| Found {
            index,
            files: self.files(task),
        })
    }

    /// The `files` of the first task with this id (as `Plan::task` finds it).
    pub fn files_of(&self, id: &str) -> Option<Vec<String>> {
        let first = match self.only(id) {
            Some(i) => i,
            None => self.tasks.iter().position(|t| self.str(t.id) == id)?,
        };
        Some(self.files(&self.tasks[first]))
    }

    /// Writes the index (best effort; a failed save only costs the next claim a parse).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("ready.tmp");
        std::fs::write(&tmp, &self.text)?;
        std::fs::rename(&tmp, path)
    }

    /// Reads an index written by [`ReadyIndex::save`]; None when missing or malformed.
    pub fn load(path: &Path) -> Option<ReadyIndex> {
        ReadyIndex::parse(std::fs::read_to_string(path).ok()?)
    }

    /// The index in `text` (the saved form); None when malformed.
    fn parse(text: String) -> Option<ReadyIndex> {
        let head_end = text.find('\n')?;
        let mut head = text[..head_end].split('\t');
        if head.next()? != MAGIC {
            return None;
        }
        let hash: u64 = head.next()?.parse().ok()?;
        let len: usize = head.next()?.parse().ok()?;
        // Every offset into the text must fit an entry's u32 ranges.
        u32::try_from(text.len()).ok()?;
        let bytes = text.as_bytes();
        let body = head_end + 1;
        let mut tasks = Vec::with_capacity(memchr::memchr_iter(b'\n', &bytes[body..]).count());
        let mut at = body;
        // Split by bytes: every field is ASCII or a UTF-8 run the separators cannot cut.
        while at < bytes.len() {
            let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |e| at + e);
            if line_end > at {
                let mut fields = [(0u32, 0u32); 6];
                let mut start = at;
                let mut n = 0;
                for tab in memchr::memchr_iter(b'\t', &bytes[at..line_end]) {
                    if n >= 5 {
                        return None;
                    }
                    fields[n] = (start as u32, (at + tab) as u32);
                    start = at + tab + 1;
                    n += 1;
                }
                if n != 5 {
                    return None;
                }
                fields[5] = (start as u32, line_end as u32);
                let field = |k: usize| &bytes[fields[k].0 as usize..fields[k].1 as usize];
                let deps = field(4);
                if !deps.is_empty() && !deps.split(|&b| b == b',').all(|d| number(d).is_some()) {
                    return None;
                }
                tasks.push(Entry {
                    id: fields[0],
                    mark_at: number(field(1))? as usize,
                    phase: number(field(2))?,
                    parent: match field(3) {
                        b"" => NONE,
                        p => number(p)?,
                    },
                    deps: fields[4],
                    files: fields[5],
                });
            }
            at = line_end + 1;
        }
        Some(ReadyIndex {
            hash,
            len,
            text,
            tasks,
            ids: Default::default(),
        })
    }
}

/// A decimal `u32` of ASCII digits only (no sign, no spaces), as the index writes them.
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 10 {
        return None;
    }
    let mut n: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(d - b'0');
    }
    u32::try_from(n).ok()
}

/// The hash of a task id, for the id table.
fn id_hash(id: &str) -> u64 {
    content_hash(id.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Readiness, readiness};
    use crate::plan::parse;
    use std::collections::HashMap;

    /// The index says "claimable" exactly where the full readiness would let a claim pass.
    fn agrees(text: &str) {
        let bytes = text.as_bytes();
        let plan = parse(bytes);
        let dag = Dag::build(&plan);
        let Some(index) = ReadyIndex::build(&plan, &dag, bytes) else {
            return;
        };
        assert!(index.describes(bytes));
        let full = readiness(&plan, &dag, &HashMap::new());
        for task in &plan.tasks {
            let Some(id) = &task.id else { continue };
            if plan.find(id).len() != 1 {
                assert!(index.claimable(bytes, id, &|_| false, &|_| false).is_none());
                continue;
            }
            let passes = !matches!(
                full[task.index],
                Readiness::Closed
                    | Readiness::Waiting(_)
                    | Readiness::LaterPhase(_)
                    | Readiness::Unresolved(_)
            );
            let fast = index.claimable(bytes, id, &|_| false, &|_| false).is_some();
            assert_eq!(fast, passes, "{id}: {:?}\n{text}", full[task.index]);
        }
    }

    #[test]
    fn agrees_with_the_full_readiness_on_the_examples_and_the_corpus() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("examples"), root.join("tests/fixtures/corpus")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "md") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 5);
        for path in files {
            let text = std::fs::read_to_string(&path).expect("read");
            agrees(&text);
            // And once more with every other open box ticked.
            let mut n = 0;
            let ticked: String = text
                .split_inclusive('\n')
                .map(|l| {
                    if l.trim_start().starts_with("- [ ]") {
                        n += 1;
                        if n % 2 == 0 {
                            return l.replacen("- [ ]", "- [x]", 1);
                        }
                    }
                    l.to_string()
                })
                .collect();
            agrees(&ticked);
        }
    }

    #[test]
    fn the_saved_form_reads_back_and_damage_reads_as_none() {
        let text = "# P\n## Phase 1\n- [ ] T1 a\n  - files: src/é/**, b\n- [ ] T2 b\n  - after: T1\n## Phase 2\n- [ ] T3 c\n  - after: T1, T2\n";
        let plan = parse(text.as_bytes());
        let index = ReadyIndex::build(&plan, &Dag::build(&plan), text.as_bytes()).expect("index");
        let back = ReadyIndex::parse(index.text.clone()).expect("reads back");
        assert_eq!(back, index);
        assert_eq!(back.tasks.len(), 3);
        assert_eq!(back.files_of("T1").expect("T1"), ["src/é/**", "b"]);
        let (head, body) = index.text.split_once('\n').expect("head");
        let first = body.lines().next().expect("a line");
        let damaged = [
            format!("{head}\n{first}\textra\n"),
            format!("{head}\n{}\n", first.rsplit_once('\t').expect("tab").0),
            format!("{head}\n{}\n", first.replacen('\t', "\t+", 1)),
            format!("{head}\nT9\t1\t0\t\t1,,2\t\n"),
            format!("{head}\nT9\tx\t0\t\t\t\n"),
            format!("{head}\nT9\t1\t99999999999\t\t\t\n"),
            format!("nope{}", &index.text[MAGIC.len()..]),
        ];
        for text in damaged {
            assert!(ReadyIndex::parse(text.clone()).is_none(), "{text:?}");
        }
    }

    #[test]
    fn the_masked_hash_is_the_hash_of_the_masked_copy() {
        for text in [
            "# P\n## Phase 1\n- [x] T1 a\n- [ ] T2 b\n",
            "- [x] T1\n- [x] T2\n- [x] T3 abc\n",
            "- [ ] A\n",
        ] {
            let bytes = text.as_bytes();
            let plan = parse(bytes);
            let index = ReadyIndex::build(&plan, &Dag::build(&plan), bytes).expect("index");
            let mut masked = bytes.to_vec();
            for t in &plan.tasks {
                masked[t.status_span.start] = b' ';
            }
            assert_eq!(index.masked_hash(bytes), content_hash(&masked), "{text}");
        }
    }

    #[test]
    fn ticks_keep_it_valid_and_other_edits_do_not() {
        let text = "# P\n## Phase 1\n- [ ] T1 a\n- [ ] T2 b\n  - after: T1\n  - files: src/b/**\n## Phase 2\n- [ ] T3 c\n";
        let plan = parse(text.as_bytes());
        let index = ReadyIndex::build(&plan, &Dag::build(&plan), text.as_bytes()).expect("index");
        let none = |_: &str| false;
        assert!(
            index
                .claimable(text.as_bytes(), "T1", &none, &none)
                .is_some()
        );
        assert!(
            index
                .claimable(text.as_bytes(), "T2", &none, &none)
                .is_none()
        );
        assert!(
            index
                .claimable(text.as_bytes(), "T3", &none, &none)
                .is_none()
        );
        let ticked = text.replacen("- [ ] T1", "- [x] T1", 1);
        assert!(index.describes(ticked.as_bytes()));
        let found = index
            .claimable(ticked.as_bytes(), "T2", &none, &none)
            .expect("ready");
        assert_eq!(found.files, ["src/b/**"]);
        assert_eq!(index.files_of("T2"), Some(vec!["src/b/**".to_string()]));
        assert_eq!(index.files_of("T9"), None);
        // T1 ticked in another worktree counts too.
        let elsewhere = |id: &str| id == "T1";
        assert!(
            index
                .claimable(text.as_bytes(), "T2", &elsewhere, &none)
                .is_some()
        );
        let edited = text.replacen("T3 c", "T3 d", 1);
        assert!(!index.describes(edited.as_bytes()));
        // Round trip through the file.
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("x.ready");
        index.save(&path).expect("save");
        assert_eq!(ReadyIndex::load(&path), Some(index));
    }
}
