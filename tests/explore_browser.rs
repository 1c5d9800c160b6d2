//! `sendcast explore` in a real browser: headless Chromium, driven over the DevTools protocol,
//! loads the page, a control is changed as a person would, and a chart and a headline
//! sentence change, the previous setting drawn beneath; "Save as scenario" downloads the
//! settings; every request the page makes goes to the server itself. Skips without a Chromium unless SENDCAST_REQUIRE_BROWSER=1 (as in CI).
//!
//! `SENDCAST_EXPLORE_MEASURE=N` also times N more changes at the default runs and prints the
//! median and the worst, and writes a screenshot to the temporary folder.

mod common;

use common::explore::Server;
use common::{chromium, chromium_flags};
use serde_json::{json, Value};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// A page in Chromium, spoken to over the DevTools protocol.
struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    next: u64,
    /// Events received so far (`Network.requestWillBeSent` and the like).
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start(path: &std::path::Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(path)
            .args(chromium_flags(profile.path()))
            .args([
                "--remote-debugging-port=0",
                "--window-size=1400,1800",
                "about:blank",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        // Chromium writes the port it chose into the profile.
        let file = profile.path().join("DevToolsActivePort");
        let t0 = Instant::now();
        let port = loop {
            if let Some(p) = std::fs::read_to_string(&file)
                .ok()
                .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<u16>().ok()))
            {
                break p;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "chromium did not open DevTools"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        let text = ureq::get(format!("http://127.0.0.1:{port}/json/list"))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        let list: Value = serde_json::from_str(&text).unwrap();
        let target = list
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .expect("a page target");
        let url = target["webSocketDebuggerUrl"].as_str().unwrap().to_string();
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("DevTools connects");
        let mut b = Browser {
            child,
            ws,
            next: 0,
            events: Vec::new(),
            _profile: profile,
        };
        for domain in ["Network.enable", "Page.enable", "Runtime.enable"] {
            b.call(domain, json!({}));
        }
        b
    }

    /// Send a command, keep the events that come before its result, return the result.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let msg = json!({"id": id, "method": method, "params": params}).to_string();
        self.ws.send(Message::text(msg)).unwrap();
        loop {
            let m = self.ws.read().expect("DevTools answers");
            let Message::Text(t) = m else { continue };
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            if v["id"].as_u64() == Some(id) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    /// The value of a JavaScript expression in the page.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expr}: {r}");
        r["result"]["value"].clone()
    }

    /// Wait until the page has drawn `n` answers.
    fn answers(&mut self, n: u64) {
        let t0 = Instant::now();
        while self
            .eval("window.sendcastAnswers || 0")
            .as_u64()
            .unwrap_or(0)
            < n
        {
            if t0.elapsed() > Duration::from_secs(120) {
                let error = self.eval("document.getElementById('error')?.textContent || ''");
                panic!("no answer {n}; the page shows: {error}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let error = self.eval("document.getElementById('error').hidden");
        assert_eq!(error, true, "an answer clears the error");
        // And until its time is taken (the frame after the next).
        while self.eval("window.sendcastTimings.length").as_u64().unwrap() < n {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What the page shows: the timeliness chart, the headline and the paired differences.
    fn shown(&mut self) -> (String, Vec<String>, Vec<String>) {
        let v = self.eval(
            "JSON.stringify({fig: document.querySelector('#slot-fan_plans_within_20_weeks_pct .figure').innerHTML, \
             lines: Array.from(document.querySelectorAll('#sentences li'), l => l.textContent), \
             diff: Array.from(document.querySelectorAll('#slot-fan_plans_within_20_weeks_pct .diff li'), l => l.textContent)})",
        );
        let v: Value = serde_json::from_str(v.as_str().unwrap()).unwrap();
        let strings = |k: &str| -> Vec<String> {
            v[k].as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect()
        };
        (
            v["fig"].as_str().unwrap().to_string(),
            strings("lines"),
            strings("diff"),
        )
    }

    /// Every address the page asked for.
    fn requests(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .map(|e| e["params"]["request"]["url"].as_str().unwrap().to_string())
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_changed_control_redraws_a_chart_and_the_headline_and_nothing_is_fetched_from_outside() {
    let Some(path) = chromium() else {
        return;
    };
    let measure: usize = std::env::var("SENDCAST_EXPLORE_MEASURE")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    // Measured at the default runs (or SENDCAST_EXPLORE_RUNS); tested at fewer, for speed.
    let runs = match (measure, std::env::var("SENDCAST_EXPLORE_RUNS")) {
        (0, _) => "150".to_string(),
        (_, Ok(n)) => n,
        _ => sendcast::explore::DEFAULT_RUNS.to_string(),
    };
    let server = Server::start("scenarios/bcp/invest-784k.toml", &["--runs", &runs]);
    let mut b = Browser::start(&path);
    b.call("Page.navigate", json!({"url": server.url}));
    b.answers(1);
    let (fig1, lines1, diff1) = b.shown();
    assert!(fig1.contains("<svg") && fig1.contains("Plans issued within 20 weeks"));
    assert!(lines1[0].starts_with("By 31 March 2028"), "{lines1:?}");
    assert!(diff1.is_empty());

    // Switch off the six permanent EPs, as a person would: a click on the box.
    b.eval("document.querySelector('[data-id=\"interventions[2]\"]').click()");
    b.answers(2);
    let (fig2, lines2, diff2) = b.shown();
    assert_ne!(fig2, fig1, "the chart is redrawn");
    assert!(
        fig2.contains("previous setting: 80%"),
        "the previous setting is drawn"
    );
    assert_ne!(lines2, lines1, "a headline sentence changes");
    let changed: Vec<&String> = lines2.iter().filter(|l| !lines1.contains(l)).collect();
    assert!(
        changed
            .iter()
            .any(|l| l.contains("within the statutory 20 weeks")),
        "{changed:?}"
    );
    assert!(diff2[0].starts_with("Against the previous setting, in 2027-28: median"));
    let changes = b.eval("document.getElementById('changes').textContent");
    assert!(
        changes.as_str().unwrap().contains("switched off"),
        "{changes}"
    );

    // A slider: demand growth up by two steps.
    b.eval(
        "(() => { const r = document.querySelector('input[type=range][data-for=\"demand.growth\"]'); \
         r.value = String(2 * Number(r.step)); r.dispatchEvent(new Event('input', {bubbles: true})); })()",
    );
    b.answers(3);
    let (fig3, _, _) = b.shown();
    assert_ne!(fig3, fig2);
    let shown = b.eval("document.querySelector('[data-id=\"demand.growth\"]').value");
    assert_ne!(shown, "0", "the slider's number follows it");

    // A value the scenario does not allow: the page shows the loader's message by the control.
    b.eval(
        "(() => { const n = document.querySelector('[data-id=\"interventions[0].budget\"]'); \
         n.value = '-5'; n.dispatchEvent(new Event('change', {bubbles: true})); })()",
    );
    let t0 = Instant::now();
    let message = loop {
        let m = b.eval("document.querySelector('p.error[data-error-for=\"interventions[0].budget\"]').textContent");
        if m != "" {
            break m;
        }
        assert!(t0.elapsed() < Duration::from_secs(60), "no error shown");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        message.as_str().unwrap().contains("-5 is not allowed"),
        "{message}"
    );
    let banner = b.eval("document.getElementById('error').hidden");
    assert_eq!(banner, false, "the error is also shown above the answer");
    b.eval(
        "(() => { const n = document.querySelector('[data-id=\"interventions[0].budget\"]'); \
         n.value = n.dataset.initial; n.dispatchEvent(new Event('change', {bubbles: true})); })()",
    );
    b.answers(4);
    let offset = 4;

    // "Save as scenario" downloads the settings as a file that extends the scenario.
    let downloads = tempfile::tempdir().unwrap();
    b.call(
        "Browser.setDownloadBehavior",
        json!({"behavior": "allow", "downloadPath": downloads.path().to_str().unwrap()}),
    );
    b.eval("document.getElementById('save').click()");
    let saved = downloads.path().join("bcp-invest-784k-explore.toml");
    let t0 = Instant::now();
    while !saved.is_file() {
        assert!(t0.elapsed() < Duration::from_secs(30), "no download");
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = common::read(&saved);
    assert!(
        text.contains("invest-784k.toml\"\nname = \"bcp-invest-784k-explore\""),
        "{text}"
    );
    assert!(
        text.contains("[inherited_interventions.2]\nenabled = false"),
        "{text}"
    );
    assert!(text.contains("[demand]\ngrowth = "), "{text}");

    let mut extra = Vec::new();
    for i in 0..measure {
        // Alternate the budget of the locum EPs between two values, so each change redraws.
        let value = if i % 2 == 0 { 700_000 } else { 400_000 };
        b.eval(&format!(
            "(() => {{ const n = document.querySelector('[data-id=\"interventions[0].budget\"]'); \
             n.value = '{value}'; n.dispatchEvent(new Event('change', {{bubbles: true}})); }})()"
        ));
        b.answers(offset + 1 + i as u64);
        extra.push(b.eval("window.sendcastTimings[window.sendcastTimings.length - 1]"));
        if measure > 0 {
            eprintln!(
                "{}",
                b.eval("document.getElementById('timing').textContent")
            );
        }
    }
    if measure > 0 {
        let mut ms: Vec<f64> = extra.iter().map(|v| v.as_f64().unwrap()).collect();
        ms.sort_by(f64::total_cmp);
        eprintln!(
            "change to redraw at {runs} runs, {} changes: median {:.0} ms, worst {:.0} ms; all {:?}",
            ms.len(),
            ms[ms.len() / 2],
            ms[ms.len() - 1],
            ms.iter().map(|x| x.round()).collect::<Vec<_>>()
        );
        // The top of the page, then its charts.
        for (name, scroll) in [
            ("top", "window.scrollTo(0, 0)"),
            (
                "charts",
                "document.getElementById('charts').scrollIntoView()",
            ),
        ] {
            b.eval(scroll);
            let shot = b.call("Page.captureScreenshot", json!({"format": "png"}));
            let png = data_encoding::BASE64
                .decode(shot["data"].as_str().unwrap().as_bytes())
                .unwrap();
            let file = std::env::temp_dir().join(format!("sendcast-explore-{name}.png"));
            std::fs::write(&file, png).unwrap();
            eprintln!("screenshot: {}", file.display());
        }
    }

    let urls = b.requests();
    assert!(urls.iter().any(|u| u.ends_with("/explore.js")), "{urls:?}");
    assert!(
        urls.iter().filter(|u| u.ends_with("/api/run")).count() >= 3,
        "{urls:?}"
    );
    // `data:` is inline (Chromium's own icon of the month fields), not a fetch.
    let outside: Vec<&String> = urls
        .iter()
        .filter(|u| !u.starts_with(&server.url) && !u.starts_with("data:"))
        .collect();
    assert!(
        outside.is_empty(),
        "the page fetched from outside: {outside:?}"
    );
}
