//! The integration tests' connection to the testenv: the real control plane
//! that `testenv/up` starts (see testenv/README.md).
//!
//! `TestEnv::connect()` reads `$TESTENV_DIR/kubeconfig` (default
//! `<repo>/target/testenv`). When the testenv is not up the test fails and
//! says how to start it: these tests never skip silently.
//!
//! Each test takes its own namespace with `env.ns("name")`; the namespace is
//! deleted when the returned guard is dropped, also when the test panics.

#![allow(dead_code)]

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use kube::api::{Api, DeleteParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

/// Label on every namespace a test creates, so leftovers can be found.
pub const TEST_LABEL: &str = "kubectl-release.test/owner";

/// How often `wait_for` polls.
pub const POLL: Duration = Duration::from_millis(200);

/// The testenv's directory: `$TESTENV_DIR`, else `<repo>/target/testenv`.
pub fn testenv_dir() -> PathBuf {
    match std::env::var_os("TESTENV_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/testenv"),
    }
}

/// A connection to the running testenv.
pub struct TestEnv {
    /// The testenv directory (kubeconfigs, logs).
    pub dir: PathBuf,
    /// Cluster-admin client.
    pub client: Client,
    /// Shared use of the control plane; a fault test takes it exclusively.
    _guard: Guard,
}

enum Guard {
    Shared(#[allow(dead_code)] tokio::sync::OwnedRwLockReadGuard<()>),
    Exclusive(#[allow(dead_code)] tokio::sync::OwnedRwLockWriteGuard<()>),
}

/// Tests that break the control plane on purpose (restart the apiserver) run alone.
static CONTROL_PLANE: std::sync::LazyLock<std::sync::Arc<tokio::sync::RwLock<()>>> =
    std::sync::LazyLock::new(|| std::sync::Arc::new(tokio::sync::RwLock::new(())));

impl TestEnv {
    /// Connects as cluster admin. Panics with instructions when the testenv
    /// is not up or does not answer.
    pub async fn connect() -> TestEnv {
        let guard = Guard::Shared(CONTROL_PLANE.clone().read_owned().await);
        Self::connect_with(guard).await
    }

    /// Connects for a test that disturbs the control plane: no other testenv test runs meanwhile.
    pub async fn connect_exclusive() -> TestEnv {
        let guard = Guard::Exclusive(CONTROL_PLANE.clone().write_owned().await);
        Self::connect_with(guard).await
    }

    async fn connect_with(guard: Guard) -> TestEnv {
        let dir = testenv_dir();
        let client = client_from(&dir.join("kubeconfig")).await;
        // One cheap request proves the apiserver answers and the credentials work.
        if let Err(e) = client.apiserver_version().await {
            panic!(
                "the testenv in {} does not answer: {e}\n\
                 It may have been stopped or be stale: run `testenv/down && testenv/up` \
                 (logs in {}/logs).",
                dir.display(),
                dir.display()
            );
        }
        TestEnv {
            dir,
            client,
            _guard: guard,
        }
    }

    /// Path of the least-privilege kubeconfig (ServiceAccount
    /// `kubectl-release-system/kubectl-release`, role in testenv/rbac.yaml).
    pub fn restricted_kubeconfig(&self) -> PathBuf {
        self.dir.join("kubeconfig-restricted")
    }

    /// A client with the least-privilege identity.
    pub async fn restricted_client(&self) -> Client {
        client_from(&self.restricted_kubeconfig()).await
    }

    /// Creates a fresh namespace `it-<prefix>-<unique>` and waits until pods
    /// can be created in it (its `default` ServiceAccount exists). Deleted
    /// when the guard drops.
    pub async fn ns(&self, prefix: &str) -> TestNamespace {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let unique = format!(
            "{:x}{:x}{}",
            std::process::id() & 0xffff,
            nanos & 0xfff,
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let mut prefix: String = prefix
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        prefix.truncate(40);
        let name = format!("it-{}-{unique}", prefix.trim_matches('-'));

        let ns: Namespace = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": { "name": name, "labels": { TEST_LABEL: "it" } },
        }))
        .unwrap();
        Api::<Namespace>::all(self.client.clone())
            .create(&PostParams::default(), &ns)
            .await
            .unwrap_or_else(|e| panic!("creating namespace {name}: {e}"));
        let guard = TestNamespace {
            name: name.clone(),
            kubeconfig: self.dir.join("kubeconfig"),
        };

        // Pods need the namespace's `default` ServiceAccount. The ServiceAccount
        // controller creates it, but after the fault tests restart the apiserver its
        // informers can lag by more than 30 s; creating it here does the same thing
        // without the wait (409: the controller was first).
        let sas: Api<ServiceAccount> = Api::namespaced(self.client.clone(), &name);
        let sa: ServiceAccount = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": { "name": "default" },
        }))
        .unwrap();
        match sas.create(&PostParams::default(), &sa).await {
            Ok(_) => {}
            Err(e) if api_code(&e) == Some(409) => {}
            Err(e) => panic!("creating ServiceAccount {name}/default: {e}"),
        }
        guard
    }
}

