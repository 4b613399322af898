//! A small cache of where each task's checkbox sits, keyed by the plan's exact bytes, so
//! that `done` and `undo` on a large plan do not have to parse it again.
//!
//! Why it is safe: the index is only ever built from a full parse of the very bytes it
//! describes, and it is used only when the plan's length and 64-bit content hash match;
//! before an edit the index's own claim is checked against the bytes (the checkbox is there,
//! the id is where it says). Ticking a box replaces one byte with one byte, so no offset
//! moves and the index stays true for the new bytes: it is re-keyed, not rebuilt. Any other
//! edit (a decision, an inserted id) leaves it stale, and a stale index is simply not used.

use std::fmt::Write as _;
use std::io::Write;
use std::ops::Range;
use std::path::Path;

use super::model::{Plan, Status};

/// One task with an id: where its checkbox mark and its id are, and what it waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    pub id: &'a str,
    /// Offset of the mark between `[` and `]`.
    pub mark_at: usize,
    /// Offset of the id text.
    pub id_at: usize,
    deps: &'a str,
}

impl<'a> Entry<'a> {
    /// The ids this task waits for.
    pub fn deps(&self) -> impl Iterator<Item = &'a str> {
        self.deps.split(',').filter(|d| !d.is_empty())
    }
}

/// Where an entry's parts sit in the index text; nothing is copied out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Slot {
    id: Range<usize>,
    mark_at: usize,
    id_at: usize,
    deps: Range<usize>,
}

/// The index: one line per task with an id (`id TAB mark TAB id-offset TAB deps`), read
/// without copying, so loading it costs little more than reading the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckboxIndex {
    hash: u64,
    len: usize,
    body: String,
    slots: Vec<Slot>,
}

/// What looking up an id found.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    One(Entry<'a>),
    /// Unknown or used more than once: the caller needs the full parse for its message.
    NotUnique,
}

const MAGIC: &str = "baton-checkbox-index 3";

/// A 64-bit hash of the plan's bytes, eight bytes a step: h = (rotl(h, 5) ^ word) * K with
/// K odd. Each step is a bijection of the running hash and of the word, so two contents
/// that differ in a single word (any one-byte edit) never collide; other changes collide
/// with odds of about 2^-64. Not for adversaries, who could write the index file anyway.
pub fn content_hash(bytes: &[u8]) -> u64 {
    content_hash_words(bytes, |_| {})
}

/// [`content_hash`] with each eight-byte word (the last one zero-padded) passed through
/// `patch` first, in order: how a hash of slightly different bytes is taken without copying
/// them.
pub fn content_hash_words(bytes: &[u8], mut patch: impl FnMut(&mut [u8; 8])) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut hash = (bytes.len() as u64) ^ 0x9e37_79b9_7f4a_7c15;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        patch(&mut word);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    patch(&mut tail);
    hash = (hash.rotate_left(5) ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    hash ^ (hash >> 29)
}

impl CheckboxIndex {
    pub fn from_plan(plan: &Plan, bytes: &[u8]) -> CheckboxIndex {
        let mut body = String::with_capacity(plan.tasks.len() * 24);
        for task in &plan.tasks {
            let (Some(id), Some(id_span)) = (&task.id, task.id_span) else {
                continue;
            };
            // Ids never hold tabs, commas or newlines (see keys::is_id).
            let _ = write!(
                body,
                "{id}\t{}\t{}\t",
                task.status_span.start, id_span.start
            );
            for (n, dep) in task.deps.iter().enumerate() {
                if n > 0 {
                    body.push(',');
                }
                body.push_str(&dep.id);
            }
            body.push('\n');
        }
        let slots = slots(&body).unwrap_or_default();
        CheckboxIndex {
            hash: content_hash(bytes),
            len: bytes.len(),
            body,
            slots,
        }
    }

    /// Whether this index describes exactly these bytes.
    pub fn describes(&self, bytes: &[u8]) -> bool {
        self.len == bytes.len() && self.hash == content_hash(bytes)
    }

