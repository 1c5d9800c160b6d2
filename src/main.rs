//! sendcast binary: parse arguments, call the library, print errors, set the exit code.

use anyhow::bail;
use clap::Parser;
use sendcast::cli::{Cli, Command, FormatArg, RunArgs, Runs, SamplingArg};
use sendcast::compare;
use sendcast::error::InputError;
use sendcast::model::sample::Sampling;
use sendcast::model::Model;
use sendcast::report::{self, Report};
use sendcast::run::{run, run_until, Precision, Results, RunOptions, DEFAULT_POINTS};
use std::path::Path;
use std::process::ExitCode;

/// Print to stdout; a reader that closes the pipe early (`| head`) ends the output quietly
/// instead of a panic.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(ie) = e.downcast_ref::<InputError>() {
                eprintln!("error: {ie}");
                ExitCode::from(2)
            } else if let Some(u) = e.downcast_ref::<UsageError>() {
                eprintln!("error: {}", u.0);
                ExitCode::from(2)
            } else {
                eprintln!("error: {e:#}");
                ExitCode::from(1)
            }
        }
    }
}

/// A bad combination of command-line options (exit code 2).
#[derive(Debug)]
struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn options(a: &RunArgs) -> anyhow::Result<RunOptions> {
    let sampling = match a.sampling {
        SamplingArg::Mc => Sampling::MonteCarlo,
        SamplingArg::Lhs => Sampling::LatinHypercube,
    };
    match (a.runs, a.precision) {
        (Runs::Auto, None) => bail!(UsageError(
            "--runs auto needs --precision (e.g. --precision 0.01)".into()
        )),
        (Runs::Fixed(_), Some(_)) => bail!(UsageError("--precision goes with --runs auto".into())),
        _ => {}
    }
    if a.precision_points.is_some() && a.runs != Runs::Auto {
        bail!(UsageError(
            "--precision-points goes with --runs auto".into()
        ));
    }
    let runs = match a.runs {
        Runs::Fixed(n) => n,
        Runs::Auto => a.max_runs as usize,
    };
    Ok(RunOptions {
        runs,
        seed: a.seed,
        sampling,
        progress: !a.quiet,
        fixed: Vec::new(),
        max_monthly_runs: sendcast::run::MAX_MONTHLY_RUNS,
        stop: None,
    })
}

/// The writers' view of a run: the model, the version, the sampling and the outputs asked for.
fn run_info<'a>(model: &'a Model, a: &RunArgs) -> report::RunInfo<'a> {
    let mut f = report::Formats::NONE;
    for x in &a.format {
        match x {
            FormatArg::Csv => f.csv = true,
            FormatArg::Json => f.json = true,
            FormatArg::Html => f.html = true,
            FormatArg::Xlsx => f.xlsx = true,
            FormatArg::Charts => f.charts = true,
            FormatArg::All => f = report::Formats::ALL,
        }
    }
    report::RunInfo {
        model,
        version: sendcast::VERSION,
        sampling: match a.sampling {
            SamplingArg::Mc => "mc",
            SamplingArg::Lhs => "lhs",
        },
        formats: f,
    }
}

fn simulate(model: &Model, a: &RunArgs, opts: &RunOptions) -> anyhow::Result<Results> {
    Ok(match (a.runs, a.precision) {
        (Runs::Auto, Some(p)) => {
            let precision = Precision {
                relative: p,
                points: a.precision_points.unwrap_or(DEFAULT_POINTS),
            };
            let (r, reached) = run_until(model, opts, &precision, opts.runs)?;
            if !a.quiet {
                let points = format!(
                    "±{} percentage points for percentages and probabilities",
                    precision.points
                );
                if reached {
                    outln!(
                        "{}: precision {p} reached after {} runs ({points})",
                        model.name,
                        r.runs
                    );
                } else {
                    outln!(
                        "{}: precision {p} NOT reached ({points}); stopped at --max-runs {}",
                        model.name,
                        r.runs
                    );
                }
                if let Some(d) = r.auto.as_ref().and_then(|x| x.decided_by.as_ref()) {
                    outln!("  decided by {d}");
                }
            }
            r
        }
        _ => run(model, opts)?,
    })
}

