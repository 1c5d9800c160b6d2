//! Probability distributions for uncertain inputs, and the domains inputs must stay in.

use rand::Rng;
use statrs::distribution::{Beta, ContinuousCDF, Gamma, LogNormal, Normal, StudentsT, Triangular};

/// Allowed values of an input, e.g. a probability in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Domain {
    pub min: f64,
    pub max: f64,
    /// Whether `min` itself is excluded (growth rates must exceed -1, counts may be 0).
    pub min_open: bool,
    pub what: &'static str,
}

impl Domain {
    pub const PROB: Domain = Domain::closed(0.0, 1.0, "a probability or share in [0, 1]");
    pub const NONNEG: Domain = Domain::closed(0.0, f64::INFINITY, "a number >= 0");
    pub const POS: Domain = Domain {
        min: 0.0,
        max: f64::INFINITY,
        min_open: true,
        what: "a number > 0",
    };
    pub const GROWTH: Domain = Domain {
        min: -1.0,
        max: f64::INFINITY,
        min_open: true,
        what: "an annual rate > -1 (e.g. 0.05 for +5%)",
    };
    pub const ANY: Domain = Domain::closed(f64::NEG_INFINITY, f64::INFINITY, "any finite number");

    pub const fn closed(min: f64, max: f64, what: &'static str) -> Domain {
        Domain {
            min,
            max,
            min_open: false,
            what,
        }
    }

    pub fn contains(&self, x: f64) -> bool {
        x.is_finite() && (x > self.min || (!self.min_open && x == self.min)) && x <= self.max
    }

    /// Pull a value that sampling pushed a hair outside the domain back inside.
    pub fn clamp(&self, x: f64) -> f64 {
        if self.contains(x) {
            x
        } else if x <= self.min {
            if self.min_open {
                self.min + 1e-9 * (1.0 + self.min.abs())
            } else {
                self.min
            }
        } else {
            self.max
        }
    }
}

/// The distribution of one input, sampled by inverting its CDF so that Latin hypercube
/// strata and copulas can drive it.
#[derive(Debug, Clone)]
pub enum Dist {
    Fixed(f64),
    Normal(Normal),
    /// Student's t (location, scale, degrees of freedom): heavier tails than a normal.
    StudentT(StudentsT),
    LogNormal(LogNormal),
    Triangular(Triangular),
    /// PERT as a beta on [low, high].
    Pert {
        beta: Beta,
        low: f64,
        high: f64,
    },
    Uniform {
        low: f64,
        high: f64,
    },
    Beta {
        beta: Beta,
        low: f64,
        high: f64,
    },
    Gamma(Gamma),
    Choice {
        values: Vec<f64>,
        cumulative: Vec<f64>,
    },
}

impl Dist {
    pub fn is_fixed(&self) -> bool {
        matches!(self, Dist::Fixed(_))
    }

    pub fn cdf(&self, x: f64) -> f64 {
        let scaled = |b: &Beta, lo: f64, hi: f64| b.cdf(((x - lo) / (hi - lo)).clamp(0.0, 1.0));
        match self {
            Dist::Fixed(v) => f64::from(x >= *v),
            Dist::Normal(d) => d.cdf(x),
            Dist::StudentT(d) => d.cdf(x),
            Dist::LogNormal(d) => d.cdf(x.max(0.0)),
            Dist::Triangular(d) => d.cdf(x),
            Dist::Pert { beta, low, high } | Dist::Beta { beta, low, high } => {
                scaled(beta, *low, *high)
            }
            Dist::Uniform { low, high } => ((x - low) / (high - low)).clamp(0.0, 1.0),
            Dist::Gamma(d) => d.cdf(x.max(0.0)),
            Dist::Choice { values, cumulative } => {
                let total = cumulative[cumulative.len() - 1];
                values
                    .iter()
                    .zip(cumulative)
                    .filter(|(v, _)| **v <= x)
                    .map(|(_, c)| *c)
                    .fold(0.0, f64::max)
                    / total
            }
        }
    }

    /// The value at cumulative probability `u` in (0, 1).
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(1e-12, 1.0 - 1e-12);
        match self {
            Dist::Fixed(v) => *v,
            Dist::Normal(d) => d.inverse_cdf(u),
            Dist::StudentT(d) => d.inverse_cdf(u),
            Dist::LogNormal(d) => d.inverse_cdf(u),
            Dist::Triangular(d) => d.inverse_cdf(u),
            Dist::Pert { beta, low, high } | Dist::Beta { beta, low, high } => {
                low + (high - low) * beta.inverse_cdf(u)
            }
            Dist::Uniform { low, high } => low + (high - low) * u,
            Dist::Gamma(d) => d.inverse_cdf(u),
            Dist::Choice { values, cumulative } => {
                let target = u * cumulative[cumulative.len() - 1];
                let i = cumulative.partition_point(|&c| c <= target);
                values[i.min(values.len() - 1)]
            }
        }
    }
}

/// One named input of the compiled model: its distribution, the range it may take and how
/// often it is drawn.
#[derive(Debug, Clone)]
pub struct Param {
    /// Dotted key, e.g. `demand.growth`.
    pub name: String,
    pub dist: Dist,
    /// Human-readable form, e.g. `pert(min=0.1, mode=0.2, max=0.4)`.
    pub desc: String,
    pub domain: Domain,
    /// Truncation bounds given in the file (sampling rejects values outside).
    pub truncate: Option<(f64, f64)>,
    /// Drawn afresh for every financial year rather than once per trajectory.
    pub per_year: bool,
    /// Where it was set, `file:line:col`.
    pub origin: String,
}

impl Param {
    pub fn fixed_value(&self) -> Option<f64> {
        match self.dist {
            Dist::Fixed(x) => Some(x),
            _ => None,
        }
    }

    /// The input's value at cumulative probability `u`, within its truncation and domain.
    pub fn from_uniform(&self, u: f64) -> f64 {
        let u = match self.truncate {
            Some((lo, hi)) => {
                let (a, b) = (self.dist.cdf(lo), self.dist.cdf(hi));
                a + u * (b - a)
            }
            None => u,
        };
        let mut x = self.dist.quantile(u);
        if let Some((lo, hi)) = self.truncate {
            x = x.clamp(lo, hi);
        }
        self.domain.clamp(x)
    }

    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.from_uniform(rng.random::<f64>())
    }
}
