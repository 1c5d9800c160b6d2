//! The base year's lines from a finance file: given lines kept, totals checked against them
//! (1%), lines the file leaves out filled from a prior (national defaults, or the model's
//! own) scaled to the totals the file gives, and the closing balance.

use super::file::{Outturn, Record};
use super::{Metric, N_LINES};
use crate::calendar::fy_label;
use crate::engine::finance::N_INCOME_LINES;
use crate::error::{InputError, InputResult, Loc};

/// How far lines may be from the totals they add up to, as a share of the total.
pub const TOLERANCE: f64 = 0.01;

/// The base year's money: every line, whether the file gave it, and the closing balance.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseYear {
    pub fy: i32,
    /// Income lines, then expenditure lines (`Metric::Line` order), pounds.
    pub lines: [f64; N_LINES],
    /// The line is the file's (given, or all that is left of a total the file gives);
    /// otherwise it is the prior's.
    pub from_file: [bool; N_LINES],
    /// Cumulative DSG balance at 31 March of the base year.
    pub closing: f64,
    pub closing_from_file: bool,
}

impl BaseYear {
    /// Everything from the prior (no finance file).
    pub fn from_prior(fy: i32, prior: &[f64; N_LINES], closing: f64) -> BaseYear {
        BaseYear {
            fy,
            lines: *prior,
            from_file: [false; N_LINES],
            closing,
            closing_from_file: false,
        }
    }

    pub fn income(&self) -> f64 {
        self.lines[..N_INCOME_LINES].iter().sum()
    }

    pub fn expenditure(&self) -> f64 {
        self.lines[N_INCOME_LINES..].iter().sum()
    }

    /// Names of the metrics whose base-year values are not the file's.
    pub fn defaults(&self) -> Vec<String> {
        let mut v: Vec<String> = (0..N_LINES)
            .filter(|&i| !self.from_file[i])
            .map(|i| Metric::Line(i).name())
            .collect();
        if !self.closing_from_file {
            v.push(Metric::Cumulative.name());
        }
        v
    }
}

/// One side (income or expenditure) of a year: its lines as given, and its total if given.
struct Side<'a> {
    range: std::ops::Range<usize>,
    given: Vec<Option<&'a Record>>,
    total: Option<&'a Record>,
    what: &'static str,
}

