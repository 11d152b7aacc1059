//! The webhook server: Keel's endpoints in front of the release engine, so a push of `:dev` becomes a gated release of its digest.
//!
//! Routes (all authenticated but the probes; see [`auth`]):
//!
//! - `POST /v1/webhooks/native` (Keel's native payload), `/v1/webhooks/registry`
//!   (the distribution registry's notifications), `/v1/webhooks/github`
//!   (`registry_package` / `package` events, HMAC-signed): parsed by [`payload`],
//!   routed to workloads by [`targets`] (a watch-fed cache), released by the
//!   [`coordinator`] through the engine;
//! - `GET /healthz`, `GET /readyz` (watches synced, API server answering),
//!   `GET /metrics` ([`metrics`]), `GET /v1/releases`, `GET /v1/notifications`
//!   ([`journal`]), `GET /` (the status page, [`page`]).
//!
//! The HTTP stack is hyper's HTTP/1 connection (header read timeout) under axum
//! with tower-http's request timeout and body limit; TLS through rustls when a
//! certificate is given. SIGTERM stops accepting, lets running releases finish
//! for a grace period, then interrupts them (recorded, left in place).

pub mod adopt;
pub mod auth;
pub mod coordinator;
pub mod journal;
pub mod keel;
pub mod log;
pub mod metrics;
pub mod page;
pub mod payload;
pub mod targets;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Extension, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::json;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use coordinator::Shared;
use journal::NotificationEntry;
use payload::Parsed;
use targets::Cache;

/// Why the server could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("cannot listen on {addr}: {source}; is another server (Keel?) using the port?")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("TLS: {file}: {message}")]
    Tls { file: String, message: String },
    #[error(transparent)]
    Auth(#[from] auth::AuthConfigError),
}

/// How the server listens and answers.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    /// Certificate chain and key (PEM): serve HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    pub auth: auth::Auth,
    /// Namespaces to watch; all when empty.
    pub namespaces: Vec<String>,
    /// The whole request, body included, must arrive and be answered within this.
    pub request_timeout: Duration,
    /// The request head must arrive within this (a slow client is dropped).
    pub header_timeout: Duration,
    pub body_limit: usize,
    pub max_connections: usize,
    /// After SIGTERM: how long running releases may go on before they are interrupted.
    pub shutdown_grace: Duration,
    /// Seconds between status page refreshes.
    pub page_refresh: u32,
}

/// The maximum request body: 1 MiB.
pub const BODY_LIMIT: usize = 1 << 20;

#[derive(Clone)]
struct App {
    shared: Arc<Shared>,
    cache: Cache,
    auth: Arc<auth::Auth>,
    ready: Arc<tokio::sync::watch::Receiver<bool>>,
    settings: Arc<Settings>,
}

/// The caller's address, set per connection.
#[derive(Clone, Copy)]
struct Remote(SocketAddr);

/// What a webhook endpoint answered, for the notifications metric.
#[derive(Clone, Copy)]
struct Answered(&'static str);

fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, axum::Json(json!({"error": message.to_string()}))).into_response()
}

fn endpoint_of(path: &str) -> Option<&'static str> {
    match path {
        "/v1/webhooks/native" => Some("native"),
        "/v1/webhooks/registry" => Some("registry"),
        "/v1/webhooks/github" => Some("github"),
        _ => None,
    }
}

/// Authentication for everything but the probes (and GitHub's signed deliveries,
/// checked by their handler), and the notifications metric.
async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let route = match path.as_str() {
        "/"
        | "/healthz"
        | "/readyz"
        | "/metrics"
        | "/v1/releases"
        | "/v1/notifications"
        | "/v1/webhooks/native"
        | "/v1/webhooks/registry"
        | "/v1/webhooks/github" => path.as_str(),
        _ => "other",
    };
    let resp = guarded(&app, &path, req, next).await;
    app.shared.metrics.request(route, resp.status().as_u16());
    resp
}

