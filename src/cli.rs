//! Command-line definitions (clap) only.

use clap::{Parser, Subcommand};
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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write summary.csv, monthly.csv, summary.json and probabilities.csv.
    Run {
        /// Scenario or model file (TOML).
        scenario: PathBuf,
        /// Number of trajectories.
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        runs: u64,
        /// Random seed; the same seed gives identical outputs at any thread count.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output folder (replaced whole when the run succeeds). Default: out/<scenario name>.
        #[arg(long)]
        out: Option<PathBuf>,
        /// No progress bar and no table.
        #[arg(long)]
        quiet: bool,
    },
    /// Check a scenario file and print its resolved inputs.
    Validate { scenario: PathBuf },
}
