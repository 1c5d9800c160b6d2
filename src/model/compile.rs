//! Compiles a merged scenario tree into a [`Model`]: the schema, defaults and checks.

use super::dist::Domain;
use super::*;
use crate::calendar::{fy_label, Clock, YearMonth};
use crate::error::{InputError, InputResult, Loc};
use crate::scenario::reader::Section;
use crate::scenario::tree::Value;
use crate::scenario::Loaded;

const TOP: [&str; 15] = [
    "name",
    "description",
    "authority",
    "time",
    "demand",
    "process",
    "staff",
    "annual_reviews",
    "pipeline",
    "caseload",
    "capacity",
    "finance",
    "interventions",
    "correlation",
    "history",
];

pub const MAX_HORIZON_YEARS: i64 = 30;
/// Staff in one role: generous for any English authority, and small enough to simulate.
const STAFF: Domain = Domain::closed(0.0, 10_000.0, "full-time equivalents from 0 to 10,000");
/// A year's pay (salary with on-costs, or agency cost) of one full-time post.
const PAY: Domain = Domain::closed(0.0, 1e7, "pounds a year from 0 to £10,000,000");
/// Oldest request an open case at the start may carry, in weeks.
pub const MAX_OPEN_AGE_WEEKS: i64 = 260;

/// Compile a loaded scenario.
pub fn compile(loaded: &Loaded) -> InputResult<Model> {
    let file0 = &loaded.files[0];
    let root_loc = Loc::file_start(file0);
    let top = Section::new(&loaded.table, "", &root_loc, &TOP)?;
    let mut p = ParamTable::default();

    let name = match top.string_opt("name")? {
        Some(s) => s.to_string(),
        None => file0
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned()),
    };
    let description = top.string_opt("description")?.unwrap_or("").to_string();
    let auth = top.section("authority", &["name", "la_code"])?;
    let authority = auth.string("name")?.to_string();
    let la_code = auth.string_opt("la_code")?.unwrap_or("").to_string();

    let time = top.section("time", &["start", "horizon_years"])?;
    let (start, _) = time.month("start")?;
    let years = time.int("horizon_years", 1, MAX_HORIZON_YEARS)?;
    let clock = Clock::new(start, years as usize * 12);

    let demand = demand(&top, &mut p)?;
    let (stages, process) = stages(&top, &mut p)?;
    let staff_sec = top.section("staff", &ROLES)?;
    let staff = [
        staff(&staff_sec, ROLES[0], &mut p)?,
        staff(&staff_sec, ROLES[1], &mut p)?,
        staff(&staff_sec, ROLES[2], &mut p)?,
    ];
    let rv = top.section(
        "annual_reviews",
        &["case_officer_hours", "reserved_share", "overdue_at_start"],
    )?;
    let reviews = Reviews {
        hours: rv.param(
            "case_officer_hours",
            Domain::closed(0.0, 1000.0, "hours a review from 0 to 1,000"),
            &mut p,
        )?,
        reserved_share: rv.param("reserved_share", Domain::PROB, &mut p)?,
        overdue_at_start: rv.param(
            "overdue_at_start",
            Domain::closed(0.0, 1e7, "a count from 0 to 10,000,000"),
            &mut p,
        )?,
    };
    let pipeline = pipeline(&top, &mut p)?;
    let caseload = caseload(&top, &mut p)?;
    let finance = finance(&top, &clock, &mut p)?;
    let interventions = interventions(&top, &clock, &mut p)?;
    for (i, iv) in interventions.iter().enumerate() {
        if let Intervention::NewSchool { setting, .. } = iv.kind {
            if caseload.capacity[setting].is_none() {
                let node = top.array("interventions")?[i];
                return Err(InputError::new(
                    &node.loc,
                    format!("interventions[{i}].setting"),
                    format!(
                        "a new school adds places to `{}`, which has no `capacity.{}`; give the places it has now",
                        SETTINGS[setting], SETTINGS[setting]
                    ),
                ));
            }
        }
    }
    // Switched-off interventions were checked above and keep their numbers; they do not run.
    let interventions = (interventions.into_iter().enumerate())
        .filter(|(i, _)| !loaded.switched_off.contains(i))
        .map(|(_, iv)| iv)
        .collect();
    let correlation = super::correlation::compile(&top, &p)?;
    let history = super::history::compile(&top, start, start.plus_months(years * 12))?;
    Ok(Model {
        name,
        description,
        authority,
        la_code,
        clock,
        params: p,
        demand,
        stages,
        process,
        staff,
        reviews,
        pipeline,
        caseload,
        finance,
        interventions,
        correlation,
        history,
        files: loaded.files.clone(),
    })
}