async fn guarded(app: &App, path: &str, req: Request, next: Next) -> Response {
    let endpoint = endpoint_of(path);
    let open = matches!(path, "/healthz" | "/readyz");
    let signed = path == "/v1/webhooks/github" && app.auth.has_github_secret();
    if !open && !signed {
        let h = req
            .headers()
            .get(header::AUTHORIZATION)
            .map(HeaderValue::as_bytes);
        if let Err(e) = app.auth.check(h) {
            if let Some(ep) = endpoint {
                app.shared.metrics.notification(ep, "unauthorized");
            }
            let mut r = error(StatusCode::UNAUTHORIZED, e);
            if let Ok(v) = HeaderValue::from_str(app.auth.challenge()) {
                r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
            return close_connection(r);
        }
    }
    let mut resp = next.run(req).await;
    if matches!(
        resp.status(),
        StatusCode::PAYLOAD_TOO_LARGE | StatusCode::REQUEST_TIMEOUT
    ) {
        resp = close_connection(resp);
    }
    if let Some(ep) = endpoint {
        let result =
            resp.extensions()
                .get::<Answered>()
                .map(|r| r.0)
                .unwrap_or(match resp.status() {
                    StatusCode::UNAUTHORIZED => "unauthorized",
                    StatusCode::BAD_REQUEST => "malformed",
                    StatusCode::PAYLOAD_TOO_LARGE => "too-large",
                    StatusCode::REQUEST_TIMEOUT => "timeout",
                    StatusCode::SERVICE_UNAVAILABLE => "not-ready",
                    s if s.is_success() => "accepted",
                    _ => "error",
                });
        app.shared.metrics.notification(ep, result);
    }
    resp
}

/// Marks an answer given before the request body was read: the connection cannot
/// be reused (what is left of the body would be read as the next request), and
/// saying so keeps a keep-alive client from sending its next request into a
/// connection the server is closing.
fn close_connection(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

async fn accept(
    app: &App,
    endpoint: &'static str,
    remote: SocketAddr,
    parsed: Parsed,
    t0: Instant,
) -> Response {
    // A notification that arrives before the watches listed their objects would find no workload.
    let mut ready = (*app.ready).clone();
    let wait = app
        .settings
        .request_timeout
        .saturating_sub(Duration::from_secs(1));
    if tokio::time::timeout(wait, ready.wait_for(|r| *r))
        .await
        .is_err()
    {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the workload watches have not synced yet (see /readyz); send the notification again",
        );
    }
    let shared = &app.shared;
    let via = format!("webhook {endpoint} from {}", remote.ip());
    let summaries = app.cache.summaries();
    let mut answers = Vec::new();
    let mut any = false;
    let mut problems = Vec::new();
    for n in parsed.notifications {
        let targets = targets::select(&summaries, &shared.tracked, &n, &mut problems);
        let id = shared.journal.id();
        let routed = coordinator::notify(shared, id, targets, n.digest.clone(), &via, t0);
        any |= !routed.is_empty();
        shared.log.info(
            "notification",
            json!({"id": id, "endpoint": endpoint, "from": remote.ip().to_string(), "image": format!("{}:{}", n.name, n.tag),
                   "digest": n.digest, "workloads": routed.iter().map(|r| format!("{} {}", r.workload, r.action)).collect::<Vec<_>>()}),
        );
        answers
            .push(json!({"name": n.name, "tag": n.tag, "digest": n.digest, "workloads": routed}));
        shared.journal.notification(NotificationEntry {
            id,
            time: journal::now(),
            endpoint: endpoint.to_string(),
            from: remote.ip().to_string(),
            name: n.name,
            tag: n.tag,
            digest: n.digest,
            routed,
        });
    }
    for p in &problems {
        shared.log.warn("keel-settings", json!({"message": p}));
    }
    shared
        .metrics
        .accept_seconds
        .observe(t0.elapsed().as_secs_f64());
    let mut r = (
        StatusCode::OK,
        axum::Json(
            json!({"notifications": answers, "skipped": parsed.skipped, "problems": problems}),
        ),
    )
        .into_response();
    r.extensions_mut()
        .insert(Answered(if any { "accepted" } else { "no-target" }));
    r
}

async fn native(
    State(app): State<App>,
    Extension(Remote(from)): Extension<Remote>,
    body: Bytes,
) -> Response {
    let t0 = Instant::now();
    match payload::native(&body) {
        Ok(p) => accept(&app, "native", from, p, t0).await,
        Err(e) => error(StatusCode::BAD_REQUEST, e),
    }
}

async fn registry(
    State(app): State<App>,
    Extension(Remote(from)): Extension<Remote>,
    body: Bytes,
) -> Response {
    let t0 = Instant::now();
    match payload::registry(&body) {
        Ok(p) => accept(&app, "registry", from, p, t0).await,
        Err(e) => error(StatusCode::BAD_REQUEST, e),
    }
}

async fn github(
    State(app): State<App>,
    Extension(Remote(from)): Extension<Remote>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let t0 = Instant::now();
    if app.auth.has_github_secret()
        && let Err(e) = app.auth.check_github(
            headers
                .get("x-hub-signature-256")
                .map(HeaderValue::as_bytes),
            &body,
        )
    {
        let mut r = error(StatusCode::UNAUTHORIZED, e);
        r.extensions_mut().insert(Answered("unauthorized"));
        return r;
    }
    let event = headers
        .get("x-github-event")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match payload::github(event, &body) {
        Ok(p) => accept(&app, "github", from, p, t0).await,
        Err(e) => error(StatusCode::BAD_REQUEST, e),
    }
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(app): State<App>) -> Response {
    if app.shared.stopping.is_cancelled() {
        return error(StatusCode::SERVICE_UNAVAILABLE, "stopping");
    }
    if !*app.ready.borrow() {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the workload watches have not synced yet",
        );
    }
    let probe = tokio::time::timeout(
        Duration::from_secs(3),
        app.shared.cluster.client.apiserver_version(),
    )
    .await;
    match probe {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("the API server does not answer: {e}"),
            );
        }
        Err(_) => {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the API server did not answer within 3 s",
            );
        }
    }
    let last = app
        .cache
        .last_error
        .lock()
        .map(|e| e.clone())
        .unwrap_or(None);
    if let Some(e) = last {
        return error(StatusCode::SERVICE_UNAVAILABLE, e);
    }
    (StatusCode::OK, "ready\n").into_response()
}