impl<'a> Side<'a> {
    fn of(o: &'a Outturn, fy: i32, income: bool) -> Side<'a> {
        let range = if income {
            0..N_INCOME_LINES
        } else {
            N_INCOME_LINES..N_LINES
        };
        Side {
            given: range.clone().map(|i| o.get(Metric::Line(i), fy)).collect(),
            total: o.get(
                if income {
                    Metric::Income
                } else {
                    Metric::Expenditure
                },
                fy,
            ),
            range,
            what: if income { "income" } else { "expenditure" },
        }
    }

    fn complete(&self) -> bool {
        self.given.iter().all(Option::is_some)
    }

    fn given_sum(&self) -> f64 {
        self.given.iter().flatten().map(|r| r.value).sum()
    }

    /// The side's total when the file pins it down: all lines, or the total row.
    fn known(&self) -> Option<f64> {
        if self.complete() {
            Some(self.given_sum())
        } else {
            self.total.map(|r| r.value)
        }
    }

    /// Every line given and a total too: they must agree.
    fn check(&self) -> InputResult<()> {
        if let (true, Some(t)) = (self.complete(), self.total) {
            let sum = self.given_sum();
            if (sum - t.value).abs() > TOLERANCE * t.value.abs().max(1.0) {
                return Err(contradiction(
                    t,
                    format!(
                        "the {} lines of {} add up to {} but the total is {} ({:+.1}%); they may differ by at most {:.0}%",
                        self.what,
                        fy_label(t.fy),
                        pounds(sum),
                        pounds(t.value),
                        100.0 * (sum - t.value) / t.value.abs().max(1.0),
                        100.0 * TOLERANCE
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn contradiction(r: &Record, message: String) -> InputError {
    InputError::new(&r.loc, r.key(), message)
}

/// Pounds to the pound, with thousands separators: `−£49,800,000`.
fn pounds(x: f64) -> String {
    let n = crate::report::headline::count(x.abs());
    if x <= -0.5 {
        format!("−£{n}")
    } else {
        format!("£{n}")
    }
}

/// Check what a year's rows say against each other: lines against their totals, and
/// income less expenditure against the in-year balance (1% of spending).
pub fn check_year(o: &Outturn, fy: i32) -> InputResult<()> {
    let (inc, exp) = (Side::of(o, fy, true), Side::of(o, fy, false));
    inc.check()?;
    exp.check()?;
    if let (Some(i), Some(e), Some(y)) = (inc.known(), exp.known(), o.get(Metric::InYear, fy)) {
        in_year_check(i, e, y)?;
    }
    for side in [&inc, &exp] {
        if let (false, Some(t)) = (side.complete(), side.total) {
            if side.given_sum() > t.value * (1.0 + TOLERANCE) + 1.0 {
                return Err(contradiction(
                    t,
                    format!(
                        "the {} lines given for {} already add up to {}, more than the total {}",
                        side.what,
                        fy_label(fy),
                        pounds(side.given_sum()),
                        pounds(t.value)
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn in_year_check(income: f64, expenditure: f64, y: &Record) -> InputResult<()> {
    let gap = income - expenditure;
    if (gap - y.value).abs() > TOLERANCE * expenditure.max(income).max(1.0) {
        return Err(contradiction(
            y,
            format!(
                "income {} less expenditure {} is {}, but the in-year balance given is {}; they may differ by at most {:.0}% of spending",
                pounds(income),
                pounds(expenditure),
                pounds(gap),
                pounds(y.value),
                100.0 * TOLERANCE
            ),
        ));
    }
    Ok(())
}

/// The base year `fy` of the file, lines it leaves out taken from `prior` (pounds by line,
/// `Metric::Line` order) scaled to the totals it gives. `why` says why the model needs this
/// year (for the error when the file lacks it).
pub fn resolve(o: &Outturn, fy: i32, prior: &[f64; N_LINES], why: &str) -> InputResult<BaseYear> {
    let years = o.years();
    if !years.contains(&fy) {
        return Err(InputError::new(
            &Loc::file_start(&o.path),
            "period",
            format!(
                "{why}, so its base year is {}, which this file does not give (it gives {}); add that year's outturn (or its latest forecast)",
                fy_label(fy),
                years.iter().map(|&y| fy_label(y)).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    for &y in &years {
        check_year(o, y)?;
    }
    let inc = Side::of(o, fy, true);
    let exp = Side::of(o, fy, false);
    let in_year = o.get(Metric::InYear, fy);
    let mut lines = *prior;
    let mut from_file = [false; N_LINES];
    // Totals: the file's, or one side from the other and the in-year balance; a side the
    // file cannot pin down keeps the prior's lines where it gives none.
    let mut income_total = inc.known();
    let mut expenditure_total = exp.known();
    match (income_total, expenditure_total, in_year) {
        (None, Some(e), Some(y)) => income_total = Some(e + y.value),
        (Some(i), None, Some(y)) => expenditure_total = Some(i - y.value),
        _ => {}
    }
    if income_total.is_none() && expenditure_total.is_none() {
        if let Some(y) = in_year {
            // Neither side pinned down: income from its given lines and the prior, then
            // spending from the in-year balance.
            let i = fill(&inc, None, prior, &mut lines, &mut from_file, y)?;
            expenditure_total = Some(i - y.value);
        }
    }
    let anchor = in_year.or(inc.total).or(exp.total);
    if let Some(a) = anchor {
        fill(&inc, income_total, prior, &mut lines, &mut from_file, a)?;
        fill(
            &exp,
            expenditure_total,
            prior,
            &mut lines,
            &mut from_file,
            a,
        )?;
    } else {
        for side in [&inc, &exp] {
            for (k, i) in side.range.clone().enumerate() {
                if let Some(r) = side.given[k] {
                    lines[i] = r.value;
                    from_file[i] = true;
                }
            }
        }
    }
    let closing = match (o.get(Metric::Cumulative, fy), o.get(Metric::Cumulative, fy - 1)) {
        (Some(c), _) => c.value,
        (None, Some(prev)) => {
            let gap = lines[..N_INCOME_LINES].iter().sum::<f64>()
                - lines[N_INCOME_LINES..].iter().sum::<f64>();
            prev.value + in_year.map_or(gap, |y| y.value)
        }
        (None, None) => {
            return Err(InputError::new(
                &Loc::file_start(&o.path),
                Metric::Cumulative.name(),
                format!(
                    "the base year {} needs the cumulative DSG balance at 31 March {}: a row `dsg_cumulative_balance,{},VALUE` (negative = deficit), or the year before's balance with the in-year balance",
                    fy_label(fy),
                    fy + 1,
                    fy_label(fy)
                ),
            ))
        }
    };
    Ok(BaseYear {
        fy,
        lines,
        from_file,
        closing,
        closing_from_file: true,
    })
}

/// Set one side's lines: given lines as they are; if the side's total is known, the lines
/// left out share what remains in proportion to the prior (exactly the remainder when one
/// line is left out, which then counts as the file's). Returns the side's total.
fn fill(
    side: &Side<'_>,
    total: Option<f64>,
    prior: &[f64; N_LINES],
    lines: &mut [f64; N_LINES],
    from_file: &mut [bool; N_LINES],
    anchor: &Record,
) -> InputResult<f64> {
    let mut missing = Vec::new();
    for (k, i) in side.range.clone().enumerate() {
        match side.given[k] {
            Some(r) => {
                lines[i] = r.value;
                from_file[i] = true;
            }
            None => missing.push(i),
        }
    }
    let Some(total) = total else {
        return Ok(side.range.clone().map(|i| lines[i]).sum());
    };
    let rest = total - side.given_sum();
    if rest < -TOLERANCE * total.abs().max(1.0) {
        let at = side.total.unwrap_or(anchor);
        return Err(contradiction(
            at,
            format!(
                "the {} lines given for {} add up to {}, more than the {} total of {} that the file gives or implies",
                side.what,
                fy_label(at.fy),
                pounds(side.given_sum()),
                side.what,
                pounds(total)
            ),
        ));
    }
    let rest = rest.max(0.0);
    let weight: f64 = missing.iter().map(|&i| prior[i]).sum();
    for &i in &missing {
        lines[i] = if weight > 0.0 {
            rest * prior[i] / weight
        } else {
            rest / missing.len() as f64
        };
        // One line left out, or nothing left: the file says what it is.
        from_file[i] = missing.len() == 1 || rest <= TOLERANCE * total.abs().max(1.0);
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn file(rows: &str) -> Outturn {
        Outturn::parse(Path::new("f.csv"), &format!("metric,period,value\n{rows}")).unwrap()
    }

    const PRIOR: [f64; N_LINES] = [100.0, 0.0, 0.0, 20.0, 30.0, 30.0, 20.0, 0.0, 10.0];

    #[test]
    fn given_lines_and_totals() {
        let o = file(
            "hnb_income_allocation,2024-25,100\nhnb_income_transfers,2024-25,0\nhnb_income_other,2024-25,0\n\
             hnb_exp_place_funding,2024-25,25\nhnb_exp_topups_maintained,2024-25,30\nhnb_exp_topups_academies_colleges,2024-25,30\n\
             hnb_exp_independent,2024-25,30\nhnb_exp_alternative_provision,2024-25,5\nhnb_exp_other,2024-25,10\n\
             dsg_in_year_balance,2024-25,-30\ndsg_cumulative_balance,2024-25,-80\n",
        );
        let b = resolve(&o, 2024, &PRIOR, "").unwrap();
        assert_eq!(
            b.lines,
            [100.0, 0.0, 0.0, 25.0, 30.0, 30.0, 30.0, 5.0, 10.0]
        );
        assert!(b.defaults().is_empty());
        assert_eq!(b.closing, -80.0);
    }

    #[test]
    fn totals_fill_what_is_left_out() {
        // Spending from income and the in-year balance, shared as the prior's lines are.
        let o = file(
            "hnb_income_allocation,2024-25,100\nhnb_income,2024-25,100\ndsg_in_year_balance,2024-25,-20\n\
             dsg_cumulative_balance,2023-24,-50\n",
        );
        let b = resolve(&o, 2024, &PRIOR, "").unwrap();
        assert!((b.expenditure() - 120.0).abs() < 1e-9);
        assert!((b.lines[4] - 120.0 * 30.0 / 110.0).abs() < 1e-9);
        assert_eq!(b.closing, -70.0);
        assert_eq!(b.from_file[..3], [true, true, true]);
        assert_eq!(b.defaults()[0], "hnb_exp_place_funding");
    }

    #[test]
    fn contradictions_are_errors() {
        let o = file(
            "hnb_exp_place_funding,2024-25,25\nhnb_exp_topups_maintained,2024-25,30\nhnb_exp_topups_academies_colleges,2024-25,30\n\
             hnb_exp_independent,2024-25,30\nhnb_exp_alternative_provision,2024-25,5\nhnb_exp_other,2024-25,10\n\
             hnb_expenditure,2024-25,140\n",
        );
        let e = resolve(&o, 2024, &PRIOR, "").unwrap_err();
        assert_eq!(e.key, "hnb_expenditure,2024-25");
        assert_eq!(e.loc.line, 8);
        let o = file("hnb_income_allocation,2024-25,130\nhnb_expenditure,2024-25,120\ndsg_in_year_balance,2024-25,-5\n");
        let e = resolve(&o, 2024, &PRIOR, "").unwrap_err();
        assert_eq!(e.key, "dsg_in_year_balance,2024-25");
        let o = file("hnb_income_allocation,2023-24,100\n");
        let e = resolve(&o, 2024, &PRIOR, "the model starts in January 2025").unwrap_err();
        assert!(e.message.contains("base year is 2024-25"), "{e}");
        let o = file("hnb_income_allocation,2024-25,100\n");
        let e = resolve(&o, 2024, &PRIOR, "").unwrap_err();
        assert_eq!(e.key, "dsg_cumulative_balance");
    }
}