/// Most plans an assessment stands for (`demand.plan_rate`).
pub const PLAN_RATE_MAX: f64 = 2.0;

fn demand(top: &Section<'_>, p: &mut ParamTable) -> InputResult<Demand> {
    let d = top.section(
        "demand",
        &[
            "requests_per_year",
            "growth",
            "volatility",
            "transient_share",
            "seasonality",
            "dispersion",
            "refusal_rate",
            "appeal_rate",
            "appeal_success",
            "appeal_weeks",
            "plan_rate",
        ],
    )?;
    let seasonality: [ParamId; 12] = d
        .param_array(
            "seasonality",
            12,
            Domain::closed(0.0, 100.0, "a relative monthly level from 0 to 100"),
            p,
        )?
        .try_into()
        .expect("length checked");
    Ok(Demand {
        requests_per_year: d.param(
            "requests_per_year",
            Domain::closed(0.0, 1e6, "requests a year from 0 to 1,000,000"),
            p,
        )?,
        growth: d.param(
            "growth",
            Domain::closed(-0.9, 1.0, "a yearly growth from -0.9 to 1.0"),
            p,
        )?,
        volatility: d.param_or(
            "volatility",
            Domain::closed(0.0, 1.0, "a standard deviation of log requests from 0 to 1"),
            0.0,
            p,
        )?,
        transient_share: d.param_or(
            "transient_share",
            Domain::closed(0.0, 1.0, "a share of the year-to-year variance from 0 to 1"),
            0.0,
            p,
        )?,
        seasonality,
        dispersion: match d.opt("dispersion") {
            Some(_) => Some(d.param("dispersion", Domain::POS, p)?),
            None => None,
        },
        refusal_rate: d.param("refusal_rate", Domain::PROB, p)?,
        appeal_rate: d.param_or("appeal_rate", Domain::PROB, 0.0, p)?,
        appeal_success: d.param_or("appeal_success", Domain::PROB, 0.0, p)?,
        appeal_weeks: d.param_or(
            "appeal_weeks",
            Domain::closed(0.0, 100.0, "weeks from 0 to 100"),
            20.0,
            p,
        )?,
        plan_rate: d.param(
            "plan_rate",
            Domain::closed(
                0.0,
                PLAN_RATE_MAX,
                "plans per assessment from 0 to 2 (above 1, some assessments stand for a second plan)",
            ),
            p,
        )?,
    })
}

/// Weeks a stage's work takes on an empty desk when the file gives none [U]: a decision's
/// paperwork and panel in a week, EP and other advice or a draft plan in two.
const WORK_WEEKS_DEFAULT: [f64; 3] = [1.0, 2.0, 2.0];

/// Mean extra weeks of the cases held far longer when the file gives none [U]: with a plan's
/// usual 14-20 weeks, about 40% of them then take over a year.
pub const LATE_WEEKS_DEFAULT: f64 = 40.0;

/// Most years a `capacity_path` gives (the last is held after).
pub const CAPACITY_PATH_YEARS: usize = 30;

