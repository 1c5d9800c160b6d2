//! A scenario that changes what it inherits: `[inherited_interventions.N]` lays keys over
//! intervention N of the files it extends, and `enabled = false` switches one off while the
//! others keep their numbers, names and random draws; bad edits are errors that say why.

use sendcast::run::{run, RunOptions};
use sendcast::scenario;
use std::path::{Path, PathBuf};

/// `text` as a scenario beside the BCP ones, compiled.
fn compile(text: &str) -> Result<sendcast::model::Model, sendcast::error::InputError> {
    let path = PathBuf::from("scenarios/bcp/overlay-test.toml");
    let loaded = scenario::load_text(&path, text)?;
    sendcast::model::compile::compile(&loaded)
}

fn value(m: &sendcast::model::Model, name: &str) -> String {
    let p = m.params.params.iter().find(|p| p.name == name).unwrap();
    p.desc.clone()
}

#[test]
fn an_edit_changes_an_inherited_intervention_and_a_switch_turns_one_off() {
    let base = sendcast::load_model(Path::new("scenarios/bcp/invest-784k.toml")).unwrap();
    let m = compile(
        "extends = \"invest-784k.toml\"\n\
         [inherited_interventions.0]\nbudget = 600000\nday_rate = { dist = \"triangular\", low = 400, mode = 450, high = 500 }\n\
         [inherited_interventions.2]\nenabled = false\n",
    )
    .unwrap();
    assert_eq!(value(&m, "interventions[0].budget"), "600000");
    assert_eq!(
        value(&m, "interventions[0].day_rate"),
        "triangular(low=400, mode=450, high=500)"
    );
    // Intervention 2 is checked but does not run; the others keep their numbers.
    assert_eq!(m.interventions.len(), base.interventions.len() - 1);
    assert!(m
        .interventions
        .iter()
        .all(|iv| iv.name != base.interventions[2].name));
    assert_eq!(
        value(&m, "interventions[3].count"),
        value(&base, "interventions[3].count")
    );

    // Switched off, then on again by a file above: the scenario as it was, draw for draw.
    let tmp = tempfile::tempdir().unwrap();
    let invest = std::fs::canonicalize("scenarios/bcp/invest-784k.toml").unwrap();
    let off = format!(
        "extends = {:?}\n[inherited_interventions.2]\nenabled = false\n",
        invest.display().to_string()
    );
    std::fs::write(tmp.path().join("off.toml"), off).unwrap();
    let on = scenario::load_text(
        &tmp.path().join("on.toml"),
        "extends = \"off.toml\"\n[inherited_interventions.2]\nenabled = true\n",
    )
    .and_then(|l| sendcast::model::compile::compile(&l))
    .unwrap();
    let opts = RunOptions::new(40, 9);
    let bits = |m: &sendcast::model::Model| -> Vec<u64> {
        run(m, &opts)
            .unwrap()
            .values
            .iter()
            .map(|x| x.to_bits())
            .collect()
    };
    assert!(
        bits(&on) == bits(&base),
        "switched back on, the run is the file's own"
    );

    // Switching off the first intervention leaves the second's uncertain day rate drawn as
    // before: its name, and so its random stream, did not change.
    let m0 =
        compile("extends = \"invest-784k.toml\"\n[inherited_interventions.0]\nenabled = false\n")
            .unwrap();
    let (a, b) = (run(&base, &opts).unwrap(), run(&m0, &opts).unwrap());
    let col = |r: &sendcast::run::Results| {
        let j = r
            .input_names
            .iter()
            .position(|n| n == "interventions[1].day_rate")
            .unwrap();
        r.inputs.column(j)
    };
    assert_eq!(col(&a), col(&b));
}

#[test]
fn bad_edits_say_what_is_allowed() {
    let cases = [
        (
            "[inherited_interventions.9]\nbudget = 1\n",
            "inherited_interventions.9",
            "the files this one extends have 6, numbered 0 to 5",
        ),
        (
            "[inherited_interventions.01]\nbudget = 1\n",
            "inherited_interventions.01",
            "not the number of an inherited intervention",
        ),
        (
            "[inherited_interventions]\nzero = 1\n",
            "inherited_interventions.zero",
            "not the number",
        ),
        (
            "inherited_interventions = 3\n",
            "inherited_interventions",
            "expected a table of changes",
        ),
        (
            "[inherited_interventions]\n0 = 5\n",
            "inherited_interventions.0",
            "expected a table of the intervention's keys",
        ),
        (
            "[inherited_interventions.1]\nenabled = \"no\"\n",
            "interventions[1].enabled",
            "expected true or false",
        ),
        (
            "[inherited_interventions.0]\nbudjet = 1\n",
            "interventions[0].budjet",
            "unknown key (did you mean `budget`?)",
        ),
        (
            "[inherited_interventions.0]\nbudget = -1\n",
            "interventions[0].budget",
            "is not allowed",
        ),
    ];
    for (tail, key, message) in cases {
        let text = format!("extends = \"invest-784k.toml\"\n{tail}");
        let e = compile(&text).unwrap_err();
        assert_eq!(e.key, key, "{text}: {e}");
        assert!(e.message.contains(message), "{text}: {e}");
    }
    // A file's own interventions are not inherited: it edits them where it writes them.
    let own = "extends = \"../../models/bcp.toml\"\n[[interventions]]\ntype = \"saving\"\nfrom = \"2024-04\"\nuntil = \"2025-04\"\namount_per_year = 1\n[inherited_interventions.0]\namount_per_year = 2\n";
    let e = compile(own).unwrap_err();
    assert!(
        e.message
            .contains("the files this one extends have no interventions"),
        "{e}"
    );
}

#[test]
fn summaries_of_some_columns_equal_those_of_all_and_leave_the_rest_undefined() {
    let m = sendcast::load_model(Path::new("scenarios/bcp/invest-784k.toml")).unwrap();
    let r = run(&m, &RunOptions::new(64, 2)).unwrap();
    let all = r.summaries();
    let some = r.summaries_where(|c| c % 3 == 0);
    assert_eq!(all.len(), some.len());
    for (c, (a, s)) in all.iter().zip(&some).enumerate() {
        if c % 3 == 0 {
            assert_eq!(a, s, "column {c}");
        } else {
            assert!(!s.is_defined() && s.n == 0, "column {c}");
        }
    }
}
