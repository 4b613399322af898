//! The dependency graph as text other tools draw: Mermaid (which GitHub renders inside a
//! Markdown file, so a plan can carry its own map) and Graphviz DOT (for plans too large for
//! Mermaid). `baton graph` prints these; `baton graph --write` keeps a Mermaid block inside
//! the plan current, found between two marker lines located here.
//!
//! Both formats are drawn from one [`Graph`]: which cluster each task sits in, how it is
//! marked, and which edges join it. Building it is linear in tasks plus edges, so a
//! 10k-task plan renders in milliseconds.
//!
//! What is drawn:
//! - every task of the plan is a node (`t<index>`, the task's position in the plan, so ids
//!   that are not valid node names, or are missing or repeated, never matter);
//! - a solid arrow `a → b` means b waits for a: `after`, `blocks`, a sub-task finishing its
//!   group, and a group's own dependencies inherited by its sub-tasks. These are exactly the
//!   task-to-task edges the analysis schedules by (`Flow::preds`), so the picture cannot
//!   disagree with `baton analyze`;
//! - phase order is not drawn task by task (that would be every task of a phase times every
//!   task of the next). By waves it is implicit: a wave never holds a task whose phase must
//!   wait for an earlier wave's phase. By lanes, the lanes of a phase sit in a cluster for
//!   the phase, and one bold arrow joins each phase's cluster to the next phase that waits
//!   for it;
//! - a dashed line without arrowheads joins two open tasks of one wave whose file scopes
//!   overlap (`Analysis::conflict_pairs`): the waves alone would run them together, the
//!   lanes do not.

use std::fmt::Write as _;
use std::ops::Range;

use crate::analyze::Analysis;
use crate::plan::{LineEnding, Plan, Status};

/// How nodes are grouped into clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// One cluster per wave: the tasks that could start together with unlimited sessions.
    Waves,
    /// One cluster per lane of the schedule (a session's run of tasks in one phase), inside
    /// one cluster per phase.
    Lanes,
}

/// The two lines between which `baton graph --write` keeps the plan's dependency map.
pub const START_MARKER: &str = "<!-- baton:graph:start -->";
pub const END_MARKER: &str = "<!-- baton:graph:end -->";

/// Titles longer than this many characters are cut (with `…`): a node is a box in a picture,
/// and the plan has the full text.
pub const TITLE_CHARS: usize = 64;

/// How a node is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Look {
    Open,
    /// Open work on the critical path.
    Critical,
    Done,
    Skipped,
    /// An open task with sub-tasks: not work itself, it is finished by its sub-tasks.
    Group,
}

impl Look {
    fn class(self) -> Option<&'static str> {
        match self {
            Look::Open => None,
            Look::Critical => Some("critical"),
            Look::Done => Some("done"),
            Look::Skipped => Some("skipped"),
            Look::Group => Some("group"),
        }
    }
}

#[derive(Debug)]
struct Cluster {
    /// A name safe in both formats (letters, digits, `_`).
    id: String,
    label: String,
    tasks: Vec<usize>,
    inner: Vec<Cluster>,
}

impl Cluster {
    /// A task drawn inside the cluster, for DOT edges that point at the cluster.
    fn first_task(&self) -> Option<usize> {
        self.tasks
            .first()
            .copied()
            .or_else(|| self.inner.iter().find_map(Cluster::first_task))
    }
}

/// Everything either format draws, decided once.
#[derive(Debug)]
pub struct Graph {
    /// Per task: its label text (unescaped) and look.
    labels: Vec<String>,
    looks: Vec<Look>,
    clusters: Vec<Cluster>,
    /// Tasks drawn outside every cluster (open groups).
    loose: Vec<usize>,
    /// `(a, b)`: b waits for a.
    deps: Vec<(usize, usize)>,
    /// Indices into `clusters`: the second phase waits for the first.
    phase_order: Vec<(usize, usize)>,
    conflicts: Vec<(usize, usize)>,
}

