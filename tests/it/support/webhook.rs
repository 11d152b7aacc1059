//! The real webhook server (`kubectl-release webhook`) as a child process for the tests: started with the testenv's webhook identity, stopped with signals.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::testenv::testenv_dir;

/// The token every test server is started with.
pub const TOKEN: &str = "test-token-0123456789";

/// How a test server is started.
#[derive(Debug, Clone)]
pub struct Options {
    /// Namespaces to watch (`-n`).
    pub namespaces: Vec<String>,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// `kubeconfig-webhook` (the documented RBAC) unless set.
    pub kubeconfig: Option<PathBuf>,
    /// `--listen` (default `127.0.0.1:0`).
    pub listen: Option<String>,
    pub cwd: Option<PathBuf>,
    /// A CA certificate (PEM) to trust, for a server with `--tls-cert`.
    pub ca: Option<PathBuf>,
}

impl Options {
    pub fn new(namespace: &str) -> Self {
        Options {
            namespaces: vec![namespace.to_string()],
            args: Vec::new(),
            env: Vec::new(),
            kubeconfig: None,
            listen: None,
            cwd: None,
            ca: None,
        }
    }

    pub fn arg(mut self, a: impl Into<String>) -> Self {
        self.args.push(a.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, a: I) -> Self {
        self.args.extend(a.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.to_string(), v.to_string()));
        self
    }
}

/// A running server.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT` (or https).
    pub url: String,
    pub log: PathBuf,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts the server and waits until it listens (it prints its address) and is ready.
    pub async fn start(o: Options) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("server.log");
        let kubeconfig = o
            .kubeconfig
            .clone()
            .unwrap_or_else(|| testenv_dir().join("kubeconfig-webhook"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubectl-release"));
        cmd.arg("--kubeconfig").arg(&kubeconfig).arg("webhook");
        cmd.arg("--listen")
            .arg(o.listen.as_deref().unwrap_or("127.0.0.1:0"));
        for n in &o.namespaces {
            cmd.args(["-n", n]);
        }
        cmd.args(&o.args);
        cmd.env_remove("KUBECONFIG")
            .env_remove("BASIC_AUTH_USER")
            .env_remove("BASIC_AUTH_PASSWORD")
            .env_remove("KUBECTL_RELEASE_GITHUB_SECRET")
            .env("KUBECTL_RELEASE_WEBHOOK_TOKEN", TOKEN);
        for (k, v) in &o.env {
            cmd.env(k, v);
        }
        if let Some(d) = &o.cwd {
            cmd.current_dir(d);
        } else {
            // No kubectl-release.yaml above: Keel-annotated workloads only.
            cmd.current_dir(dir.path());
        }
        cmd.stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        let child = cmd.spawn().expect("starting kubectl-release webhook");
        let mut s = Server {
            child: Some(child),
            url: String::new(),
            log,
            client: client_trusting(o.ca.as_deref()),
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = s.logs();
            if let Some(line) = text
                .lines()
                .find(|l| l.starts_with("kubectl-release webhook listening on "))
            {
                s.url = line
                    .trim_start_matches("kubectl-release webhook listening on ")
                    .to_string();
                break;
            }
            if let Some(st) = s.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("the webhook server exited ({st}) before listening:\n{text}");
            }
            assert!(
                Instant::now() < deadline,
                "the webhook server did not start:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        s.wait_ready().await;
        s
    }

    /// Waits until `/readyz` answers 200.
    pub async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = self.client.get(format!("{}/readyz", self.url)).send().await
                && r.status().as_u16() == 200
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the webhook server did not get ready:\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(|c| c.id()).unwrap_or(0)
    }

    /// Sends a signal to the server process (by its pid).
    pub fn signal(&self, sig: i32) {
        let rc = unsafe { libc::kill(self.pid() as i32, sig) };
        assert_eq!(rc, 0, "kill -{sig} {}", self.pid());
    }

    /// Waits for the process to exit, at most `timeout`.
    pub async fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(st) = self.child.as_mut()?.try_wait().unwrap() {
                return Some(st);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// POSTs `body` to `path` with the bearer token.
    pub async fn post(&self, path: &str, body: &str) -> (u16, Value) {
        let r = self
            .client
            .post(format!("{}{path}", self.url))
            .bearer_auth(TOKEN)
            .body(body.to_string())
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}\n{}", self.logs()));
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Keel's native notification for `name:tag`.
    pub async fn notify(&self, name: &str, tag: &str) -> Value {
        let (status, v) = self
            .post(
                "/v1/webhooks/native",
                &serde_json::json!({"name": name, "tag": tag}).to_string(),
            )
            .await;
        assert_eq!(status, 200, "{v}\n{}", self.logs());
        v
    }

    /// GET `path` with the bearer token, as JSON (or a string).
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .client
            .get(format!("{}{path}", self.url))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", self.logs()));
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// The server's recent releases (`/v1/releases`), newest first.
    pub async fn releases(&self) -> Vec<Value> {
        let (status, v) = self.get("/v1/releases").await;
        assert_eq!(status, 200, "{v}");
        v.as_array().cloned().unwrap_or_default()
    }

    /// Waits until release `id` reached a final state; returns it.
    pub async fn wait_release(&self, id: u64, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let rs = self.releases().await;
            if let Some(r) = rs.iter().find(|r| r["id"] == id) {
                let state = r["state"].as_str().unwrap_or("");
                if !matches!(state, "queued" | "running" | "locked-elsewhere") {
                    return r.clone();
                }
            }
            assert!(
                Instant::now() < deadline,
                "release {id} did not end within {timeout:?}: {rs:#?}\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until release `id` has applied its patch (it may still be watching).
    pub async fn wait_patched(&self, id: u64, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let rs = self.releases().await;
            if rs.iter().any(|r| r["id"] == id && r["toPatchMs"].is_u64()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "release {id} was not patched within {timeout:?}: {rs:#?}\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until every release this server knows has ended.
    pub async fn wait_idle(&self, timeout: Duration) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let rs = self.releases().await;
            if rs.iter().all(|r| {
                !matches!(
                    r["state"].as_str().unwrap_or(""),
                    "queued" | "running" | "locked-elsewhere"
                )
            }) {
                return rs;
            }
            assert!(
                Instant::now() < deadline,
                "releases still running after {timeout:?}: {rs:#?}\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The release ids a notification answer started or queued.
    pub fn release_ids(answer: &Value) -> Vec<u64> {
        answer["notifications"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|n| n["workloads"].as_array().cloned().unwrap_or_default())
            .filter_map(|w| w["release"].as_u64())
            .collect()
    }

    /// The value of a metric line (`name{labels}` exactly as exposed), 0 when absent.
    pub async fn metric(&self, series: &str) -> f64 {
        let (_, v) = self.get("/metrics").await;
        let text = v.as_str().unwrap_or("").to_string();
        text.lines()
            .find_map(|l| {
                l.strip_prefix(series)
                    .and_then(|rest| rest.strip_prefix(' '))
            })
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub fn client() -> reqwest::Client {
    client_trusting(None)
}

/// A client that also trusts the CA certificate in `ca` (PEM).
pub fn client_trusting(ca: Option<&std::path::Path>) -> reqwest::Client {
    // The server closes a keep-alive connection idle for its --header-timeout (5 s);
    // a pooled connection idle about that long races the close (a test that waited
    // 5 s between requests failed now and then), so the pool lets go sooner.
    let mut b = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .pool_idle_timeout(Duration::from_secs(2));
    if let Some(ca) = ca {
        let pem = std::fs::read(ca).unwrap();
        b = b.add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap());
    }
    b.build().unwrap()
}
