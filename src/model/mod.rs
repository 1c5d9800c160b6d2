//! The compiled model: every input as an indexed parameter, and the structure of the
//! authority and its interventions, ready for the engine (no strings or maps in the hot loop).

pub mod compile;
pub mod correlation;
pub mod dist;
pub mod history;
pub mod sample;

use crate::calendar::Clock;
use dist::{Dist, Param};

/// Index of an input in [`ParamTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamId(pub u32);

/// All inputs of a model, fixed and uncertain, by name.
#[derive(Debug, Clone, Default)]
pub struct ParamTable {
    pub params: Vec<Param>,
}

impl ParamTable {
    pub fn add(&mut self, p: Param) -> ParamId {
        self.params.push(p);
        ParamId(self.params.len() as u32 - 1)
    }

    /// An input's median (its fixed value when fixed).
    pub fn median(&self, id: ParamId) -> f64 {
        self.params[id.0 as usize].from_uniform(0.5)
    }

    /// A fixed input the file did not set (a documented default).
    pub fn fixed(&mut self, name: &str, x: f64) -> ParamId {
        self.add(Param {
            name: name.to_string(),
            dist: Dist::Fixed(x),
            desc: format!("{} (default)", crate::scenario::dist_spec::fmt_num(x)),
            domain: dist::Domain::ANY,
            truncate: None,
            per_year: false,
            origin: "default".to_string(),
        })
    }

    pub fn len(&self) -> usize {
        self.params.len()
    }

    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }
}

pub const SETTINGS: [&str; 8] = [
    "mainstream",
    "resourced",
    "la_special",
    "academy_special",
    "independent_special",
    "alternative_provision",
    "post16",
    "other",
];
pub const N_SETTINGS: usize = 8;
pub const MAINSTREAM: usize = 0;
pub const LA_SPECIAL: usize = 2;
pub const ACADEMY_SPECIAL: usize = 3;
pub const INDEPENDENT: usize = 4;
pub const POST16: usize = 6;

/// Ages 0 to 25 inclusive.
pub const N_AGES: usize = 26;
/// Age groups of the DSG management plan and SEN2: (key, first age, last age).
pub const AGE_BANDS: [(&str, usize, usize); 5] = [
    ("under_5", 0, 4),
    ("age_5_10", 5, 10),
    ("age_11_15", 11, 15),
    ("age_16_19", 16, 19),
    ("age_20_25", 20, 25),
];

/// The band (index into `AGE_BANDS`) of an age from 0 to 25.
pub fn age_band(age: usize) -> usize {
    AGE_BANDS
        .iter()
        .position(|b| (b.1..=b.2).contains(&age))
        .expect("age in a band")
}

pub const ROLES: [&str; 3] = ["ep", "case_officer", "manager"];
pub const N_ROLES: usize = 3;
pub const CASE_OFFICER: usize = 1;

/// Working days a full-time temporary worker is paid for in a year.
pub const WORKING_DAYS_PER_YEAR: f64 = 210.0;

#[derive(Debug, Clone)]
pub struct Demand {
    pub requests_per_year: ParamId,
    pub growth: ParamId,
    /// Sd of the change in log calendar-year requests from one year to the next around
    /// `growth`; 0 = none. Of its variance, `transient_share` is a deviation of each year's own
    /// that passes (the year's level off its path), the rest a step each January that lasts (a
    /// random walk around the trend).
    pub volatility: ParamId,
    pub transient_share: ParamId,
    pub seasonality: [ParamId; 12],
    /// Negative-binomial shape for over-dispersed weekly requests; `None` = Poisson.
    pub dispersion: Option<ParamId>,
    pub refusal_rate: ParamId,
    pub appeal_rate: ParamId,
    pub appeal_success: ParamId,
    pub appeal_weeks: ParamId,
    pub plan_rate: ParamId,
}

/// One step of the statutory process: a minimum elapsed time, a random extra, and the
/// professional hours it needs by role.
#[derive(Debug, Clone)]
pub struct Stage {
    pub min_weeks: ParamId,
    pub extra_weeks: ParamId,
    /// Share of cases held far longer (advice from health or care months late, exceptions,
    /// disputes), and the mean of their extra weeks instead.
    pub late_share: ParamId,
    pub late_weeks: ParamId,
    /// Weeks the stage's work on a case takes when nothing else is on the desk.
    pub work_weeks: ParamId,
    /// Weight of the stage's cases in sharing a desk's hours (1 = in proportion to the hours
    /// each needs; 3 = three times that, as services that put decisions first).
    pub priority: ParamId,
    pub hours: [ParamId; N_ROLES],
}

