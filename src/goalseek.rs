//! `sendcast goal-seek`: the smallest value of one input for which a target holds with a
//! stated probability, by bisection on common random numbers.

use crate::model::{Model, ParamId};
use crate::run::{run, RunOptions};

/// `METRIC >= X in PERIOD` (or `<=`).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub metric: String,
    pub at_least: bool,
    pub value: f64,
    pub period: String,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let op = if self.at_least { ">=" } else { "<=" };
        write!(f, "{} {op} {} in {}", self.metric, self.value, self.period)
    }
}

/// Parse `plans_within_20_weeks_pct >= 60 in 2024-25`.
pub fn parse_target(s: &str) -> Result<Target, String> {
    let bad = || {
        format!(
            "target `{s}` is not understood; write METRIC >= VALUE in PERIOD (or <=), e.g. \
             `plans_within_20_weeks_pct >= 60 in 2024-25` or `dsg_in_year_balance >= 0 in 2029-30`"
        )
    };
    let words: Vec<&str> = s.split_whitespace().collect();
    let [metric, op, value, kw, period] = words[..] else {
        return Err(bad());
    };
    let at_least = match op {
        ">=" => true,
        "<=" => false,
        _ => return Err(bad()),
    };
    let value: f64 = value
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(bad)?;
    if kw != "in" {
        return Err(bad());
    }
    Ok(Target {
        metric: metric.to_string(),
        at_least,
        value,
        period: period.to_string(),
    })
}

/// What to seek.
#[derive(Debug, Clone)]
pub struct Seek {
    pub input: String,
    pub low: f64,
    pub high: f64,
    pub target: Target,
    pub probability: f64,
    pub runs: usize,
    pub seed: u64,
    /// Stop when the bracket is this narrow.
    pub tolerance: f64,
}

/// The answer and how it was found.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Smallest value found to reach the target (the top of the final bracket), if any.
    pub value: Option<f64>,
    /// P(target) at that value and its Monte Carlo standard error.
    pub p: f64,
    pub se: f64,
    /// Final bracket: (a value where the target was missed, the value where it was met).
    pub bracket: (f64, f64),
    /// Every value tried, with P(target).
    pub tried: Vec<(f64, f64)>,
    /// The input raises P(target) as it grows (else it lowers it).
    pub increasing: bool,
}

/// Find the input and check the target's metric and period exist; errors say what is allowed.
pub fn check(model: &Model, seek: &Seek) -> Result<ParamId, String> {
    let params = &model.params.params;
    let Some(i) = params.iter().position(|p| p.name == seek.input) else {
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        let close = crate::scenario::reader::closest(&seek.input, &names);
        return Err(format!(
            "no input `{}` in the model{}; `sendcast validate` lists them",
            seek.input,
            close.map_or(String::new(), |c| format!(" (did you mean `{c}`?)"))
        ));
    };
    let p = &params[i];
    if seek.low.is_nan() || seek.high.is_nan() || seek.low >= seek.high {
        return Err(format!(
            "the range {} to {} is empty; give LOW below HIGH",
            seek.low, seek.high
        ));
    }
    for x in [seek.low, seek.high] {
        if !p.domain.contains(x) {
            return Err(format!(
                "{x} is outside what `{}` allows ({})",
                p.name, p.domain.what
            ));
        }
    }
    if !(0.0 < seek.probability && seek.probability < 1.0) {
        return Err(format!(
            "probability {} must be between 0 and 1",
            seek.probability
        ));
    }
    let names: Vec<String> = crate::stats::metrics::all()
        .into_iter()
        .map(|m| m.name)
        .collect();
    if !names.contains(&seek.target.metric) {
        return Err(format!(
            "no metric `{}`; metrics: {}",
            seek.target.metric,
            names.join(", ")
        ));
    }
    let (months, years) = crate::run::periods(model);
    if !months
        .iter()
        .chain(&years)
        .any(|p| p.label == seek.target.period)
    {
        return Err(format!(
            "no period `{}` in the run; financial years {} to {}, or months YYYY-MM",
            seek.target.period,
            years.first().map_or("", |p| p.label.as_str()),
            years.last().map_or("", |p| p.label.as_str())
        ));
    }
    Ok(ParamId(i as u32))
}