fn stages(top: &Section<'_>, p: &mut ParamTable) -> InputResult<([Stage; 3], Process)> {
    let mut keys: Vec<&str> = STAGES.to_vec();
    keys.extend([
        "oldest_first",
        "capacity_factor",
        "capacity_typical",
        "capacity_reversion",
        "capacity_path",
    ]);
    let pr = top.section("process", &keys)?;
    let weeks = Domain::closed(0.0, 52.0, "weeks from 0 to 52");
    let hours = Domain::closed(0.0, 1000.0, "hours a case from 0 to 1,000");
    let mut out = Vec::new();
    for (i, st) in STAGES.iter().enumerate() {
        let s = pr.section(
            st,
            &[
                "min_weeks",
                "extra_weeks",
                "late_share",
                "late_weeks",
                "work_weeks",
                "priority",
                "ep_hours",
                "case_officer_hours",
                "manager_hours",
            ],
        )?;
        out.push(Stage {
            min_weeks: s.param("min_weeks", weeks, p)?,
            extra_weeks: s.param("extra_weeks", weeks, p)?,
            late_share: s.param_or("late_share", Domain::PROB, 0.0, p)?,
            late_weeks: s.param_or("late_weeks", weeks, LATE_WEEKS_DEFAULT, p)?,
            work_weeks: s.param_or("work_weeks", weeks, WORK_WEEKS_DEFAULT[i], p)?,
            priority: s.param_or(
                "priority",
                Domain::closed(0.01, 100.0, "a weight from 0.01 to 100"),
                1.0,
                p,
            )?,
            hours: [
                s.param_or("ep_hours", hours, 0.0, p)?,
                s.param_or("case_officer_hours", hours, 0.0, p)?,
                s.param_or("manager_hours", hours, 0.0, p)?,
            ],
        });
    }
    let factor = Domain::closed(0.0, 10.0, "a factor on statutory hours from 0 to 10");
    // A share of the gap to a typical service closes each year only when both are given.
    let reversion = match pr.opt("capacity_reversion") {
        Some(_) => Some((
            pr.param(
                "capacity_typical",
                Domain::closed(0.01, 10.0, "a factor on statutory hours from 0.01 to 10 (required with capacity_reversion)"),
                p,
            )?,
            pr.param("capacity_reversion", Domain::PROB, p)?,
        )),
        None => match pr.opt("capacity_typical") {
            Some(e) => {
                return Err(InputError::new(
                    &e.key_loc,
                    pr.key("capacity_typical"),
                    "has no effect without capacity_reversion (the share of the gap to it that closes a year, 0 to 1); give both or neither".to_string(),
                ))
            }
            None => None,
        },
    };
    let process = Process {
        oldest_first: pr.param_or("oldest_first", Domain::PROB, 0.5, p)?,
        capacity_factor: pr.param_or("capacity_factor", factor, 1.0, p)?,
        reversion,
        path: pr
            .param_list(
                "capacity_path",
                CAPACITY_PATH_YEARS,
                Domain::closed(0.01, 10.0, "factors on the capacity from 0.01 to 10"),
                p,
            )?
            .unwrap_or_default(),
    };
    Ok((out.try_into().expect("three stages"), process))
}

fn staff(sec: &Section<'_>, role: &str, p: &mut ParamTable) -> InputResult<Staff> {
    let s = sec.section(
        role,
        &[
            "posts",
            "posts_growth",
            "follow_demand",
            "in_post",
            "hours_per_week",
            "statutory_share",
            "attrition",
            "recruitment_months",
            "fill_rate",
            "ramp_months",
            "salary",
            "agency_fte",
            "agency_cover",
            "agency_cost",
        ],
    )?;
    let months = Domain::closed(0.0, 60.0, "months from 0 to 60");
    Ok(Staff {
        posts: s.param("posts", STAFF, p)?,
        posts_growth: s.param_or(
            "posts_growth",
            Domain::closed(-0.5, 0.5, "a yearly growth from -0.5 to 0.5"),
            0.0,
            p,
        )?,
        follow_demand: s.param_or(
            "follow_demand",
            Domain::closed(0.0, 1.0, "an elasticity from 0 to 1"),
            0.0,
            p,
        )?,
        in_post: s.param("in_post", STAFF, p)?,
        hours_per_week: s.param(
            "hours_per_week",
            Domain::closed(0.0, 80.0, "hours from 0 to 80"),
            p,
        )?,
        statutory_share: s.param("statutory_share", Domain::PROB, p)?,
        attrition: s.param("attrition", Domain::PROB, p)?,
        recruitment_months: s.param("recruitment_months", months, p)?,
        fill_rate: s.param(
            "fill_rate",
            Domain::closed(0.01, 1.0, "a probability in [0.01, 1]"),
            p,
        )?,
        ramp_months: s.param_or("ramp_months", months, 0.0, p)?,
        salary: s.param("salary", PAY, p)?,
        agency_fte: s.param_or("agency_fte", STAFF, 0.0, p)?,
        agency_cover: s.param_or("agency_cover", Domain::PROB, 0.0, p)?,
        agency_cost: s.param_or("agency_cost", PAY, 0.0, p)?,
    })
}

