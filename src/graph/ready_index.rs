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

use super::Dag;
use crate::plan::index::content_hash;
use crate::plan::{Plan, Status};

const MAGIC: &str = "baton-ready-index 1";
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    id: String,
    mark_at: usize,
    phase: u32,
    parent: u32,
    deps: Vec<u32>,
    files: Vec<String>,
}

/// The readiness index of one plan's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyIndex {
    hash: u64,
    len: usize,
    tasks: Vec<Entry>,
}

/// One task as the index sees it.
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    pub index: usize,
    pub files: &'a [String],
}

impl ReadyIndex {
    /// Builds the index of `plan` parsed from `bytes`; None when a task's text cannot be
    /// written into the index's line format.
    pub fn build(plan: &Plan, dag: &Dag, bytes: &[u8]) -> Option<ReadyIndex> {
        let mut tasks = Vec::with_capacity(plan.tasks.len());
        for task in &plan.tasks {
            let id = task.id.clone().unwrap_or_default();
            let bad = |s: &str| s.contains(['\t', '\n', '\r', '\u{1f}']);
            if bad(&id) || task.files.iter().any(|f| bad(f)) {
                return None;
            }
            tasks.push(Entry {
                id,
                mark_at: task.status_span.start,
                phase: u32::try_from(task.phase).ok()?,
                parent: task.parent.map_or(NONE, |p| p as u32),
                deps: dag.deps(task.index).iter().map(|&d| d as u32).collect(),
                files: task.files.to_vec(),
            });
        }
        let mut index = ReadyIndex {
            hash: 0,
            len: bytes.len(),
            tasks,
        };
        // Every recorded offset must hold a checkbox mark in these bytes.
        index.statuses(bytes)?;
        index.hash = index.masked_hash(bytes);
        Some(index)
    }

    /// Whether the index describes these bytes (up to checkbox marks).
    pub fn describes(&self, bytes: &[u8]) -> bool {
        self.len == bytes.len() && self.hash == self.masked_hash(bytes)
    }

    fn masked_hash(&self, bytes: &[u8]) -> u64 {
        let mut masked = bytes.to_vec();
        for t in &self.tasks {
            if let Some(b) = masked.get_mut(t.mark_at) {
                *b = b' ';
            }
        }
        content_hash(&masked)
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

    /// Task `id` when it is ready to claim in these bytes, given the tasks other worktrees
    /// ticked (`ticked_elsewhere`) and the live claims (`held`): the same answer as
    /// `graph::readiness` gives a claim that passes. None means "ask the full parse", never
    /// "not ready".
    pub fn claimable<'a>(
        &'a self,
        bytes: &[u8],
        id: &str,
        ticked_elsewhere: &dyn Fn(&str) -> bool,
        held: &dyn Fn(&str) -> bool,
    ) -> Option<Found<'a>> {
        let mut found = None;
        for (i, t) in self.tasks.iter().enumerate() {
            if t.id == id {
                if found.is_some() {
                    return None;
                }
                found = Some(i);
            }
        }
        let index = found?;
        let mut statuses = self.statuses(bytes)?;
        for (t, status) in self.tasks.iter().zip(statuses.iter_mut()) {
            if *status == Status::Todo && !t.id.is_empty() && ticked_elsewhere(&t.id) {
                *status = Status::Done;
            }
        }
        let task = &self.tasks[index];
        let ready = if statuses[index].is_closed() {
            false
        } else if held(id) || statuses[index] == Status::InProgress {
            true
        } else {
            let deps_done = task
                .deps
                .iter()
                .all(|&d| statuses.get(d as usize).is_some_and(|s| s.is_closed()));
            let current = self
                .tasks
                .iter()
                .zip(&statuses)
                .filter(|(_, s)| !s.is_closed())
                .map(|(t, _)| t.phase)
                .min();
            deps_done && current.is_none_or(|c| task.phase <= c)
        };
        ready.then_some(Found {
            index,
            files: &task.files,
        })
    }

    /// The `files` of the first task with this id (as `Plan::task` finds it).
    pub fn files_of(&self, id: &str) -> Option<&[String]> {
        self.tasks
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.files.as_slice())
    }

    /// Writes the index (best effort; a failed save only costs the next claim a parse).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut text = format!("{MAGIC}\t{}\t{}\n", self.hash, self.len);
        for t in &self.tasks {
            let deps: Vec<String> = t.deps.iter().map(u32::to_string).collect();
            let parent = if t.parent == NONE {
                String::new()
            } else {
                t.parent.to_string()
            };
            text.push_str(&format!(
                "{}\t{}\t{}\t{parent}\t{}\t{}\n",
                t.id,
                t.mark_at,
                t.phase,
                deps.join(","),
                t.files.join("\u{1f}")
            ));
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("ready.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }

    /// Reads an index written by [`ReadyIndex::save`]; None when missing or malformed.
    pub fn load(path: &Path) -> Option<ReadyIndex> {
        let text = std::fs::read_to_string(path).ok()?;
        let mut lines = text.split('\n');
        let mut head = lines.next()?.split('\t');
        if head.next()? != MAGIC {
            return None;
        }
        let hash: u64 = head.next()?.parse().ok()?;
        let len: usize = head.next()?.parse().ok()?;
        let mut tasks = Vec::new();
        for line in lines.filter(|l| !l.is_empty()) {
            let mut f = line.split('\t');
            let id = f.next()?.to_string();
            let mark_at = f.next()?.parse().ok()?;
            let phase = f.next()?.parse().ok()?;
            let parent = match f.next()? {
                "" => NONE,
                p => p.parse().ok()?,
            };
            let deps = match f.next()? {
                "" => Vec::new(),
                d => d
                    .split(',')
                    .map(|x| x.parse().ok())
                    .collect::<Option<Vec<u32>>>()?,
            };
            let files = match f.next()? {
                "" => Vec::new(),
                s => s.split('\u{1f}').map(str::to_string).collect(),
            };
            tasks.push(Entry {
                id,
                mark_at,
                phase,
                parent,
                deps,
                files,
            });
        }
        Some(ReadyIndex { hash, len, tasks })
    }
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
                Readiness::Closed | Readiness::Waiting(_) | Readiness::LaterPhase(_)
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
