//! Dependencies written in words (A304): a hand-built plan with the example, asserted
//! exactly, and the labelled real spec-kit plans in `tests/fixtures/corpus/`
//! (`textdeps-labels.tsv`): recall of the labelled dependencies at least 60%, and no pair
//! labelled independent flagged.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::harness::Project;

fn a304(json: &Value) -> Vec<&Value> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "A304")
        .collect()
}

type Pair = (String, String);

fn pair(a: &str, b: &str) -> Pair {
    if a < b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

#[test]
fn the_invoice_mailer() {
    let p = Project::new();
    p.write(
        "plan.md",
        "# Billing\n## Phase 1: Mail\n\
- [ ] T1 Create the InvoiceMailer service in `app/services/invoice_mailer.py`\n\
- [ ] T2 Register the invoice mailer in `app/deps.py`\n\
- [ ] T3 Add the PDF renderer in `app/pdf/renderer.py`\n",
    );
    let json = p
        .run(&["analyze", "--json", "--history", "0"])
        .success()
        .json();
    let found = a304(&json);
    assert_eq!(found.len(), 1, "{json:#}");
    let f = found[0];
    assert_eq!(f["name"], "hidden-dependency");
    assert_eq!(f["severity"], "warning");
    assert_eq!(
        f["message"],
        "T2 uses `invoice mailer` (`InvoiceMailer`), which T1 creates, but neither waits for the other"
    );
    assert_eq!(f["tasks"], serde_json::json!(["T1", "T2"]));
    assert_eq!(
        f["evidence"],
        serde_json::json!([
            "T1 (line 3) creates `InvoiceMailer`: Create the InvoiceMailer service in `app/services/invoice_mailer.py`",
            "T2 (line 4) names `invoice mailer`: Register the invoice mailer in `app/deps.py`"
        ])
    );
    assert_eq!(
        f["hint"],
        "add `after: T1` to T2 if it needs what T1 creates"
    );

    // Once T2 waits for T1 the finding is gone.
    p.write(
        "plan.md",
        "# Billing\n## Phase 1: Mail\n\
- [ ] T1 Create the InvoiceMailer service in `app/services/invoice_mailer.py`\n\
- [ ] T2 Register the invoice mailer in `app/deps.py` (after: T1)\n\
- [ ] T3 Add the PDF renderer in `app/pdf/renderer.py`\n",
    );
    let json = p
        .run(&["analyze", "--json", "--history", "0"])
        .success()
        .json();
    assert!(a304(&json).is_empty(), "{json:#}");
}

#[test]
fn project_wide_nouns_and_generic_stems_tie_nothing() {
    // Every task names the order service; `types.ts` is a generic stem.
    let mut plan = String::from("# Shop\n## Phase 1: Work\n");
    plan.push_str("- [ ] T1 Implement the order service in `src/orders/service.ts`\n");
    plan.push_str("- [ ] T2 Define shared types in `src/types.ts`\n");
    for n in 3..=12 {
        plan.push_str(&format!(
            "- [ ] T{n} Report {n} over the order service and the types in `src/reports/r{n}.ts`\n"
        ));
    }
    let p = Project::new();
    p.write("plan.md", plan);
    let json = p
        .run(&["analyze", "--json", "--history", "0"])
        .success()
        .json();
    assert!(a304(&json).is_empty(), "{json:#}");
}

#[test]
fn labelled_real_plans() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let labels = std::fs::read_to_string(dir.join("textdeps-labels.tsv")).expect("labels");
    // Per plan: labelled dependent and independent pairs.
    let mut plans: BTreeMap<String, (Vec<Pair>, Vec<Pair>)> = BTreeMap::new();
    for line in labels
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 5, "label line: {line}");
        let entry = plans.entry(cols[1].to_string()).or_default();
        let p = pair(cols[2], cols[3]);
        match cols[0] {
            "dep" => entry.0.push(p),
            "indep" => entry.1.push(p),
            other => panic!("label kind {other}"),
        }
    }
    assert!(plans.len() >= 6, "at least 6 labelled plans");
    let (mut deps, mut found, mut flagged_indep) = (0, 0, Vec::new());
    let (mut flagged_total, mut flagged_labelled_dep) = (0, 0);
    let mut missed = Vec::new();
    for (rel, (dep, indep)) in &plans {
        let p = Project::new();
        p.write("tasks.md", std::fs::read(dir.join(rel)).expect("fixture"));
        let json = p
            .run(&["analyze", "--json", "--history", "0", "--plan", "tasks.md"])
            .json();
        // Every labelled pair can run in parallel: same wave, so the label is not vacuous.
        let wave_of: BTreeMap<String, usize> = json["waves"]
            .as_array()
            .expect("waves")
            .iter()
            .enumerate()
            .flat_map(|(w, wave)| {
                wave["tasks"]
                    .as_array()
                    .expect("tasks")
                    .iter()
                    .map(move |t| (t.as_str().expect("id").to_string(), w))
            })
            .collect();
        for (a, b) in dep.iter().chain(indep) {
            assert_eq!(
                wave_of.get(a),
                wave_of.get(b),
                "{rel}: {a} and {b} are not parallel"
            );
        }
        let flagged: BTreeSet<(String, String)> = a304(&json)
            .iter()
            .filter_map(|f| {
                let t = f["tasks"].as_array()?;
                (t.len() == 2)
                    .then(|| pair(t[0].as_str().unwrap_or(""), t[1].as_str().unwrap_or("")))
            })
            .collect();
        deps += dep.len();
        for d in dep {
            if flagged.contains(d) {
                found += 1;
            } else {
                missed.push(format!("{rel}: {} {}", d.0, d.1));
            }
        }
        flagged_indep.extend(
            indep
                .iter()
                .filter(|i| flagged.contains(*i))
                .map(|i| format!("{rel}: {} {}", i.0, i.1)),
        );
        flagged_total += flagged.len();
        flagged_labelled_dep += flagged.iter().filter(|f| dep.contains(f)).count();
    }
    let recall = found as f64 / deps as f64;
    eprintln!(
        "text dependencies: {found} of {deps} labelled found (recall {:.0}%); {flagged_total} A304 pairs flagged, {flagged_labelled_dep} of them labelled dependent; missed: {missed:?}",
        recall * 100.0
    );
    assert!(
        flagged_indep.is_empty(),
        "independent pairs flagged: {flagged_indep:?}"
    );
    assert!(
        recall >= 0.6,
        "recall {recall:.2} below 0.6; missed: {missed:?}"
    );
}