fn pipeline(top: &Section<'_>, p: &mut ParamTable) -> InputResult<Vec<OpenCohort>> {
    let stage_opts: Vec<(&str, usize)> = STAGES.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let mut out = Vec::new();
    for (i, node) in top.array("pipeline")?.into_iter().enumerate() {
        let s = top.item(
            "pipeline",
            i,
            node,
            &["stage", "count", "age_weeks_low", "age_weeks_high"],
        )?;
        let lo = s.int("age_weeks_low", 0, MAX_OPEN_AGE_WEEKS)?;
        let hi = s.int("age_weeks_high", 0, MAX_OPEN_AGE_WEEKS)?;
        if hi < lo {
            let e = s.req("age_weeks_high", "")?;
            return Err(InputError::new(
                &e.node.loc,
                s.key("age_weeks_high"),
                format!("must be at least age_weeks_low ({lo}); got {hi}"),
            ));
        }
        out.push(OpenCohort {
            stage: s.choice("stage", &stage_opts)?,
            count: s.param(
                "count",
                Domain::closed(0.0, 1e6, "a count from 0 to 1,000,000"),
                p,
            )?,
            age_low: lo as u32,
            age_high: hi as u32,
        });
    }
    Ok(out)
}

fn bands() -> [&'static str; 5] {
    AGE_BANDS.map(|b| b.0)
}

fn caseload(top: &Section<'_>, p: &mut ParamTable) -> InputResult<Caseload> {
    let c = top.section(
        "caseload",
        &[
            "by_setting",
            "by_age",
            "net_migration",
            "net_migration_level",
            "new_plan_age",
            "new_plan_setting_school",
            "new_plan_setting_post16",
            "ceasing_rate",
            "moves",
            "independent_by_need",
        ],
    )?;
    let count = Domain::closed(0.0, 1e7, "a count from 0 to 10,000,000");
    let arr8 = |v: Vec<ParamId>| -> [ParamId; N_SETTINGS] { v.try_into().expect("8 settings") };
    let arr5 = |v: Vec<ParamId>| -> [ParamId; 5] { v.try_into().expect("5 bands") };
    let by_setting = arr8(c.named_params("by_setting", &SETTINGS, count, p)?);
    let by_age = arr5(c.named_params("by_age", &bands(), count, p)?);
    let weight = Domain::closed(0.0, 1e9, "a weight from 0 to 1,000,000,000");
    let new_age = arr5(c.named_params("new_plan_age", &bands(), weight, p)?);
    let school = arr8(c.named_params("new_plan_setting_school", &SETTINGS, weight, p)?);
    let post16 = arr8(c.named_params("new_plan_setting_post16", &SETTINGS, weight, p)?);
    for (key, ids) in [
        ("by_age", &by_age[..]),
        ("new_plan_age", &new_age[..]),
        ("new_plan_setting_school", &school[..]),
        ("new_plan_setting_post16", &post16[..]),
    ] {
        require_some_weight(&c, key, ids, p)?;
    }
    let moves = c.section(
        "moves",
        &[
            "special_at_11",
            "special_per_year",
            "post16_at_16",
            "post16_at_19",
        ],
    )?;
    let cap = top.section_opt("capacity", &SETTINGS)?;
    let mut capacity = [None; N_SETTINGS];
    if let Some(cap) = cap {
        for (i, s) in SETTINGS.iter().enumerate() {
            if cap.has(s) {
                capacity[i] = Some(cap.param(s, count, p)?);
            }
        }
    }
    Ok(Caseload {
        by_setting,
        by_age,
        net_migration: c.param(
            "net_migration",
            Domain::closed(-0.5, 0.5, "an annual rate from -0.5 to 0.5"),
            p,
        )?,
        net_migration_level: c.param_or(
            "net_migration_level",
            Domain::closed(-0.2, 0.2, "an annual rate from -0.2 to 0.2"),
            0.0,
            p,
        )?,
        new_age,
        new_setting_school: school,
        new_setting_post16: post16,
        ceasing: arr5(c.named_params("ceasing_rate", &bands(), Domain::PROB, p)?),
        to_special_at_11: moves.param("special_at_11", Domain::PROB, p)?,
        to_special_per_year: moves.param_or("special_per_year", Domain::PROB, 0.0, p)?,
        to_post16_at_16: moves.param("post16_at_16", Domain::PROB, p)?,
        to_post16_at_19: moves.param("post16_at_19", Domain::PROB, p)?,
        independent_by_need: if c.has("independent_by_need") {
            Some(c.param("independent_by_need", Domain::PROB, p)?)
        } else {
            None
        },
        capacity,
    })
}

