//! `sendcast explore` over HTTP: the page and its script, good and bad requests to the API
//! (each bad one a 4xx with a message), two sessions at once, a superseded run, a saved
//! scenario that `sendcast run` turns into the page's figures, a port in use (exit code 2)
//! and Ctrl-C (a clean stop).

mod common;

use common::explore::Server;
use serde_json::{json, Value};
use std::time::Duration;

const SCENARIO: &str = "scenarios/bcp/invest-784k.toml";

fn start() -> Server {
    Server::start(SCENARIO, &["--runs", "200", "--seed", "3"])
}

fn figure<'a>(answer: &'a Value, name: &str) -> &'a Value {
    answer["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no figure {name}"))
}

#[test]
fn serves_the_page_its_script_and_its_controls_and_404s_the_rest() {
    let s = start();
    let page = s.get("/");
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"));
    for needle in [
        "data-id=\"interventions[0]\"",
        "data-id=\"interventions[0].budget\"",
        "data-id=\"interventions[2].count\"",
        "data-id=\"demand.growth\"",
        "<script src=\"/explore.js\"></script>",
        "Save as scenario",
    ] {
        assert!(page.body.contains(needle), "the page lacks {needle}");
    }
    // Every asset is the server's own: no other address in the page.
    assert!(!page.body.contains("http://") && !page.body.contains("https://"));
    let js = s.get("/explore.js");
    assert_eq!(js.status, 200);
    assert!(js
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    assert!(js.body.contains("/api/run"));

    let controls: Value = serde_json::from_str(&s.get("/api/controls").body).unwrap();
    let ids: Vec<&str> = controls
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["controls"].as_array().unwrap())
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    // Six interventions in invest-784k, each with its switch.
    for i in 0..6 {
        assert!(
            ids.contains(&format!("interventions[{i}]").as_str()),
            "{ids:?}"
        );
    }
    assert!(ids.contains(&"interventions[0].day_rate") && ids.contains(&"demand.refusal_rate"));

    for path in ["/nothing", "/api/nothing", "/explore.css", "/../Cargo.toml"] {
        let r = s.get(path);
        assert_eq!(r.status, 404, "{path}");
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert!(
            v["error"].as_str().unwrap().contains("nothing at"),
            "{path}"
        );
    }
    assert_eq!(s.get("/api/run").status, 405);
    // A name other than this machine's own (a DNS name pointed here) is refused.
    let r = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
        .get(&s.url)
        .header("host", "sendcast.example:80")
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

#[test]
fn a_change_is_run_on_common_random_numbers_and_paired_with_the_previous_setting() {
    let s = start();
    let (status, first) = s.run(&json!({"session": "tab1", "runs": 200}));
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        (first["runs"].as_u64(), first["seed"].as_u64()),
        (Some(200), Some(3))
    );
    assert_eq!(first["figures"].as_array().unwrap().len(), 4);
    for f in first["figures"].as_array().unwrap() {
        assert!(f["html"].as_str().unwrap().contains("<svg"));
        assert!(
            f["diff"].as_array().unwrap().is_empty(),
            "nothing to pair yet"
        );
    }
    assert!(first["headline"][0]
        .as_str()
        .unwrap()
        .starts_with("By 31 March 2028"));
    assert!(first["probabilities_html"]
        .as_str()
        .unwrap()
        .contains("Chances of meeting targets"));
    assert!(first["probability_changes_html"].is_null());
    assert!(first["precision"][1]
        .as_str()
        .unwrap()
        .contains("a probability is good to about ±"));

    // The same setting again: the same numbers, and a paired difference of nothing.
    let (_, again) = s.run(&json!({"session": "tab1", "runs": 200}));
    assert_eq!(again["headline"], first["headline"]);
    let diff = &figure(&again, "fan_dsg_cumulative_balance")["diff"];
    assert_eq!(
        diff[0],
        "Against the previous setting, on 31 March 2028: median £0 (80% range £0 to £0)."
    );

    // Six more permanent EPs: timeliness moves, and the previous fan is drawn in grey.
    let (status, more) = s.run(&json!({"session": "tab1", "runs": 200,
        "settings": {"interventions[2].count": 12, "demand.growth": 0.02}}));
    assert_eq!(status, 200, "{more}");
    assert_ne!(more["headline"], first["headline"]);
    let fan = figure(&more, "fan_plans_within_20_weeks_pct");
    assert!(fan["html"]
        .as_str()
        .unwrap()
        .contains("previous setting: 80%"));
    assert!(fan["diff"][0]
        .as_str()
        .unwrap()
        .starts_with("Against the previous setting, in 2027-28: median"));
    assert!(more["probability_changes_html"]
        .as_str()
        .unwrap()
        .contains("Change from the previous setting"));
    let changes: Vec<&str> = more["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(changes[0].contains("count: 6 → 12"), "{changes:?}");
    assert!(
        changes[1].starts_with("demand.growth: shifted +0.02"),
        "{changes:?}"
    );
    let overlay = more["overlay"].as_str().unwrap();
    assert!(
        overlay.contains("[inherited_interventions.2]\ncount = 12.0"),
        "{overlay}"
    );
    assert!(
        overlay.contains("[demand]\ngrowth = { dist = \"normal\""),
        "{overlay}"
    );
}

fn error_of(s: &Server, body: &str) -> (u16, Value) {
    let r = s.post("/api/run", body);
    let v: Value = serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body));
    (r.status, v)
}

