//! `sendcast validate`: the resolved inputs of a scenario, one per line, with their origin.

use crate::model::{FundingLine, Intervention, Model, NamedIntervention, ROLES, SETTINGS};
use std::fmt::Write;

pub fn describe(model: &Model) -> String {
    let mut out = String::new();
    let c = &model.clock;
    let _ = writeln!(out, "scenario: {}", model.name);
    if !model.description.is_empty() {
        let _ = writeln!(out, "description: {}", model.description);
    }
    let _ = writeln!(out, "authority: {} {}", model.authority, model.la_code);
    let files: Vec<String> = model
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    let _ = writeln!(out, "files: {}", files.join(" -> "));
    let _ = writeln!(
        out,
        "horizon: {} to {} ({} months, {} weeks, {} financial years)",
        c.start,
        c.month(c.months - 1),
        c.months,
        c.n_weeks(),
        c.n_fy
    );
    let uncertain = model
        .params
        .params
        .iter()
        .filter(|p| !p.dist.is_fixed())
        .count();
    let _ = writeln!(
        out,
        "inputs: {} ({} uncertain)",
        model.params.len(),
        uncertain
    );
    let width = model
        .params
        .params
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(0);
    for p in &model.params.params {
        let _ = writeln!(out, "  {:<width$}  {:<40}  {}", p.name, p.desc, p.origin);
    }
    if let Some(c) = &model.correlation {
        let _ = writeln!(out, "rank correlations:");
        for (i, &a) in c.params.iter().enumerate() {
            for (j, &b) in c.params.iter().enumerate().skip(i + 1) {
                let (na, nb) = (&model.params.params[a].name, &model.params.params[b].name);
                let _ = writeln!(out, "  {na} ~ {nb}: {}", c.matrix[(i, j)]);
            }
        }
    }
    let _ = writeln!(out, "interventions: {}", model.interventions.len());
    for line in interventions(model) {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "history: {} recorded values", model.history.len());
    let mut metrics: Vec<&str> = Vec::new();
    for p in &model.history {
        if !metrics.contains(&p.metric.as_str()) {
            metrics.push(&p.metric);
        }
    }
    for m in metrics {
        let periods: Vec<String> = model
            .history
            .iter()
            .filter(|p| p.metric == m)
            .map(|p| p.span.label())
            .collect();
        let _ = writeln!(out, "  {m}: {}", periods.join(", "));
    }
    out
}

/// Each intervention in a line: its name, then what it does and when.
pub fn interventions(model: &Model) -> Vec<String> {
    let mut out = Vec::new();
    for iv in &model.interventions {
        out.push(format!("{}: {}", iv.name, what(model, iv)));
    }
    out
}

/// An intervention in a few words: its kind and dates.
pub fn what(model: &Model, iv: &NamedIntervention) -> String {
    let when = |m: usize| model.clock.month(m).to_string();
    match &iv.kind {
        Intervention::TemporaryStaff {
            role, from, until, ..
        } => {
            format!(
                "temporary {} from {} until {}",
                ROLES[*role],
                when(*from),
                when(*until)
            )
        }
        Intervention::Posts { role, from, .. } => {
            format!("{} posts from {}", ROLES[*role], when(*from))
        }
        Intervention::DemandEffect { from, .. } => {
            format!("demand effect from {}", when(*from))
        }
        Intervention::NewSchool { setting, opens, .. } => {
            format!("new {} places opening {}", SETTINGS[*setting], when(*opens))
        }
        Intervention::PlacementShift {
            from, setting, to, ..
        } => {
            format!(
                "new {} placements to {} from {}",
                SETTINGS[*setting],
                SETTINGS[*to],
                when(*from)
            )
        }
        Intervention::Funding {
            from, until, line, ..
        } => {
            let kind = match line {
                FundingLine::Transfer => "transfer",
                FundingLine::Other => "funding",
            };
            format!("{kind} from {} until {}", when(*from), when(*until))
        }
        Intervention::Saving { from, until, .. } => {
            format!("saving from {} until {}", when(*from), when(*until))
        }
        Intervention::Efficiency {
            role, stage, from, ..
        } => {
            let who = role.map_or("every role", |r| ROLES[r]);
            let step = stage.map_or("every stage", |s| crate::model::STAGES[s]);
            format!("hours a case cut for {who} at {step} from {}", when(*from))
        }
    }
}