impl Graph {
    pub fn new(plan: &Plan, analysis: &Analysis, grouping: Grouping) -> Graph {
        let n = plan.tasks.len();
        let flow = &analysis.flow;
        let mut on_critical = vec![false; n];
        for &t in &analysis.critical_path {
            if t < n {
                on_critical[t] = true;
            }
        }
        let looks: Vec<Look> = plan
            .tasks
            .iter()
            .map(|task| match task.status {
                Status::Done => Look::Done,
                Status::Skipped => Look::Skipped,
                _ if !flow.is_work(task.index) => Look::Group,
                _ if on_critical[task.index] => Look::Critical,
                _ => Look::Open,
            })
            .collect();
        let labels = plan
            .tasks
            .iter()
            .zip(&looks)
            .map(|(task, &look)| {
                let title = shorten(task.title.trim(), TITLE_CHARS);
                let text = match &task.id {
                    Some(id) if title.is_empty() => id.clone(),
                    Some(id) => format!("{id} {title}"),
                    None => format!("{title} (line {})", task.line_span.line),
                };
                match look {
                    Look::Done => format!("✓ {text}"),
                    Look::Skipped => format!("⊘ {text} (skipped)"),
                    _ => text,
                }
            })
            .collect();

        // Preds are sorted per task, so edges come out grouped by the waiting task, in plan
        // order: stable output for snapshots and for `--write`.
        let mut deps = Vec::with_capacity(n * 2);
        for t in 0..n {
            for &p in flow.preds(t) {
                let p = p as usize;
                if p < n {
                    deps.push((p, t));
                }
            }
        }

        let closed: Vec<usize> = (0..n)
            .filter(|&t| plan.tasks[t].status.is_closed())
            .collect();
        let mut placed = vec![false; n];
        for &t in &closed {
            placed[t] = true;
        }
        let mut clusters = Vec::new();
        let mut phase_order = Vec::new();
        if !closed.is_empty() {
            clusters.push(Cluster {
                id: "closed".into(),
                label: "Done".into(),
                tasks: closed,
                inner: Vec::new(),
            });
        }
        match grouping {
            Grouping::Waves => {
                for (k, wave) in analysis.waves.iter().enumerate() {
                    for &t in wave {
                        placed[t] = true;
                    }
                    clusters.push(Cluster {
                        id: format!("wave{}", k + 1),
                        label: format!("Wave {}", k + 1),
                        tasks: wave.clone(),
                        inner: Vec::new(),
                    });
                }
            }
            Grouping::Lanes => {
                phase_order = lane_clusters(plan, analysis, &mut clusters, &mut placed);
            }
        }
        // Open groups, and (defensively) any open work the schedule did not place.
        let loose = (0..n).filter(|&t| !placed[t]).collect();

        Graph {
            labels,
            looks,
            clusters,
            loose,
            deps,
            phase_order,
            conflicts: analysis.conflict_pairs(),
        }
    }

    /// Edges drawn: dependencies, phase order and conflicts.
    pub fn edge_count(&self) -> usize {
        self.deps.len() + self.phase_order.len() + self.conflicts.len()
    }

    /// A Mermaid flowchart, ending with a newline.
    pub fn mermaid(&self) -> String {
        let mut out = String::with_capacity(64 * (self.labels.len() + self.deps.len()) + 512);
        out.push_str("flowchart LR\n");
        // An empty flowchart is a parse error in Mermaid; one note keeps the block valid.
        if self.labels.is_empty() {
            out.push_str("  empty[\"no tasks\"]\n");
        }
        for cluster in &self.clusters {
            self.mermaid_cluster(&mut out, cluster, 1);
        }
        for &t in &self.loose {
            self.mermaid_node(&mut out, t, 1);
        }
        for &(a, b) in &self.deps {
            let _ = writeln!(out, "  t{a} --> t{b}");
        }
        for &(a, b) in &self.phase_order {
            let _ = writeln!(out, "  {} ==> {}", self.clusters[a].id, self.clusters[b].id);
        }
        for &(a, b) in &self.conflicts {
            let _ = writeln!(out, "  t{a} -.- t{b}");
        }
        out.push_str(
            "  classDef done fill:#eeeeee,stroke:#999999,color:#666666\n\
             \x20 classDef skipped fill:#eeeeee,stroke:#bbbbbb,color:#888888,stroke-dasharray:4 3\n\
             \x20 classDef critical stroke:#cc3333,stroke-width:3px\n\
             \x20 classDef group fill:#f6f6ff,stroke:#7777aa\n",
        );
        out
    }