    fn entry(&self, slot: &Slot) -> Entry<'_> {
        Entry {
            id: &self.body[slot.id.clone()],
            mark_at: slot.mark_at,
            id_at: slot.id_at,
            deps: &self.body[slot.deps.clone()],
        }
    }

    pub fn lookup(&self, id: &str) -> Lookup<'_> {
        let mut found = self.slots.iter().filter(|s| &self.body[s.id.clone()] == id);
        match (found.next(), found.next()) {
            (Some(slot), None) => Lookup::One(self.entry(slot)),
            _ => Lookup::NotUnique,
        }
    }

    /// The first entry with this id (as [`Plan::task`] would find it).
    pub fn first(&self, id: &str) -> Option<Entry<'_>> {
        self.slots
            .iter()
            .find(|s| &self.body[s.id.clone()] == id)
            .map(|s| self.entry(s))
    }

    /// The status of an entry as these bytes say, after checking that the entry's checkbox
    /// and id really are where the index says.
    pub fn status_in(&self, entry: &Entry<'_>, bytes: &[u8]) -> Option<Status> {
        let open = entry.mark_at.checked_sub(1)?;
        if bytes.get(open) != Some(&b'[') || bytes.get(entry.mark_at + 1) != Some(&b']') {
            return None;
        }
        if bytes.get(entry.id_at..entry.id_at + entry.id.len()) != Some(entry.id.as_bytes()) {
            return None;
        }
        // The id belongs to this checkbox: it follows it on the same line.
        let between = bytes.get(entry.mark_at..entry.id_at)?;
        if between.contains(&b'\n') {
            return None;
        }
        Status::from_mark(*bytes.get(entry.mark_at)?)
    }

    /// Done tasks mostly use `[X]` (as [`Plan::prefers_upper_x`]).
    pub fn prefers_upper_x(&self, bytes: &[u8]) -> bool {
        let (upper, lower) =
            self.slots
                .iter()
                .fold((0, 0), |(u, l), s| match bytes.get(s.mark_at) {
                    Some(b'X') => (u + 1, l),
                    Some(b'x') => (u, l + 1),
                    _ => (u, l),
                });
        upper > lower
    }

    /// After same-length edits, the index describes the new bytes.
    pub fn rekey(&mut self, bytes: &[u8]) {
        self.hash = content_hash(bytes);
        self.len = bytes.len();
    }

    /// Reads an index file; anything unreadable or from another version is no index.
    pub fn load(path: &Path) -> Option<CheckboxIndex> {
        let text = std::fs::read_to_string(path).ok()?;
        let rest = text.strip_prefix(MAGIC)?.strip_prefix('\n')?;
        let (head, _) = rest.split_once('\n')?;
        let (hash, len) = head.split_once(' ')?;
        let hash = u64::from_str_radix(hash, 16).ok()?;
        let len = len.parse().ok()?;
        // Keep the file's own text: the body is everything after the two header lines.
        let body_start = text.len() - rest.len() + head.len() + 1;
        let mut body = text;
        body.drain(..body_start);
        let slots = slots(&body)?;
        Some(CheckboxIndex {
            hash,
            len,
            body,
            slots,
        })
    }

    /// Rewrites only the header of an index file this index was loaded from, after
    /// [`CheckboxIndex::rekey`]: the body is unchanged and the header keeps its length, so a
    /// few bytes are written in place. A reader that catches the write half done sees a hash
    /// that matches nothing and does not use the index.
    #[cfg(unix)]
    pub fn save_header(&self, path: &Path) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        let file = std::fs::OpenOptions::new().write(true).open(path)?;
        let header = format!("{MAGIC}\n{:016x} {}\n", self.hash, self.len);
        let expected = header.len() + self.body.len();
        if file.metadata()?.len() != expected as u64 {
            return self.save(path);
        }
        file.write_all_at(header.as_bytes(), 0)
    }

    #[cfg(not(unix))]
    pub fn save_header(&self, path: &Path) -> std::io::Result<()> {
        self.save(path)
    }

    /// Writes the index atomically (a temporary file renamed into place).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        write!(tmp, "{MAGIC}\n{:016x} {}\n", self.hash, self.len)?;
        tmp.write_all(self.body.as_bytes())?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Finds each line's fields; `None` if any line is malformed.
