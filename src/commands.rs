//! The `calibrate`, `finance`, `goal-seek` and `backtest` commands: arguments in, files and a
//! printed summary out.

use crate::backtest::{self, Options};
use crate::calibrate;
use crate::error::{InputError, Loc};
use crate::sen2::Sen2;
use anyhow::{Context, Result};
use std::path::Path;

fn arg_error(dir: &Path, key: &str, msg: String) -> anyhow::Error {
    InputError::new(&Loc::file_start(dir), key, msg).into()
}

fn sources(s: &Sen2) -> String {
    s.files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Write `text` to `out` through a temporary file beside it, moved into place only once it
/// loads as a model and `check` accepts it (else an error naming what is wrong).
fn write_checked(
    out: &Path,
    text: &str,
    check: impl FnOnce(&crate::model::Model) -> Result<String>,
) -> Result<String> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let tmp = parent.join(format!(
        ".{}.tmp-{}.toml",
        out.file_name()
            .map_or("model".into(), |n| n.to_string_lossy().into_owned()),
        std::process::id()
    ));
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    let checked = match crate::load_model(&tmp) {
        Err(e) => Err(anyhow::anyhow!(
            "the written model does not load (a sendcast bug): {e}"
        )),
        Ok(model) => check(&model),
    };
    match checked {
        Err(e) => {
            std::fs::remove_file(&tmp).ok();
            Err(e)
        }
        Ok(msg) => {
            std::fs::rename(&tmp, out).with_context(|| format!("writing {}", out.display()))?;
            Ok(msg)
        }
    }
}

/// The base year's lines as `model` computes them against the fit's; an error (a sendcast
/// bug) when one is off by more than 1%.
fn base_year_check(
    model: &crate::model::Model,
    f: &calibrate::finance::FinanceCal,
) -> Result<String> {
    let (table, ok) = calibrate::finance::check_table(model, f);
    if !ok {
        anyhow::bail!("the written model does not reproduce the base year within 1% (a sendcast bug):\n{table}");
    }
    Ok(table)
}

/// `sendcast calibrate`: fit, write the model atomically, check that it loads and that it
/// reproduces its base year's money.
pub fn calibrate(
    dir: &Path,
    la: &str,
    until: Option<i32>,
    horizon: usize,
    finance: Option<&Path>,
    out: &Path,
) -> Result<String> {
    // A bad finance file is refused before the fit, not after it.
    let outturn = finance
        .map(crate::outturn::file::Outturn::read)
        .transpose()?;
    let sen2 = Sen2::load(dir)?;
    let area = sen2.find(la).map_err(|m| arg_error(dir, "--la", m))?;
    let years = calibrate::census_years(area);
    let (Some(&earliest), Some(&latest)) = (years.first(), years.last()) else {
        return Err(arg_error(
            dir,
            "--la",
            format!("{} has no census in the files", area.name),
        ));
    };
    let origin = until.unwrap_or(latest);
    if origin > latest || origin < earliest {
        return Err(arg_error(
            dir,
            "--until",
            format!(
                "{origin} is outside the data for {}: January censuses {}",
                area.name,
                calibrate::year_ranges(&years)
            ),
        ));
    }
    let pooled = calibrate::pooled(&sen2, origin).ok_or_else(|| {
        arg_error(
            dir,
            "--until",
            format!("too few authorities with requests before {origin} to fit a trend"),
        )
    })?;
    let mut cal = calibrate::calibrate(&sen2, area, origin, horizon, &pooled)
        .map_err(|m| arg_error(dir, "--until", m))?;
    if let Some(o) = &outturn {
        cal.finance = calibrate::finance::fit(
            &sen2,
            area,
            origin,
            horizon,
            calibrate::finance::Source::File(o),
        )?;
    }
    let text = calibrate::to_toml(&cal, &sources(&sen2));
    let table = write_checked(out, &text, |m| base_year_check(m, &cal.finance))?;
    Ok(format!(
        "{}: January {} census {:.0} plans; requests {:.0} a year at the start, drift {:+.1}% a year\n{}\n{table}wrote {}",
        cal.name,
        origin,
        cal.plans,
        cal.request_rate,
        cal.trend.drift.exp_m1() * 100.0,
        cal.finance.provenance,
        out.display()
    ))
}

/// `sendcast finance`: a scenario extending `model` with its money refitted to the finance
/// file's base year, written atomically once it loads and reproduces that year.
pub fn finance(file: &Path, model_path: &Path, out: &Path) -> Result<String> {
    let model = crate::load_model(model_path)?;
    let o = crate::outturn::file::Outturn::read(file)?;
    let (cal, growth_note) = calibrate::finance::onto_model(&model, &o, model_path)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let extends = calibrate::finance::relative(&parent, model_path).with_context(|| {
        format!(
            "locating {} from {}",
            model_path.display(),
            parent.display()
        )
    })?;
    let text = calibrate::finance::scenario_text(&model, &cal, &extends, &growth_note);
    let table = write_checked(out, &text, |m| base_year_check(m, &cal))?;
    Ok(format!(
        "{}\n{table}wrote {} (extends {extends})",
        cal.provenance,
        out.display()
    ))
}

