//! The model file calibrate writes: every figure with where it came from; inputs SEN2 does
//! not hold are national defaults marked for replacement.

use super::defaults::PROCESS;
use super::{Calibration, Spread, Yearly, HOURS};
use crate::model::{AGE_BANDS, SETTINGS};
use std::fmt::Write;

const DEFAULT: &str = "default — replace with local figures";

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn years(v: &[(i32, f64)], f: impl Fn(f64) -> String) -> String {
    v.iter()
        .map(|(y, x)| format!("{} ({y})", f(*x)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn pert(s: &Spread, digits: usize) -> String {
    if s.high - s.low < 1e-9 {
        return format!("{:.digits$}", s.mode);
    }
    format!(
        "{{ dist = \"pert\", low = {:.digits$}, mode = {:.digits$}, high = {:.digits$} }}",
        s.low, s.mode, s.high
    )
}

fn yearly(y: &Yearly, lo: f64, hi: f64, digits: usize) -> String {
    let shape = match y.df {
        Some(df) => format!("dist = \"student_t\", df = {df:.1}, "),
        None => "dist = \"normal\", ".to_string(),
    };
    format!(
        "{{ {shape}mean = {:.digits$}, sd = {:.digits$}, min = {lo}, max = {hi}, per = \"year\" }}",
        y.mean, y.sd
    )
}

fn table(keys: &[&str], values: &[f64], digits: usize) -> String {
    keys.iter()
        .zip(values)
        .map(|(k, v)| format!("{k} = {v:.digits$}\n"))
        .collect()
}

fn bands() -> Vec<&'static str> {
    AGE_BANDS.iter().map(|b| b.0).collect()
}

/// The model file text.
pub fn to_toml(c: &Calibration, sources: &str) -> String {
    let mut s = String::new();
    let slug: String = c
        .name
        .to_lowercase()
        .chars()
        .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let _ = writeln!(
        s,
        "# {} calibrated from DfE SEN2 by `sendcast calibrate` (sendcast {}).",
        c.name,
        crate::VERSION
    );
    let _ = writeln!(
        s,
        "# Data: the January {} census and flows of calendar {} and earlier, nothing later.",
        c.origin,
        c.origin - 1
    );
    let _ = writeln!(s, "# Files read: {sources}");
    let _ = writeln!(
        s,
        "# [P SEN2] = fitted from the data; \"{DEFAULT}\" = national default (BRIEF.md), not in SEN2."
    );
    if c.boundary_cut {
        let _ = writeln!(
            s,
            "# Series used from {} (boundary change before).",
            c.first_year
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "name = \"{slug}-{}\"", c.origin);
    let _ = writeln!(
        s,
        "description = \"{} from the January {} census (SEN2)\"",
        c.name, c.origin
    );
    let _ = writeln!(s, "\n[authority]\nname = \"{}\"", c.name);
    let _ = writeln!(s, "la_code = \"{}\"", c.code);
    let _ = writeln!(
        s,
        "\n[time]\nstart = \"{}-01\"              # the January census\nhorizon_years = {}",
        c.origin, c.horizon_years
    );

    // Demand
    let t = &c.trend;
    let _ = writeln!(s, "\n[demand]");
    let _ = writeln!(
        s,
        "# Requests for assessment [P SEN2]: {}.",
        years(&c.requests, |x| format!("{x:.0}"))
    );
    let _ = writeln!(
        s,
        "# Log requests as a random walk with drift; changes into or out of {:?} left out.",
        super::trend::DISTORTED_YEARS
    );
    let _ = writeln!(
        s,
        "# Own drift {} a year on {} changes; all {} authorities: median {}, spread {} (sd).",
        t.own_drift.map_or("n/a".into(), |g| pct(g.exp_m1())),
        t.n_changes,
        c.pooled.authorities,
        pct(c.pooled.drift.exp_m1()),
        pct(c.pooled.drift_sd)
    );
    let _ = writeln!(
        s,
        "# {}: drift {} (se {}), year-to-year sd {:.3}.",
        if c.own_series {
            "England is the sum of them, so its own series is used unpooled"
        } else {
            "Carried on at all authorities' drift, as an authority's faster or slower growth has \
             not lasted (README, \"Demand\"), with the se of England's; its own sd around it"
        },
        pct(t.drift.exp_m1()),
        pct(t.drift_se),
        t.volatility
    );
    if c.lockdown != 1.0 {
        let _ = writeln!(
            s,
            "# {}'s requests are scaled by {:.3} before they are carried on: half England's fall that \
             year (in log) against the year before's at the drift, the lockdowns [D].",
            c.requests.last().map_or(0, |l| l.0),
            c.lockdown
        );
    }
    let sd = c.request_rate * c.request_rate_sd_log.exp_m1().max(1e-6);
    let _ = writeln!(
        s,
        "requests_per_year = {{ dist = \"lognormal\", mean = {:.0}, sd = {:.0} }}   # rate at the start",
        c.request_rate * (0.5 * c.request_rate_sd_log.powi(2)).exp(),
        sd
    );
    let g = t.drift.exp_m1();
    let _ = writeln!(
        s,
        "growth = {{ dist = \"normal\", mean = {:.4}, sd = {:.4}, min = -0.5, max = 1.0 }}",
        g,
        t.drift_se * t.drift.exp()
    );
    let (lo, hi) = (t.volatility_quantile(0.1), t.volatility_quantile(0.9));
    let (mean, sd) = lognormal_through(lo, hi);
    let _ = writeln!(
        s,
        "# Drawn for each run from what {:.0} degrees of freedom leave of it ({}): \
         P10 {lo:.3}, P90 {hi:.3}.",
        t.vol_dof,
        if c.own_series {
            "its changes"
        } else if t.vol_dof <= super::trend::VOL_PRIOR_YEARS {
            "the pool's prior alone: too few changes of its own"
        } else {
            "its changes and the pool's prior years"
        }
    );
    let _ = writeln!(
        s,
        "volatility = {{ dist = \"lognormal\", mean = {mean:.4}, sd = {sd:.4}, max = 1 }}"
    );
    if c.own_series {
        let _ = writeln!(s, "# England's own changes all last.");
    } else {
        let _ = writeln!(
            s,
            "# Of its variance, England's changes (sd {:.3}) last; of the rest, {:.0}% passes (a year's \
             own deviation, gone the next), as all authorities' shares of England's {} show up \
             to {}.",
            c.pooled.national_var.sqrt(),
            100.0 * c.pooled.transient,
            if c.pooled.transient_from_new_plans {
                "new plans (requests: fewer than four years apart to tell)"
            } else {
                "requests"
            },
            c.origin - 1
        );
    }
    let _ = writeln!(s, "transient_share = {:.3}", t.transient_share);
    let _ = writeln!(
        s,
        "seasonality = [1.05, 1.05, 1.10, 1.00, 1.05, 1.00, 1.10, 0.70, 0.90, 1.05, 1.05, 0.95]   # [U]"
    );
    let _ = writeln!(
        s,
        "# Refused / requests [P SEN2]: {}.",
        if c.refusal.years.is_empty() {
            format!("none in the data; {DEFAULT} (England 22-27%)")
        } else {
            years(&c.refusal.years, pct)
        }
    );
    let _ = writeln!(s, "refusal_rate = {}", pert(&c.refusal, 3));
    let _ = writeln!(
        s,
        "appeal_rate = 0.03            # England 3.2% of appealable decisions (2024); {DEFAULT}"
    );
    let _ = writeln!(s, "appeal_success = 0.6          # {DEFAULT}");
    let _ = writeln!(s, "appeal_weeks = 20");
    let _ = writeln!(
        s,
        "# New plans / requests agreed [P SEN2]: {}{}.",
        if c.conversion.years.is_empty() {
            format!("none in the data; {DEFAULT}")
        } else {
            years(&c.conversion.years, |x| format!("{x:.2}"))
        },
        c.published_plan_share.map_or(String::new(), |p| format!(
            "; assessments ending in a plan (published) {}",
            pct(p)
        ))
    );
    if !c.per_assessment.is_empty() {
        let _ = writeln!(
            s,
            "# New plans / assessments completed, with and without a plan [P SEN2]: {}. The mean below is half each in log",
            years(&c.per_assessment, |x| format!("{x:.2}"))
        );
        let _ = writeln!(
            s,
            "# (per request agreed with the lag allowed for): a service catching up on a backlog issues more plans than it agreed"
        );
        let _ = writeln!(
            s,
            "# requests, one falling behind fewer (README \"Your own authority\")."
        );
    }
    let _ = writeln!(
        s,
        "# Used as plans per assessment (above 1 when more plans start than requests are agreed), so"
    );
    let _ = writeln!(
        s,
        "# new plans follow requests as they did; drawn each year (sd of log, own shrunk to all authorities' {:.3}).",
        c.pooled.conversion_sd
    );
    let _ = writeln!(
        s,
        "plan_rate = {{ dist = \"lognormal\", mean = {:.3}, sd = {:.3}, max = {}, per = \"year\" }}",
        c.conversion.mean,
        c.conversion.sd,
        crate::model::compile::PLAN_RATE_MAX
    );
    if !c.in_20_weeks.is_empty() || !c.in_6_weeks.is_empty() {
        let _ = writeln!(
            s,
            "# Historic performance [P SEN2], to compare with the model's: plans issued in 20 weeks {}; decisions in 6 weeks {}.",
            if c.in_20_weeks.is_empty() { "n/a".into() } else { years(&c.in_20_weeks, pct) },
            if c.in_6_weeks.is_empty() { "n/a".into() } else { years(&c.in_6_weeks, pct) }
        );
    }

    // Process and staff
    process(&mut s, c);
    let h = &HOURS;
    let roles = [
        ("ep", h.ep_share, 71385, Some(105000)),
        ("case_officer", h.co_share, 42000, Some(63000)),
        ("manager", h.mgr_share, 62000, None),
    ];
    for (i, (role, share, salary, agency)) in roles.into_iter().enumerate() {
        let (attr, rec, fill) = super::STAFF_DEFAULTS[i];
        let vac = super::vacancy_share(attr, rec, fill);
        let _ = writeln!(s, "[staff.{role}]");
        let _ = writeln!(
            s,
            "posts = {:.1}\nfollow_demand = 1.0\nin_post = {:.0}",
            c.staff_fte[i],
            (c.staff_fte[i] * (1.0 - vac)).round()
        );
        let _ = writeln!(
            s,
            "hours_per_week = {}\nstatutory_share = {share}\nattrition = {attr}",
            h.hours_per_week
        );
        let _ = writeln!(
            s,
            "recruitment_months = {rec}\nfill_rate = {fill}\nramp_months = 3\nsalary = {salary}"
        );
        if let Some(a) = agency {
            let _ = writeln!(s, "agency_cost = {a}");
        }
    }
    let _ = writeln!(s, "\n[annual_reviews]            # {DEFAULT}");
    let _ = writeln!(
        s,
        "case_officer_hours = 3.0\nreserved_share = {}\noverdue_at_start = {:.0}   # 10% of plans [U]",
        h.review_reserved,
        c.plans * 0.1
    );

    match &c.fit {
        Some(f) => {
            let _ = writeln!(
                s,
                "\n# Open cases at the start: where the fit's {} runs left them in January {} (mean counts).",
                f.trajectories, c.origin
            );
            for (stage, lo, hi, n) in &f.open {
                let _ = writeln!(
                    s,
                    "[[pipeline]]\nstage = \"{}\"\ncount = {n:.0}\nage_weeks_low = {lo}\nage_weeks_high = {hi}",
                    crate::model::STAGES[*stage]
                );
            }
        }
        None => {
            let _ = writeln!(
                s,
                "\n# Open cases at the start: steady state for the request rate and the last 20-week share{}.",
                c.open_reported.map_or(String::new(), |(y, n)| format!(
                    ", scaled to the {n:.0} open at the end of {y} [P SEN2]"
                ))
            );
            for (stage, n, lo, hi) in &c.pipeline {
                let _ = writeln!(
                    s,
                    "[[pipeline]]\nstage = \"{stage}\"\ncount = {n:.0}\nage_weeks_low = {lo}\nage_weeks_high = {hi}"
                );
            }
        }
    }

    // Caseload
    let _ = writeln!(s, "\n[caseload]");
    let _ = writeln!(
        s,
        "# Stock-flow gap (next census - census - new + ceased) / census [P SEN2]: {}.",
        if c.gap.years.is_empty() {
            format!("not computable; {DEFAULT}")
        } else {
            years(&c.gap.years, pct)
        }
    );
    let _ = writeln!(
        s,
        "# Drawn each year; all authorities: median {}, year-to-year sd {}{}.",
        pct(c.pooled.gap),
        pct(c.pooled.gap_sd),
        match c.gap.df {
            Some(df) => format!(
                ", tails as a Student t's with {df:.1} degrees of freedom (the robust sd of their \
                 deviations over their sd)"
            ),
            None => String::new(),
        }
    );
    let _ = writeln!(s, "net_migration = {}", yearly(&c.gap, -0.3, 0.3, 4));
    if c.gap.lasting_sd > 0.0 {
        let _ = writeln!(
            s,
            "# How far the mean is known: {}; a level drawn once for each future, added to every year's.",
            if c.gap.years.is_empty() {
                "the spread of all authorities' mean gaps (robust sd)".to_string()
            } else {
                format!(
                    "the sd over the root of its {} years (the mean's standard error)",
                    c.gap.years.len()
                )
            }
        );
        let _ = writeln!(
            s,
            "net_migration_level = {{ dist = \"normal\", mean = 0, sd = {:.4}, min = -0.2, max = 0.2 }}",
            c.gap.lasting_sd
        );
    }
    let _ = writeln!(
        s,
        "# January {} census: {:.0} plans [P SEN2]; by setting from {}.",
        c.origin, c.plans, c.setting_year
    );
    let _ = write!(
        s,
        "[caseload.by_setting]\n{}",
        table(&SETTINGS, &c.by_setting, 0)
    );
    let _ = writeln!(
        s,
        "# By age: {} mix of {}, scaled to the {} total [P SEN2].",
        if c.age_from_england {
            "England's"
        } else {
            "the"
        },
        c.age_year,
        c.origin
    );
    let _ = write!(s, "[caseload.by_age]\n{}", table(&bands(), &c.by_age, 0));
    let _ = writeln!(s, "# {}.", c.new_age_note);
    let _ = write!(
        s,
        "[caseload.new_plan_age]\n{}",
        table(&bands(), &c.new_age, 0)
    );
    let _ = writeln!(s, "# {} (post-16 excluded: see below).", c.new_setting_note);
    let _ = write!(
        s,
        "[caseload.new_plan_setting_school]\n{}",
        table(&SETTINGS, &c.new_setting, 0)
    );
    let _ = writeln!(s, "[caseload.new_plan_setting_post16]   # {DEFAULT}\npost16 = 0.75\nindependent_special = 0.10\nother = 0.15");
    let _ = writeln!(s, "# {}.", c.ceasing_note);
    if !c.ceased_share.is_empty() {
        let _ = writeln!(
            s,
            "# Plans ceased / January caseload: {}.",
            years(&c.ceased_share, pct)
        );
    }
    let _ = write!(
        s,
        "[caseload.ceasing_rate]\n{}",
        table(&bands(), &c.ceasing, 4)
    );
    let _ = writeln!(s, "[caseload.moves]                     # {DEFAULT}\nspecial_at_11 = 0.06\npost16_at_16 = 0.55\npost16_at_19 = 0.5");
    let _ = writeln!(
        s,
        "\n[capacity]                           # state special places: the census roll + 2% [U]; {DEFAULT}"
    );
    let _ = writeln!(
        s,
        "la_special = {:.0}\nacademy_special = {:.0}",
        (c.by_setting[2] * 1.02).ceil(),
        (c.by_setting[3] * 1.02).ceil()
    );

    // Finance
    let f = &c.finance;
    let start = crate::calendar::YearMonth::new(c.origin, 1);
    let _ = writeln!(s, "\n[finance]");
    s.push_str(&super::finance::toml_scalars(f, start));
    let _ = writeln!(
        s,
        "income_growth = {{ dist = \"normal\", mean = 0.03, sd = 0.02, per = \"year\" }}   # after the known allocations [U]; {DEFAULT}"
    );
    let _ = writeln!(s, "other_expenditure_growth = 0.04   # [U]; {DEFAULT}");
    s.push_str(&super::finance::toml_tables(f, start));
    let _ = writeln!(s, "[finance.inflation]                  # BRIEF §3: independent fees +4.3%, CPI/earnings 2-3.5%; {DEFAULT}");
    let infl = [0.03, 0.03, 0.03, 0.03, 0.043, 0.04, 0.03, 0.03];
    let _ = write!(s, "{}", table(&SETTINGS, &infl, 3));
    let _ = writeln!(s, "[finance.transport]                  # BRIEF §3; {DEFAULT}\nshare = 0.35\ncost_per_pupil = 9500\ninflation = 0.03");
    s.push_str(&super::finance::toml_history(f));
    s
}

fn pct1(x: f64) -> String {
    format!("{:.1}", x * 100.0)
}

/// `[process]` (fitted where the record allows), the stages and the staff they are run with.
fn process(s: &mut String, c: &Calibration) {
    let h = &HOURS;
    let p = &PROCESS;
    let _ = writeln!(s, "\n# Statutory process: hours a case by role from the DfE 2026 survey (BRIEF §6); minimum, extra and work weeks");
    let _ = writeln!(
        s,
        "# national defaults [U] (README \"The assessment pipeline\"); {DEFAULT}."
    );
    let _ = writeln!(s, "[process]");
    let (low, high) = super::fit::CAPACITY_BOUNDS;
    let (oldest, prio, late, work, extra) = match &c.fit {
        Some(f) => {
            let _ = writeln!(
                s,
                "# Fitted [P SEN2] by running this casework over {}-{} with requests and refusals as recorded",
                f.years[0].target.year,
                f.years[f.years.len() - 1].target.year
            );
            let _ = writeln!(
                s,
                "# ({} trajectories): each year's effective capacity, a factor on staff sized to its workload, and",
                f.trajectories
            );
            let _ = writeln!(s, "# five process choices (oldest_first, the decision's priority and extra weeks, advice's late_share,");
            let _ = writeln!(
                s,
                "# and how many weeks advice's and drafting's work takes on an empty desk), so that plans"
            );
            let _ = writeln!(s, "# issued and the 20-week, over-a-year and 6-week shares come out as recorded (requests undecided at");
            let _ = writeln!(s, "# the year's end are shown, not fitted: SEN2 counts only that year's requests still undecided).");
            let _ = writeln!(s, "# In-sample fit, recorded / model mean:");
            let _ = writeln!(s, "#   year  capacity   plans issued   % in 20 weeks   % over a year   % decided in 6 weeks   undecided 31 Dec");
            for y in &f.years {
                let t = &y.target;
                let m = &y.model;
                let rec = |x: Option<f64>, f: &dyn Fn(f64) -> String| x.map_or("-".to_string(), f);
                let _ = writeln!(
                    s,
                    "#   {}  {:>8.2}  {:>6} / {:<6.0} {:>6} / {:<6} {:>6} / {:<6} {:>6} / {:<6}        {:>5} / {:<5.0}",
                    t.year,
                    y.capacity,
                    rec(t.plans, &|x| format!("{x:.0}")),
                    m.plans,
                    rec(t.in_20_weeks, &pct1),
                    pct1(m.in_20_weeks),
                    rec(t.over_52_weeks, &pct1),
                    pct1(m.over_52_weeks),
                    rec(t.in_6_weeks, &pct1),
                    pct1(m.in_6_weeks),
                    rec(t.undecided, &|x| format!("{x:.0}")),
                    m.undecided,
                );
            }
            for n in &c.fit_notes {
                let _ = writeln!(s, "#   {n}");
            }
            let _ = writeln!(
                s,
                "# Carried on: the capacity ({:.2}) at which {}, from where the fit ends, with the demand at the start",
                f.level, c.origin
            );
            match (f.last_recorded_share(), f.years_since_recorded_share()) {
                (Some((year, _)), Some(0)) => {
                    let _ = writeln!(
                        s,
                        "# and staff sized to it, repeats {year}'s recorded share over its first two years when held there;"
                    );
                }
                (Some((year, _)), Some(_)) => {
                    let _ = writeln!(
                        s,
                        "# and staff sized to it, gives over its first two years when held there the share {year}'s recorded\n\
                         # share leads to on the path below ({} not recorded);",
                        c.origin - 1
                    );
                }
                _ => {
                    let _ = writeln!(
                        s,
                        "# and staff sized to it, is the fit's last year's: no 20-week share recorded to anchor it to;"
                    );
                }
            }
            let _ = writeln!(
                s,
                "# drawn each year with the sd of its log from year to year (own years shrunk towards 0.2)."
            );
            let _ = writeln!(
                s,
                "capacity_factor = {{ dist = \"lognormal\", mean = {:.3}, sd = {:.3}, min = {low}, max = {high}, per = \"year\" }}",
                f.level * (0.5 * f.sd * f.sd).exp(),
                f.level * (0.5 * f.sd * f.sd).exp() * (f.sd * f.sd).exp_m1().sqrt()
            );
            if !c.capacity_path.is_empty() {
                let _ = write!(s, "{}", path_comment(c));
                let factors: Vec<String> = c
                    .capacity_path
                    .iter()
                    .map(|y| format!("{:.3}", y.factor))
                    .collect();
                let _ = writeln!(s, "capacity_path = [{}]", factors.join(", "));
            }
            (
                f.oldest_first,
                f.decision_priority,
                f.late_share,
                f.work_weeks,
                f.extra_weeks,
            )
        }
        None => {
            let _ = writeln!(s, "# Nothing in the record to fit the casework to: capacity a national default [U], {DEFAULT}.");
            let _ = writeln!(
                s,
                "capacity_factor = {{ dist = \"lognormal\", mean = {:.2}, sd = 0.2, min = {low}, max = {high}, per = \"year\" }}",
                DEFAULT_CAPACITY
            );
            (
                p.oldest_first,
                p.priority[0],
                0.0,
                p.work_weeks,
                p.extra_weeks,
            )
        }
    };
    let _ = writeln!(s, "oldest_first = {oldest}");
    let hours = [
        format!(
            "case_officer_hours = {}\nmanager_hours = {}",
            h.decision_co, h.decision_mgr
        ),
        format!("ep_hours = {}", h.advice_ep),
        format!(
            "case_officer_hours = {}\nmanager_hours = {}",
            h.drafting_co, h.drafting_mgr
        ),
    ];
    // Without a 6-week share in the record nothing tells how long this service's panels take:
    // each future draws it from the range a fit chooses from.
    let six_recorded = c
        .fit
        .as_ref()
        .is_some_and(|f| f.years.iter().any(|y| y.target.in_6_weeks.is_some()));
    for (i, stage) in crate::model::STAGES.iter().enumerate() {
        let extra = if i == 0 && !six_recorded {
            let (p10, p90) = super::fit::DECISION_EXTRA_UNRECORDED;
            let (mean, sd) = lognormal_through(p10, p90);
            format!(
                "{{ dist = \"lognormal\", mean = {mean:.3}, sd = {sd:.3}, max = 8 }}   # no 6-week share recorded: \
                 how long panels take is not known [U]; P10 {p10} and P90 {p90} weeks cap the 6-week share at \
                 {:.1}% and {:.1}%, as spread as authorities' recorded shares (2023-24)",
                100.0 * super::fit::six_week_cap(p10),
                100.0 * super::fit::six_week_cap(p90),
            )
        } else if i == 0 && c.fit.is_some() {
            decision_extra(c, extra[0])
        } else {
            extra[i].to_string()
        };
        let _ = writeln!(
            s,
            "[process.{stage}]\nmin_weeks = {}\nextra_weeks = {extra}\nwork_weeks = {}",
            p.min_weeks[i], work[i]
        );
        let w = if i == 0 { prio } else { p.priority[i] };
        if i == 1 {
            let _ = writeln!(
                s,
                "late_share = {late}              # held far longer (health or care advice late, exceptions){}",
                if c.fit.is_some() { " [P SEN2 fit]" } else { "" }
            );
            let _ = writeln!(
                s,
                "late_weeks = {}",
                crate::model::compile::LATE_WEEKS_DEFAULT
            );
        }
        let _ = writeln!(s, "priority = {w}\n{}", hours[i]);
    }
    let _ = writeln!(
        s,
        "\n# Staff: {DEFAULT}. Posts sized so statutory hours, net of vacancies and ramp-up, meet the workload at"
    );
    let _ = writeln!(
        s,
        "# the start ({:.2} x); `capacity_factor` above says how much of it they get done. The posts follow",
        c.capacity_ratio
    );
    let _ = writeln!(s, "# requests 6 months on, as the fit's do.");
}

/// Year-to-year spread of the logit of a timeliness share where the record has too few years
/// to read one from [U: SEN2's 20-week shares move by 1.1-1.4 a year, its 6-week shares by 0.8
/// from 2023 to 2024].
const TIMELINESS_SPREAD_DEFAULT: f64 = 1.0;

/// The decision's extra weeks when the fit chose them from recorded 6-week shares: drawn for
/// each future around the fitted mean `e`, so that the cap they put on the 6-week share moves
/// as far (in logit) as authorities' 6-week shares move from one year to the next (their
/// 20-week shares' where fewer years of 6-week shares are recorded).
fn decision_extra(c: &Calibration, e: f64) -> String {
    let (spread, from) = match (c.pooled.six_week_spread, c.pooled.twenty_week_spread) {
        // An aggregate's shares move as its own do, far less than one service's.
        _ if c.own_series && own_spread(&c.in_20_weeks).is_some() => (
            own_spread(&c.in_20_weeks).expect("checked"),
            "its own 20-week share does (an aggregate)",
        ),
        (Some(s), _) => (s, "authorities' 6-week shares do"),
        (None, Some(s)) => (
            s,
            "authorities' 20-week shares do (too few years of 6-week shares)",
        ),
        (None, None) => (
            TIMELINESS_SPREAD_DEFAULT,
            "a default [U] says (too few years recorded)",
        ),
    };
    let sigma = spread / super::fit::six_week_cap_slope(e);
    let mean = e * (0.5 * sigma * sigma).exp();
    let sd = mean * (sigma * sigma).exp_m1().sqrt();
    let (low, high) = super::fit::DECISION_EXTRA_RANGE;
    format!(
        "{{ dist = \"lognormal\", mean = {mean:.3}, sd = {sd:.3}, max = 8 }}   # median {e} fitted [P SEN2]; \
         drawn for each future so the cap it puts on the 6-week share ({:.1}% at the median; {:.1}% at {low} \
         weeks, {:.1}% at {high}) moves as far in logit as {from} from year to year ({spread:.2})",
        100.0 * super::fit::six_week_cap(e),
        100.0 * super::fit::six_week_cap(low),
        100.0 * super::fit::six_week_cap(high),
    )
}

/// The root mean square of a share's changes in logit between consecutive years (at least
/// three of them).
fn own_spread(share: &[(i32, f64)]) -> Option<f64> {
    let changes = super::persist::logit_changes(share);
    (changes.len() >= 3)
        .then(|| (changes.iter().map(|x| x * x).sum::<f64>() / changes.len() as f64).sqrt())
}

/// Capacity factor where the record has nothing to fit it to [U].
const DEFAULT_CAPACITY: f64 = 1.2;

/// The lognormal (as its mean and sd) whose P10 and P90 are `p10` and `p90`.
fn lognormal_through(p10: f64, p90: f64) -> (f64, f64) {
    const Z90: f64 = 1.281_551_565_5;
    let mu = (p10.ln() + p90.ln()) / 2.0;
    let sigma = (p90.ln() - p10.ln()) / (2.0 * Z90);
    let mean = (mu + sigma * sigma / 2.0).exp();
    (mean, mean * sigma.powi(2).exp_m1().sqrt())
}

/// What `capacity_path` is and where its years' medians come from.
fn path_comment(c: &Calibration) -> String {
    // The share the path starts from (the last recorded, which may be before the fit's last year).
    let last = c
        .fit
        .as_ref()
        .and_then(|f| f.last_recorded_share())
        .map_or(c.origin - 1, |(year, _)| year);
    let mut s = String::new();
    let shares: Vec<String> = c
        .capacity_path
        .iter()
        .map(|y| format!("{} {:.0}%", y.year, 100.0 * y.target))
        .collect();
    // The retention each year's target was set with, as `anchor` used it.
    let kept: Option<Vec<String>> = c
        .capacity_path
        .iter()
        .map(|y| y.kept.map(|r| format!("{r:.2}")))
        .collect();
    let lags: Vec<String> = c
        .capacity_path
        .iter()
        .map(|y| (y.year - last).to_string())
        .collect();
    if let Some(kept) = kept {
        let _ = writeln!(
            s,
            "# Where it goes from there [P SEN2]: of an authority's lead or lag on England's 20-week share, a typical\n\
             # service keeps {} after {} years (the least-median-error retention, all authorities, years\n\
             # to {}): money and attention go where a service fails, strain where it leads. So a factor on the\n\
             # capacity in each year from the start sets the model's median share on that path from {last}'s: {}.\n\
             # Beyond it the last factor holds; capacity_path = [1] holds the service where it is.",
            kept.join(", "),
            lags.join(", "),
            c.origin - 1,
            shares.join(", ")
        );
    } else {
        let _ = writeln!(
            s,
            "# Where it goes from there: a factor on it in each year from the start, at which the model's median share\n\
             # of plans within 20 weeks stays at {last}'s: {}.",
            shares.join(", ")
        );
    }
    s
}
