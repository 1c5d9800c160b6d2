//! `sendcast explore`: what-ifs in the browser. A local web server (127.0.0.1 only) serves one
//! page whose controls come from the scenario; each change is written as a scenario file that
//! `extends` the explored one, compiled by the scenario loader, run on common random numbers
//! and drawn with the report's own charts and sentences.
//!
//! ```text
//! controls   scenario + model → the page's controls
//! settings   request JSON → checked settings → TOML overlay → compiled model
//! answer     run → charts, headline, chances, paired differences, precision
//! page       the HTML page (controls inline; explore.js and explore.css embedded)
//! server     axum: routes, sessions, supersession, errors, Ctrl-C
//! ```

pub mod answer;
pub mod controls;
pub mod page;
pub mod server;
pub mod settings;
pub mod tomlish;

use crate::error::{InputError, Loc};
use crate::model::Model;
use crate::run::{run, RunOptions};
use crate::scenario::Loaded;
use anyhow::Result;
use controls::{Control, Group};
use serde_json::json;
use settings::{BadRequest, Request};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

/// Runs of a setting unless the page asks for more or fewer: on two busy cores a change is
/// redrawn in about 0.7 s (a run of the BCP scenarios takes about 4 ms of one core), and a
/// probability is good to about ±6 points; 1,000 runs (±3 points) take about 3 s.
pub const DEFAULT_RUNS: usize = 300;
/// Most runs a request may ask for (about 50 MB of trajectories each, kept per browser tab).
pub const MAX_RUNS: usize = 5000;

/// The scenario being explored, compiled once, and the controls made from it.
pub struct Explorer {
    /// The scenario file, by its full path (what a saved scenario `extends`).
    pub path: PathBuf,
    /// The scenario as the file stands.
    pub model: Model,
    pub loaded: Loaded,
    pub groups: Vec<Group>,
    pub seed: u64,
    pub default_runs: usize,
    pub max_runs: usize,
    /// (group, control) of each control, in page order.
    index: Vec<(usize, usize)>,
}

/// What became of a request.
pub enum Outcome {
    Answer(serde_json::Value, Box<answer::Snapshot>),
    /// A newer setting from the same page stopped this run.
    Superseded,
}

/// Why a request got no answer.
pub enum Failure {
    /// The request is wrong (4xx): the message says how.
    Bad(BadRequest),
    /// Something else went wrong (5xx).
    Internal(anyhow::Error),
}

impl Explorer {
    /// Load `path` and build its controls, ranking the uncertain inputs by a first run of
    /// `runs` trajectories.
    pub fn new(path: &Path, runs: usize, seed: u64) -> Result<Explorer> {
        let canon = path.canonicalize().map_err(|e| {
            InputError::new(
                &Loc::file_start(path),
                "",
                format!("cannot read `{}`: {e}", path.display()),
            )
        })?;
        let loaded = crate::scenario::load(&canon)?;
        let model = crate::model::compile::compile(&loaded)?;
        let results = run(&model, &RunOptions::new(runs, seed))?;
        let report = crate::report::Report::new(&results);
        let influence = |name: &str| {
            report
                .sensitivity
                .iter()
                .filter(|s| s.input == name && s.spearman.is_finite())
                .map(|s| s.spearman.abs())
                .fold(0.0, f64::max)
        };
        let groups = controls::build(&model, &loaded, &influence);
        let index = groups
            .iter()
            .enumerate()
            .flat_map(|(g, grp)| (0..grp.controls.len()).map(move |c| (g, c)))
            .collect();
        Ok(Explorer {
            path: canon,
            model,
            loaded,
            groups,
            seed,
            default_runs: runs,
            max_runs: MAX_RUNS.max(runs),
            index,
        })
    }

    pub fn controls(&self) -> impl Iterator<Item = &Control> {
        controls::all(&self.groups)
    }

    /// Control `i` in page order.
    pub fn control(&self, i: usize) -> &Control {
        let (g, c) = self.index[i];
        &self.groups[g].controls[c]
    }

    /// Run `req`'s settings and answer, against `previous` (this page's last answer); a set
    /// `stop` ends the run early as superseded.
    pub fn respond(
        &self,
        req: &Request,
        stop: Arc<AtomicBool>,
        previous: Option<&answer::Snapshot>,
    ) -> Result<Outcome, Failure> {
        let overlay = settings::overlay(self, req);
        let model = settings::compile(self, &overlay).map_err(Failure::Bad)?;
        let opts = RunOptions {
            stop: Some(stop),
            ..RunOptions::new(req.runs, self.seed)
        };
        let t0 = Instant::now();
        let results = run(&model, &opts).map_err(|e| Failure::Internal(e.into()))?;
        if opts.stopped() {
            return Ok(Outcome::Superseded);
        }
        let t1 = Instant::now();
        let (mut json, snapshot) =
            answer::answer(&model, results, previous).map_err(Failure::Internal)?;
        let t2 = Instant::now();
        if let Some(o) = json.as_object_mut() {
            o.insert("changes".into(), json!(settings::describe(self, req)));
            o.insert("overlay".into(), json!(overlay));
            o.insert("file_name".into(), json!(settings::file_name(self)));
            o.insert(
                "server_ms".into(),
                json!({
                    "simulate": (t1 - t0).as_secs_f64() * 1e3,
                    "report": (t2 - t1).as_secs_f64() * 1e3,
                }),
            );
        }
        Ok(Outcome::Answer(json, Box::new(snapshot)))
    }
}

/// `sendcast explore`'s options.
pub struct Options {
    pub scenario: PathBuf,
    /// 0 for any free port.
    pub port: u16,
    pub runs: usize,
    pub seed: u64,
}

/// Serve `opts.scenario` until Ctrl-C; `ready` is told the address once it answers.
pub fn explore(opts: &Options, ready: impl FnOnce(&str)) -> Result<()> {
    let listener = server::bind(&opts.scenario, opts.port)?;
    let ex = Explorer::new(&opts.scenario, opts.runs, opts.seed)?;
    server::serve(ex, listener, ready)
}