    fn mermaid_cluster(&self, out: &mut String, cluster: &Cluster, depth: usize) {
        let pad = "  ".repeat(depth);
        let _ = writeln!(
            out,
            "{pad}subgraph {} [\"{}\"]",
            cluster.id,
            mermaid_text(&cluster.label)
        );
        for inner in &cluster.inner {
            self.mermaid_cluster(out, inner, depth + 1);
        }
        for &t in &cluster.tasks {
            self.mermaid_node(out, t, depth + 1);
        }
        let _ = writeln!(out, "{pad}end");
    }

    fn mermaid_node(&self, out: &mut String, t: usize, depth: usize) {
        let pad = "  ".repeat(depth);
        let label = mermaid_text(&self.labels[t]);
        let look = self.looks[t];
        // Groups get the double-sided box, so they read as "made of other tasks".
        let (open, close) = if look == Look::Group {
            ("[[", "]]")
        } else {
            ("[", "]")
        };
        let _ = write!(out, "{pad}t{t}{open}\"{label}\"{close}");
        if let Some(class) = look.class() {
            let _ = write!(out, ":::{class}");
        }
        out.push('\n');
    }

    /// A Graphviz digraph, ending with a newline.
    pub fn dot(&self) -> String {
        let mut out = String::with_capacity(64 * (self.labels.len() + self.deps.len()) + 512);
        out.push_str(
            "digraph plan {\n  rankdir=LR;\n  compound=true;\n  \
             node [shape=box, style=rounded, fontname=\"Helvetica\"];\n",
        );
        for cluster in &self.clusters {
            self.dot_cluster(&mut out, cluster, 1);
        }
        for &t in &self.loose {
            self.dot_node(&mut out, t, 1);
        }
        for &(a, b) in &self.deps {
            let _ = writeln!(out, "  t{a} -> t{b};");
        }
        // Graphviz draws edges between nodes only; `ltail`/`lhead` clip an edge between one
        // node of each phase to the phase clusters' borders.
        for &(a, b) in &self.phase_order {
            let (from, to) = (&self.clusters[a], &self.clusters[b]);
            if let (Some(x), Some(y)) = (from.first_task(), to.first_task()) {
                let _ = writeln!(
                    out,
                    "  t{x} -> t{y} [ltail=cluster_{}, lhead=cluster_{}, style=bold];",
                    from.id, to.id
                );
            }
        }
        // `constraint=false`: a conflict says nothing about order, so it must not push the
        // two tasks into different ranks.
        for &(a, b) in &self.conflicts {
            let _ = writeln!(
                out,
                "  t{a} -> t{b} [style=dashed, dir=none, color=\"#cc3333\", constraint=false];"
            );
        }
        out.push_str("}\n");
        out
    }

    fn dot_cluster(&self, out: &mut String, cluster: &Cluster, depth: usize) {
        let pad = "  ".repeat(depth);
        let _ = writeln!(out, "{pad}subgraph cluster_{} {{", cluster.id);
        let _ = writeln!(out, "{pad}  label=\"{}\";", dot_text(&cluster.label));
        for inner in &cluster.inner {
            self.dot_cluster(out, inner, depth + 1);
        }
        for &t in &cluster.tasks {
            self.dot_node(out, t, depth + 1);
        }
        let _ = writeln!(out, "{pad}}}");
    }