async fn metrics_text(State(app): State<App>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.shared.metrics.encode(),
    )
        .into_response()
}

async fn releases(State(app): State<App>) -> Response {
    axum::Json(app.shared.journal.releases()).into_response()
}

async fn notifications(State(app): State<App>) -> Response {
    axum::Json(app.shared.journal.notifications()).into_response()
}

async fn status_page(State(app): State<App>) -> Response {
    let about = page::About {
        replica: crate::cluster::lock::holder_identity(),
        version: env!("CARGO_PKG_VERSION"),
        running: app.shared.metrics.running.get(),
        queued: app.shared.metrics.queued.get(),
        workloads_watched: app.cache.len(),
        refresh: app.settings.page_refresh,
    };
    let html = page::render(
        &about,
        &app.shared.journal.releases(),
        &app.shared.journal.notifications(),
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "no such endpoint (see /v1/webhooks/native, /v1/webhooks/registry, /v1/webhooks/github, /v1/releases, /metrics, /)",
    )
}

fn router(app: App) -> Router {
    let s = app.settings.clone();
    Router::new()
        .route("/v1/webhooks/native", post(native))
        .route("/v1/webhooks/registry", post(registry))
        .route("/v1/webhooks/github", post(github))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .route("/v1/releases", get(releases))
        .route("/v1/notifications", get(notifications))
        .route("/", get(status_page))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(s.body_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(s.body_limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            s.request_timeout,
        ))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

fn tls_acceptor(cert: &PathBuf, key: &PathBuf) -> Result<tokio_rustls::TlsAcceptor, WebhookError> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let shown = |p: &PathBuf| crate::render::fs::shown(p);
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|i| i.collect::<Result<Vec<_>, _>>())
        .map_err(|e| WebhookError::Tls {
            file: shown(cert),
            message: format!("reading the certificate chain: {e}"),
        })?;
    if certs.is_empty() {
        return Err(WebhookError::Tls {
            file: shown(cert),
            message: "no certificate in the file (PEM)".into(),
        });
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| WebhookError::Tls {
        file: shown(key),
        message: format!("reading the private key: {e}"),
    })?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
        .map_err(|e| WebhookError::Tls {
            file: shown(cert),
            message: e.to_string(),
        })?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// The first SIGTERM (or Ctrl-C) cancels `stop`; a second one `hurry` (no more grace).
