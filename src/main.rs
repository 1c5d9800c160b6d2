//! sendcast binary: parse arguments, call the library, print errors, set the exit code.

use clap::Parser;
use sendcast::cli::{Cli, Command};
use sendcast::error::InputError;
use sendcast::report::{self, Report};
use sendcast::run::{run, RunOptions};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(ie) = e.downcast_ref::<InputError>() {
                eprintln!("error: {ie}");
                ExitCode::from(2)
            } else {
                eprintln!("error: {e:#}");
                ExitCode::from(1)
            }
        }
    }
}

fn execute(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Validate { scenario } => {
            let model = sendcast::load_model(&scenario)?;
            print!("{}", sendcast::validate::describe(&model));
            println!("ok: {}", scenario.display());
        }
        Command::Run {
            scenario,
            runs,
            seed,
            out,
            quiet,
        } => {
            let model = sendcast::load_model(&scenario)?;
            let out = out.unwrap_or_else(|| std::path::Path::new("out").join(&model.name));
            let results = run(
                &model,
                &RunOptions {
                    runs: runs as usize,
                    seed,
                    progress: !quiet,
                },
            );
            let rep = Report::new(&results);
            report::write_all(&rep, sendcast::VERSION, &out)?;
            if !quiet {
                print!("{}", report::table::render(&rep));
                println!("wrote {}", out.display());
            }
        }
    }
    Ok(())
}
