//! Command-line definitions (clap) only.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "sendcast",
    version,
    about = "Monte Carlo projections of SEND assessment backlogs, EHC plans and DSG high-needs finance"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SamplingArg {
    /// Plain Monte Carlo.
    Mc,
    /// Latin hypercube: each input's range stratified into as many slices as runs.
    Lhs,
}

/// Options shared by `run` and `compare`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Number of trajectories, or `auto` to add batches of 1,000 until --precision is reached.
    #[arg(long, default_value = "10000", value_parser = parse_runs)]
    pub runs: Runs,
    /// With --runs auto: wanted half-width of the 95% interval of each headline mean, as a
    /// share of the mean (0.01 = 1%).
    #[arg(long, value_parser = parse_precision)]
    pub precision: Option<f64>,
    /// Most trajectories --runs auto may use.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1000..=10_000_000))]
    pub max_runs: u64,
    /// Random seed; the same seed gives identical outputs at any thread count.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How uncertain inputs are sampled.
    #[arg(long, value_enum, default_value_t = SamplingArg::Mc)]
    pub sampling: SamplingArg,
    /// No progress bar and no table.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Runs {
    Fixed(usize),
    Auto,
}

fn parse_runs(s: &str) -> Result<Runs, String> {
    if s == "auto" {
        return Ok(Runs::Auto);
    }
    match s.parse::<usize>() {
        Ok(n) if (1..=10_000_000).contains(&n) => Ok(Runs::Fixed(n)),
        _ => Err(format!(
            "`{s}` is not allowed; expected a whole number from 1 to 10,000,000, or `auto`"
        )),
    }
}

fn parse_precision(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
        _ => Err(format!(
            "`{s}` is not allowed; expected a share between 0 and 1, e.g. 0.01 for 1%"
        )),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write summary.csv, monthly.csv, summary.json, probabilities.csv and
    /// sensitivity.csv.
    Run {
        /// Scenario or model file (TOML).
        scenario: PathBuf,
        #[command(flatten)]
        opts: RunArgs,
        /// Output folder (replaced whole when the run succeeds). Default: out/<scenario name>.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run two scenarios on common random numbers and report the paired difference B - A.
    Compare {
        a: PathBuf,
        b: PathBuf,
        #[command(flatten)]
        opts: RunArgs,
        /// Output folder: compare.csv, compare.json and a folder of files per scenario.
        /// Default: out/compare-<a>-<b>.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Give B its own seed instead of common random numbers (to see what pairing buys).
        #[arg(long)]
        independent: bool,
    },
    /// Check a scenario file and print its resolved inputs.
    Validate { scenario: PathBuf },
}