/// Casework as a whole (see `engine::pipeline` for how hours become progress).
#[derive(Debug, Clone)]
pub struct Process {
    /// Share of each week's finished advice and drafting that are the oldest cases (the rest:
    /// any case in the work); decisions are made in date order.
    pub oldest_first: ParamId,
    /// Effective capacity: a factor on every role's statutory hours, drawn each year when
    /// uncertain (time lost or gained: sickness, systems, panels, how well work is organised).
    pub capacity_factor: ParamId,
    /// Where the capacity goes from there: the factor a typical service has
    /// (`capacity_typical`) and the share of the gap (in log) that closes a year
    /// (`capacity_reversion`); `None`: it stays where `capacity_factor` puts it.
    pub reversion: Option<(ParamId, ParamId)>,
    /// A factor on the capacity in each year from the start (`capacity_path`: 12 months each,
    /// the last held after); empty: 1 throughout.
    pub path: Vec<ParamId>,
}

pub const STAGES: [&str; 3] = ["decision", "advice", "drafting"];
pub const DECISION: usize = 0;
pub const ADVICE: usize = 1;
pub const DRAFTING: usize = 2;

#[derive(Debug, Clone)]
pub struct Staff {
    pub posts: ParamId,
    /// Yearly growth of the establishment (0 = posts stay as they are).
    pub posts_growth: ParamId,
    /// Elasticity of the establishment to demand seen `FOLLOW_LAG_MONTHS` earlier (0 = none,
    /// 1 = posts in proportion to requests).
    pub follow_demand: ParamId,
    pub in_post: ParamId,
    pub hours_per_week: ParamId,
    pub statutory_share: ParamId,
    pub attrition: ParamId,
    pub recruitment_months: ParamId,
    pub fill_rate: ParamId,
    pub ramp_months: ParamId,
    pub salary: ParamId,
    pub agency_fte: ParamId,
    pub agency_cover: ParamId,
    pub agency_cost: ParamId,
}

#[derive(Debug, Clone)]
pub struct Reviews {
    pub hours: ParamId,
    pub reserved_share: ParamId,
    pub overdue_at_start: ParamId,
}

/// Open cases at the start: `count` cases in `stage` whose requests are `age_low..age_high`
/// weeks old.
#[derive(Debug, Clone)]
pub struct OpenCohort {
    pub stage: usize,
    pub count: ParamId,
    pub age_low: u32,
    pub age_high: u32,
}

#[derive(Debug, Clone)]
pub struct Caseload {
    pub by_setting: [ParamId; N_SETTINGS],
    pub by_age: [ParamId; 5],
    pub net_migration: ParamId,
    /// A lasting level added to every year's `net_migration` (drawn once for each future: how
    /// far its mean is known); 0 when not given.
    pub net_migration_level: ParamId,
    pub new_age: [ParamId; 5],
    pub new_setting_school: [ParamId; N_SETTINGS],
    pub new_setting_post16: [ParamId; N_SETTINGS],
    pub ceasing: [ParamId; 5],
    pub to_special_at_11: ParamId,
    /// Share of mainstream and resourced plans aged 5 to 15 moving to a special school each
    /// September (0 = none beyond the move at 11).
    pub to_special_per_year: ParamId,
    pub to_post16_at_16: ParamId,
    pub to_post16_at_19: ParamId,
    /// Of new plans placed in special schools (state or independent), the share that goes
    /// independent whatever the state places; the rest take a state place while there is one.
    /// `None`: the new-plan mix's own independent share, and overflow when full.
    pub independent_by_need: Option<ParamId>,
    /// Places in state-funded special schools; when full, new placements go independent.
    pub capacity: [Option<ParamId>; N_SETTINGS],
}

#[derive(Debug, Clone)]
pub struct Transport {
    pub share: ParamId,
    pub cost_per_pupil: ParamId,
    pub inflation: ParamId,
}

#[derive(Debug, Clone)]
pub struct Finance {
    pub hnb_income: ParamId,
    pub income_growth: ParamId,
    pub other_income: ParamId,
    pub opening_balance: ParamId,
    pub cost_per_plan: [ParamId; N_SETTINGS],
    pub inflation: [ParamId; N_SETTINGS],
    pub other_expenditure: ParamId,
    pub other_expenditure_growth: ParamId,
    pub transport: Option<Transport>,
    /// Place element of `cost_per_plan` by setting (section 251 line 1.0.2), pounds per plan
    /// per year; not inflated, as place values have stood since 2013.
    pub place_funding: [ParamId; N_SETTINGS],
    /// Years from `base_year`, the year the amounts above are for, to the first simulated
    /// financial year: 0 (the default) or 1.
    pub base_offset: usize,
    /// The base year (first calendar year of the financial year).
    pub base_year: i32,
    /// Transfers into the high-needs block from other DSG blocks, pounds a year.
    pub transfers: Option<ParamId>,
    /// Known allocations (`[finance.allocation]`): (financial year from the first simulated
    /// one, pounds); they replace the grown `hnb_income` in their year.
    pub allocation: Vec<(usize, ParamId)>,
    /// Spending not tied to the plan count on each line before `other`
    /// (`[finance.not_per_plan]`), pounds a year in the base year, growing with
    /// `other_expenditure_growth`.
    pub not_per_plan: Option<[ParamId; 5]>,
    /// Share of mainstream and resourced top-up spending paid to academies and free schools
    /// (line 1.2.2); `None`: all under 1.2.1.
    pub academy_share: Option<[ParamId; 2]>,
    /// Plans by setting on average over the base year (`[finance.base_year_plans]`), when
    /// the base year is the first simulated one: its months spend as the base year did (its
    /// lines a month), not as their own caseload would, so the balance reaches the recorded
    /// one at its end.
    pub base_year_plans: Option<[ParamId; N_SETTINGS]>,
    /// Finance metrics whose base-year values are national defaults, not the authority's
    /// accounts (`defaults`), in `crate::outturn::metric_names` order.
    pub defaults: Vec<String>,
}