#[test]
fn bad_requests_get_a_4xx_with_a_message_naming_what_to_fix() {
    let s = start();
    let cases: Vec<(String, &str, Option<&str>)> = vec![
        ("not json".into(), "the request is not JSON", None),
        ("[1, 2]".into(), "must be a JSON object", None),
        (json!({"runs": 200}).to_string(), "`session` must be", None),
        (
            json!({"session": "a b", "runs": 200}).to_string(),
            "`session` must be",
            None,
        ),
        (
            json!({"session": "a", "runs": 999_999}).to_string(),
            "`runs` must be a whole number from 1 to 5,000",
            Some("runs"),
        ),
        (
            json!({"session": "a", "runs": "many"}).to_string(),
            "`runs` must be",
            Some("runs"),
        ),
        (
            json!({"session": "a", "runs": 0}).to_string(),
            "`runs` must be",
            Some("runs"),
        ),
        (
            json!({"session": "a", "colour": 1}).to_string(),
            "unknown field `colour`",
            None,
        ),
        (
            json!({"session": "a", "settings": [1]}).to_string(),
            "`settings` must be an object",
            None,
        ),
        (
            json!({"session": "a", "settings": {"demand.growht": 0.1}}).to_string(),
            "unknown input `demand.growht` (did you mean `demand.growth`?)",
            None,
        ),
        (
            json!({"session": "a", "settings": {"staff.ep.salary": 1}}).to_string(),
            "unknown input `staff.ep.salary`",
            None,
        ),
        (
            json!({"session": "a", "settings": {"demand.growth": "fast"}}).to_string(),
            "`demand.growth` takes a number (the shift of its central value), found a string",
            Some("demand.growth"),
        ),
        (
            json!({"session": "a", "settings": {"interventions[0]": 1}}).to_string(),
            "`interventions[0]` is a switch: true or false, found a number",
            Some("interventions[0]"),
        ),
        (
            json!({"session": "a", "settings": {"interventions[0].budget": null}}).to_string(),
            "takes a number, found null",
            Some("interventions[0].budget"),
        ),
        (
            json!({"session": "a", "settings": {"interventions[0].from": "October"}}).to_string(),
            "is not a month",
            Some("interventions[0].from"),
        ),
        // Out of range: the scenario loader's own messages.
        (
            json!({"session": "a", "settings": {"interventions[0].budget": -5}}).to_string(),
            "interventions[0].budget: -5 is not allowed; expected pounds from 0 to £100bn",
            Some("interventions[0].budget"),
        ),
        (
            json!({"session": "a", "settings": {"demand.refusal_rate": 0.9}}).to_string(),
            "outside what is allowed (a probability or share in [0, 1])",
            Some("demand.refusal_rate"),
        ),
        (
            json!({"session": "a", "settings": {"interventions[0].from": "2040-01"}}).to_string(),
            "interventions[0].from: 2040-01 is outside the horizon",
            Some("interventions[0].from"),
        ),
        (
            json!({"session": "a", "settings": {"interventions[0].until": "2023-06"}}).to_string(),
            "must come after `from` (2023-10)",
            Some("interventions[0].until"),
        ),
    ];
    for (body, message, input) in cases {
        let (status, v) = error_of(&s, &body);
        assert_eq!(status, 400, "{body}: {v}");
        let got = v["error"].as_str().unwrap();
        assert!(got.contains(message), "{body}: {got}");
        assert_eq!(v["input"].as_str(), input, "{body}");
    }
    // The server still answers after all that.
    let (status, _) = s.run(&json!({"session": "a", "runs": 50}));
    assert_eq!(status, 200);
}

