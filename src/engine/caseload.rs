//! Plans in place by age (0-25) and setting: new plans, ceasing, net migration, ageing and
//! phase-transfer moves each September, special-school capacity with overflow to independent.

use super::alias::Alias;
use super::draw::{Draw, Rng};
use crate::model::{
    Intervention, Model, ACADEMY_SPECIAL, AGE_BANDS, INDEPENDENT, LA_SPECIAL, MAINSTREAM, N_AGES,
    N_SETTINGS, POST16,
};
use rand::Rng as _;
use rand::RngCore;

const RESOURCED: usize = 1;
const AP: usize = 5;
const OTHER: usize = 7;

/// Whether a plan holder of `age` can be in `setting` (schools 2-19, FE 16-25).
pub fn allowed(age: usize, setting: usize) -> bool {
    match setting {
        POST16 => age >= 16,
        OTHER => true,
        _ => (2..=19).contains(&age),
    }
}

#[derive(Debug, Clone, Default)]
pub struct Caseload {
    /// Plans by `age * N_SETTINGS + setting`.
    pub cells: Vec<f64>,
    pub by_setting: [f64; N_SETTINGS],
    /// Places by setting this month (infinite where there is no limit).
    pub capacity: [f64; N_SETTINGS],
    /// New plans' cells (`age * N_SETTINGS + setting`, the setting one the age allows) with
    /// their probabilities from the age and setting mixes, drawn in constant time.
    new_cell: Option<Alias>,
    /// Monthly ceasing probability by age.
    cease: [f64; N_AGES],
    /// Share of new specialist placements that go independent by need (see the model).
    independent_by_need: Option<f64>,
    /// Placement shifts in force this month: (setting, to, share).
    shifts: Vec<(usize, usize, f64)>,
    /// The inputs the starting cells and the new-plan table were last worked out from, and
    /// those results: trajectories whose inputs match (fixed ones) reuse them.
    start_key: Vec<u64>,
    start_cells: Vec<f64>,
    new_key: Vec<u64>,
}

/// The bits of `values`, to tell whether inputs are exactly those seen before.
fn key(values: impl IntoIterator<Item = f64>) -> Vec<u64> {
    values.into_iter().map(f64::to_bits).collect()
}

impl Caseload {
    pub fn init(&mut self, model: &Model, draw: &Draw) {
        let c = &model.caseload;
        let setting_totals = c.by_setting.map(|id| draw.get(id));
        let band_totals = c.by_age.map(|id| draw.get(id));
        let start = key(setting_totals.into_iter().chain(band_totals));
        if start != self.start_key || self.start_cells.is_empty() {
            self.start_cells = fit_age_setting(&setting_totals, &band_totals);
            self.start_key = start;
        }
        self.cells.clone_from(&self.start_cells);
        let ages = c.new_age.map(|id| draw.get(id));
        let school = c.new_setting_school.map(|id| draw.get(id));
        let post16 = c.new_setting_post16.map(|id| draw.get(id));
        let new = key(ages.into_iter().chain(school).chain(post16));
        if new != self.new_key || self.new_cell.is_none() {
            self.new_cell = new_cell_weights(ages, school, post16);
            self.new_key = new;
        }
        self.independent_by_need = c.independent_by_need.map(|id| draw.get(id));
        for a in 0..N_AGES {
            let annual = draw.get(c.ceasing[crate::model::age_band(a)]);
            self.cease[a] = monthly_chance(annual);
        }
        self.retotal();
    }

    pub fn total(&self) -> f64 {
        self.by_setting.iter().sum()
    }

    /// Every cell a finite count of zero or more (plans are fractional only through the
    /// rates applied to them, never below zero).
    pub fn check(&self, now: i32) -> Result<(), super::Broken> {
        match self
            .cells
            .iter()
            .position(|x| !(x.is_finite() && *x >= -1e-9))
        {
            None => Ok(()),
            Some(i) => super::ages::broken(
                format!(
                    "plans aged {} in {} = {}",
                    i / N_SETTINGS,
                    crate::model::SETTINGS[i % N_SETTINGS],
                    self.cells[i]
                ),
                now,
            ),
        }
    }

    /// Plans by age group (`model::AGE_BANDS`).
    pub fn by_age_band(&self) -> [f64; 5] {
        // Each band's ages in order, each age's row summed first (the order of the sums).
        AGE_BANDS.map(|(_, lo, hi)| {
            self.cells[lo * N_SETTINGS..(hi + 1) * N_SETTINGS]
                .chunks_exact(N_SETTINGS)
                .fold(0.0, |band, row| band + row.iter().sum::<f64>())
        })
    }

