//! sendcast: Monte Carlo projections of SEND assessment backlogs, EHC plan caseload and
//! high-needs (DSG) finance for English local authorities.

pub mod backtest;
pub mod calendar;
pub mod calibrate;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod engine;
pub mod error;
pub mod explore;
pub mod goalseek;
pub mod model;
pub mod outturn;
pub mod report;
pub mod run;
pub mod scenario;
pub mod sen2;
pub mod stats;
pub mod validate;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Load, merge and compile a scenario file.
pub fn load_model(path: &std::path::Path) -> error::InputResult<model::Model> {
    let loaded = scenario::load(path)?;
    model::compile::compile(&loaded)
}