fn signals(stop: CancellationToken, hurry: CancellationToken) {
    tokio::spawn(async move {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        loop {
            tokio::select! {
                r = tokio::signal::ctrl_c() => if r.is_err() { return },
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
            }
            if stop.is_cancelled() {
                hurry.cancel();
            }
            stop.cancel();
        }
    });
}

/// Runs the server until SIGTERM: watches start, the listener binds, requests
/// are answered; then a graceful stop (see [`Settings::shutdown_grace`]).
///
/// # Errors
/// The address cannot be bound, or TLS files are unusable.
pub async fn run(shared: Arc<Shared>, settings: Settings) -> Result<(), WebhookError> {
    let log = shared.log;
    let acceptor = match &settings.tls {
        Some((c, k)) => Some(tls_acceptor(c, k)?),
        None => None,
    };
    let listener =
        TcpListener::bind(settings.listen)
            .await
            .map_err(|source| WebhookError::Listen {
                addr: settings.listen,
                source,
            })?;
    let bound = listener.local_addr().unwrap_or(settings.listen);
    let cache = Cache::start(&shared.cluster, &settings.namespaces, &log);
    let (ready_tx, ready_rx) = tokio::sync::watch::channel(false);
    {
        let cache = cache.clone();
        let adopt_shared = shared.clone();
        let adopt_namespaces = settings.namespaces.clone();
        tokio::spawn(async move {
            cache.ready().await;
            log.info("watches-synced", json!({"workloads": cache.len()}));
            let _ = ready_tx.send(true);
            // Releases left unfinished (by this server before a restart, or another replica).
            adopt::start(adopt_shared, &adopt_namespaces);
        });
    }
    let app = App {
        shared: shared.clone(),
        cache,
        auth: Arc::new(settings.auth.clone()),
        ready: Arc::new(ready_rx),
        settings: Arc::new(settings.clone()),
    };
    let router = router(app);
    let stop = CancellationToken::new();
    let hurry = CancellationToken::new();
    signals(stop.clone(), hurry.clone());
    log.info(
        "listening",
        json!({"address": bound.to_string(), "tls": acceptor.is_some(), "namespaces": settings.namespaces,
               "auth": if settings.auth.is_open() { "none (--insecure-no-auth)" } else { "required" }}),
    );
    // Tests and scripts read the bound address from this line on stderr.
    eprintln!(
        "kubectl-release webhook listening on {}://{bound}",
        if acceptor.is_some() { "https" } else { "http" }
    );
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let connections = Arc::new(tokio::sync::Semaphore::new(settings.max_connections));
    loop {
        let (stream, peer) = tokio::select! {
            _ = stop.cancelled() => break,
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    log.warn("accept", json!({"message": e.to_string()}));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            // Over the connection bound: close at once rather than queue.
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let watcher = graceful.watcher();
        let acceptor = acceptor.clone();
        let header_timeout = settings.header_timeout;
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(Remote(peer));
                    router.clone().oneshot(req.map(Body::new))
                },
            );
            let mut b = hyper::server::conn::http1::Builder::new();
            b.timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(true);
            match acceptor {
                None => {
                    let conn = b.serve_connection(TokioIo::new(stream), svc);
                    let _ = watcher.watch(conn).await;
                }
                Some(a) => {
                    let Ok(Ok(tls)) = tokio::time::timeout(header_timeout, a.accept(stream)).await
                    else {
                        return;
                    };
                    let conn = b.serve_connection(TokioIo::new(tls), svc);
                    let _ = watcher.watch(conn).await;
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    log.info(
        "stopping",
        json!({"grace_secs": settings.shutdown_grace.as_secs_f64()}),
    );
    // Answers in flight finish (bounded); releases get their grace, then are interrupted.
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
    coordinator::shutdown(
        &shared,
        settings.shutdown_grace,
        &hurry,
        Duration::from_secs(15),
    )
    .await;
    log.info("stopped", json!({}));
    Ok(())
}
