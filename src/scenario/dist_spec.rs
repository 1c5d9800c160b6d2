//! Reads a number or a distribution table (`{ dist = "pert", min = .., mode = .., max = .. }`)
//! into a named model input, checking its parameters and that it stays in its domain.

use super::reader::Section;
use super::tree::{Node, Value};
use crate::error::{InputError, InputResult};
use crate::model::dist::{Dist, Domain, Param};
use crate::model::{ParamId, ParamTable};
use statrs::distribution::{Beta, Gamma, LogNormal, Normal, StudentsT, Triangular};

const KINDS: &str = "normal, lognormal, triangular, pert, uniform, beta, gamma, choice, student_t";
/// Keys every distribution may carry besides its own parameters.
const COMMON: [&str; 4] = ["dist", "min", "max", "per"];

pub fn param_from_node(
    name: &str,
    node: &Node,
    domain: Domain,
    params: &mut ParamTable,
) -> InputResult<ParamId> {
    let p = match &node.value {
        Value::Int(_) | Value::Float(_) => {
            let x = match node.value {
                Value::Int(i) => i as f64,
                Value::Float(f) => f,
                _ => unreachable!(),
            };
            if !domain.contains(x) {
                return Err(InputError::new(
                    &node.loc,
                    name,
                    format!("{} is not allowed; expected {}", fmt_num(x), domain.what),
                ));
            }
            Param {
                name: name.to_string(),
                dist: Dist::Fixed(x),
                desc: fmt_num(x),
                domain,
                truncate: None,
                per_year: false,
                origin: node.loc.to_string(),
            }
        }
        Value::Table(_) => dist_from_table(name, node, domain)?,
        other => {
            return Err(InputError::new(
                &node.loc,
                name,
                format!(
                    "expected {} or a distribution table such as {{ dist = \"pert\", low = 1, mode = 2, high = 4 }}, found {}",
                    domain.what,
                    other.type_name()
                ),
            ))
        }
    };
    Ok(params.add(p))
}