/// P(target) with the input held at `x`, on the seed's common random numbers.
pub fn probability(
    model: &Model,
    id: ParamId,
    x: f64,
    seek: &Seek,
) -> Result<f64, crate::run::RunError> {
    let mut opts = RunOptions::new(seek.runs, seek.seed);
    opts.fixed = vec![(id, x)];
    // A monthly target needs each trajectory's month, however many runs.
    opts.max_monthly_runs = usize::MAX;
    let res = run(model, &opts)?;
    let k = res.metric_index(&seek.target.metric).expect("checked");
    let period = res
        .months
        .iter()
        .chain(&res.years)
        .position(|p| p.label == seek.target.period)
        .expect("checked");
    let v = res.column_values(res.column(k, period));
    let t = &seek.target;
    let met = v
        .iter()
        .filter(|&&y| {
            if t.at_least {
                y >= t.value
            } else {
                y <= t.value
            }
        })
        .count();
    Ok(met as f64 / v.len() as f64)
}

/// Why a seek stopped: a bad input, range or target (the message), or a run that broke.
#[derive(Debug)]
pub enum SeekError {
    Input(String),
    Run(crate::run::RunError),
}

impl From<String> for SeekError {
    fn from(m: String) -> Self {
        SeekError::Input(m)
    }
}

impl From<crate::run::RunError> for SeekError {
    fn from(e: crate::run::RunError) -> Self {
        SeekError::Run(e)
    }
}

/// Bisection on the input. The direction comes from the two ends of the range; with neither
/// end reaching the probability, `value` is `None`.
pub fn seek(model: &Model, seek: &Seek) -> Result<Outcome, SeekError> {
    let id = check(model, seek)?;
    let f = |x: f64| probability(model, id, x, seek);
    let (pl, ph) = (f(seek.low)?, f(seek.high)?);
    let mut tried = vec![(seek.low, pl), (seek.high, ph)];
    let increasing = ph >= pl;
    let se = |p: f64| (p * (1.0 - p) / seek.runs as f64).sqrt();
    let reaches = |p: f64| p >= seek.probability;
    // The end where the target is most likely.
    let (best, p_best) = if increasing {
        (seek.high, ph)
    } else {
        (seek.low, pl)
    };
    if !reaches(p_best) {
        return Ok(Outcome {
            value: None,
            p: p_best,
            se: se(p_best),
            bracket: (seek.low, seek.high),
            tried,
            increasing,
        });
    }
    let (other, p_other) = if increasing {
        (seek.low, pl)
    } else {
        (seek.high, ph)
    };
    if reaches(p_other) {
        // Already met at the least favourable end.
        return Ok(Outcome {
            value: Some(other),
            p: p_other,
            se: se(p_other),
            bracket: (other, other),
            tried,
            increasing,
        });
    }
    // `miss` fails, `hit` reaches; narrow until close.
    let (mut miss, mut hit, mut p_hit) = (other, best, p_best);
    while (hit - miss).abs() > seek.tolerance {
        let mid = 0.5 * (miss + hit);
        let p = f(mid)?;
        tried.push((mid, p));
        if reaches(p) {
            hit = mid;
            p_hit = p;
        } else {
            miss = mid;
        }
    }
    Ok(Outcome {
        value: Some(hit),
        p: p_hit,
        se: se(p_hit),
        bracket: (miss, hit),
        tried,
        increasing,
    })
}

/// The printed answer.
pub fn render(seek: &Seek, o: &Outcome) -> String {
    let mut s = format!(
        "goal: {} with probability >= {} by varying `{}` over [{}, {}] ({} runs each, seed {})\n",
        seek.target, seek.probability, seek.input, seek.low, seek.high, seek.runs, seek.seed
    );
    for (x, p) in &o.tried {
        s += &format!("  {:>14.4}  P = {:.3}\n", x, p);
    }
    match o.value {
        Some(v) => {
            s += &format!(
                "answer: {} = {:.4} (the target is missed at {:.4}); P = {:.3} +- {:.3} (Monte Carlo se)\n",
                seek.input, v, o.bracket.0, o.p, o.se
            );
            if o.bracket.0 == o.bracket.1 {
                s += "the target is already met at the least favourable end of the range\n";
            }
        }
        None => {
            s += &format!(
                "no value in [{}, {}] reaches the target: at best P = {:.3} +- {:.3}\n",
                seek.low, seek.high, o.p, o.se
            );
        }
    }
    s
}
