//! The HTTP side of `sendcast explore` (axum on tokio, 127.0.0.1 only): the page and its
//! script, the controls as JSON, and `POST /api/run`. Each browser tab is a session with its
//! own previous setting; a tab's new request stops the run it superseded. Bad requests get a
//! 4xx with a JSON message the page shows; unknown paths a 404; Ctrl-C stops it cleanly.

use super::settings::BadRequest;
use super::{answer::Snapshot, controls, page, settings, Explorer, Failure, Outcome};
use crate::error::{InputError, Loc};
use anyhow::{Context, Result};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// Browser tabs remembered at once; the one unused longest is forgotten first.
const MAX_SESSIONS: usize = 8;

/// Listen on 127.0.0.1:`port` (0: any free port). A port in use is bad input (exit code 2).
pub fn bind(scenario: &Path, port: u16) -> Result<TcpListener> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "port {port} on 127.0.0.1 is in use (another sendcast explore?); choose another with --port N, or --port 0 for any free port"
            )
        } else {
            format!("cannot listen on 127.0.0.1:{port}: {e}")
        };
        InputError::new(&Loc::file_start(scenario), "--port", why).into()
    })
}

/// One browser tab.
struct Session {
    /// Requests this tab has made; only the latest one's answer is kept.
    generation: u64,
    /// Set to stop the tab's running simulation.
    stop: Arc<AtomicBool>,
    /// The last setting the tab was shown.
    previous: Option<Arc<Snapshot>>,
    used: Instant,
}

struct App {
    ex: Explorer,
    page: String,
    controls: String,
    port: u16,
    sessions: Mutex<HashMap<String, Session>>,
}

impl App {
    fn sessions(&self) -> MutexGuard<'_, HashMap<String, Session>> {
        // A panic elsewhere while the lock was held leaves the map itself usable.
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Start a request of tab `id`: stop its running simulation, and hand back the request's
    /// number, its own stop flag and the tab's previous setting.
    fn begin(&self, id: &str) -> (u64, Arc<AtomicBool>, Option<Arc<Snapshot>>) {
        let mut map = self.sessions();
        if !map.contains_key(id) && map.len() >= MAX_SESSIONS {
            if let Some(oldest) = map
                .iter()
                .min_by_key(|(_, s)| s.used)
                .map(|(k, _)| k.clone())
            {
                if let Some(s) = map.remove(&oldest) {
                    s.stop.store(true, Ordering::Relaxed);
                }
            }
        }
        let s = map.entry(id.to_string()).or_insert_with(|| Session {
            generation: 0,
            stop: Arc::new(AtomicBool::new(false)),
            previous: None,
            used: Instant::now(),
        });
        s.stop.store(true, Ordering::Relaxed);
        s.stop = Arc::new(AtomicBool::new(false));
        s.generation += 1;
        s.used = Instant::now();
        (s.generation, Arc::clone(&s.stop), s.previous.clone())
    }

    /// Keep `snapshot` as tab `id`'s previous setting, unless a newer request came since.
    fn finish(&self, id: &str, generation: u64, snapshot: Box<Snapshot>) {
        if let Some(s) = self.sessions().get_mut(id) {
            if s.generation == generation {
                s.previous = Some(Arc::from(snapshot));
            }
        }
    }

    fn stop_all(&self) {
        for s in self.sessions().values() {
            s.stop.store(true, Ordering::Relaxed);
        }
    }
}

