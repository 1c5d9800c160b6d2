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

/// An output `run` and `compare` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// summary.csv, monthly.csv, probabilities.csv, sensitivity.csv, milestones.csv
    Csv,
    /// summary.json
    Json,
    /// report.html: headline, charts, tables, assumptions and run details in one page
    Html,
    /// workbook.xlsx, laid out like the DSG management plan
    Xlsx,
    /// charts/*.svg and charts/*.png
    Charts,
    /// every output (the default)
    All,
}

/// Options shared by `run` and `compare`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Number of trajectories, or `auto` to add batches of 1,000 until --precision is reached.
    #[arg(long, default_value = "10000", value_parser = parse_runs)]
    pub runs: Runs,
    /// With --runs auto: wanted half-width of the 95% interval of each headline count and
    /// money mean, as a share of the mean (0.01 = 1%).
    #[arg(long, value_parser = parse_precision)]
    pub precision: Option<f64>,
    /// With --runs auto: wanted half-width of the 95% interval of each headline percentage's
    /// mean and each probability, in percentage points (default 1).
    #[arg(long, value_parser = parse_points)]
    pub precision_points: Option<f64>,
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
    /// Outputs to write, comma-separated (e.g. `csv,html`).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "all")]
    pub format: Vec<FormatArg>,
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

/// The origins of a backtest, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Origins(pub Vec<i32>);

fn parse_origins(s: &str) -> Result<Origins, String> {
    crate::backtest::origins::parse(s).map(Origins)
}

fn parse_points(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 50.0 => Ok(x),
        _ => Err(format!(
            "`{s}` is not allowed; expected percentage points above 0 and at most 50, e.g. 1 for ±1 point"
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
    /// Find the smallest value of one input for which a target holds with a given probability.
    #[command(name = "goal-seek")]
    GoalSeek {
        scenario: PathBuf,
        /// Input to vary, by its name in `sendcast validate` (e.g. `interventions[0].budget`).
        #[arg(long)]
        input: String,
        /// Range to search: LOW HIGH.
        #[arg(long, num_args = 2, value_names = ["LOW", "HIGH"], allow_negative_numbers = true)]
        range: Vec<f64>,
        /// `METRIC >= VALUE in PERIOD` (or `<=`), e.g. "plans_within_20_weeks_pct >= 60 in 2024-25".
        #[arg(long)]
        target: String,
        /// Probability the target must hold with.
        #[arg(long)]
        probability: f64,
        /// Trajectories per value tried (the same random numbers for every value).
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(10..=1_000_000))]
        runs: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Stop when the bracket is this narrow (default: 1/1000 of the range).
        #[arg(long)]
        tolerance: Option<f64>,
    },
    /// What-ifs in the browser: a local web page whose controls come from the scenario, each
    /// change run again on the same random numbers.
    Explore {
        scenario: PathBuf,
        /// Port on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 8765)]
        port: u16,
        /// Trajectories per setting (the page can change it, up to 5,000).
        #[arg(long, default_value_t = crate::explore::DEFAULT_RUNS as u64, value_parser = clap::value_parser!(u64).range(10..=crate::explore::MAX_RUNS as u64))]
        runs: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write a model file for an authority (or England) fitted to DfE SEN2 data.
    Calibrate {
        /// Folder of DfE SEN2 CSV files (either release layout), or a folder of such folders.
        #[arg(long)]
        sen2: PathBuf,
        /// Authority: new code (E06000058), old code (839), name, or `England`.
        #[arg(long)]
        la: String,
        /// Use the January census of this year and the flows of earlier years only; the model
        /// starts in January of this year. Default: the latest census in the files.
        #[arg(long)]
        until: Option<i32>,
        /// Years the model runs for.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=30))]
        horizon: u64,
        /// The authority's recorded high-needs outturn, a CSV `metric,period,value` (README,
        /// "Your own authority"): the model reproduces its base year line by line and carries
        /// its balance on. Without it the money is national defaults, and says so.
        #[arg(long)]
        finance: Option<PathBuf>,
        /// Model file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Apply a recorded high-needs outturn to an existing model or scenario: write a scenario
    /// that extends it with the money refitted to the file's base year.
    Finance {
        /// The finance file, a CSV `metric,period,value`.
        file: PathBuf,
        /// The model or scenario it is for.
        #[arg(long)]
        model: PathBuf,
        /// Scenario file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Calibrate on data up to an origin census, forecast, and compare with what happened.
    Backtest {
        #[arg(long)]
        sen2: PathBuf,
        /// One authority (code or name) ...
        #[arg(long, conflicts_with = "all", required_unless_present = "all")]
        la: Option<String>,
        /// ... or every authority in the files.
        #[arg(long)]
        all: bool,
        /// January census(es) the forecasts start from (data after each is not used): a year
        /// (2022), a range (2017..2022, inclusive) or a list (2017,2019,2022).
        #[arg(long, value_parser = parse_origins)]
        origin: Origins,
        /// Years forecast (censuses origin+1.. and calendar years origin..), 1 to 5.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=crate::backtest::MAX_HORIZON as u64))]
        horizon: u64,
        /// Trajectories per authority.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(20..=100_000))]
        runs: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output folder: backtest.csv, scores.csv, skipped.csv and the calibrated models.
        #[arg(long, default_value = "out/backtest")]
        out: PathBuf,
    },
}
