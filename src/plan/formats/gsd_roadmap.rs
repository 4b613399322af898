//! A GSD `ROADMAP.md`: a checklist of phases (`- [x] **Phase 1: Name** - description`) and,
//! per phase, a `### Phase 1: Name` section with `**Depends on**: Phase N`,
//! `**Requirements**: …`, success criteria and a `Plans:` checklist.
//!
//! Each GSD phase becomes one task, `P1`, `P2`, `P2.1`, with its checklist status, `after:`
//! the phases it depends on, its requirements, its success criteria as acceptance text and
//! its plans as acceptance checks. All of them stand in one baton phase, so that the
//! `Depends on` lines alone order them: two phases that depend only on a third may run side by
//! side. A phase that appears in only one of the checklist and the details is still read.

use std::path::Path;

use super::FormatError;
use super::emit::{Converted, one_line};

#[derive(Debug, Default)]
struct Phase {
    number: String,
    name: String,
    /// The checklist line, if the phase is in the checklist.
    item: Option<(char, u32)>,
    heading: u32,
    depends: Option<(Vec<String>, u32)>,
    requirements: Option<(String, u32)>,
    goal: Option<(String, u32)>,
    criteria: Vec<(String, u32)>,
    plans: Vec<(char, String, u32)>,
}

/// Whether the text (outside fenced code) has a GSD phase checklist item.
pub fn has_phase_checklist(text: &str) -> bool {
    let mut fence = false;
    text.lines().any(|line| {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
            return false;
        }
        !fence && checklist_item(t).is_some()
    })
}

/// `- [x] **Phase 2.1: Name** - desc` → (`x`, `2.1`, `Name`).
fn checklist_item(trimmed: &str) -> Option<(char, String, String)> {
    let rest = trimmed.strip_prefix("- [")?;
    let mut chars = rest.chars();
    let mark = chars.next()?;
    let rest = chars.as_str().strip_prefix("] **Phase ")?;
    let (number, rest) = rest.split_once(':')?;
    let number = phase_number(number)?;
    let name = rest.split("**").next().unwrap_or("").trim().to_string();
    Some((mark, number, name))
}

/// `2.1` or `2.1 (INSERTED)` → `2.1`.
fn phase_number(text: &str) -> Option<String> {
    let word = text.split_whitespace().next()?;
    (!word.is_empty()
        && word
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
    .then(|| word.to_string())
}

/// `### Phase 2: Name` → (`2`, `Name`).
fn phase_heading(trimmed: &str) -> Option<(String, String)> {
    let rest = trimmed.trim_start_matches('#');
    if rest.len() == trimmed.len() {
        return None;
    }
    let rest = rest.trim().strip_prefix("Phase ")?;
    let (number, name) = rest.split_once(':')?;
    Some((phase_number(number)?, name.trim().to_string()))
}

fn bold_key<'l>(trimmed: &'l str, key: &str) -> Option<&'l str> {
    let rest = trimmed.strip_prefix(&format!("**{key}**"))?;
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    Some(rest.trim())
}