fn dist_from_table(name: &str, node: &Node, domain: Domain) -> InputResult<Param> {
    let Value::Table(t) = &node.value else {
        unreachable!()
    };
    // First read only `dist`, to know which keys are allowed.
    let kind_entry = t.get("dist").ok_or_else(|| {
        InputError::new(
            &node.loc,
            format!("{name}.dist"),
            format!("missing; a distribution table needs `dist`, one of {KINDS}"),
        )
    })?;
    let kind = match &kind_entry.node.value {
        Value::Str(s) => s.clone(),
        v => {
            return Err(InputError::new(
                &kind_entry.node.loc,
                format!("{name}.dist"),
                format!("expected one of {KINDS}, found {}", v.type_name()),
            ))
        }
    };
    let own: &[&str] = match kind.as_str() {
        "normal" => &["mean", "sd"],
        "student_t" => &["mean", "sd", "df"],
        "lognormal" => &["mean", "sd"],
        "triangular" | "pert" => &["low", "mode", "high"],
        "uniform" => &["low", "high"],
        "beta" => &["alpha", "beta", "low", "high"],
        "gamma" => &["shape", "scale"],
        "choice" => &["values", "weights"],
        other => {
            return Err(InputError::new(
                &kind_entry.node.loc,
                format!("{name}.dist"),
                format!("`{other}` is not a known distribution; expected one of {KINDS}"),
            ))
        }
    };
    let allowed: Vec<&str> = COMMON.iter().chain(own.iter()).copied().collect();
    let sec = Section::new(t, name, &node.loc, &allowed)?;
    let num = |k: &str, d: Domain| sec.number(k, d);
    let bad = |k: &str, msg: String| {
        let loc = sec.opt(k).map_or(node.loc.clone(), |e| e.node.loc.clone());
        InputError::new(&loc, sec.key(k), msg)
    };
    let finite = Domain::ANY;
    // (dist, description, practical support)
    let (dist, desc, lo, hi) = match kind.as_str() {
        "normal" => {
            let (m, s) = (num("mean", finite)?, num("sd", Domain::NONNEG)?);
            let d = if s > 0.0 {
                Dist::Normal(Normal::new(m, s).map_err(|e| bad("sd", e.to_string()))?)
            } else {
                Dist::Fixed(m)
            };
            (
                d,
                format!("normal(mean={}, sd={})", fmt_num(m), fmt_num(s)),
                m - 5.0 * s,
                m + 5.0 * s,
            )
        }
        "student_t" => {
            let (m, s) = (num("mean", finite)?, num("sd", Domain::NONNEG)?);
            let df = num(
                "df",
                Domain::closed(
                    2.5,
                    1000.0,
                    "degrees of freedom from 2.5 to 1000 (the sd is finite above 2)",
                ),
            )?;
            // `sd` is the distribution's own sd; the t's scale is sd * sqrt((df - 2) / df).
            let scale = s * ((df - 2.0) / df).sqrt();
            let d = if s > 0.0 {
                Dist::StudentT(StudentsT::new(m, scale, df).map_err(|e| bad("sd", e.to_string()))?)
            } else {
                Dist::Fixed(m)
            };
            (
                d,
                format!(
                    "student_t(mean={}, sd={}, df={})",
                    fmt_num(m),
                    fmt_num(s),
                    fmt_num(df)
                ),
                m - 8.0 * s,
                m + 8.0 * s,
            )
        }
        "lognormal" => {
            let (m, s) = (num("mean", Domain::POS)?, num("sd", Domain::NONNEG)?);
            if s > 1e6 * m {
                return Err(bad(
                    "sd",
                    format!(
                        "{} is too wide for a mean of {}: a lognormal's sd may be at most 1,000,000 times its mean",
                        fmt_num(s),
                        fmt_num(m)
                    ),
                ));
            }
            let sigma2 = (1.0 + (s / m).powi(2)).ln();
            let mu = m.ln() - sigma2 / 2.0;
            let d = if s > 0.0 {
                Dist::LogNormal(
                    LogNormal::new(mu, sigma2.sqrt()).map_err(|e| bad("sd", e.to_string()))?,
                )
            } else {
                Dist::Fixed(m)
            };
            (
                d,
                format!("lognormal(mean={}, sd={})", fmt_num(m), fmt_num(s)),
                0.0,
                (mu + 5.0 * sigma2.sqrt()).exp(),
            )
        }
        "triangular" | "pert" => {
            let (a, m, b) = (
                num("low", finite)?,
                num("mode", finite)?,
                num("high", finite)?,
            );
            if !(a <= m && m <= b && a < b) {
                return Err(bad(
                    "mode",
                    format!(
                        "needs low <= mode <= high and low < high; got low={a}, mode={m}, high={b}"
                    ),
                ));
            }
            let d = if kind == "pert" {
                let alpha = 1.0 + 4.0 * (m - a) / (b - a);
                let beta = 1.0 + 4.0 * (b - m) / (b - a);
                Dist::Pert {
                    beta: Beta::new(alpha, beta).map_err(|e| bad("mode", e.to_string()))?,
                    low: a,
                    high: b,
                }
            } else {
                Dist::Triangular(Triangular::new(a, b, m).map_err(|e| bad("mode", e.to_string()))?)
            };
            (
                d,
                format!(
                    "{kind}(low={}, mode={}, high={})",
                    fmt_num(a),
                    fmt_num(m),
                    fmt_num(b)
                ),
                a,
                b,
            )
        }
        "uniform" => {
            let (a, b) = (num("low", finite)?, num("high", finite)?);
            if a >= b {
                return Err(bad("high", format!("must exceed low ({a}); got {b}")));
            }
            (
                Dist::Uniform { low: a, high: b },
                format!("uniform(low={}, high={})", fmt_num(a), fmt_num(b)),
                a,
                b,
            )
        }
        "beta" => {
            let (al, be) = (num("alpha", Domain::POS)?, num("beta", Domain::POS)?);
            let a = sec.number_or("low", finite, 0.0)?;
            let b = sec.number_or("high", finite, 1.0)?;
            if a >= b {
                return Err(bad("high", format!("must exceed low ({a}); got {b}")));
            }
            let d = Beta::new(al, be).map_err(|e| bad("alpha", e.to_string()))?;
            (
                Dist::Beta {
                    beta: d,
                    low: a,
                    high: b,
                },
                format!(
                    "beta(alpha={}, beta={}, low={}, high={})",
                    fmt_num(al),
                    fmt_num(be),
                    fmt_num(a),
                    fmt_num(b)
                ),
                a,
                b,
            )
        }
        "gamma" => {
            let (k, th) = (num("shape", Domain::POS)?, num("scale", Domain::POS)?);
            let d = Gamma::new(k, 1.0 / th).map_err(|e| bad("shape", e.to_string()))?;
            let sd = k.sqrt() * th;
            (
                Dist::Gamma(d),
                format!("gamma(shape={}, scale={})", fmt_num(k), fmt_num(th)),
                0.0,
                k * th + 8.0 * sd,
            )
        }
        "choice" => choice(&sec, node)?,
        _ => unreachable!(),
    };
    let truncate = match (sec.opt("min"), sec.opt("max")) {
        (None, None) => None,
        _ => {
            let a = sec.number_or("min", finite, f64::NEG_INFINITY)?;
            let b = sec.number_or("max", finite, f64::INFINITY)?;
            if a >= b || b <= lo || a >= hi {
                return Err(bad(
                    "min",
                    format!("truncation [{a}, {b}] leaves no room for the distribution (about [{}, {}])", fmt_num(lo), fmt_num(hi)),
                ));
            }
            Some((a, b))
        }
    };
    let (lo, hi) = truncate.map_or((lo, hi), |(a, b)| (lo.max(a), hi.min(b)));
    let in_domain = |x: f64| domain.contains(x) || (x == domain.min && domain.min_open);
    if !(in_domain(lo) && in_domain(hi)) {
        return Err(InputError::new(
            &node.loc,
            name,
            format!(
                "{desc} can take values from about {} to {}, outside what is allowed ({}); narrow it, truncate it with min/max, or choose a bounded distribution (beta, pert, triangular, uniform)",
                fmt_num(lo),
                fmt_num(hi),
                domain.what
            ),
        ));
    }
    let per_year = match sec.opt("per") {
        None => false,
        Some(e) => sec.choice_node("per", &e.node, &[("trajectory", false), ("year", true)])?,
    };
    let desc = match truncate {
        Some((a, b)) => format!("{desc} truncated to [{}, {}]", fmt_num(a), fmt_num(b)),
        None => desc,
    };
    Ok(Param {
        name: name.to_string(),
        dist,
        desc: if per_year {
            format!("{desc}, drawn each year")
        } else {
            desc
        },
        domain,
        truncate,
        per_year,
        origin: node.loc.to_string(),
    })
}

