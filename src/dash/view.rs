//! Draws a [`Model`] with ratatui widgets: the heading, the phases with progress bars, the
//! sessions, the findings, the selected session's log tail, the key line, and the detail pane
//! over them when it is open. Pure drawing: what is selected comes in as [`Ui`], the log tail
//! as lines read by the caller.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Cell, Clear, List, ListItem, ListState, Paragraph, Row, Table, TableState, Wrap,
};

use super::model::{FindingKind, Lane, Model, PhaseRow};

/// Which list the arrow keys move in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Focus {
    #[default]
    Sessions,
    Findings,
}

/// What the person selected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ui {
    pub focus: Focus,
    pub lane: usize,
    pub finding: usize,
    /// The detail pane of the selection is open.
    pub detail: bool,
    /// Colours allowed (`NO_COLOR` unset).
    pub color: bool,
    /// Why the screen shows older data (the plan could not be read again), if so.
    pub notice: Option<String>,
}

impl Ui {
    /// Keeps the selections inside the model's lists.
    pub fn clamp(&mut self, model: &Model) {
        self.lane = self.lane.min(model.lanes.len().saturating_sub(1));
        self.finding = self.finding.min(model.findings.len().saturating_sub(1));
    }

    /// The selected session, if any (the log tail follows it).
    pub fn selected_lane<'m>(&self, model: &'m Model) -> Option<&'m Lane> {
        model.lanes.get(self.lane)
    }
}

/// `1m05s`, `2h03m`, `42s`.
pub fn elapsed(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// `950`, `48.2k`, `1.3M`.
fn amount(n: u64) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..1_000_000 => format!("{:.1}k", n as f64 / 1e3),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// Text from files and agents, made safe to draw: control characters (an escape sequence in
/// a log) become `?`.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

struct Palette {
    color: bool,
}

impl Palette {
    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default()
        }
    }

    fn state(&self, state: &str) -> Style {
        self.fg(match state {
            "merged" | "claimed" => Color::Green,
            "blocked" | "failed" | "stale" | "interrupted" => Color::Red,
            "waiting" => Color::DarkGray,
            _ => Color::Yellow,
        })
    }

    fn finding(&self, kind: FindingKind) -> Style {
        self.fg(match kind {
            FindingKind::Tampered | FindingKind::FalseDone => Color::Red,
            FindingKind::Collision | FindingKind::Blocked => Color::Magenta,
            FindingKind::Audit => Color::Yellow,
        })
    }
}

fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

/// Draws the whole screen. `ticked`: seconds since the model was built (live clocks go on);
/// `log`: the selected session's log tail.
pub fn draw(frame: &mut Frame, model: &Model, ui: &Ui, ticked: i64, log: &[String]) {
    let area = frame.area();
    let pal = Palette { color: ui.color };
    let phases_h = (model.phases.len().max(1) as u16).min((area.height / 5).max(1)) + 2;
    let lanes_h = (model.lanes.len().max(1) as u16 + 3).min((area.height / 3).max(4));
    let [head, phases, lanes, rest, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(phases_h),
        Constraint::Length(lanes_h),
        Constraint::Min(4),
        Constraint::Length(1),
    ])
    .areas(area);
    let [findings, log_area] = if rest.width >= 120 {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(rest)
    } else {
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(rest)
    };
    draw_heading(frame, head, model, ticked, &pal);
    draw_phases(frame, phases, &model.phases, &pal);
    draw_lanes(frame, lanes, model, ui, ticked, &pal);
    draw_findings(frame, findings, model, ui, &pal);
    draw_log(frame, log_area, model, ui, log);
    let help = if ui.detail {
        " esc/enter close  ↑↓ move  tab switch  q quit"
    } else {
        " ↑↓/jk move  tab sessions/findings  enter detail  q quit"
    };
    match &ui.notice {
        Some(notice) => frame.render_widget(
            Paragraph::new(format!(" {}", clean(notice))).style(pal.fg(Color::Red)),
            keys,
        ),
        None => frame.render_widget(Paragraph::new(help).style(pal.fg(Color::DarkGray)), keys),
    }
    if ui.detail {
        draw_detail(frame, area, model, ui, ticked, &pal);
    }
}

