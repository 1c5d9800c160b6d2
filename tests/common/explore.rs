//! A `sendcast explore` server for a test: started on a free port of 127.0.0.1, its address
//! read from what it prints, stopped when dropped; and a small HTTP client for it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    /// The rest of what it prints, read as it comes.
    lines: std::sync::Mutex<std::sync::mpsc::Receiver<String>>,
}

impl Server {
    /// `sendcast explore SCENARIO --port 0` with `args`, once it prints its address.
    pub fn start(scenario: &str, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sendcast"))
            .args(["explore", scenario, "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("sendcast starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("sendcast explore prints its address");
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        Server {
            child,
            url,
            lines: std::sync::Mutex::new(rx),
        }
    }

    /// The next line it prints, within `timeout`.
    pub fn next_line(&self, timeout: Duration) -> Option<String> {
        self.lines.lock().unwrap().recv_timeout(timeout).ok()
    }

    pub fn get(&self, path: &str) -> Reply {
        let r = agent()
            .get(format!("{}{}", self.url, path.trim_start_matches('/')))
            .call();
        Reply::from(r)
    }

    pub fn post(&self, path: &str, body: &str) -> Reply {
        let r = agent()
            .post(format!("{}{}", self.url, path.trim_start_matches('/')))
            .header("content-type", "application/json")
            .send(body);
        Reply::from(r)
    }

    /// `POST /api/run` with a JSON body, its answer as JSON.
    pub fn run(&self, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let r = self.post("/api/run", &body.to_string());
        let v =
            serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.body));
        (r.status, v)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Reply {
    pub status: u16,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    fn from(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut r = r.expect("the server answers");
        let headers = r
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        Reply {
            status: r.status().as_u16(),
            body: r
                .body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_string()
                .expect("a text body"),
            headers,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}