fn execute(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Calibrate {
            sen2,
            la,
            until,
            horizon,
            finance,
            out,
        } => {
            let msg = sendcast::commands::calibrate(
                &sen2,
                &la,
                until,
                horizon as usize,
                finance.as_deref(),
                &out,
            )?;
            outln!("{msg}");
        }
        Command::Finance { file, model, out } => {
            let msg = sendcast::commands::finance(&file, &model, &out)?;
            outln!("{msg}");
        }
        Command::Backtest {
            sen2,
            la,
            all: _,
            origin,
            horizon,
            runs,
            seed,
            out,
        } => {
            let opts = sendcast::backtest::Options {
                origins: origin.0,
                horizon: horizon as usize,
                runs: runs as usize,
                seed,
            };
            let msg = sendcast::commands::backtest(&sen2, la.as_deref(), &opts, &out)?;
            outln!("{msg}");
        }
        Command::GoalSeek {
            scenario,
            input,
            range,
            target,
            probability,
            runs,
            seed,
            tolerance,
        } => {
            let msg = sendcast::commands::goal_seek(
                &scenario,
                &input,
                &range,
                &target,
                probability,
                runs as usize,
                seed,
                tolerance,
            )?;
            out!("{msg}");
        }
        Command::Explore {
            scenario,
            port,
            runs,
            seed,
        } => {
            let opts = sendcast::explore::Options {
                scenario,
                port,
                runs: runs as usize,
                seed,
            };
            sendcast::explore::explore(&opts, |url| {
                outln!("sendcast explore: {url} (Ctrl-C to stop)");
            })?;
            outln!("sendcast explore: stopped");
        }
        Command::Validate { scenario } => {
            let model = sendcast::load_model(&scenario)?;
            out!("{}", sendcast::validate::describe(&model));
            outln!("ok: {}", scenario.display());
        }
        Command::Run {
            scenario,
            opts,
            out,
        } => {
            let run_opts = options(&opts)?;
            let model = sendcast::load_model(&scenario)?;
            let out = out.unwrap_or_else(|| Path::new("out").join(&model.name));
            let results = simulate(&model, &opts, &run_opts)?;
            let rep = Report::new(&results);
            let info = run_info(&model, &opts);
            report::write_all(&rep, &info, &out)?;
            if !opts.quiet {
                out!("{}", report::table::render(&rep, &model));
                outln!("In short:");
                for line in report::headline::sentences(&rep, &model) {
                    outln!("- {line}");
                }
                outln!("wrote {}", out.display());
            }
        }
        Command::Compare {
            a,
            b,
            opts,
            out,
            independent,
        } => {
            let run_opts = options(&opts)?;
            if matches!(opts.runs, Runs::Auto) {
                bail!(UsageError("compare takes a fixed --runs".into()));
            }
            let (ma, mb) = (sendcast::load_model(&a)?, sendcast::load_model(&b)?);
            let out = out.unwrap_or_else(|| {
                Path::new("out").join(format!("compare-{}-{}", ma.name, mb.name))
            });
            let c = compare::compare(&ma, &mb, &run_opts, independent)?;
            let (ra, rb) = (Report::new(&c.a), Report::new(&c.b));
            report::atomic_dir(&out, |dir| {
                let same = ma.name == mb.name;
                let (ia, ib) = (run_info(&ma, &opts), run_info(&mb, &opts));
                let mut subs = Vec::new();
                for (rep, info, tag) in [(&ra, &ia, "a"), (&rb, &ib, "b")] {
                    let name = &info.model.name;
                    let sub = if same {
                        format!("{name}-{tag}")
                    } else {
                        name.clone()
                    };
                    std::fs::create_dir_all(dir.join(&sub))?;
                    report::write_into(rep, info, &dir.join(&sub))?;
                    subs.push(sub);
                }
                let f = ia.formats;
                if f.csv {
                    compare::write_csv(&c, &dir.join("compare.csv"))?;
                }
                if f.json {
                    compare::write_json(&c, sendcast::VERSION, &dir.join("compare.json"))?;
                }
                if f.html || f.charts {
                    let charts = report::charts::compare_charts(&c, &ra, &rb, &ma)?;
                    let figures = report::figures(&charts, f, dir)?;
                    if f.html {
                        report::compare_html::write(
                            &c,
                            &ia,
                            &ib,
                            [&subs[0], &subs[1]],
                            &figures,
                            &dir.join("report.html"),
                        )?;
                    }
                }
                Ok(())
            })?;
            if !opts.quiet {
                out!("{}", compare::render(&c));
                outln!("wrote {}", out.display());
            }
        }
    }
    Ok(())
}