/// Place values by setting when the file gives none (BRIEF §3): £6k resourced and post-16,
/// £10k special schools and AP; mainstream schools' first £6k comes from their own budget
/// and independent schools have no place funding.
pub const PLACE_FUNDING_DEFAULT: [f64; N_SETTINGS] =
    [0.0, 6000.0, 10000.0, 10000.0, 0.0, 10000.0, 6000.0, 0.0];

/// The DSG management plan line a `funding` intervention is reported under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FundingLine {
    /// A transfer from another DSG block (schools-block transfer).
    Transfer,
    /// Any other high-needs income (Safety Valve payments, grants).
    Other,
}

/// A dated what-if. Months are indices from the model's start month; `until` is exclusive.
#[derive(Debug, Clone)]
pub enum Intervention {
    /// Temporary capacity bought for a period (agency or locum staff), e.g. the £784k.
    TemporaryStaff {
        role: usize,
        from: usize,
        until: usize,
        /// FTE bought, or `None` when it follows from `budget`.
        fte: Option<ParamId>,
        budget: Option<ParamId>,
        day_rate: ParamId,
        statutory_share: ParamId,
        /// A backlog team: its hours go to cases already past 20 weeks, and while it works the
        /// permanent team serves newer cases first.
        backlog_only: bool,
    },
    /// Permanent posts added to the establishment, recruited with the role's lag.
    Posts {
        role: usize,
        from: usize,
        count: ParamId,
        productivity: ParamId,
    },
    /// A change in requests (and optionally refusals) from a date, reached over a ramp.
    DemandEffect {
        from: usize,
        ramp_months: ParamId,
        requests_factor: ParamId,
        refusal_rate: Option<ParamId>,
    },
    /// New places in a setting from an opening month, filling over whole years.
    NewSchool {
        setting: usize,
        opens: usize,
        places: ParamId,
        fill_years: ParamId,
    },
    /// From a month, reached over a ramp, a share of new plans that would be placed in
    /// `setting` are placed in `to` instead (inclusion in mainstream, less AP).
    PlacementShift {
        from: usize,
        ramp_months: ParamId,
        setting: usize,
        to: usize,
        share: ParamId,
    },
    /// Extra high-needs income per year over a period (transfers, Safety Valve).
    Funding {
        from: usize,
        until: usize,
        amount_per_year: ParamId,
        line: FundingLine,
    },
    /// Hours a case needs cut by a share from a month, reached over a ramp (better processes,
    /// technology, plan-writing brought in-house), for one role or all (`role` None) and one
    /// stage or all (`stage` None).
    Efficiency {
        role: Option<usize>,
        stage: Option<usize>,
        from: usize,
        ramp_months: ParamId,
        share: ParamId,
        /// What the change costs the General Fund a year (systems, a project team), from
        /// `from` until `cost_until` (exclusive; the horizon's end when not given).
        cost_per_year: ParamId,
        cost_until: usize,
    },
    /// Lower high-needs spending per year over a period.
    Saving {
        from: usize,
        until: usize,
        amount_per_year: ParamId,
    },
}

#[derive(Debug, Clone)]
pub struct NamedIntervention {
    pub name: String,
    pub kind: Intervention,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub description: String,
    pub authority: String,
    pub la_code: String,
    pub clock: Clock,
    pub params: ParamTable,
    pub demand: Demand,
    pub stages: [Stage; 3],
    pub process: Process,
    pub staff: [Staff; N_ROLES],
    pub reviews: Reviews,
    pub pipeline: Vec<OpenCohort>,
    pub caseload: Caseload,
    pub finance: Finance,
    pub interventions: Vec<NamedIntervention>,
    pub correlation: Option<correlation::Correlation>,
    /// Recorded values of reported metrics, for the charts (`[history]`).
    pub history: Vec<history::Point>,
    /// Files read, the scenario first, then what it extends.
    pub files: Vec<std::path::PathBuf>,
}
