//! The report's two pictures as inline SVG, laid out here: the dependency graph (a column per
//! wave, a row per task, edges as curves) and a Gantt (a row per lane, a bar per task on a
//! time axis). Colours come from the page's CSS classes, so light and dark mode and print
//! restyle them without a second drawing.

use std::fmt::Write as _;

use super::{Bar, GraphModel, Row, escape, escape_into};

const NODE_W: u32 = 200;
const NODE_H: u32 = 22;
const COL_W: u32 = 240;
const ROW_H: u32 = 28;
const TOP: u32 = 34;
const LEFT: u32 = 10;

/// The graph as one `<svg>` element.
pub fn graph(model: &GraphModel) -> String {
    let rows = model
        .columns
        .iter()
        .map(|c| c.nodes.len())
        .max()
        .unwrap_or(0) as u32;
    let width = LEFT * 2 + COL_W * model.columns.len().max(1) as u32;
    let height = TOP + ROW_H * rows.max(1) + 10;
    let mut s = String::with_capacity(256 + model.edges.len() * 90 + rows as usize * 200);
    let _ = write!(
        s,
        "<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"dependency graph\"><defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" \
         refX=\"8\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">\
         <path d=\"M0,0 L8,4 L0,8 z\" class=\"arrowhead\"/></marker></defs>"
    );
    for (c, column) in model.columns.iter().enumerate() {
        let x = LEFT + COL_W * c as u32;
        let _ = write!(
            s,
            "<text class=\"colhead\" x=\"{x}\" y=\"16\">{}</text>",
            escape(&column.label)
        );
    }
    s.push_str("<g class=\"edges\">");
    for &((c1, r1), (c2, r2)) in &model.edges {
        let (x1, y1) = (node_x(c1) + NODE_W, node_y(r1) + NODE_H / 2);
        let (x2, y2) = (node_x(c2), node_y(r2) + NODE_H / 2);
        if c2 > c1 {
            let mid = (x1 + x2) / 2;
            let _ = write!(
                s,
                "<path d=\"M{x1},{y1}C{mid},{y1} {mid},{y2} {x2},{y2}\"/>"
            );
        } else {
            // Within a column or backwards: loop out on the right and come back in.
            let out = x1 + 30;
            let back = node_x(c2).saturating_sub(16);
            let _ = write!(
                s,
                "<path d=\"M{x1},{y1}C{out},{y1} {out},{y2} {},{y2}\"/>",
                if c2 == c1 { x1 } else { back }
            );
        }
    }
    s.push_str("</g>");
    for (c, column) in model.columns.iter().enumerate() {
        for (r, node) in column.nodes.iter().enumerate() {
            let (x, y) = (node_x(c), node_y(r));
            match node.task {
                Some(t) => {
                    let _ = write!(s, "<a href=\"#t{t}\" class=\"n {}\">", node.class);
                }
                None => {
                    let _ = write!(s, "<g class=\"n {}\">", node.class);
                }
            }
            s.push_str("<title>");
            escape_into(&mut s, &node.tooltip);
            let _ = write!(
                s,
                "</title><rect x=\"{x}\" y=\"{y}\" width=\"{NODE_W}\" height=\"{NODE_H}\" \
                 rx=\"4\"/><text x=\"{}\" y=\"{}\">",
                x + 6,
                y + 15
            );
            escape_into(&mut s, &node.label);
            s.push_str("</text>");
            s.push_str(if node.task.is_some() { "</a>" } else { "</g>" });
        }
    }
    s.push_str("</svg>");
    s
}

fn node_x(column: usize) -> u32 {
    LEFT + COL_W * column as u32
}

fn node_y(row: usize) -> u32 {
    TOP + ROW_H * row as u32
}

/// What a Gantt's axis counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Minutes,
    Seconds,
}

impl Unit {
    fn label(self, value: u64) -> String {
        match self {
            Unit::Minutes => super::minutes(value),
            Unit::Seconds => super::seconds(value as i64),
        }
    }
}

const LABEL_W: u32 = 230;
const CHART_W: u32 = 760;
const BAR_ROW: u32 = 24;
const AXIS_H: u32 = 24;