    fn retotal(&mut self) {
        self.by_setting = [0.0; N_SETTINGS];
        for (i, x) in self.cells.iter().enumerate() {
            self.by_setting[i % N_SETTINGS] += x;
        }
    }

    /// Places by setting in month `m`: base capacity plus new schools' tranches; and the
    /// placement shifts in force.
    pub fn set_capacity(&mut self, model: &Model, draw: &Draw, m: usize) {
        self.shifts.clear();
        for iv in &model.interventions {
            if let Intervention::PlacementShift {
                from,
                ramp_months,
                setting,
                to,
                share,
            } = iv.kind
            {
                if m >= from {
                    let phase = super::ramp_phase(m, from, draw.get(ramp_months));
                    self.shifts.push((setting, to, draw.get(share) * phase));
                }
            }
        }
        for s in 0..N_SETTINGS {
            self.capacity[s] = model.caseload.capacity[s].map_or(f64::INFINITY, |id| draw.get(id));
        }
        for iv in &model.interventions {
            if let Intervention::NewSchool {
                setting,
                opens,
                places,
                fill_years,
            } = iv.kind
            {
                if m >= opens {
                    let years = draw.get(fill_years).round().max(1.0);
                    let tranches = (((m - opens) / 12) as f64 + 1.0).min(years);
                    self.capacity[setting] += draw.get(places) * tranches / years;
                }
            }
        }
    }

    /// Where a placement wanting `setting` goes: independent when a capped setting is full.
    fn place(&self, setting: usize, n: f64) -> usize {
        if self.by_setting[setting] + n > self.capacity[setting] + 1e-9 {
            INDEPENDENT
        } else {
            setting
        }
    }

    fn add(&mut self, age: usize, setting: usize, n: f64) {
        self.cells[age * N_SETTINGS + setting] += n;
        self.by_setting[setting] += n;
    }

    /// A new plan: age and setting drawn from the new-plan mixes.
    pub fn add_new_plan(&mut self, rng: &mut Rng) {
        let cell = self
            .new_cell
            .as_ref()
            .map_or(OTHER, |w| w.sample(rng.next_u64()));
        let (age, mut setting) = (cell / N_SETTINGS, cell % N_SETTINGS);
        // One more uniform for the shifts and the by-need split, drawn whether or not they
        // apply, so runs with and without them stay paired (common random numbers).
        let mut v: f64 = rng.random();
        for &(from, to, share) in &self.shifts {
            if setting == from && allowed(age, to) {
                if v < share {
                    setting = to;
                    v /= share;
                } else {
                    v = (v - share) / (1.0 - share);
                }
            }
        }
        let setting = match self.independent_by_need {
            Some(p) if [LA_SPECIAL, ACADEMY_SPECIAL, INDEPENDENT].contains(&setting) => {
                if v < p {
                    INDEPENDENT
                } else {
                    self.state_special(setting)
                }
            }
            _ => self.place(setting, 1.0),
        };
        self.add(age, setting, 1.0);
    }

    /// A special-school placement the state sector should meet: the setting drawn if it has
    /// room, else the other state special setting, else independent.
    fn state_special(&self, drawn: usize) -> usize {
        let order = if drawn == ACADEMY_SPECIAL {
            [ACADEMY_SPECIAL, LA_SPECIAL]
        } else {
            [LA_SPECIAL, ACADEMY_SPECIAL]
        };
        order
            .into_iter()
            .find(|&s| self.by_setting[s] + 1.0 <= self.capacity[s] + 1e-9)
            .unwrap_or(INDEPENDENT)
    }

    /// Monthly ceasing and net migration (`migration` a month; see `monthly_rate`). Returns
    /// (ceased, net migration).
    pub fn month(&mut self, migration: f64) -> (f64, f64) {
        let mut ceased = 0.0;
        let mut migrated = 0.0;
        let mut by_setting = [0.0; N_SETTINGS];
        // Each age ceases at its own rate, then the rest migrate: a cell is multiplied by one
        // factor, and the flows come from the age's total.
        for (row, &q) in self.cells.chunks_exact_mut(N_SETTINGS).zip(&self.cease) {
            let total: f64 = row.iter().sum();
            let c = total * q;
            ceased += c;
            migrated += (total - c) * migration;
            let factor = (1.0 - q) * (1.0 + migration);
            for (x, t) in row.iter_mut().zip(&mut by_setting) {
                *x *= factor;
                *t += *x;
            }
        }
        self.by_setting = by_setting;
        (ceased, migrated)
    }