#[test]
fn two_tabs_at_once_get_their_own_answers_and_a_newer_request_supersedes_a_running_one() {
    let s = start();
    let asks = [
        json!({"session": "left", "runs": 300, "settings": {"interventions[2]": false}}),
        json!({"session": "right", "runs": 300, "settings": {"demand.growth": -0.1}}),
    ];
    let answers: Vec<(u16, Value)> = std::thread::scope(|sc| {
        let handles: Vec<_> = asks.iter().map(|a| sc.spawn(|| s.run(a))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((status, a), ask) in answers.iter().zip(&asks) {
        assert_eq!(*status, 200, "{a}");
        let (id, _) = ask["settings"].as_object().unwrap().iter().next().unwrap();
        let changes = a["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1);
        assert!(a["overlay"]
            .as_str()
            .unwrap()
            .contains(if id == "demand.growth" {
                "[demand]"
            } else {
                "[inherited_interventions.2]\nenabled = false"
            }));
        // Each tab's first answer: nothing to pair with, whatever the other tab ran.
        assert!(figure(a, "fan_ehcps")["diff"]
            .as_array()
            .unwrap()
            .is_empty());
    }
    assert_ne!(answers[0].1["headline"], answers[1].1["headline"]);

    // A long run, then a new setting from the same tab while it runs: the first is stopped.
    let (long, short) = std::thread::scope(|sc| {
        let long = sc.spawn(|| s.run(&json!({"session": "left", "runs": 5000})));
        std::thread::sleep(Duration::from_millis(400));
        let short = s.run(&json!({"session": "left", "runs": 100}));
        (long.join().unwrap(), short)
    });
    assert_eq!(long.0, 409, "{}", long.1);
    assert!(long.1["error"].as_str().unwrap().starts_with("superseded"));
    assert_eq!(short.0, 200);
    // The superseded run was never shown, so the tab's previous setting is its first answer.
    let diff = figure(&short.1, "fan_ehcps")["diff"][0].as_str().unwrap();
    assert!(diff.starts_with("Against the previous setting"), "{diff}");
}

#[test]
fn the_saved_scenario_gives_the_page_figures_under_sendcast_run() {
    let s = start();
    let settings = json!({
        "interventions[0].budget": 600000,
        "interventions[1]": false,
        "interventions[3].from": "2024-04",
        "interventions[0].day_rate": 20,
        "demand.refusal_rate": 0.02,
    });
    let (status, a) = s.run(&json!({"session": "save", "runs": 300, "settings": settings}));
    assert_eq!(status, 200, "{a}");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join(a["file_name"].as_str().unwrap());
    std::fs::write(&file, a["overlay"].as_str().unwrap()).unwrap();
    let out = tmp.path().join("out");
    let run = common::sendcast()
        .arg("run")
        .arg(&file)
        .args([
            "--runs", "300", "--seed", "3", "--format", "csv,json", "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let printed = String::from_utf8_lossy(&run.stdout);
    let headline: Vec<&str> = printed
        .lines()
        .skip_while(|l| *l != "In short:")
        .filter_map(|l| l.strip_prefix("- "))
        .collect();
    let page: Vec<&str> = a["headline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert_eq!(headline, page);

    // Every probability and every median the page drew, as the files give them.
    let csv = common::read(&out.join("probabilities.csv"));
    for p in a["probabilities"].as_array().unwrap() {
        let row = format!(
            ",{},{},",
            p["event"].as_str().unwrap(),
            p["period"].as_str().unwrap()
        );
        let line = csv.lines().find(|l| l.contains(&row)).unwrap();
        let value: f64 = line.split(',').nth(3).unwrap().parse().unwrap();
        assert!((value - p["p"].as_f64().unwrap()).abs() < 1e-4, "{line}");
    }
    let summary = common::read(&out.join("summary.csv"));
    for m in a["medians"].as_array().unwrap() {
        let row = format!(
            ",{},{},",
            m["metric"].as_str().unwrap(),
            m["period"].as_str().unwrap()
        );
        let line = summary.lines().find(|l| l.contains(&row)).unwrap();
        let p50: f64 = line.split(',').nth(8).unwrap().parse().unwrap();
        let want = m["p50"].as_f64().unwrap();
        assert!(
            (p50 - want).abs() <= 1e-4 * want.abs().max(1.0),
            "{line}: {want}"
        );
    }
    // It names what it changed, and the switch and the edits are the loader's own keys.
    let text = a["overlay"].as_str().unwrap();
    assert!(
        text.contains("[inherited_interventions.1]\nenabled = false"),
        "{text}"
    );
    assert!(text.contains("extends = \""), "{text}");
}

#[test]
fn a_port_in_use_is_bad_input_and_ctrl_c_stops_cleanly() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = common::sendcast()
        .args(["explore", SCENARIO, "--runs", "50", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("port {port} on 127.0.0.1 is in use")),
        "{err}"
    );

    let mut s = start();
    let (status, _) = s.run(&json!({"session": "x", "runs": 50}));
    assert_eq!(status, 200);
    let pid = s.child.id().to_string();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let code = s.child.wait().unwrap();
    assert_eq!(code.code(), Some(0));
    let last = s.next_line(Duration::from_secs(30)).unwrap();
    assert_eq!(last, "sendcast explore: stopped");
}