    fn dot_node(&self, out: &mut String, t: usize, depth: usize) {
        let pad = "  ".repeat(depth);
        let style = match self.looks[t] {
            Look::Open => "",
            Look::Critical => ", color=\"#cc3333\", penwidth=2",
            Look::Done => {
                ", style=\"rounded,filled\", fillcolor=\"#eeeeee\", color=\"#999999\", \
                 fontcolor=\"#666666\""
            }
            Look::Skipped => {
                ", style=\"rounded,filled,dashed\", fillcolor=\"#eeeeee\", color=\"#bbbbbb\", \
                 fontcolor=\"#888888\""
            }
            Look::Group => ", peripheries=2",
        };
        let _ = writeln!(
            out,
            "{pad}t{t} [label=\"{}\"{style}];",
            dot_text(&self.labels[t])
        );
    }
}

/// The lanes of the schedule as clusters, inside one cluster per phase; returns which phase
/// clusters wait for which.
fn lane_clusters(
    plan: &Plan,
    analysis: &Analysis,
    clusters: &mut Vec<Cluster>,
    placed: &mut [bool],
) -> Vec<(usize, usize)> {
    let phases = plan.phases.len();
    // Per phase: the index in `clusters` of its cluster, once it has one.
    let mut cluster_of: Vec<Option<usize>> = vec![None; phases];
    for lane in &analysis.schedule.lanes {
        let Some(slot) = cluster_of.get_mut(lane.phase) else {
            continue;
        };
        let at = *slot.get_or_insert_with(|| {
            let phase = &plan.phases[lane.phase];
            let title = phase.title.trim();
            clusters.push(Cluster {
                id: format!("phase{}", lane.phase + 1),
                label: if title.is_empty() {
                    format!("Phase {}", lane.phase + 1)
                } else {
                    shorten(title, TITLE_CHARS)
                },
                tasks: Vec::new(),
                inner: Vec::new(),
            });
            clusters.len() - 1
        });
        let tasks = lane
            .slots
            .iter()
            .map(|s| s.task)
            .filter(|&t| t < placed.len());
        let phase_cluster = &mut clusters[at];
        // Lanes come ordered by phase, then session; a session that comes back to a phase
        // (phases that overlap) continues the lane it had there.
        match phase_cluster.inner.last_mut() {
            Some(last) if last.id == lane_id(lane.phase, lane.session) => last.tasks.extend(tasks),
            _ => phase_cluster.inner.push(Cluster {
                id: lane_id(lane.phase, lane.session),
                label: format!("Phase {} · session {}", lane.phase + 1, lane.session),
                tasks: tasks.collect(),
                inner: Vec::new(),
            }),
        }
    }
    for cluster in clusters.iter() {
        for lane in &cluster.inner {
            for &t in &lane.tasks {
                placed[t] = true;
            }
        }
    }

    // Phase k waits for the end of phase gate[k]: the one before, or for a phase marked to
    // overlap its predecessor, whatever that predecessor waits for (as `Flow` models it).
    let overlaps = &analysis.flow.overlaps_previous;
    let mut gate: Vec<Option<usize>> = vec![None; phases];
    for k in 1..phases {
        gate[k] = if overlaps.get(k).copied().unwrap_or(false) {
            gate[k - 1]
        } else {
            Some(k - 1)
        };
    }
    // drawn_up_to[j]: the latest drawn phase whose end the end of phase j implies. A phase
    // with no open work has no cluster, but what waits for it still waits for its gate.
    let mut drawn_up_to: Vec<Option<usize>> = vec![None; phases];
    for j in 0..phases {
        drawn_up_to[j] = if cluster_of[j].is_some() {
            Some(j)
        } else {
            gate[j].and_then(|g| drawn_up_to[g])
        };
    }
    let mut order = Vec::new();
    for k in 0..phases {
        if let (Some(to), Some(from)) = (cluster_of[k], gate[k].and_then(|g| drawn_up_to[g]))
            && let Some(from) = cluster_of[from]
        {
            order.push((from, to));
        }
    }
    order
}