/// `sendcast goal-seek`: bisection on common random numbers; a bad input, range, target or
/// probability is an error naming the option.
#[allow(clippy::too_many_arguments)]
pub fn goal_seek(
    scenario: &Path,
    input: &str,
    range: &[f64],
    target: &str,
    probability: f64,
    runs: usize,
    seed: u64,
    tolerance: Option<f64>,
) -> Result<String> {
    use crate::goalseek::{self, Seek};
    let model = crate::load_model(scenario)?;
    let t = goalseek::parse_target(target).map_err(|m| arg_error(scenario, "--target", m))?;
    let (low, high) = (range[0], range[1]);
    let s = Seek {
        input: input.to_string(),
        low,
        high,
        target: t,
        probability,
        runs,
        seed,
        tolerance: tolerance.unwrap_or((high - low).abs() / 1000.0),
    };
    let key = |m: &str| {
        if m.contains("input") {
            "--input"
        } else if m.contains("range") || m.contains("outside") {
            "--range"
        } else if m.contains("probability") {
            "--probability"
        } else {
            "--target"
        }
    };
    let out = goalseek::seek(&model, &s).map_err(|e| match e {
        goalseek::SeekError::Input(m) => arg_error(scenario, key(&m), m),
        goalseek::SeekError::Run(e) => e.into(),
    })?;
    Ok(goalseek::render(&s, &out))
}

/// Each origin must leave something to fit (requests for a pooled trend) and to score (a
/// later census or year of flows).
fn check_origins(sen2: &Sen2, dir: &Path, origins: &[i32]) -> Result<()> {
    let years: Vec<i32> = sen2.england.census.keys().copied().collect();
    let (Some(&a), Some(last)) = (years.first(), backtest::last_outcome_year(sen2)) else {
        return Ok(());
    };
    let usable = |o: i32| calibrate::pooled(sen2, o).is_some();
    for &o in origins {
        let why = if o <= a || o >= last {
            Some(format!(
                "{o} leaves nothing to fit or to score: the censuses run {a}-{}{}",
                years.last().unwrap_or(&a),
                sen2.england
                    .flows
                    .keys()
                    .next_back()
                    .map_or(String::new(), |f| format!(", the flows to {f}"))
            ))
        } else if !usable(o) {
            Some(format!(
                "{o} has too few years of requests before it to pool a trend (requests are \
                 recorded from {}); the earliest origin these files allow is {}",
                sen2.england
                    .flows
                    .iter()
                    .find(|(_, f)| f.requests.is_some())
                    .map_or("no year".to_string(), |(y, _)| y.to_string()),
                (a + 1..last)
                    .find(|&e| usable(e))
                    .map_or("none".to_string(), |e| e.to_string())
            ))
        } else {
            None
        };
        if let Some(msg) = why {
            return Err(arg_error(dir, "--origin", msg));
        }
    }
    Ok(())
}

/// `sendcast backtest`: every area (or one), scored with the baselines; files written whole.
pub fn backtest(dir: &Path, la: Option<&str>, opts: &Options, out: &Path) -> Result<String> {
    let sen2 = Sen2::load(dir)?;
    let areas: Vec<&crate::sen2::Area> = match la {
        Some(q) => vec![sen2.find(q).map_err(|m| arg_error(dir, "--la", m))?],
        None => sen2.areas.iter().collect(),
    };
    check_origins(&sen2, dir, &opts.origins)?;
    let mut summary = String::new();
    crate::report::atomic_dir(out, |tmp| {
        let models = tmp.join("models");
        std::fs::create_dir_all(&models)?;
        let (rows, skipped) = backtest::backtest(&sen2, &areas, opts, &models)?;
        if rows.is_empty() {
            anyhow::bail!(
                "nothing to score: {}",
                skipped.first().map_or("no authority".into(), |s| format!(
                    "{}: {}",
                    s.la_name, s.reason
                ))
            );
        }
        let scores = backtest::scores(&rows);
        backtest::write(tmp, &rows, &scores, &skipped, &opts.origins)?;
        let n_areas = rows
            .iter()
            .map(|r| &r.la_code)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let from = match opts.origins.as_slice() {
            [o] => format!("January {o}"),
            v => format!(
                "{} origins (January {})",
                v.len(),
                v.iter()
                    .map(|o| o.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        summary = format!(
            "Backtest from {from} over {} year(s): {} authorities scored, {} skipped (see skipped.csv); \
             pooled over origins below, each origin in scores.csv; IS = interval score (counts: \
             share of the last value recorded at the origin)\n{}",
            opts.horizon,
            n_areas,
            skipped.len(),
            backtest::table(&scores)
        );
        Ok(())
    })?;
    Ok(format!("{summary}wrote {}", out.display()))
}