fn choice(sec: &Section<'_>, node: &Node) -> InputResult<(Dist, String, f64, f64)> {
    let nums = |k: &str| -> InputResult<Vec<f64>> {
        let e = sec.req(k, "an array of numbers")?;
        let Value::Array(items) = &e.node.value else {
            return Err(sec.type_error(k, &e.node, "an array of numbers"));
        };
        items
            .iter()
            .map(|n| match n.value {
                Value::Int(i) => Ok(i as f64),
                Value::Float(f) if f.is_finite() => Ok(f),
                _ => Err(sec.type_error(k, n, "a finite number")),
            })
            .collect()
    };
    let values = nums("values")?;
    if values.is_empty() {
        return Err(InputError::new(
            &node.loc,
            sec.key("values"),
            "needs at least one value",
        ));
    }
    let weights = if sec.has("weights") {
        nums("weights")?
    } else {
        vec![1.0; values.len()]
    };
    if weights.len() != values.len()
        || weights.iter().any(|w| *w < 0.0)
        || weights.iter().sum::<f64>() <= 0.0
    {
        return Err(InputError::new(
            &sec.req("weights", "")?.node.loc,
            sec.key("weights"),
            format!("needs {} weights >= 0 with a positive sum", values.len()),
        ));
    }
    let mut acc = 0.0;
    let cumulative = weights
        .iter()
        .map(|w| {
            acc += w;
            acc
        })
        .collect();
    let lo = values.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let desc = format!("choice(values={values:?}, weights={weights:?})");
    Ok((Dist::Choice { values, cumulative }, desc, lo, hi))
}