/// Sets a run's stop flag when its request ends, answered or not (a closed tab, an aborted
/// fetch), so no simulation runs on for nobody.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Serve until Ctrl-C (or SIGTERM); `ready` is told the page's address once it answers.
pub fn serve(ex: Explorer, listener: TcpListener, ready: impl FnOnce(&str)) -> Result<()> {
    let addr: SocketAddr = listener
        .local_addr()
        .context("reading the server's address")?;
    listener
        .set_nonblocking(true)
        .context("setting up the listening socket")?;
    let app = Arc::new(App {
        page: page::render(&ex),
        controls: controls::to_json(&ex.groups).to_string(),
        port: addr.port(),
        ex,
        sessions: Mutex::new(HashMap::new()),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the web server's runtime")?;
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)
            .context("setting up the listening socket")?;
        let router = Router::new()
            .route("/", get(page_route))
            .route("/explore.js", get(script_route))
            .route("/api/controls", get(controls_route))
            .route("/api/run", post(run_route))
            .fallback(not_found)
            .layer(middleware::from_fn_with_state(Arc::clone(&app), guard))
            .with_state(Arc::clone(&app));
        ready(&format!("http://{addr}/"));
        let stopping = Arc::clone(&app);
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                stopping.stop_all();
            })
            .await
            .context("serving")
    });
    // Runs told to stop end within a trajectory; give them a moment.
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    result
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// Headers every answer carries: nothing cached, nothing sniffed, and a page that may load
/// nothing but its own script and talk to nothing but this server.
fn secure(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; \
             connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
    );
    r
}

/// Only requests addressed to this server by a local name are served (a web page elsewhere
/// cannot reach it through a DNS name that points here); every answer gets `secure` headers.
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    if !local_host(req.headers(), app.port) {
        return secure(error(
            StatusCode::FORBIDDEN,
            "this server answers only requests to 127.0.0.1 or localhost",
            None,
        ));
    }
    secure(next.run(req).await)
}

fn local_host(headers: &HeaderMap, port: u16) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        // HTTP/1.0 without a Host header: only a local client can have connected.
        return true;
    };
    ["127.0.0.1", "localhost"]
        .iter()
        .any(|name| host == format!("{name}:{port}"))
}

fn error(status: StatusCode, message: &str, input: Option<&str>) -> Response {
    (
        status,
        axum::Json(json!({"error": message, "input": input})),
    )
        .into_response()
}

async fn page_route(State(app): State<Arc<App>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        app.page.clone(),
    )
        .into_response()
}

async fn script_route() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        page::SCRIPT,
    )
        .into_response()
}

async fn controls_route(State(app): State<Arc<App>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        app.controls.clone(),
    )
        .into_response()
}

async fn not_found(req: Request) -> Response {
    error(
        StatusCode::NOT_FOUND,
        &format!(
            "nothing at {}; the page is at /, its API at /api/controls and /api/run",
            req.uri().path()
        ),
        None,
    )
}

async fn run_route(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let req = match settings::parse(&app.ex, &body) {
        Ok(r) => r,
        Err(b) => return bad(b),
    };
    let (generation, stop, previous) = app.begin(&req.session);
    let _guard = StopOnDrop(Arc::clone(&stop));
    let worker = Arc::clone(&app);
    let session = req.session.clone();
    let done =
        tokio::task::spawn_blocking(move || worker.ex.respond(&req, stop, previous.as_deref()))
            .await;
    match done {
        Ok(Ok(Outcome::Answer(mut body, snapshot))) => {
            app.finish(&session, generation, snapshot);
            if let Some(o) = body.as_object_mut() {
                o.insert("generation".into(), json!(generation));
            }
            axum::Json(body).into_response()
        }
        Ok(Ok(Outcome::Superseded)) => {
            let mut r = error(
                StatusCode::CONFLICT,
                "superseded: a newer setting from this page replaced this one",
                None,
            );
            r.headers_mut()
                .insert("x-superseded", header::HeaderValue::from_static("1"));
            r
        }
        Ok(Err(Failure::Bad(b))) => bad(b),
        Ok(Err(Failure::Internal(e))) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("the answer could not be drawn: {e:#}"),
            None,
        ),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("the simulation failed (a sendcast bug): {e}"),
            None,
        ),
    }
}

fn bad(b: BadRequest) -> Response {
    error(StatusCode::BAD_REQUEST, &b.message, b.input.as_deref())
}