    /// September: everyone a year older, 25-year-olds leave, and phase-transfer moves.
    /// Returns plans ceased at the age limit.
    pub fn september(&mut self, model: &Model, draw: &Draw) -> f64 {
        let top = (N_AGES - 1) * N_SETTINGS;
        let aged_out: f64 = self.cells[top..].iter().sum();
        self.cells.copy_within(0..top, N_SETTINGS);
        self.cells[..N_SETTINGS].fill(0.0);
        // Settings that cannot hold the new age send plans on (school at 20 -> FE/other).
        for a in 0..N_AGES {
            for s in 0..N_SETTINGS {
                if !allowed(a, s) {
                    let i = a * N_SETTINGS + s;
                    let x = std::mem::take(&mut self.cells[i]);
                    let to = if a >= 16 { POST16 } else { OTHER };
                    self.cells[a * N_SETTINGS + to] += x;
                }
            }
        }
        self.retotal();
        let c = &model.caseload;
        // Into secondary at 11: some mainstream plans move to special schools.
        let x = self.cells[11 * N_SETTINGS + MAINSTREAM] * draw.get(c.to_special_at_11);
        self.move_to_special(11, MAINSTREAM, x);
        // At any age from 5 to 15, some plans in mainstream schools move to special schools.
        let p = draw.get(c.to_special_per_year);
        if p > 0.0 {
            for age in 5..=15 {
                for s in [MAINSTREAM, RESOURCED] {
                    let x = self.cells[age * N_SETTINGS + s] * p;
                    self.move_to_special(age, s, x);
                }
            }
        }
        // At 16: school plans in mainstream, resourced and AP move to FE.
        let p16 = draw.get(c.to_post16_at_16);
        for s in [MAINSTREAM, RESOURCED, AP] {
            let x = self.cells[16 * N_SETTINGS + s] * p16;
            self.transfer(16, s, POST16, x);
        }
        // At 19: special-school plans move to FE.
        let p19 = draw.get(c.to_post16_at_19);
        for s in [LA_SPECIAL, ACADEMY_SPECIAL, INDEPENDENT] {
            let x = self.cells[19 * N_SETTINGS + s] * p19;
            self.transfer(19, s, POST16, x);
        }
        aged_out
    }

    fn transfer(&mut self, age: usize, from: usize, to: usize, x: f64) {
        self.cells[age * N_SETTINGS + from] -= x;
        self.by_setting[from] -= x;
        self.add(age, to, x);
    }

    /// Move `x` plans into special schools: the share by need independent, the rest to state
    /// special schools while places last, and what is left independent.
    fn move_to_special(&mut self, age: usize, from: usize, x: f64) {
        let by_need = x * self.independent_by_need.unwrap_or(0.0);
        self.transfer(age, from, INDEPENDENT, by_need);
        let mut left = x - by_need;
        for s in [LA_SPECIAL, ACADEMY_SPECIAL] {
            let room = (self.capacity[s] - self.by_setting[s]).max(0.0);
            let n = left.min(room);
            self.transfer(age, from, s, n);
            left -= n;
        }
        self.transfer(age, from, INDEPENDENT, left);
    }
}

/// Shares of `w` (all on the last entry when they sum to zero).
fn shares<const N: usize>(w: [f64; N]) -> [f64; N] {
    let total: f64 = w.iter().sum();
    if total > 0.0 {
        w.map(|x| x / total)
    } else {
        std::array::from_fn(|i| f64::from(u8::from(i == N - 1)))
    }
}

/// Probabilities of a new plan's cell: age band by `ages`, age uniform within the band, setting
/// by the school or post-16 mix, a setting the age cannot hold replaced by the one it can.
fn new_cell_weights(
    ages: [f64; 5],
    school: [f64; N_SETTINGS],
    post16: [f64; N_SETTINGS],
) -> Option<Alias> {
    let (ages, school, post16) = (shares(ages), shares(school), shares(post16));
    let mut w = vec![0.0; N_AGES * N_SETTINGS];
    for (b, &(_, lo, hi)) in AGE_BANDS.iter().enumerate() {
        for age in lo..=hi {
            let mix = if age >= 16 { &post16 } else { &school };
            for (s, &p) in mix.iter().enumerate() {
                let setting = if allowed(age, s) {
                    s
                } else if age >= 16 {
                    POST16
                } else if age < 2 {
                    OTHER
                } else {
                    MAINSTREAM
                };
                w[age * N_SETTINGS + setting] += ages[b] / (hi - lo + 1) as f64 * p;
            }
        }
    }
    Alias::new(&w)
}