/// Shares that are all fixed at zero cannot be normalised.
fn require_some_weight(
    c: &Section<'_>,
    key: &str,
    ids: &[ParamId],
    p: &ParamTable,
) -> InputResult<()> {
    let all_zero = ids
        .iter()
        .all(|id| p.params[id.0 as usize].fixed_value() == Some(0.0));
    if all_zero {
        let loc = c.opt(key).map_or(c.loc.clone(), |e| e.node.loc.clone());
        return Err(InputError::new(
            &loc,
            c.key(key),
            "all entries are zero; at least one must be positive (they are used as shares)",
        ));
    }
    Ok(())
}

/// Lines of `[finance.not_per_plan]`: every expenditure line before `other` (whose spending
/// not per plan is `other_expenditure`).
const NOT_PER_PLAN: [&str; 5] = [
    "place_funding",
    "topups_maintained",
    "topups_academies_colleges",
    "independent",
    "alternative_provision",
];

fn finance(top: &Section<'_>, clock: &Clock, p: &mut ParamTable) -> InputResult<Finance> {
    let f = top.section(
        "finance",
        &[
            "base_year",
            "hnb_income",
            "income_growth",
            "allocation",
            "transfers",
            "other_income",
            "opening_balance",
            "cost_per_plan",
            "inflation",
            "other_expenditure",
            "other_expenditure_growth",
            "not_per_plan",
            "academy_share",
            "transport",
            "place_funding",
            "base_year_plans",
            "defaults",
        ],
    )?;
    let money = Domain::closed(-1e11, 1e11, "an amount in pounds within ±£100bn");
    let pounds = Domain::closed(0.0, 1e11, "pounds from 0 to £100bn");
    let transport = match f.section_opt("transport", &["share", "cost_per_pupil", "inflation"])? {
        None => None,
        Some(t) => Some(Transport {
            share: t.param("share", Domain::PROB, p)?,
            cost_per_pupil: t.param("cost_per_pupil", Domain::NONNEG, p)?,
            inflation: t.param("inflation", Domain::GROWTH, p)?,
        }),
    };
    let place_sec = f.section_opt("place_funding", &SETTINGS)?;
    let mut place_funding = Vec::with_capacity(N_SETTINGS);
    for (s, name) in SETTINGS.iter().enumerate() {
        let default = PLACE_FUNDING_DEFAULT[s];
        place_funding.push(match &place_sec {
            Some(sec) => sec.param_or(name, Domain::NONNEG, default, p)?,
            None => p.fixed(&format!("{}.{name}", f.key("place_funding")), default),
        });
    }
    let first_fy = clock.start.fy_start_year();
    let last_fy = clock
        .start
        .plus_months(clock.months as i64 - 1)
        .fy_start_year();
    let base_year = match f.opt("base_year") {
        None => first_fy,
        Some(e) => {
            let text = match &e.node.value {
                Value::Str(s) => s.as_str(),
                _ => {
                    return Err(f.type_error(
                        "base_year",
                        &e.node,
                        "a financial year such as \"2024-25\"",
                    ))
                }
            };
            match crate::calendar::parse_fy(text) {
                Some(y) if y == first_fy || y == first_fy - 1 => y,
                _ => {
                    return Err(InputError::new(
                        &e.node.loc,
                        f.key("base_year"),
                        format!(
                            "`{text}` is not allowed; the amounts' year is the first simulated financial year {} or the one before, {}",
                            fy_label(first_fy),
                            fy_label(first_fy - 1)
                        ),
                    ))
                }
            }
        }
    };
    let mut allocation = Vec::new();
    if let Some(e) = f.opt("allocation") {
        let Value::Table(t) = &e.node.value else {
            return Err(f.type_error(
                "allocation",
                &e.node,
                "a table of pounds by financial year such as { \"2025-26\" = 64.5e6 }",
            ));
        };
        let key = f.key("allocation");
        for a in &t.entries {
            let fy = crate::calendar::parse_fy(&a.key).filter(|y| *y > base_year && *y <= last_fy);
            let Some(fy) = fy else {
                return Err(InputError::new(
                    &a.key_loc,
                    format!("{key}.\"{}\"", a.key),
                    format!(
                        "`{}` is not allowed; expected a financial year after the base year {} up to the horizon's last, {}, such as \"{}\"",
                        a.key,
                        fy_label(base_year),
                        fy_label(last_fy),
                        fy_label(base_year + 1)
                    ),
                ));
            };
            let name = format!("{key}.{}", a.key);
            let id = crate::scenario::dist_spec::param_from_node(&name, &a.node, pounds, p)?;
            allocation.push(((fy - first_fy) as usize, id));
        }
    }
    let not_per_plan = match f.section_opt("not_per_plan", &NOT_PER_PLAN)? {
        None => None,
        Some(sec) => {
            let mut ids = Vec::with_capacity(NOT_PER_PLAN.len());
            for name in NOT_PER_PLAN {
                ids.push(sec.param_or(name, pounds, 0.0, p)?);
            }
            Some(ids.try_into().expect("5 lines"))
        }
    };
    let academy_share = match f.section_opt("academy_share", &["mainstream", "resourced"])? {
        None => None,
        Some(sec) => Some([
            sec.param_or("mainstream", Domain::PROB, 0.0, p)?,
            sec.param_or("resourced", Domain::PROB, 0.0, p)?,
        ]),
    };
    let base_year_plans = match f.section_opt("base_year_plans", &SETTINGS)? {
        None => None,
        Some(sec) if base_year != first_fy => {
            return Err(InputError::new(
                &sec.loc,
                sec.path.clone(),
                format!(
                    "the base year {} is over before the start, so no month spends as it did; base_year_plans goes with a base year that is the first simulated one ({})",
                    fy_label(base_year),
                    fy_label(first_fy)
                ),
            ))
        }
        Some(_) => Some(
            f.named_params("base_year_plans", &SETTINGS, Domain::NONNEG, p)?
                .try_into()
                .expect("8 settings"),
        ),
    };
    let defaults = defaults_list(&f)?;
    Ok(Finance {
        hnb_income: f.param("hnb_income", pounds, p)?,
        income_growth: f.param("income_growth", Domain::GROWTH, p)?,
        other_income: f.param_or("other_income", money, 0.0, p)?,
        opening_balance: f.param("opening_balance", money, p)?,
        cost_per_plan: f
            .named_params("cost_per_plan", &SETTINGS, Domain::NONNEG, p)?
            .try_into()
            .expect("8 settings"),
        inflation: f
            .named_params("inflation", &SETTINGS, Domain::GROWTH, p)?
            .try_into()
            .expect("8 settings"),
        other_expenditure: f.param("other_expenditure", pounds, p)?,
        other_expenditure_growth: f.param("other_expenditure_growth", Domain::GROWTH, p)?,
        transport,
        place_funding: place_funding.try_into().expect("8 settings"),
        base_offset: (first_fy - base_year) as usize,
        base_year,
        transfers: match f.opt("transfers") {
            Some(_) => Some(f.param("transfers", money, p)?),
            None => None,
        },
        allocation,
        not_per_plan,
        academy_share,
        base_year_plans,
        defaults,
    })
}