fn draw_heading(frame: &mut Frame, area: Rect, model: &Model, ticked: i64, pal: &Palette) {
    let pct = (model.done * 100).checked_div(model.total).unwrap_or(100);
    let mut spans = vec![
        Span::styled(clean(&model.title), bold()),
        Span::raw(format!("  {}/{} done ({pct}%)", model.done, model.total)),
    ];
    match &model.run {
        Some(run) => {
            let clock = run.elapsed + if run.live { ticked } else { 0 };
            spans.push(Span::raw(format!("  run {} phase {} ", run.id, run.phase)));
            spans.push(Span::styled(run.state.clone(), pal.state(&run.state)));
            spans.push(Span::raw(format!(" {}", elapsed(clock))));
            if let Some(tokens) = run.tokens {
                spans.push(Span::raw(format!("  {} tok", amount(tokens))));
            }
            if let Some(cost) = run.cost {
                spans.push(Span::raw(format!(" ${cost:.2}")));
            }
        }
        None => spans.push(Span::styled("  no run", pal.fg(Color::DarkGray))),
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `[████▒▒!!░░░░]`: done, skipped, blocked, open, each at least one cell when present.
fn bar(phase: &PhaseRow, width: usize, pal: &Palette) -> Vec<Span<'static>> {
    let total = phase.total().max(1);
    let parts = [
        (phase.done, '█', Color::Green),
        (phase.skipped, '▒', Color::DarkGray),
        (phase.blocked, '!', Color::Red),
        (phase.open, '░', Color::Gray),
    ];
    let mut cells: Vec<usize> = parts
        .iter()
        .map(|(n, _, _)| match *n {
            0 => 0,
            n => (n * width / total).max(1),
        })
        .collect();
    // Give rounding's leftovers to (or take its excess from) the largest part.
    let used: usize = cells.iter().sum();
    if let Some(big) = (0..cells.len()).max_by_key(|&i| cells[i]) {
        if used < width {
            cells[big] += width - used;
        } else {
            cells[big] = cells[big].saturating_sub(used - width);
        }
    }
    let mut spans = vec![Span::raw("[")];
    for ((_, ch, color), n) in parts.iter().zip(cells) {
        if n > 0 {
            spans.push(Span::styled(ch.to_string().repeat(n), pal.fg(*color)));
        }
    }
    spans.push(Span::raw("]"));
    spans
}

fn draw_phases(frame: &mut Frame, area: Rect, phases: &[PhaseRow], pal: &Palette) {
    let inner_w = area.width.saturating_sub(2) as usize;
    let name_w = phases
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(inner_w / 3);
    let counts_w = 28.min(inner_w / 3);
    let bar_w = inner_w.saturating_sub(name_w + counts_w + 6).clamp(4, 60);
    // Keep the current phase in view when there are more phases than lines.
    let rows = area.height.saturating_sub(2) as usize;
    let current = phases.iter().position(|p| p.current).unwrap_or(0);
    let skip = (current + 1).saturating_sub(rows);
    let lines: Vec<Line> = phases
        .iter()
        .skip(skip)
        .map(|p| {
            let closed = p.done + p.skipped;
            let (mark, style) = if closed == p.total() {
                ("✓", pal.fg(Color::Green))
            } else if p.current {
                ("▸", pal.fg(Color::Yellow).add_modifier(Modifier::BOLD))
            } else {
                (" ", Style::default())
            };
            let name: String = clean(&p.name).chars().take(name_w).collect();
            let mut spans = vec![
                Span::styled(format!("{mark} "), style),
                Span::styled(
                    format!("{name:<name_w$} "),
                    if p.current { bold() } else { Style::default() },
                ),
            ];
            spans.extend(bar(p, bar_w, pal));
            let mut counts = format!(" {closed}/{}", p.total());
            if p.skipped > 0 {
                counts.push_str(&format!(" {} skip", p.skipped));
            }
            if p.blocked > 0 {
                counts.push_str(&format!(" {} blocked", p.blocked));
            }
            spans.push(Span::raw(counts));
            Line::from(spans)
        })
        .collect();
    let body = if lines.is_empty() {
        vec![Line::raw("the plan has no phases")]
    } else {
        lines
    };
    frame.render_widget(
        Paragraph::new(body).block(Block::bordered().title(" Phases ")),
        area,
    );
}

fn draw_lanes(frame: &mut Frame, area: Rect, model: &Model, ui: &Ui, ticked: i64, pal: &Palette) {
    let wide = area.width >= 120;
    let title = match (&model.run, model.lanes.is_empty()) {
        (Some(_), _) => " Sessions ".to_string(),
        (None, true) => " Sessions: no run, no claims ".to_string(),
        (None, false) => " Sessions: claims (no run) ".to_string(),
    };
    let mut block = Block::bordered().title(title);
    if ui.focus == Focus::Sessions {
        block = block.border_style(bold());
    }
    let rows: Vec<Row> = model
        .lanes
        .iter()
        .map(|l| {
            let clock = l
                .elapsed
                .map(|e| elapsed(e + if l.live { ticked } else { 0 }))
                .unwrap_or_default();
            let lease = l
                .lease_age
                .map(|a| elapsed(a + ticked))
                .unwrap_or_else(|| "-".into());
            let tokens = l.tokens.map(amount).unwrap_or_else(|| "-".into());
            let tool = l
                .why
                .as_deref()
                .filter(|_| l.state == "blocked" || l.state == "failed")
                .or(l.last_tool.as_deref())
                .unwrap_or("");
            let mut cells = vec![
                Cell::from(clean(&l.session)),
                Cell::from(Span::styled(l.state.clone(), pal.state(&l.state))),
            ];
            if wide {
                cells.push(Cell::from(clean(&l.agent)));
            }
            cells.extend([
                Cell::from(clean(&l.task)),
                Cell::from(clock),
                Cell::from(clean(tool)),
                Cell::from(tokens),
            ]);
            if wide {
                cells.push(Cell::from(
                    l.cost
                        .map(|c| format!("${c:.2}"))
                        .unwrap_or_else(|| "-".into()),
                ));
            }
            cells.push(Cell::from(lease));
            Row::new(cells)
        })
        .collect();
    let (header, widths): (Vec<&str>, Vec<Constraint>) = if wide {
        (
            vec![
                "session",
                "state",
                "agent",
                "task",
                "elapsed",
                "last tool",
                "tokens",
                "cost",
                "lease",
            ],
            vec![
                Constraint::Length(12),
                Constraint::Length(10),
                Constraint::Length(8),
                Constraint::Fill(3),
                Constraint::Length(7),
                Constraint::Fill(2),
                Constraint::Length(7),
                Constraint::Length(7),
                Constraint::Length(6),
            ],
        )
    } else {
        (
            vec![
                "session",
                "state",
                "task",
                "elapsed",
                "last tool",
                "tokens",
                "lease",
            ],
            vec![
                Constraint::Length(10),
                Constraint::Length(9),
                Constraint::Fill(1),
                Constraint::Length(7),
                Constraint::Fill(1),
                Constraint::Length(6),
                Constraint::Length(6),
            ],
        )
    };
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(bold()))
        .highlight_symbol(if ui.focus == Focus::Sessions {
            "▶"
        } else {
            " "
        })
        .block(block)
        .row_highlight_style(if ui.focus == Focus::Sessions {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        });
    let mut state = TableState::default();
    if !model.lanes.is_empty() {
        state.select(Some(ui.lane));
    }
    frame.render_stateful_widget(table, area, &mut state);
}

