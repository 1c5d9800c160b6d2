//! Correlations between uncertain inputs: reading and checking the matrix (symmetric, within
//! [-1, 1], positive semi-definite), and its Cholesky factor for the rank copula.

use super::ParamTable;
use crate::error::{InputError, InputResult};
use crate::scenario::reader::Section;
use crate::scenario::tree::Value;
use nalgebra::{Cholesky, DMatrix};

#[derive(Debug, Clone)]
pub struct Correlation {
    /// Indices into the model's parameters, in matrix order.
    pub params: Vec<usize>,
    pub matrix: DMatrix<f64>,
    /// Lower Cholesky factor of `matrix` (of a tiny ridge on it when only semi-definite).
    pub lower: DMatrix<f64>,
}

/// Read `[correlation]`: `inputs = [names]`, `matrix = [[..], ..]`.
pub fn compile(top: &Section<'_>, params: &ParamTable) -> InputResult<Option<Correlation>> {
    let Some(c) = top.section_opt("correlation", &["inputs", "matrix"])? else {
        return Ok(None);
    };
    let e = c.req(
        "inputs",
        "an array of input names such as \"demand.growth\"",
    )?;
    let Value::Array(items) = &e.node.value else {
        return Err(c.type_error("inputs", &e.node, "an array of input names"));
    };
    let mut ids = Vec::new();
    let mut names = Vec::new();
    for (i, n) in items.iter().enumerate() {
        let key = format!("correlation.inputs[{i}]");
        let Value::Str(name) = &n.value else {
            return Err(InputError::new(
                &n.loc,
                key,
                format!("expected an input name, found {}", n.value.type_name()),
            ));
        };
        let Some(id) = params.params.iter().position(|p| &p.name == name) else {
            let uncertain: Vec<&str> = params
                .params
                .iter()
                .filter(|p| !p.dist.is_fixed())
                .map(|p| p.name.as_str())
                .collect();
            return Err(InputError::new(
                &n.loc,
                key,
                format!(
                    "`{name}` is not an input of this scenario; uncertain inputs: {}",
                    uncertain.join(", ")
                ),
            ));
        };
        let p = &params.params[id];
        if p.dist.is_fixed() || p.per_year {
            return Err(InputError::new(
                &n.loc,
                key,
                format!("`{name}` is {}; only inputs drawn once per trajectory from a distribution can be correlated", if p.per_year { "drawn each year" } else { "a fixed value" }),
            ));
        }
        if ids.contains(&id) {
            return Err(InputError::new(
                &n.loc,
                key,
                format!("`{name}` is listed twice"),
            ));
        }
        ids.push(id);
        names.push(name.clone());
    }
    let k = ids.len();
    let m = c.req("matrix", &format!("a {k} x {k} array of arrays"))?;
    let rows = match &m.node.value {
        Value::Array(r) if r.len() == k => r,
        _ => {
            return Err(InputError::new(
                &m.node.loc,
                "correlation.matrix",
                format!("expected {k} rows of {k} numbers (one per input)"),
            ))
        }
    };
    let mut matrix = DMatrix::<f64>::zeros(k, k);
    for (i, row) in rows.iter().enumerate() {
        let cells = match &row.value {
            Value::Array(cells) if cells.len() == k => cells,
            _ => {
                return Err(InputError::new(
                    &row.loc,
                    format!("correlation.matrix[{i}]"),
                    format!("expected a row of {k} numbers"),
                ))
            }
        };
        for (j, cell) in cells.iter().enumerate() {
            let key = format!("correlation.matrix[{i}][{j}]");
            let x = match cell.value {
                Value::Int(v) => v as f64,
                Value::Float(v) => v,
                _ => {
                    return Err(InputError::new(
                        &cell.loc,
                        key,
                        format!(
                            "expected a number in [-1, 1], found {}",
                            cell.value.type_name()
                        ),
                    ))
                }
            };
            let pair = format!("{} and {}", names[i], names[j]);
            if !(-1.0..=1.0).contains(&x) {
                return Err(InputError::new(
                    &cell.loc,
                    key,
                    format!("correlation of {pair} is {x}; allowed: -1 to 1"),
                ));
            }
            if i == j && x != 1.0 {
                return Err(InputError::new(
                    &cell.loc,
                    key,
                    format!(
                        "the diagonal must be 1 ({} with itself); found {x}",
                        names[i]
                    ),
                ));
            }
            matrix[(i, j)] = x;
        }
    }
    for i in 0..k {
        for j in 0..i {
            if (matrix[(i, j)] - matrix[(j, i)]).abs() > 1e-12 {
                return Err(InputError::new(
                    &m.node.loc,
                    format!("correlation.matrix[{i}][{j}]"),
                    format!(
                        "the matrix is not symmetric: {} and {} have {} and {}; a correlation matrix must be symmetric",
                        names[i], names[j], matrix[(i, j)], matrix[(j, i)]
                    ),
                ));
            }
        }
    }
    let lower = match cholesky(&matrix) {
        Ok(l) => l,
        Err(col) => {
            // Name the strongest correlation among the inputs up to the failing column.
            let (mut bi, mut bj, mut best) = (col, 0, -1.0);
            for j in 0..col {
                if matrix[(col, j)].abs() > best {
                    (bi, bj, best) = (col, j, matrix[(col, j)].abs());
                }
            }
            return Err(InputError::new(
                &m.node.loc,
                format!("correlation.matrix[{bi}][{bj}]"),
                format!(
                    "the correlations are not consistent (the matrix is not positive semi-definite); check the pair {} and {} ({}) against the others",
                    names[bi], names[bj], matrix[(bi, bj)]
                ),
            ));
        }
    };
    Ok(Some(Correlation {
        params: ids,
        matrix,
        lower,
    }))
}

/// Lower Cholesky factor, allowing a semi-definite matrix (a ridge of 1e-10); `Err(column)`
/// with the first leading block that cannot be factorised.
pub fn cholesky(m: &DMatrix<f64>) -> Result<DMatrix<f64>, usize> {
    let n = m.nrows();
    let ridged = m + DMatrix::<f64>::identity(n, n) * 1e-10;
    if let Some(c) = Cholesky::new(ridged.clone()) {
        return Ok(c.l());
    }
    let col = (1..=n)
        .find(|&k| Cholesky::new(ridged.view((0, 0), (k, k)).into_owned()).is_none())
        .unwrap_or(n);
    Err(col - 1)
}