/// `defaults`: the finance metrics whose base-year values are national defaults.
fn defaults_list(f: &Section<'_>) -> InputResult<Vec<String>> {
    let Some(e) = f.opt("defaults") else {
        return Ok(Vec::new());
    };
    let names = crate::outturn::metric_names();
    let allowed: Vec<&str> = names.iter().map(String::as_str).collect();
    let Value::Array(items) = &e.node.value else {
        return Err(f.type_error("defaults", &e.node, "an array of finance metric names"));
    };
    let mut out = Vec::new();
    for (i, n) in items.iter().enumerate() {
        let ok = match &n.value {
            Value::Str(s) if allowed.contains(&s.as_str()) => Some(s.clone()),
            _ => None,
        };
        let Some(name) = ok else {
            let hint = match &n.value {
                Value::Str(s) => crate::scenario::reader::closest(s, &allowed)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            return Err(InputError::new(
                &n.loc,
                format!("{}[{i}]", f.key("defaults")),
                format!(
                    "not a finance metric{hint}; allowed: {}",
                    allowed.join(", ")
                ),
            ));
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

const KINDS: [&str; 8] = [
    "temporary_staff",
    "posts",
    "demand_effect",
    "new_school",
    "placement_shift",
    "funding",
    "saving",
    "efficiency",
];

fn interventions(
    top: &Section<'_>,
    clock: &Clock,
    p: &mut ParamTable,
) -> InputResult<Vec<NamedIntervention>> {
    let mut out = Vec::new();
    let role_opts: Vec<(&str, usize)> = ROLES.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let setting_opts: Vec<(&str, usize)> =
        SETTINGS.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let kind_opts: Vec<(&str, usize)> = KINDS.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let stage_opts: Vec<(&str, usize)> = STAGES.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    let money = Domain::closed(0.0, 1e11, "pounds from 0 to £100bn");
    for (i, node) in top.array("interventions")?.into_iter().enumerate() {
        // Read `type` first: it decides which keys are allowed.
        let any = top.item("interventions", i, node, &ALL_INTERVENTION_KEYS)?;
        let kind = any.choice("type", &kind_opts)?;
        let keys: &[&str] = match KINDS[kind] {
            "temporary_staff" => &[
                "type",
                "name",
                "role",
                "from",
                "until",
                "fte",
                "budget",
                "day_rate",
                "statutory_share",
                "serves",
            ],
            "posts" => &["type", "name", "role", "from", "count", "productivity"],
            "demand_effect" => &[
                "type",
                "name",
                "from",
                "ramp_months",
                "requests_factor",
                "refusal_rate",
            ],
            "new_school" => &["type", "name", "setting", "opens", "places", "fill_years"],
            "placement_shift" => &[
                "type",
                "name",
                "from",
                "ramp_months",
                "setting",
                "to",
                "share",
            ],
            "funding" => &["type", "name", "from", "until", "amount_per_year", "line"],
            "efficiency" => &[
                "type",
                "name",
                "role",
                "stage",
                "from",
                "ramp_months",
                "share",
                "cost_per_year",
                "until",
            ],
            _ => &["type", "name", "from", "until", "amount_per_year"],
        };
        let s = top.item("interventions", i, node, keys)?;
        let name = s.string_opt("name")?.unwrap_or(KINDS[kind]).to_string();
        let month = |key: &str| -> InputResult<usize> {
            let (ym, loc) = s.month(key)?;
            in_horizon(&s, key, ym, &loc, clock, false)
        };
        let until = |key: &str, from: usize| -> InputResult<usize> {
            let (ym, loc) = s.month(key)?;
            let u = in_horizon(&s, key, ym, &loc, clock, true)?;
            if u <= from {
                return Err(InputError::new(
                    &loc,
                    s.key(key),
                    format!("must come after `from` ({})", clock.month(from)),
                ));
            }
            Ok(u)
        };
        let k = match KINDS[kind] {
            "temporary_staff" => {
                let from = month("from")?;
                let (fte, budget) = match (s.has("fte"), s.has("budget")) {
                    (true, false) => (Some(s.param("fte", STAFF, p)?), None),
                    (false, true) => (None, Some(s.param("budget", money, p)?)),
                    _ => {
                        return Err(InputError::new(
                            &s.loc,
                            s.key("fte"),
                            "give exactly one of `fte` (staff bought) or `budget` (pounds to spend over the period)",
                        ))
                    }
                };
                Intervention::TemporaryStaff {
                    role: s.choice("role", &role_opts)?,
                    from,
                    until: until("until", from)?,
                    fte,
                    budget,
                    day_rate: s.param("day_rate", Domain::POS, p)?,
                    statutory_share: s.param_or("statutory_share", Domain::PROB, 1.0, p)?,
                    backlog_only: match s.opt("serves") {
                        None => false,
                        Some(e) => {
                            s.choice_node("serves", &e.node, &[("all", false), ("backlog", true)])?
                        }
                    },
                }
            }
            "posts" => Intervention::Posts {
                role: s.choice("role", &role_opts)?,
                from: month("from")?,
                count: s.param(
                    "count",
                    Domain::closed(0.0, 1000.0, "a number of posts from 0 to 1000"),
                    p,
                )?,
                productivity: s.param_or(
                    "productivity",
                    Domain::closed(0.0, 2.0, "a factor from 0 to 2"),
                    1.0,
                    p,
                )?,
            },
            "demand_effect" => Intervention::DemandEffect {
                from: month("from")?,
                ramp_months: ramp_months(&s, p)?,
                requests_factor: s.param(
                    "requests_factor",
                    Domain::closed(0.0, 10.0, "a factor from 0 to 10"),
                    p,
                )?,
                refusal_rate: if s.has("refusal_rate") {
                    Some(s.param("refusal_rate", Domain::PROB, p)?)
                } else {
                    None
                },
            },
            "new_school" => Intervention::NewSchool {
                setting: s.choice("setting", &setting_opts)?,
                opens: {
                    let (ym, loc) = s.month("opens")?;
                    in_horizon(&s, "opens", ym, &loc, clock, false)?
                },
                places: s.param(
                    "places",
                    Domain::closed(0.0, 1e5, "places from 0 to 100,000"),
                    p,
                )?,
                fill_years: s.param_or(
                    "fill_years",
                    Domain::closed(1.0, 10.0, "years from 1 to 10"),
                    1.0,
                    p,
                )?,
            },
            "placement_shift" => {
                let from_setting = s.choice("setting", &setting_opts)?;
                let to = s.choice("to", &setting_opts)?;
                if to == from_setting {
                    return Err(InputError::new(
                        &s.loc,
                        s.key("to"),
                        "must differ from `setting`: a shift moves placements from one setting to another",
                    ));
                }
                Intervention::PlacementShift {
                    from: month("from")?,
                    ramp_months: ramp_months(&s, p)?,
                    setting: from_setting,
                    to,
                    share: s.param("share", Domain::PROB, p)?,
                }
            }
            "efficiency" => {
                let from = month("from")?;
                Intervention::Efficiency {
                    role: match s.opt("role") {
                        None => None,
                        Some(_) => Some(s.choice("role", &role_opts)?),
                    },
                    stage: match s.opt("stage") {
                        None => None,
                        Some(_) => Some(s.choice("stage", &stage_opts)?),
                    },
                    from,
                    ramp_months: ramp_months(&s, p)?,
                    share: s.param(
                        "share",
                        Domain::closed(0.0, 0.9, "a share of hours saved from 0 to 0.9"),
                        p,
                    )?,
                    cost_per_year: s.param_or("cost_per_year", money, 0.0, p)?,
                    cost_until: if s.has("until") {
                        until("until", from)?
                    } else {
                        clock.months
                    },
                }
            }
            k => {
                let from = month("from")?;
                let until = until("until", from)?;
                let amount_per_year = s.param("amount_per_year", money, p)?;
                if k == "funding" {
                    Intervention::Funding {
                        from,
                        until,
                        amount_per_year,
                        line: match s.opt("line") {
                            None => FundingLine::Other,
                            Some(e) => s.choice_node(
                                "line",
                                &e.node,
                                &[
                                    ("transfer", FundingLine::Transfer),
                                    ("other", FundingLine::Other),
                                ],
                            )?,
                        },
                    }
                } else {
                    Intervention::Saving {
                        from,
                        until,
                        amount_per_year,
                    }
                }
            }
        };
        out.push(NamedIntervention { name, kind: k });
    }
    Ok(out)
}

/// How many months an effect takes to reach its full size (0, at once, unless given).
fn ramp_months(s: &Section<'_>, p: &mut ParamTable) -> InputResult<ParamId> {
    s.param_or(
        "ramp_months",
        Domain::closed(0.0, 120.0, "months from 0 to 120"),
        0.0,
        p,
    )
}

const ALL_INTERVENTION_KEYS: [&str; 25] = [
    "type",
    "name",
    "role",
    "from",
    "until",
    "fte",
    "budget",
    "day_rate",
    "statutory_share",
    "serves",
    "count",
    "productivity",
    "ramp_months",
    "requests_factor",
    "refusal_rate",
    "setting",
    "opens",
    "places",
    "fill_years",
    "to",
    "share",
    "amount_per_year",
    "line",
    "stage",
    "cost_per_year",
];

/// Month index of a dated key, which must fall inside the horizon (`until` may be its end).
fn in_horizon(
    s: &Section<'_>,
    key: &str,
    ym: YearMonth,
    loc: &Loc,
    clock: &Clock,
    end_ok: bool,
) -> InputResult<usize> {
    let d = ym.index() - clock.start.index();
    let max = clock.months as i64 - i64::from(!end_ok);
    if d < 0 || d > max {
        let last = clock.month(clock.months - 1);
        return Err(InputError::new(
            loc,
            s.key(key),
            format!(
                "{ym} is outside the horizon; allowed: {} to {}",
                clock.start,
                if end_ok {
                    clock.month(clock.months)
                } else {
                    last
                }
            ),
        ));
    }
    Ok(d as usize)
}