fn draw_findings(frame: &mut Frame, area: Rect, model: &Model, ui: &Ui, pal: &Palette) {
    let mut block = Block::bordered().title(format!(" Findings ({}) ", model.findings.len()));
    if ui.focus == Focus::Findings {
        block = block.border_style(bold());
    }
    if model.findings.is_empty() {
        frame.render_widget(
            Paragraph::new("no false-done or tampered tick, no audit finding, no collision")
                .wrap(Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    }
    let items: Vec<ListItem> = model
        .findings
        .iter()
        .map(|f| {
            ListItem::new(Line::from(vec![
                Span::styled(format!("{:<10} ", f.kind.as_str()), pal.finding(f.kind)),
                Span::styled(format!("{} ", clean(&f.subject)), bold()),
                Span::raw(clean(&f.summary)),
            ]))
        })
        .collect();
    let list = List::new(items)
        .block(block)
        .highlight_symbol(if ui.focus == Focus::Findings {
            "▶"
        } else {
            " "
        })
        .highlight_style(if ui.focus == Focus::Findings {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        });
    let mut state = ListState::default();
    state.select(Some(ui.finding));
    frame.render_stateful_widget(list, area, &mut state);
}

fn draw_log(frame: &mut Frame, area: Rect, model: &Model, ui: &Ui, log: &[String]) {
    let lane = ui.selected_lane(model);
    let title = match lane {
        Some(l) => format!(" Log: {} ", clean(&l.session)),
        None => " Log ".to_string(),
    };
    let body: Vec<Line> = match lane {
        Some(l) if l.log.is_some() && !log.is_empty() => {
            let rows = area.height.saturating_sub(2) as usize;
            log[log.len().saturating_sub(rows)..]
                .iter()
                .map(|l| Line::raw(clean(l)))
                .collect()
        }
        Some(l) if l.log.is_some() => vec![Line::raw("(the log is empty)")],
        Some(_) if model.run.is_some() => vec![Line::raw("(no log yet: not started)")],
        Some(_) => vec![Line::raw("(no log: this session is not part of a run)")],
        None => vec![Line::raw("(no session selected)")],
    };
    frame.render_widget(
        Paragraph::new(body).block(Block::bordered().title(title)),
        area,
    );
}

/// The selection's whole story, over the middle of the screen.
fn draw_detail(frame: &mut Frame, area: Rect, model: &Model, ui: &Ui, ticked: i64, pal: &Palette) {
    let width = area.width.saturating_sub(4).clamp(20, 110);
    let height = area.height.saturating_sub(4).max(6);
    let pane = Rect {
        x: area.x + (area.width.saturating_sub(width)) / 2,
        y: area.y + 2,
        width: width.min(area.width),
        height: height.min(area.height),
    };
    let (title, lines) = match ui.focus {
        Focus::Findings => match model.findings.get(ui.finding) {
            Some(f) => {
                let mut lines = vec![
                    Line::from(vec![
                        Span::styled(
                            f.kind.as_str(),
                            pal.finding(f.kind).add_modifier(Modifier::BOLD),
                        ),
                        Span::raw(format!(" {}", clean(&f.subject))),
                    ]),
                    Line::raw(clean(&f.summary)),
                    Line::styled(
                        format!("from {}", clean(&f.source)),
                        pal.fg(Color::DarkGray),
                    ),
                    Line::raw(""),
                    Line::styled("Evidence:", bold()),
                ];
                lines.extend(
                    f.evidence
                        .iter()
                        .map(|e| Line::raw(format!("  {}", clean(e)))),
                );
                (" Finding ", lines)
            }
            None => (" Finding ", vec![Line::raw("no finding selected")]),
        },
        Focus::Sessions => match model.lanes.get(ui.lane) {
            Some(l) => {
                let field = |k: &str, v: String| {
                    Line::from(vec![Span::styled(format!("{k:<10}"), bold()), Span::raw(v)])
                };
                let mut lines = vec![
                    field("session", clean(&l.session)),
                    field("state", l.state.clone()),
                    field("agent", clean(&l.agent)),
                    field("tasks", clean(&l.tasks.join(" "))),
                    field("current", clean(&l.task)),
                    field(
                        "elapsed",
                        l.elapsed
                            .map(|e| elapsed(e + if l.live { ticked } else { 0 }))
                            .unwrap_or_else(|| "-".into()),
                    ),
                    field(
                        "last tool",
                        l.last_tool
                            .as_deref()
                            .map(clean)
                            .unwrap_or_else(|| "-".into()),
                    ),
                    field("tokens", l.tokens.map(amount).unwrap_or_else(|| "-".into())),
                    field(
                        "cost",
                        l.cost
                            .map(|c| format!("${c:.2}"))
                            .unwrap_or_else(|| "-".into()),
                    ),
                    field(
                        "lease age",
                        l.lease_age
                            .map(|a| elapsed(a + ticked))
                            .unwrap_or_else(|| "-".into()),
                    ),
                ];
                if let Some(why) = &l.why {
                    lines.push(field("why", clean(why)));
                }
                if let Some(log) = &l.log {
                    lines.push(field("log", clean(&log.display().to_string())));
                }
                (" Session ", lines)
            }
            None => (" Session ", vec![Line::raw("no session selected")]),
        },
    };
    frame.render_widget(Clear, pane);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(title).border_style(bold())),
        pane,
    );
}
