//! Health gates: their settings (the release config's `gates:`), measuring the
//! HTTP and Prometheus ones, and how a gate failure is told.
//!
//! Deciding from measurements is pure ([`super::rollout`]: thresholds, tallies);
//! the two `measure_*` functions are the HTTP edge.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::record::WorkloadRef;
use super::rollout::{self, Failure, PodGates, Threshold};

/// An HTTP gate (Argo Rollouts' web metric provider).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpGate {
    pub url: String,
    #[serde(default = "default_method")]
    pub method: String,
    #[serde(default = "default_status")]
    pub expect_status: u16,
    /// A dotted path into the JSON body (`$.status`), compared with `equals`.
    pub json_path: Option<String>,
    pub equals: Option<Value>,
    #[serde(with = "humantime_serde", default = "default_interval")]
    pub interval: Duration,
    #[serde(default = "default_count")]
    pub count: u32,
    #[serde(default)]
    pub failure_limit: u32,
    #[serde(default = "default_error_limit")]
    pub consecutive_error_limit: u32,
}

/// A Prometheus gate: an instant query compared with a threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PrometheusGate {
    /// Prometheus base URL, e.g. `http://prometheus.monitoring:9090`.
    pub address: String,
    pub query: String,
    /// `< 0.05`, `>= 0.99`, ...
    pub threshold: String,
    #[serde(with = "humantime_serde", default = "default_interval")]
    pub interval: Duration,
    #[serde(default = "default_count")]
    pub count: u32,
    #[serde(default)]
    pub failure_limit: u32,
    #[serde(default = "default_error_limit")]
    pub consecutive_error_limit: u32,
}

fn default_method() -> String {
    "GET".into()
}
fn default_status() -> u16 {
    200
}
fn default_interval() -> Duration {
    Duration::from_secs(5)
}
fn default_count() -> u32 {
    3
}
fn default_error_limit() -> u32 {
    4
}

/// All health gates of an environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Gates {
    /// A new pod not Ready this long after creation fails the release.
    #[serde(with = "humantime_serde", default = "default_readiness")]
    pub readiness_timeout: Duration,
    /// More restarts than this in a new container fail the release.
    #[serde(default = "default_restarts")]
    pub max_restarts: u32,
    /// Everything must stay healthy this long after the rollout completes.
    #[serde(with = "humantime_serde", default)]
    pub soak: Duration,
    /// The whole release (rollout + soak + gates) must finish within this.
    #[serde(with = "humantime_serde", default = "default_timeout")]
    pub timeout: Duration,
    #[serde(default)]
    pub http: Vec<HttpGate>,
    #[serde(default)]
    pub prometheus: Vec<PrometheusGate>,
}

fn default_timeout() -> Duration {
    Duration::from_secs(600)
}
fn default_readiness() -> Duration {
    PodGates::default().readiness_timeout
}
fn default_restarts() -> u32 {
    PodGates::default().max_restarts
}

impl Gates {
    pub fn pods(&self) -> PodGates {
        PodGates {
            readiness_timeout: self.readiness_timeout,
            max_restarts: self.max_restarts,
        }
    }
}

impl Default for Gates {
    fn default() -> Self {
        Gates {
            readiness_timeout: default_readiness(),
            max_restarts: default_restarts(),
            soak: Duration::ZERO,
            timeout: default_timeout(),
            http: Vec::new(),
            prometheus: Vec::new(),
        }
    }
}

pub async fn measure_http(g: &HttpGate) -> Result<bool, String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let method = reqwest::Method::from_bytes(g.method.as_bytes()).map_err(|e| e.to_string())?;
    let resp = client
        .request(method, &g.url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if resp.status().as_u16() != g.expect_status {
        return Ok(false);
    }
    match (&g.json_path, &g.equals) {
        (Some(path), Some(want)) => {
            let v: Value = resp
                .json()
                .await
                .map_err(|e| format!("body is not JSON: {e}"))?;
            Ok(rollout::json_path(&v, path) == Some(want))
        }
        _ => Ok(true),
    }
}