fn lane_id(phase: usize, session: u32) -> String {
    format!("lane{}_{session}", phase + 1)
}

/// At most `max` characters, the last one `…` when cut. The cut falls between words when a
/// word boundary lies in the second half, so a label does not end in half a word.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().nth(max).is_none() {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let half = cut.len() / 2;
    let cut = match cut.rfind(char::is_whitespace) {
        Some(space) if space >= half => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

/// Text for inside a quoted Mermaid label. Mermaid reads `#name;` and `#123;` as entities,
/// so every character that could end the string, start HTML, a Markdown string, a comment
/// or a directive, or an entity itself is written as a numeric entity. Line breaks become
/// spaces: a label is one line of the diagram's source.
pub fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' | '#' | '&' | '<' | '>' | '|' | '`' | '[' | ']' | '{' | '}' | '%' | ';' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            '\r' | '\n' => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for inside a quoted DOT string. Backslash starts DOT's own escapes (`\n`, `\N`,
/// `\G`…), so a literal one is doubled.
pub fn dot_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\r' | '\n' => out.push(' '),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The Mermaid graph as a fenced block, in the plan's line ending.
pub fn mermaid_block(mermaid: &str, line_ending: LineEnding) -> String {
    let le = line_ending.as_str();
    let mut out = String::with_capacity(mermaid.len() + mermaid.len() / 16 + 32);
    out.push_str("```mermaid");
    out.push_str(le);
    for line in mermaid.lines() {
        out.push_str(line);
        out.push_str(le);
    }
    out.push_str("```");
    out.push_str(le);
    out
}

/// Where the dependency map goes: the bytes between the start marker's line and the end
/// marker's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapSection {
    pub range: Range<usize>,
    /// 1-based lines of the two markers.
    pub start_line: u32,
    pub end_line: u32,
}

/// Why the markers do not say where the map goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerError {
    /// Neither marker is in the plan.
    Missing,
    /// Only one of the two is; the line of the one found.
    Unpaired { found: &'static str, line: u32 },
    /// A marker appears more than once: its lines.
    Repeated {
        marker: &'static str,
        lines: Vec<u32>,
    },
    /// The end marker comes before the start marker.
    Reversed { start_line: u32, end_line: u32 },
}

