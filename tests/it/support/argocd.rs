//! The Argo CD part of the testenv (`testenv/up --argocd`, see testenv/README.md):
//! where things are, read from `$TESTENV_DIR/argocd.env`, git repositories on its
//! loopback git server, and Applications that tests create and wait for.
//!
//! Like the rest of the testenv, a test fails (never skips) when Argo CD is not up.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kube::Client;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, PostParams};
use serde_json::Value;

use super::git::git;
use super::testenv::{POLL, api_code, client_from, testenv_dir};

/// The running Argo CD beside the testenv.
pub struct ArgoCd {
    /// Namespace of the Applications and AppProjects (`ARGOCD_NAMESPACE`).
    pub namespace: String,
    /// Base URL of the git server: `$GIT_URL/NAME.git` serves `$GIT_ROOT/NAME.git`.
    pub git_url: String,
    /// Directory of the bare repositories the git server serves.
    pub git_root: PathBuf,
    /// Everything argocd.env says (ports, binaries, log directory).
    pub vars: BTreeMap<String, String>,
}

/// Reads `KEY=VALUE` lines.
fn parse_env(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl ArgoCd {
    /// Reads argocd.env and checks that the application controller answers. Panics
    /// with instructions when Argo CD is not up.
    pub async fn connect() -> ArgoCd {
        let path = testenv_dir().join("argocd.env");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "Argo CD is not up: cannot read {} ({e}).\n\
                 Start it with `testenv/up --argocd` (builds Argo CD on first use, see \
                 testenv/README.md), or set TESTENV_DIR to where it runs.",
                path.display()
            )
        });
        let vars = parse_env(&text);
        let get = |k: &str| {
            vars.get(k)
                .unwrap_or_else(|| panic!("{} has no {k}", path.display()))
                .clone()
        };
        let argocd = ArgoCd {
            namespace: get("ARGOCD_NAMESPACE"),
            git_url: get("GIT_URL"),
            git_root: PathBuf::from(get("GIT_ROOT")),
            vars: vars.clone(),
        };
        let healthz = get("ARGOCD_CONTROLLER_METRICS").replace("/metrics", "/healthz");
        let alive = reqwest::Client::new()
            .get(&healthz)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map(|r| r.status().is_success());
        if !matches!(alive, Ok(true)) {
            panic!(
                "Argo CD's application controller does not answer at {healthz} ({alive:?}): \
                 run `testenv/down && testenv/up --argocd` (logs in {})",
                argocd.log_dir().display()
            );
        }
        // What Argo CD renders is compared with what this build's `render` prints.
        let ours = std::fs::canonicalize(env!("CARGO_BIN_EXE_kubectl-release")).ok();
        let plugin = argocd
            .vars
            .get("KUBECTL_RELEASE_BIN")
            .and_then(|p| std::fs::canonicalize(p).ok());
        if ours != plugin {
            eprintln!(
                "argocd: note: the plugin runs {plugin:?}, not this build's {ours:?} \
                 (start with KUBECTL_RELEASE_BIN=target/debug/kubectl-release testenv/up --argocd)"
            );
        }
        argocd
    }

    /// Where the components log (`argocd-repo-server.log`, ...).
    pub fn log_dir(&self) -> PathBuf {
        self.vars
            .get("ARGOCD_LOG_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| testenv_dir().join("logs"))
    }

    /// Creates the bare repository `$GIT_ROOT/NAME.git` with a plain `git init
    /// --bare` and returns its URL on the git server.
    pub fn bare_repo(&self, name: &str) -> String {
        let dir = self.git_root.join(format!("{name}.git"));
        git(
            &self.git_root,
            &["init", "-q", "--bare", "-b", "main", dir.to_str().unwrap()],
        );
        format!("{}/{name}.git", self.git_url)
    }

    /// Makes the files in `work` the first commit of `main` and pushes it over
    /// HTTP to a new repository NAME on the git server. Returns the URL and the
    /// commit.
    pub fn push_new_repo(&self, work: &Path, name: &str) -> (String, String) {
        let url = self.bare_repo(name);
        git(work, &["init", "-q", "-b", "main"]);
        for (k, v) in [
            ("user.email", "ci@example.com"),
            ("user.name", "CI"),
            ("commit.gpgsign", "false"),
        ] {
            git(work, &["config", k, v]);
        }
        git(work, &["add", "-A"]);
        git(work, &["commit", "-q", "-m", "initial"]);
        git(work, &["push", "-q", &url, "main"]);
        let commit = git(work, &["rev-parse", "HEAD"]).trim().to_string();
        (url, commit)
    }

    /// The last lines of a component's log, for failure messages.
    pub fn log_tail(&self, component: &str, lines: usize) -> String {
        let text = std::fs::read_to_string(self.log_dir().join(format!("{component}.log")))
            .unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

/// The Application resource (argoproj.io/v1alpha1).
pub fn application_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("argoproj.io", "v1alpha1", "Application"),
        "applications",
    )
}