/// A Gantt of `rows` over `0..span`, with an optional dashed line at `marker` (a time and
/// what it is).
pub fn gantt(rows: &[Row], span: u64, unit: Unit, marker: Option<(u64, &str)>) -> String {
    let span = span.max(1);
    let width = LABEL_W + CHART_W + 20;
    let height = AXIS_H + BAR_ROW * rows.len().max(1) as u32 + 8;
    let x_of =
        |t: u64| -> f64 { f64::from(LABEL_W) + (t as f64 / span as f64) * f64::from(CHART_W) };
    let bars: usize = rows.iter().map(|r| r.bars.len()).sum();
    let mut s = String::with_capacity(512 + bars * 160 + rows.len() * 120);
    let _ = write!(
        s,
        "<svg class=\"gantt\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"Gantt chart\">"
    );
    // The axis: about six round ticks.
    let step = tick_step(span, unit);
    let mut t = 0;
    while t <= span {
        let x = x_of(t);
        let _ = write!(
            s,
            "<line class=\"tick\" x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{height}\"/>\
             <text class=\"axis\" x=\"{x:.1}\" y=\"14\">{}</text>",
            AXIS_H - 4,
            unit.label(t)
        );
        t += step;
    }
    for (i, row) in rows.iter().enumerate() {
        let y = AXIS_H + BAR_ROW * i as u32;
        let state = if row.state.is_empty() {
            String::new()
        } else {
            format!(" {}", css_word(&row.state))
        };
        let _ = write!(
            s,
            "<g class=\"lane{state}\"><text class=\"rowlabel\" x=\"4\" y=\"{}\">",
            y + 16
        );
        escape_into(&mut s, &super::shorten(&row.label, 34));
        if !row.state.is_empty() {
            s.push_str(" (");
            escape_into(&mut s, &row.state);
            s.push(')');
        }
        s.push_str("</text>");
        for bar in &row.bars {
            draw_bar(&mut s, bar, y, &x_of, unit);
        }
        s.push_str("</g>");
    }
    if let Some((at, what)) = marker {
        let x = x_of(at.min(span));
        let _ = write!(
            s,
            "<g class=\"marker\"><title>{}</title><line x1=\"{x:.1}\" y1=\"{}\" \
             x2=\"{x:.1}\" y2=\"{height}\"/></g>",
            escape(what),
            AXIS_H - 6
        );
    }
    s.push_str("</svg>");
    s
}

fn draw_bar(s: &mut String, bar: &Bar, y: u32, x_of: &impl Fn(u64) -> f64, unit: Unit) {
    let (x1, x2) = (x_of(bar.start), x_of(bar.end.max(bar.start)));
    let w = (x2 - x1).max(2.0);
    let class = if bar.critical { "bar crit" } else { "bar" };
    let _ = write!(
        s,
        "<g class=\"{class}\"><title>{} · {} to {}</title><rect x=\"{x1:.1}\" y=\"{}\" \
         width=\"{w:.1}\" height=\"{}\" rx=\"3\"/>",
        escape(&bar.label),
        unit.label(bar.start),
        unit.label(bar.end),
        y + 3,
        BAR_ROW - 6
    );
    // A label only where it fits (about 7 px a character).
    let fits = (w / 7.0) as usize;
    if fits >= 3 {
        let _ = write!(s, "<text x=\"{:.1}\" y=\"{}\">", x1 + 4.0, y + 16);
        escape_into(s, &super::shorten(&bar.label, fits - 1));
        s.push_str("</text>");
    }
    s.push_str("</g>");
}

/// A tick step that gives about six ticks, on a round number of the unit.
fn tick_step(span: u64, unit: Unit) -> u64 {
    let steps: &[u64] = match unit {
        Unit::Minutes => &[1, 5, 10, 15, 30, 60, 120, 240, 480, 960, 1440, 2880, 10080],
        Unit::Seconds => &[1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200],
    };
    let want = span.div_ceil(6).max(1);
    steps
        .iter()
        .copied()
        .find(|&s| s >= want)
        .unwrap_or_else(|| want.next_power_of_two())
}

/// A state word as a CSS class: letters, digits and `-` only.
fn css_word(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_few() {
        assert_eq!(tick_step(60, Unit::Minutes), 10);
        assert_eq!(tick_step(600, Unit::Minutes), 120);
        assert_eq!(tick_step(7, Unit::Seconds), 5);
        assert_eq!(tick_step(1_000_000, Unit::Minutes), 262_144);
    }

    #[test]
    fn a_state_word_cannot_break_out_of_its_class() {
        assert_eq!(css_word("merged\" onclick=\"x"), "mergedonclickx");
    }
}