/// Finds the two marker lines. A marker counts only as a line of its own (up to three
/// spaces of indentation, trailing whitespace allowed) outside fenced code blocks, so a plan
/// can show the markers in an example, and the generated block itself (a fence) never holds
/// one. A simple line scan: indented code blocks and HTML blocks are not tracked.
pub fn find_map_section(bytes: &[u8]) -> Result<MapSection, MarkerError> {
    let mut starts: Vec<(u32, usize)> = Vec::new(); // (line, offset after the line)
    let mut ends: Vec<(u32, usize)> = Vec::new(); // (line, offset of the line)
    // The open fence: its character and length.
    let mut fence: Option<(u8, usize)> = None;
    let mut at = 0;
    let mut line_no = 0u32;
    while at < bytes.len() {
        line_no += 1;
        let next = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
        let line = &bytes[at..next];
        let text = line.trim_ascii_end();
        let indent = text.iter().take_while(|&&b| b == b' ').count();
        let body = &text[indent.min(text.len())..];
        let run = |c: u8| body.iter().take_while(|&&b| b == c).count();
        match fence {
            // A closing fence: the same character, at least as long, nothing after it.
            Some((c, len)) if indent <= 3 && run(c) >= len && run(c) == body.len() => {
                fence = None;
            }
            Some(_) => {}
            None if indent <= 3 => {
                let (ticks, tildes) = (run(b'`'), run(b'~'));
                if ticks >= 3 && !body[ticks..].contains(&b'`') {
                    fence = Some((b'`', ticks));
                } else if tildes >= 3 {
                    fence = Some((b'~', tildes));
                } else if body == START_MARKER.as_bytes() {
                    starts.push((line_no, next));
                } else if body == END_MARKER.as_bytes() {
                    ends.push((line_no, at));
                }
            }
            None => {}
        }
        at = next;
    }
    match (starts.as_slice(), ends.as_slice()) {
        ([], []) => Err(MarkerError::Missing),
        ([(line, _)], []) => Err(MarkerError::Unpaired {
            found: START_MARKER,
            line: *line,
        }),
        ([], [(line, _)]) => Err(MarkerError::Unpaired {
            found: END_MARKER,
            line: *line,
        }),
        ([(start_line, from)], [(end_line, to)]) => {
            if end_line < start_line {
                Err(MarkerError::Reversed {
                    start_line: *start_line,
                    end_line: *end_line,
                })
            } else {
                Ok(MapSection {
                    range: *from..*to,
                    start_line: *start_line,
                    end_line: *end_line,
                })
            }
        }
        (s, e) => {
            let (marker, found) = if s.len() > 1 {
                (START_MARKER, s)
            } else {
                (END_MARKER, e)
            };
            Err(MarkerError::Repeated {
                marker,
                lines: found.iter().map(|&(line, _)| line).collect(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Options, analyze};
    use crate::plan::parse;

    fn graph(src: &str, grouping: Grouping, sessions: Option<u32>) -> Graph {
        let plan = parse(src.as_bytes());
        let options = Options {
            sessions,
            ..Default::default()
        };
        let analysis = analyze(&plan, &options).expect("no cycle");
        Graph::new(&plan, &analysis, grouping)
    }

    #[test]
    fn mermaid_labels_cannot_break_out() {
        let nasty = "a \"quote\" [box] <b>x</b> #1 | pipe `code` {c} %%{init}%% &amp; ;\nnext";
        let text = mermaid_text(nasty);
        for c in ['"', '<', '>', '[', ']', '|', '`', '{', '}', '%', '\n', '&'] {
            assert!(!text.contains(c), "{c:?} left in {text}");
        }
        // Every `#` starts a numeric entity, and every `;` ends one.
        let entities = text.matches('#').count();
        assert_eq!(entities, text.matches(';').count());
        assert!(text.starts_with("a #34;quote#34; #91;box#93; #60;b#62;x#60;/b#62; #35;1 #124;"));
        assert!(text.ends_with("#59; next"));
    }

    #[test]
    fn dot_labels_escape_quotes_and_backslashes() {
        assert_eq!(dot_text("a \"b\" \\N\r\nc"), "a \\\"b\\\" \\\\N  c");
    }

    #[test]
    fn long_titles_are_cut() {
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abcdefg", 6), "abcde…");
        assert_eq!(shorten("ab  ✓✓✓✓", 5), "ab…");
        assert_eq!(shorten("one two three four", 12), "one two…");
        assert_eq!(shorten("a bcdefghijklmnop", 12), "a bcdefghij…");
    }

    #[test]
    fn waves_done_and_conflicts() {
        let g = graph(
            "## Phase 1\n- [x] T1 base\n- [ ] T2 a\n  - after: T1\n  - files: src/x.rs\n\
             - [ ] T3 b\n  - files: src/x.rs\n- [ ] T4 c\n  - files: src/y.rs\n",
            Grouping::Waves,
            None,
        );
        let m = g.mermaid();
        assert!(
            m.contains("subgraph closed [\"Done\"]\n    t0[\"✓ T1 base\"]:::done\n"),
            "{m}"
        );
        assert!(m.contains("subgraph wave1 [\"Wave 1\"]\n"), "{m}");
        assert!(m.contains("  t0 --> t1\n"), "{m}");
        assert!(m.contains("  t1 -.- t2\n"), "{m}");
        assert!(!m.contains("t3 -.-") && !m.contains("-.- t3"), "{m}");
        let d = g.dot();
        assert!(d.contains("t1 -> t2 [style=dashed, dir=none"), "{d}");
        assert!(
            d.contains("t0 [label=\"✓ T1 base\", style=\"rounded,filled\""),
            "{d}"
        );
    }

    #[test]
    fn lanes_nest_in_phases_joined_in_order() {
        let g = graph(
            "## Phase 1\n- [ ] T1 a\n  - files: a.rs\n- [ ] T2 b\n  - files: b.rs\n\
             ## Phase 2\n- [x] T3 done\n\
             ## Phase 3\n- [ ] T4 c\n",
            Grouping::Lanes,
            Some(2),
        );
        let m = g.mermaid();
        assert!(
            m.contains(
                "subgraph phase1 [\"Phase 1\"]\n    subgraph lane1_1 [\"Phase 1 · session 1\"]\n"
            ),
            "{m}"
        );
        assert!(
            m.contains("subgraph lane1_2 [\"Phase 1 · session 2\"]"),
            "{m}"
        );
        // Phase 2 has no open work, so phase 3 is joined straight to phase 1.
        assert!(m.contains("  phase1 ==> phase3\n"), "{m}");
        assert!(!m.contains("phase2"), "{m}");
        let d = g.dot();
        assert!(
            d.contains("[ltail=cluster_phase1, lhead=cluster_phase3, style=bold]"),
            "{d}"
        );
    }

    #[test]
    fn groups_stand_outside_the_waves() {
        let g = graph(
            "- [ ] 1. Group\n  - [ ] 1.1 a\n  - [ ] 1.2 b\n- [ ] 2. Next\n  - after: 1\n",
            Grouping::Waves,
            None,
        );
        let m = g.mermaid();
        assert!(m.contains("\n  t0[[\"1 Group\"]]:::group\n"), "{m}");
        assert!(m.contains("  t1 --> t0\n  t2 --> t0\n  t0 --> t3\n"), "{m}");
    }

    #[test]
    fn markers_are_whole_lines_outside_fences() {
        let src = "# P\n```\n<!-- baton:graph:start -->\n```\n\
                   text <!-- baton:graph:start -->\n\
                   <!-- baton:graph:start -->  \nold\n   <!-- baton:graph:end -->\nrest\n";
        let found = find_map_section(src.as_bytes()).expect("markers");
        assert_eq!(&src[found.range.clone()], "old\n");
        assert_eq!((found.start_line, found.end_line), (6, 8));

        assert_eq!(find_map_section(b"# P\n"), Err(MarkerError::Missing));
        let only_fenced = "~~~~\n<!-- baton:graph:start -->\n<!-- baton:graph:end -->\n~~~\n";
        assert_eq!(
            find_map_section(only_fenced.as_bytes()),
            Err(MarkerError::Missing)
        );
        assert_eq!(
            find_map_section(b"<!-- baton:graph:end -->\n<!-- baton:graph:start -->\n"),
            Err(MarkerError::Reversed {
                start_line: 2,
                end_line: 1
            })
        );
        assert_eq!(
            find_map_section(b"<!-- baton:graph:start -->\n"),
            Err(MarkerError::Unpaired {
                found: START_MARKER,
                line: 1
            })
        );
        assert!(matches!(
            find_map_section(
                b"<!-- baton:graph:start -->\n<!-- baton:graph:start -->\n<!-- baton:graph:end -->\n"
            ),
            Err(MarkerError::Repeated { lines, .. }) if lines == [1, 2]
        ));
    }

    #[test]
    fn the_block_uses_the_plan_line_ending() {
        assert_eq!(
            mermaid_block("flowchart LR\n  t0\n", LineEnding::CrLf),
            "```mermaid\r\nflowchart LR\r\n  t0\r\n```\r\n"
        );
    }
}