pub fn convert(path: &Path, text: &str) -> Result<Converted, FormatError> {
    let mut phases: Vec<Phase> = Vec::new();
    let mut title: Option<(String, u32)> = None;
    let mut current: Option<usize> = None;
    let mut in_criteria = false;
    let mut in_plans = false;
    let mut fence = false;
    for (i, line) in text.lines().enumerate() {
        let number = i as u32 + 1;
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        if title.is_none()
            && let Some(rest) = t.strip_prefix("# ")
        {
            title = Some((rest.trim().to_string(), number));
            continue;
        }
        if let Some((mark, num, name)) = checklist_item(t) {
            let at = find_or_add(&mut phases, &num, &name);
            phases[at].item = Some((mark, number));
            continue;
        }
        if let Some((num, name)) = phase_heading(t) {
            let at = find_or_add(&mut phases, &num, &name);
            phases[at].heading = number;
            current = Some(at);
            (in_criteria, in_plans) = (false, false);
            continue;
        }
        if t.starts_with('#') {
            current = None;
            continue;
        }
        let Some(at) = current else { continue };
        let phase = &mut phases[at];
        if let Some(value) = bold_key(t, "Depends on") {
            phase.depends = Some((depends_on(value), number));
        } else if let Some(value) = bold_key(t, "Requirements") {
            phase.requirements = Some((value.to_string(), number));
        } else if let Some(value) = bold_key(t, "Goal") {
            phase.goal = Some((value.to_string(), number));
        } else if t.starts_with("**Success Criteria**") {
            (in_criteria, in_plans) = (true, false);
        } else if t.starts_with("Plans:") || t.starts_with("**Plans**:") {
            (in_criteria, in_plans) = (false, !t.starts_with("**Plans**"));
        } else if in_plans && let Some(rest) = t.strip_prefix("- [") {
            let mut chars = rest.chars();
            if let (Some(mark), Some(text)) = (chars.next(), chars.as_str().strip_prefix("] ")) {
                phase.plans.push((mark, text.to_string(), number));
            }
        } else if in_criteria
            && let Some((n, criterion)) = t.split_once(". ")
            && n.bytes().all(|b| b.is_ascii_digit())
        {
            phase.criteria.push((criterion.to_string(), number));
        } else if t.starts_with("**") {
            (in_criteria, in_plans) = (false, false);
        }
    }
    if phases.is_empty() {
        return Err(FormatError::at(
            path,
            1,
            "a GSD roadmap with no phase (`- [ ] **Phase 1: Name**` or `### Phase 1: Name`)",
        ));
    }

    let mut out = Converted::default();
    let (title, title_line) = title.unwrap_or_else(|| ("GSD roadmap".to_string(), 1));
    out.line(title_line, &format!("# {}", one_line(&title)));
    out.blank(title_line);
    out.line(title_line, "## Phases");
    out.blank(title_line);
    let known: Vec<String> = phases.iter().map(|p| p.number.clone()).collect();
    for phase in &phases {
        let (mark, line) = phase.item.unwrap_or((' ', phase.heading));
        let mark = match mark {
            'x' | 'X' => 'x',
            '~' | '-' => mark,
            _ => ' ',
        };
        out.task(line, mark, &format!("P{}", phase.number), &[], &phase.name);
        if let Some((deps, line)) = &phase.depends {
            let ids: Vec<String> = deps
                .iter()
                .filter(|d| known.contains(d))
                .map(|d| format!("P{d}"))
                .collect();
            out.key(*line, "after", &ids.join(", "));
        }
        if let Some((reqs, line)) = &phase.requirements {
            out.key(*line, "requirements", reqs);
        }
        if let Some((goal, line)) = &phase.goal {
            out.note(*line, goal);
        }
        if !phase.criteria.is_empty() {
            out.line(phase.criteria[0].1, "  - done when:");
            for (criterion, line) in &phase.criteria {
                out.line(
                    *line,
                    &format!("    - {}", super::emit::escape_prose(&one_line(criterion))),
                );
            }
        }
        for (plan_mark, plan, line) in &phase.plans {
            out.check(*line, if *plan_mark == ' ' { ' ' } else { 'x' }, plan);
        }
    }
    Ok(out)
}

fn find_or_add(phases: &mut Vec<Phase>, number: &str, name: &str) -> usize {
    if let Some(at) = phases.iter().position(|p| p.number == number) {
        return at;
    }
    phases.push(Phase {
        number: number.to_string(),
        name: name.to_string(),
        ..Phase::default()
    });
    phases.len() - 1
}

/// `Phase 1`, `Phase 2, Phase 3`, `Phases 1 and 2.1`, `Nothing (first phase)` → numbers: the
/// numbers that follow the word "Phase", so that other numbers in the line are not read.
fn depends_on(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut after_phase = false;
    for word in value.split(|c: char| c == ',' || c.is_whitespace()) {
        let word = word.trim_matches(|c: char| "()*;:".contains(c));
        if word.eq_ignore_ascii_case("phase") || word.eq_ignore_ascii_case("phases") {
            after_phase = true;
        } else if word.is_empty() || word == "and" || word == "&" {
        } else if after_phase && let Some(number) = phase_number(word.trim_end_matches('.')) {
            out.push(number);
        } else {
            after_phase = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depends_on_reads_only_phase_numbers() {
        assert_eq!(depends_on("Phase 1"), vec!["1"]);
        assert_eq!(depends_on("Phase 2, Phase 2.1"), vec!["2", "2.1"]);
        assert_eq!(depends_on("Phases 1 and 3 (needs 4 APIs)"), vec!["1", "3"]);
        assert!(depends_on("Nothing (first phase)").is_empty());
    }

    #[test]
    fn checklist_items_and_headings() {
        assert_eq!(
            checklist_item("- [x] **Phase 2.1: Hotfix** - desc (completed 2026-03-30)"),
            Some(('x', "2.1".to_string(), "Hotfix".to_string()))
        );
        assert_eq!(checklist_item("- [ ] **Phase one: x**"), None);
        assert_eq!(
            phase_heading("### Phase 2.1: Critical Fix (INSERTED)"),
            Some(("2.1".to_string(), "Critical Fix (INSERTED)".to_string()))
        );
        assert!(has_phase_checklist("- [ ] **Phase 1: A** - b\n"));
        assert!(!has_phase_checklist(
            "```markdown\n- [ ] **Phase 1: A** - b\n```\n"
        ));
    }
}