pub fn fmt_num(x: f64) -> String {
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // Beyond any count or amount in pounds a file holds: powers of ten, not 300 digits.
    if x.abs() >= 1e15 {
        return format!("{x:e}");
    }
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::tree;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn param(text: &str, domain: Domain) -> InputResult<Param> {
        let file = Arc::new(PathBuf::from("t.toml"));
        let t = tree::parse(&file, text).unwrap();
        let mut params = ParamTable::default();
        let id = param_from_node("x", &t.entries[0].node, domain, &mut params)?;
        Ok(params.params[id.0 as usize].clone())
    }

    fn mean_of(p: &Param) -> f64 {
        let mut rng = crate::engine::draw::stream(5, 0, 0);
        (0..20_000).map(|_| p.sample(&mut rng)).sum::<f64>() / 20_000.0
    }

    #[test]
    fn distributions_have_their_stated_means() {
        let cases = [
            ("x = { dist = \"normal\", mean = 3, sd = 0.5 }", 3.0),
            ("x = { dist = \"lognormal\", mean = 10, sd = 4 }", 10.0),
            (
                "x = { dist = \"student_t\", mean = 3, sd = 0.5, df = 4 }",
                3.0,
            ),
            (
                "x = { dist = \"triangular\", low = 0, mode = 3, high = 6 }",
                3.0,
            ),
            ("x = { dist = \"pert\", low = 0, mode = 1, high = 8 }", 2.0),
            ("x = { dist = \"uniform\", low = 2, high = 4 }", 3.0),
            ("x = { dist = \"beta\", alpha = 2, beta = 6 }", 0.25),
            ("x = { dist = \"gamma\", shape = 4, scale = 0.5 }", 2.0),
            (
                "x = { dist = \"choice\", values = [1, 5], weights = [3, 1] }",
                2.0,
            ),
        ];
        for (text, want) in cases {
            let p = param(text, Domain::ANY).unwrap();
            let got = mean_of(&p);
            assert!(
                (got - want).abs() < 0.03 * want.abs().max(1.0),
                "{text}: mean {got}, want {want}"
            );
        }
    }

    #[test]
    fn truncation_keeps_draws_inside_and_domains_are_enforced() {
        let p = param(
            "x = { dist = \"normal\", mean = 0.5, sd = 0.3, min = 0, max = 1 }",
            Domain::PROB,
        )
        .unwrap();
        let mut rng = crate::engine::draw::stream(1, 0, 0);
        assert!((0..5000).all(|_| (0.0..=1.0).contains(&p.sample(&mut rng))));
        let e = param(
            "x = { dist = \"normal\", mean = 0.5, sd = 0.3 }",
            Domain::PROB,
        )
        .unwrap_err();
        assert!(e.message.contains("outside what is allowed"), "{e}");
        let e = param(
            "x = { dist = \"normal\", mean = 0.5, sd = -1 }",
            Domain::ANY,
        )
        .unwrap_err();
        assert_eq!((e.key.as_str(), e.loc.line, e.loc.col), ("x.sd", 1, 41));
    }

    #[test]
    fn a_student_t_has_its_stated_sd_and_heavier_tails_than_a_normal() {
        let t = param(
            "x = { dist = \"student_t\", mean = 0, sd = 1, df = 4 }",
            Domain::ANY,
        )
        .unwrap();
        let n = param("x = { dist = \"normal\", mean = 0, sd = 1 }", Domain::ANY).unwrap();
        // The t's 80% band is narrower than the normal's, its 99% band wider.
        let (t90, n90) = (t.from_uniform(0.9), n.from_uniform(0.9));
        let (t995, n995) = (t.from_uniform(0.995), n.from_uniform(0.995));
        assert!(
            t90 < 0.9 * n90 && t995 > 1.05 * n995,
            "{t90} {n90} {t995} {n995}"
        );
        let mut rng = crate::engine::draw::stream(3, 0, 0);
        let var = (0..200_000)
            .map(|_| t.sample(&mut rng).powi(2))
            .sum::<f64>()
            / 200_000.0;
        assert!((var.sqrt() - 1.0).abs() < 0.04, "sd {}", var.sqrt());
        let e = param(
            "x = { dist = \"student_t\", mean = 0, sd = 1, df = 2 }",
            Domain::ANY,
        )
        .unwrap_err();
        assert_eq!(e.key, "x.df", "{e}");
        assert!(e.message.contains("2.5 to 1000"), "{e}");
    }
}