/// An Application created by a test; deleted (and awaited) on drop, without
/// cascading: the test namespace's deletion removes what it deployed.
pub struct TestApp {
    pub name: String,
    pub namespace: String,
    kubeconfig: PathBuf,
}

impl TestApp {
    /// Creates the Application `name` in Argo CD's namespace from `spec`.
    pub async fn create(client: &Client, argocd: &ArgoCd, name: &str, spec: Value) -> TestApp {
        let api: Api<DynamicObject> =
            Api::namespaced_with(client.clone(), &argocd.namespace, &application_resource());
        let obj: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": { "name": name, "namespace": argocd.namespace },
            "spec": spec,
        }))
        .unwrap();
        api.create(&PostParams::default(), &obj)
            .await
            .unwrap_or_else(|e| panic!("creating Application {name}: {e}"));
        TestApp {
            name: name.to_string(),
            namespace: argocd.namespace.clone(),
            kubeconfig: testenv_dir().join("kubeconfig"),
        }
    }

    /// The Application's current status (Null before the controller wrote one).
    pub async fn status(&self, client: &Client) -> Value {
        let api: Api<DynamicObject> =
            Api::namespaced_with(client.clone(), &self.namespace, &application_resource());
        let app = api
            .get(&self.name)
            .await
            .unwrap_or_else(|e| panic!("reading Application {}: {e}", self.name));
        app.data.get("status").cloned().unwrap_or(Value::Null)
    }

    /// Waits until the Application is Synced to `revision` and Healthy with its
    /// last sync operation Succeeded; returns its status and how long that took.
    /// On timeout, panics with the status and the controller's and repo-server's
    /// log tails.
    pub async fn wait_synced_healthy(
        &self,
        client: &Client,
        argocd: &ArgoCd,
        revision: &str,
        timeout: Duration,
    ) -> (Value, Duration) {
        let start = Instant::now();
        loop {
            let status = self.status(client).await;
            let synced = status.pointer("/sync/status") == Some(&Value::from("Synced"))
                && status.pointer("/sync/revision") == Some(&Value::from(revision));
            let healthy = status.pointer("/health/status") == Some(&Value::from("Healthy"));
            let op_ok = status.pointer("/operationState/phase") == Some(&Value::from("Succeeded"));
            if synced && healthy && op_ok {
                return (status, start.elapsed());
            }
            if start.elapsed() >= timeout {
                panic!(
                    "Application {} not Synced to {revision} and Healthy after {timeout:?}; status:\n{}\n\
                     --- argocd-application-controller.log\n{}\n--- argocd-repo-server.log\n{}\n\
                     --- argocd-cmp-server.log\n{}",
                    self.name,
                    serde_json::to_string_pretty(&status).unwrap(),
                    argocd.log_tail("argocd-application-controller", 20),
                    argocd.log_tail("argocd-repo-server", 20),
                    argocd.log_tail("argocd-cmp-server", 20),
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Same as TestNamespace: a thread with its own runtime, since drop may run
        // inside the test's runtime.
        let (name, namespace, kubeconfig) = (
            self.name.clone(),
            self.namespace.clone(),
            self.kubeconfig.clone(),
        );
        let done = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let client = client_from(&kubeconfig).await;
                let api: Api<DynamicObject> =
                    Api::namespaced_with(client, &namespace, &application_resource());
                match api.delete(&name, &DeleteParams::default()).await {
                    Ok(_) => {}
                    Err(e) if api_code(&e) == Some(404) => return Some(()),
                    Err(_) => return None,
                }
                // Gone before the namespace goes, so self-heal cannot recreate anything.
                let deadline = Instant::now() + Duration::from_secs(20);
                while Instant::now() < deadline {
                    if let Err(e) = api.get(&name).await
                        && api_code(&e) == Some(404)
                    {
                        return Some(());
                    }
                    tokio::time::sleep(POLL).await;
                }
                None
            })
        })
        .join();
        if !matches!(done, Ok(Some(()))) {
            eprintln!(
                "argocd: could not delete Application {}/{}",
                self.namespace, self.name
            );
        }
    }
}