fn slots(body: &str) -> Option<Vec<Slot>> {
    // One pass over the bytes: `id TAB mark_at TAB id_at TAB deps` per line. `done` reads
    // the whole index on every run, so this is on its critical path.
    let bytes = body.as_bytes();
    let mut slots = Vec::with_capacity(bytes.len() / 20);
    let mut at = 0;
    while at < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        let line = &bytes[at..end];
        let id_end = line.iter().position(|&b| b == b'\t')?;
        let (mark_at, mark_len) = leading_number(&line[id_end + 1..])?;
        let id_at_start = id_end + 1 + mark_len + 1;
        let (id_at, id_at_len) = leading_number(line.get(id_at_start..)?)?;
        let deps_start = id_at_start + id_at_len + 1;
        if line.get(id_at_start - 1) != Some(&b'\t') || line.get(deps_start - 1) != Some(&b'\t') {
            return None;
        }
        slots.push(Slot {
            id: at..at + id_end,
            mark_at,
            id_at,
            deps: at + deps_start..end,
        });
        at = end + 1;
    }
    Some(slots)
}

/// The decimal number at the start of `bytes` and how many digits it has; none when it
/// has no digits or does not fit.
fn leading_number(bytes: &[u8]) -> Option<(usize, usize)> {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let mut n = 0usize;
    for &b in &bytes[..digits] {
        n = n.checked_mul(10)?.checked_add(usize::from(b - b'0'))?;
    }
    Some((n, digits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::parse;

    #[test]
    fn round_trips_and_checks_itself() {
        let src =
            b"# P\n- [ ] T1 a\n  - after: T2, T3\n- [X] T2 b\n- [ ] T1 dup\n- [ ] T3 c\n".to_vec();
        let plan = parse(&src);
        let index = CheckboxIndex::from_plan(&plan, &src);
        assert!(index.describes(&src));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.idx");
        index.save(&path).unwrap();
        let loaded = CheckboxIndex::load(&path).unwrap();
        assert_eq!(loaded, index);
        assert_eq!(loaded.lookup("T1"), Lookup::NotUnique);
        assert_eq!(loaded.lookup("T9"), Lookup::NotUnique);
        let Lookup::One(t3) = loaded.lookup("T3") else {
            panic!()
        };
        assert_eq!(loaded.status_in(&t3, &src), Some(Status::Todo));
        assert_eq!(
            loaded.first("T1").unwrap().deps().collect::<Vec<_>>(),
            ["T2", "T3"]
        );
        assert!(loaded.prefers_upper_x(&src));
        let mut changed = src.clone();
        changed[5] = b'x';
        assert!(!loaded.describes(&changed));
        // An index that points at the wrong place is caught.
        // Every one-byte change gives another hash.
        for at in 0..src.len() {
            let mut one = src.clone();
            one[at] ^= 0x20;
            assert_ne!(content_hash(&one), content_hash(&src), "byte {at}");
        }
        let shifted = [b"#".as_slice(), &src].concat();
        assert_eq!(loaded.status_in(&t3, &shifted), None);
    }

    #[test]
    fn index_lines_are_read_exactly_or_not_at_all() {
        let body = "T1\t12\t14\tT0 T3\nT2\t40\t42\t\n";
        let read = slots(body).expect("a valid body");
        assert_eq!(read.len(), 2);
        assert_eq!(
            (&body[read[0].id.clone()], read[0].mark_at, read[0].id_at),
            ("T1", 12, 14)
        );
        assert_eq!(&body[read[0].deps.clone()], "T0 T3");
        assert_eq!((&body[read[1].id.clone()], read[1].mark_at), ("T2", 40));
        assert_eq!(&body[read[1].deps.clone()], "");
        assert!(slots("").is_some_and(|s| s.is_empty()));
        for broken in [
            "T1\t12\t14\n",
            "T1\t12x\t14\t\n",
            "T1\t\t14\t\n",
            "T1\n",
            "T1\t12\t14\t\n\nT2\t1\t2\t\n",
            "T1\t99999999999999999999999\t14\t\n",
        ] {
            assert!(slots(broken).is_none(), "{broken:?}");
        }
    }
}