/// The monthly rate that compounds to `annual` over a year.
pub fn monthly_rate(annual: f64) -> f64 {
    (1.0 + annual).powf(1.0 / 12.0) - 1.0
}

/// The monthly chance of an event (leaving, a plan ceasing) whose chance in a year is `annual`.
pub fn monthly_chance(annual: f64) -> f64 {
    1.0 - (1.0 - annual).powf(1.0 / 12.0)
}

/// Plans by age and setting matching the setting totals and age-band totals, by iterative
/// proportional fitting over the allowed cells (ages spread evenly within a band to start).
pub fn fit_age_setting(settings: &[f64; N_SETTINGS], bands: &[f64; 5]) -> Vec<f64> {
    let total: f64 = settings.iter().sum();
    let band_sum: f64 = bands.iter().sum();
    let mut cells = vec![0.0; N_AGES * N_SETTINGS];
    for a in 0..N_AGES {
        for s in 0..N_SETTINGS {
            if allowed(a, s) {
                cells[a * N_SETTINGS + s] = 1.0;
            }
        }
    }
    if total <= 0.0 || band_sum <= 0.0 {
        cells.fill(0.0);
        return cells;
    }
    for _ in 0..500 {
        let mut worst: f64 = 0.0;
        for (b, &(_, lo, hi)) in AGE_BANDS.iter().enumerate() {
            let target = bands[b] / band_sum * total;
            let have: f64 = cells[lo * N_SETTINGS..(hi + 1) * N_SETTINGS].iter().sum();
            worst = worst.max((have - target).abs() / total);
            if have > 0.0 {
                cells[lo * N_SETTINGS..(hi + 1) * N_SETTINGS]
                    .iter_mut()
                    .for_each(|x| *x *= target / have);
            }
        }
        for (s, &target) in settings.iter().enumerate() {
            let have: f64 = (0..N_AGES).map(|a| cells[a * N_SETTINGS + s]).sum();
            for a in 0..N_AGES {
                let x = &mut cells[a * N_SETTINGS + s];
                *x = if have > 0.0 { *x * target / have } else { 0.0 };
            }
        }
        // Setting totals hold exactly after each pass; stop once the age bands do too (or
        // cannot, when the two sets of totals are inconsistent).
        if worst < 1e-9 {
            break;
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn september_moves_a_cohort_up_one_year() {
        let model = crate::load_model(std::path::Path::new("tests/fixtures/static.toml")).unwrap();
        let d = Draw::single(&model, 1, 0);
        let mut c = Caseload::default();
        c.init(&model, &d);
        c.cells.fill(0.0);
        c.cells[7 * N_SETTINGS + MAINSTREAM] = 10.0;
        c.cells[19 * N_SETTINGS + LA_SPECIAL] = 4.0;
        c.cells[25 * N_SETTINGS + POST16] = 3.0;
        c.retotal();
        let aged_out = c.september(&model, &d);
        assert_eq!(aged_out, 3.0);
        assert_eq!(c.cells[8 * N_SETTINGS + MAINSTREAM], 10.0);
        assert_eq!(c.cells[7 * N_SETTINGS + MAINSTREAM], 0.0);
        // 20-year-olds cannot stay at school: they move to FE.
        assert_eq!(c.cells[20 * N_SETTINGS + POST16], 4.0);
        assert_eq!(c.total(), 14.0);
    }

    #[test]
    fn fit_matches_setting_totals_and_respects_ages() {
        let settings = [1000.0, 50.0, 600.0, 250.0, 200.0, 30.0, 450.0, 60.0];
        let bands = [150.0, 900.0, 900.0, 500.0, 190.0];
        let cells = fit_age_setting(&settings, &bands);
        for (s, &want) in settings.iter().enumerate() {
            let got: f64 = (0..N_AGES).map(|a| cells[a * N_SETTINGS + s]).sum();
            assert!((got - want).abs() < 1e-6, "setting {s}: {got} vs {want}");
        }
        for a in 0..16 {
            assert_eq!(cells[a * N_SETTINGS + POST16], 0.0);
        }
        let b5_10: f64 = cells[5 * N_SETTINGS..11 * N_SETTINGS].iter().sum();
        assert!((b5_10 - 900.0).abs() < 5.0, "{b5_10}");
    }
}
