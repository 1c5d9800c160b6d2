//! `Clone` whose `clone_from` copies field by field into the fields' own allocations (the
//! derived `clone_from` builds a fresh clone and drops the old value): `calibrate`'s fit copies
//! its trajectories' pipelines for every capacity it tries. No engine state.

/// `impl Clone for $t` from its fields: `clone` clones each (the struct literal names every
/// field, so none is left out of either), `clone_from` calls each field's `clone_from`.
macro_rules! clone_by_fields {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl Clone for $t {
            fn clone(&self) -> Self {
                $t { $($f: self.$f.clone()),* }
            }

            fn clone_from(&mut self, source: &Self) {
                $(self.$f.clone_from(&source.$f);)*
            }
        }
    };
}

pub(crate) use clone_by_fields;