pub async fn measure_prometheus(g: &PrometheusGate) -> Result<bool, String> {
    let threshold = Threshold::parse(&g.threshold)?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("{}/api/v1/query", g.address.trim_end_matches('/'));
    let resp = client
        .get(&url)
        .query(&[("query", g.query.as_str())])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let v: Value = resp.json().await.map_err(|e| e.to_string())?;
    if v.get("status").and_then(Value::as_str) != Some("success") {
        return Err(format!(
            "query failed: {}",
            v.get("error")
                .and_then(Value::as_str)
                .unwrap_or("unknown error")
        ));
    }
    let result = &v["data"]["result"];
    let value = match v["data"]["resultType"].as_str() {
        Some("vector") => result
            .get(0)
            .and_then(|s| s["value"].get(1))
            .and_then(Value::as_str),
        Some("scalar") => result.get(1).and_then(Value::as_str),
        _ => None,
    }
    .ok_or_else(|| "the query returned no sample".to_string())?;
    let x: f64 = value
        .parse()
        .map_err(|_| format!("sample {value:?} is not a number"))?;
    Ok(threshold.holds(x))
}

impl HttpGate {
    pub fn id(&self) -> MetricGate {
        MetricGate::Http {
            url: self.url.clone(),
        }
    }
}

impl PrometheusGate {
    pub fn id(&self) -> MetricGate {
        MetricGate::Prometheus {
            query: self.query.clone(),
            threshold: self.threshold.clone(),
        }
    }
}

impl Measurement {
    pub fn from_result(r: &Result<bool, String>) -> Self {
        match r {
            Ok(true) => Measurement::Passed,
            Ok(false) => Measurement::Failed,
            Err(e) => Measurement::Error { message: e.clone() },
        }
    }
}

/// Why the gates failed a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "gate", rename_all = "kebab-case")]
pub enum GateFailure {
    /// Kubernetes progress or a pod signal of one workload.
    Rollout {
        workload: WorkloadRef,
        failure: Failure,
    },
    Http {
        url: String,
        failed: u32,
        errors: u32,
    },
    Prometheus {
        query: String,
        failed: u32,
        errors: u32,
    },
    /// The release did not finish within `gates.timeout`.
    Timeout { after_secs: u64, waiting: String },
    /// Argo CD's own health of the Application (Degraded).
    Argo {
        application: String,
        health: String,
        message: String,
    },
}

impl std::fmt::Display for GateFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GateFailure::Rollout { workload, failure } => write!(f, "{workload}: {failure}"),
            GateFailure::Http {
                url,
                failed,
                errors,
            } => write!(
                f,
                "http gate {url} failed ({failed} failed, {errors} errors)"
            ),
            GateFailure::Prometheus {
                query,
                failed,
                errors,
            } => write!(
                f,
                "prometheus gate {query:?} failed ({failed} failed, {errors} errors)"
            ),
            GateFailure::Timeout {
                after_secs,
                waiting,
            } => {
                write!(f, "timed out after {after_secs}s ({waiting})")
            }
            GateFailure::Argo {
                application,
                health,
                message,
            } => write!(
                f,
                "Argo CD reports Application {application} {health}: {message}"
            ),
        }
    }
}

/// A metric gate, named for events and messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum MetricGate {
    Http { url: String },
    Prometheus { query: String, threshold: String },
}

impl std::fmt::Display for MetricGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MetricGate::Http { url } => write!(f, "http gate {url}"),
            MetricGate::Prometheus { query, .. } => write!(f, "prometheus gate {query:?}"),
        }
    }
}

/// One measurement of a metric gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Measurement {
    Passed,
    /// Measured, and the value is not what the gate wants.
    Failed,
    /// Could not measure.
    Error {
        message: String,
    },
}
