//! Casework staff by role, month by month: leavers, recruitment with a lag and failed rounds,
//! new-starter ramp-up, agency cover and temporary capacity bought by interventions.

use super::binom::binomial;
use super::caseload::monthly_chance;
use super::draw::{Draw, Rng};
use crate::model::{Intervention, Model, N_ROLES, WORKING_DAYS_PER_YEAR};
use rand::Rng as _;

/// Months after which a change in demand shows in the establishment of roles that follow it.
pub const FOLLOW_LAG_MONTHS: usize = 6;

/// Most posts a role can have (the bound on inputs).
const MAX_POSTS: f64 = 10_000.0;

/// Longest recruitment we track, in months; later arrivals are dropped.
const MAX_LAG_MONTHS: usize = 600;

#[derive(Debug, Clone, Default)]
pub struct RoleState {
    pub posts: f64,
    pub in_post: f64,
    pub recruiting: f64,
    /// Permanent staff arriving, by month index.
    arriving: Vec<f64>,
    /// Staff who started, by month index (for ramp-up).
    started: Vec<f64>,
    pub agency: f64,
    pub temporary: f64,
    /// Statutory hours available per week this month, backlog team included.
    pub weekly_hours: f64,
    /// Of which a backlog team's hours, kept for cases past 20 weeks.
    pub backlog_hours: f64,
    /// General Fund cost of the role this month (permanent, agency, temporary).
    pub monthly_cost: f64,
}

#[derive(Debug, Clone, Default)]
pub struct Staffing {
    pub roles: [RoleState; N_ROLES],
    /// Monthly leaving probability by financial year and role (attrition is set by the year:
    /// one `powf` a year, not a month).
    leave: Vec<[f64; N_ROLES]>,
}

impl Staffing {
    pub fn init(&mut self, model: &Model, draw: &Draw) {
        self.leave.clear();
        self.leave.extend((0..model.clock.n_fy).map(|fy| {
            std::array::from_fn(|r| monthly_chance(draw.year(model.staff[r].attrition, fy)))
        }));
        let horizon = model.clock.months + MAX_LAG_MONTHS;
        for (r, st) in self.roles.iter_mut().enumerate() {
            let s = &model.staff[r];
            st.posts = draw.get(s.posts).round();
            st.in_post = draw.get(s.in_post).round();
            st.recruiting = 0.0;
            st.arriving.clear();
            st.arriving.resize(horizon, 0.0);
            st.started.clear();
            st.started.resize(model.clock.months, 0.0);
        }
    }

    /// Start-of-month update for month `m`; `demand` is the demand level the establishment
    /// responds to, relative to the start.
    pub fn month(&mut self, model: &Model, draw: &Draw, m: usize, demand: f64, rng: &mut Rng) {
        let fy = model.clock.month_fy[m] as usize;
        for (r, st) in self.roles.iter_mut().enumerate() {
            let s = &model.staff[r];
            // Arrivals
            let arrived = st.arriving[m];
            st.in_post += arrived;
            st.recruiting -= arrived;
            st.started[m] = arrived;
            // Leavers
            let monthly = self.leave[fy][r];
            let n = st.in_post.max(0.0) as u32;
            if n > 0 && monthly > 0.0 {
                st.in_post -= f64::from(binomial(n, monthly.min(1.0), rng));
            }
            // Establishment: base posts plus posts added by interventions so far
            // powf(1, y) and powf(x, 0) are exactly 1 (C99 F.9.4.4), so skip the calls then.
            let growth = draw.get(s.posts_growth);
            let follow = draw.get(s.follow_demand);
            let by_growth = if growth == 0.0 {
                1.0
            } else {
                (1.0 + growth).powf(m as f64 / 12.0)
            };
            let by_demand = if follow == 0.0 {
                1.0
            } else {
                demand.max(0.0).powf(follow)
            };
            let grown = draw.get(s.posts) * by_growth * by_demand;
            // Within the bound on inputs, however demand or growth compound.
            let grown = grown.min(MAX_POSTS);
            let mut posts = grown.round();
            let mut temp_fte = 0.0;
            let mut temp_hours = 0.0;
            let mut backlog_hours = 0.0;
            let mut temp_cost = 0.0;
            for iv in &model.interventions {
                match &iv.kind {
                    Intervention::Posts {
                        role,
                        from,
                        count,
                        productivity,
                    } if *role == r && m >= *from => {
                        posts += (draw.get(*count) * draw.get(*productivity)).round();
                    }
                    Intervention::TemporaryStaff {
                        role,
                        from,
                        until,
                        fte,
                        budget,
                        day_rate,
                        statutory_share,
                        backlog_only,
                    } if *role == r && m >= *from && m < *until => {
                        let months = (*until - *from) as f64;
                        let rate = draw.get(*day_rate);
                        let (f, cost) = match (fte, budget) {
                            (Some(f), _) => {
                                let f = draw.get(*f);
                                (f, f * rate * WORKING_DAYS_PER_YEAR / 12.0)
                            }
                            (None, Some(b)) => {
                                let b = draw.get(*b);
                                (
                                    b / (rate * WORKING_DAYS_PER_YEAR * months / 12.0),
                                    b / months,
                                )
                            }
                            (None, None) => (0.0, 0.0),
                        };
                        temp_fte += f;
                        let h = f * draw.get(*statutory_share);
                        temp_hours += h;
                        if *backlog_only {
                            backlog_hours += h;
                        }
                        temp_cost += cost;
                    }
                    _ => {}
                }
            }
            st.posts = posts;
            // Recruitment: every vacancy not already being filled starts a campaign that
            // succeeds each round with probability fill_rate.
            let vacancies = (posts - st.in_post - st.recruiting).floor();
            if vacancies >= 1.0 {
                let lag = draw.year(s.recruitment_months, fy).max(1.0);
                let p = draw.year(s.fill_rate, fy);
                for _ in 0..vacancies as usize {
                    let mut rounds = 1.0;
                    while rng.random::<f64>() >= p && rounds < 50.0 {
                        rounds += 1.0;
                    }
                    let at = m + (rounds * lag).ceil() as usize;
                    st.recruiting += 1.0;
                    if at < st.arriving.len() {
                        st.arriving[at] += 1.0;
                    }
                }
            }
            let ramp = draw.get(s.ramp_months).round() as usize;
            let new_starters: f64 = st.started[m.saturating_sub(ramp.saturating_sub(1))..=m]
                .iter()
                .sum::<f64>()
                * f64::from(ramp > 0);
            let vacant = (posts - st.in_post).max(0.0);
            st.agency = draw.get(s.agency_fte) + draw.get(s.agency_cover) * vacant;
            st.temporary = temp_fte;
            let effective = (st.in_post - 0.5 * new_starters).max(0.0) + st.agency;
            let hours = draw.get(s.hours_per_week);
            st.weekly_hours = hours * (effective * draw.year(s.statutory_share, fy) + temp_hours);
            st.backlog_hours = hours * backlog_hours;
            st.monthly_cost = (st.in_post.max(0.0) * draw.year(s.salary, fy)
                + st.agency * draw.year(s.agency_cost, fy))
                / 12.0
                + temp_cost;
        }
    }

    /// Staff in post plus agency and temporary, by role.
    pub fn fte(&self, r: usize) -> f64 {
        let st = &self.roles[r];
        st.in_post + st.agency + st.temporary
    }
}
