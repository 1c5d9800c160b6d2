//! `--origin`: one January census (`2022`), an inclusive range (`2017..2022`) or a list
//! (`2017,2019,2022`).

/// Earliest and latest year `--origin` takes at all (the files decide which are usable).
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The origins written, in order and without repeats; a message saying what is allowed
/// otherwise.
pub fn parse(s: &str) -> Result<Vec<i32>, String> {
    let allowed = "expected a year (2022), a range (2017..2022) or a list (2017,2019,2022)";
    let year = |t: &str| -> Result<i32, String> {
        match t.trim().parse::<i32>() {
            Ok(y) if YEARS.contains(&y) => Ok(y),
            Ok(y) => Err(format!(
                "`{s}` is not allowed: {y} is not a census year from {} to {}; {allowed}",
                YEARS.start(),
                YEARS.end()
            )),
            Err(_) => Err(format!(
                "`{s}` is not allowed: `{}` is not a year; {allowed}",
                t.trim()
            )),
        }
    };
    let mut v = if let Some((a, b)) = s.split_once("..") {
        let (a, b) = (year(a)?, year(b.strip_prefix('=').unwrap_or(b))?);
        if a > b {
            return Err(format!(
                "`{s}` is not allowed: the range runs backwards; write {b}..{a}"
            ));
        }
        (a..=b).collect::<Vec<i32>>()
    } else {
        s.split(',')
            .map(year)
            .collect::<Result<Vec<i32>, String>>()?
    };
    let n = v.len();
    v.sort_unstable();
    v.dedup();
    if v.len() < n {
        return Err(format!(
            "`{s}` is not allowed: a year is repeated; {allowed}"
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn years_ranges_and_lists() {
        assert_eq!(parse("2022"), Ok(vec![2022]));
        assert_eq!(parse("2017..2020"), Ok(vec![2017, 2018, 2019, 2020]));
        assert_eq!(parse("2017..=2018"), Ok(vec![2017, 2018]));
        assert_eq!(parse("2022,2017, 2019"), Ok(vec![2017, 2019, 2022]));
        for bad in [
            "2022..2016",
            "20x2",
            "2017,,2018",
            "2017,2017",
            "1800",
            "2017..",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("2022..2016").unwrap_err().contains("2016..2022"));
    }
}