/// A namespace owned by one test; deleted (without waiting) on drop.
pub struct TestNamespace {
    pub name: String,
    kubeconfig: PathBuf,
}

impl TestNamespace {
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl std::ops::Deref for TestNamespace {
    type Target = str;
    fn deref(&self) -> &str {
        &self.name
    }
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        // Drop may run inside the test's runtime, which cannot be blocked on;
        // a thread with its own runtime and client does the deletion.
        let name = self.name.clone();
        let kubeconfig = self.kubeconfig.clone();
        let deleted = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let config = Kubeconfig::read_from(&kubeconfig).ok()?;
                let config = Config::from_custom_kubeconfig(config, &KubeConfigOptions::default())
                    .await
                    .ok()?;
                let client = Client::try_from(config).ok()?;
                let api = Api::<Namespace>::all(client);
                tokio::time::timeout(
                    Duration::from_secs(10),
                    api.delete(&name, &DeleteParams::background()),
                )
                .await
                .ok()?
                .ok()
            })
        })
        .join();
        if !matches!(deleted, Ok(Some(_))) {
            eprintln!(
                "testenv: could not delete namespace {} (left for testenv/down)",
                self.name
            );
        }
    }
}

/// A client for a kubeconfig file; panics with instructions when it is missing.
pub async fn client_from(path: &Path) -> Client {
    if !path.is_file() {
        panic!(
            "the testenv is not up: {} does not exist.\n\
             Start it with `testenv/up` (builds the control plane on first use, see \
             testenv/README.md), or set TESTENV_DIR to where it runs.",
            path.display()
        );
    }
    let kubeconfig = Kubeconfig::read_from(path)
        .unwrap_or_else(|e| panic!("reading kubeconfig {}: {e}", path.display()));
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .unwrap_or_else(|e| panic!("loading kubeconfig {}: {e}", path.display()));
    Client::try_from(config).unwrap_or_else(|e| panic!("client for {}: {e}", path.display()))
}

/// Polls `probe` every `POLL` until it returns `Some`, and returns that value.
/// Panics after `timeout`, naming `what`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        if start.elapsed() >= timeout {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The HTTP status of an API error (403, 404, ...), or None for other errors.
pub fn api_code(err: &kube::Error) -> Option<u16> {
    match err {
        kube::Error::Api(status) => Some(status.code),
        _ => None,
    }
}

/// `testenv/mark-image SUBSTRING BEHAVIOUR` against the running testenv: pods
/// whose image contains SUBSTRING (a digest) behave like `crash`, `pullfail`
/// or `unready` images from then on (`ok` removes the mark). Panics with the
/// script's output when it fails.
pub fn mark_image(substring: &str, behaviour: &str) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("testenv/mark-image");
    let out = std::process::Command::new(&script)
        .args([substring, behaviour])
        .env("TESTENV_DIR", testenv_dir())
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "testenv/mark-image {substring} {behaviour} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A digest no other test uses (for images and marks).
pub fn unique_digest(seed: &str) -> String {
    use sha2::Digest;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let h = sha2::Sha256::digest(format!("{seed}/{}/{nanos}", std::process::id()));
    format!(
        "sha256:{}",
        h.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}
