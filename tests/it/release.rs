//! `deploy`, `status`, `history` and `undo` against the testenv control plane (real
//! apiserver and Deployment controller, kwok pods following the failure-image contract).

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{Api, Patch, PatchParams};

use crate::support::git::{git, init_with_remote};
use crate::support::testenv::TestEnv;

fn kustomization(dir: &Path, ns: &str, image: &str, replicas: u32) {
    std::fs::write(
        dir.join("kustomization.yaml"),
        format!("namespace: {ns}\nresources:\n- d.yaml\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("d.yaml"),
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: {replicas}\n  progressDeadlineSeconds: 60\n  selector:\n    matchLabels: {{app: api}}\n  template:\n    metadata:\n      labels: {{app: api}}\n    spec:\n      containers:\n      - name: api\n        image: {image}\n      - name: sidecar\n        image: ghcr.io/acme/proxy:v1\n"
        ),
    )
    .unwrap();
}

struct Env {
    te: TestEnv,
    ns: crate::support::testenv::TestNamespace,
    dir: tempfile::TempDir,
}

async fn setup(prefix: &str, image: &str) -> Env {
    setup_with(TestEnv::connect().await, prefix, image).await
}

async fn setup_with(te: TestEnv, prefix: &str, image: &str) -> Env {
    let ns = te.ns(prefix).await;
    let dir = tempfile::tempdir().unwrap();
    kustomization(dir.path(), ns.name(), image, 2);
    let env = Env { te, ns, dir };
    // What Argo CD would do: apply the rendered overlay.
    let rendered = env.cli(&["render", "-k", env.dir.path().to_str().unwrap()], false);
    assert!(rendered.status.success());
    let docs = kubectl_release::render::yaml::parse_stream(
        &String::from_utf8(rendered.stdout).unwrap(),
        "r",
    )
    .unwrap();
    let api: Api<Deployment> = Api::namespaced(env.te.client.clone(), env.ns.name());
    let pp = PatchParams::apply("argocd").force();
    api.patch("api", &pp, &Patch::Apply(&docs[0].value))
        .await
        .unwrap();
    env.wait_image_ready(image).await;
    env
}

impl Env {
    fn cli(&self, args: &[&str], restricted: bool) -> Output {
        let kc = if restricted {
            self.te.restricted_kubeconfig()
        } else {
            self.te.dir.join("kubeconfig")
        };
        Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
            .args(args)
            .env("KUBECONFIG", kc)
            .output()
            .unwrap()
    }

    fn deploy(&self, image: &str, extra: &[&str], restricted: bool) -> Output {
        let mut args = vec![
            "deploy",
            "-k",
            self.dir.path().to_str().unwrap(),
            "--image",
            image,
            "--timeout",
            "90s",
        ];
        args.extend_from_slice(extra);
        self.cli(&args, restricted)
    }

    async fn image(&self) -> String {
        let d = Api::<Deployment>::namespaced(self.te.client.clone(), self.ns.name())
            .get("api")
            .await
            .unwrap();
        d.spec.unwrap().template.spec.unwrap().containers[0]
            .image
            .clone()
            .unwrap()
    }

    /// Waits until the Deployment runs `image` and is fully available.
    async fn wait_image_ready(&self, image: &str) {
        let api: Api<Deployment> = Api::namespaced(self.te.client.clone(), self.ns.name());
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let d = api.get("api").await.unwrap();
            let st = d.status.clone().unwrap_or_default();
            let img = d
                .spec
                .as_ref()
                .unwrap()
                .template
                .spec
                .as_ref()
                .unwrap()
                .containers[0]
                .image
                .clone()
                .unwrap();
            if img == image
                && st.updated_replicas == Some(2)
                && st.available_replicas == Some(2)
                && st.replicas == Some(2)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "deployment never became ready with {image}: {st:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn history_json(&self) -> serde_json::Value {
        let out = self.cli(
            &[
                "history",
                "-k",
                self.dir.path().to_str().unwrap(),
                "-o",
                "json",
            ],
            false,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn good_release_succeeds_and_is_recorded() {
    let env = setup("rel-good", "ghcr.io/acme/api:v1.0.0").await;
    let out = env.deploy("ghcr.io/acme/api:v1.1.0", &[], false);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.1.0");
    let h = env.history_json();
    assert_eq!(h[0]["status"], "succeeded");
    assert_eq!(h[0]["images"][0]["old"], "ghcr.io/acme/api:v1.0.0");
    assert_eq!(h[0]["patch"][0]["op"], "test", "the patch is guarded");
    // The sidecar's image is untouched.
    let d = Api::<Deployment>::namespaced(env.te.client.clone(), env.ns.name())
        .get("api")
        .await
        .unwrap();
    assert_eq!(
        d.spec.unwrap().template.spec.unwrap().containers[1]
            .image
            .as_deref(),
        Some("ghcr.io/acme/proxy:v1")
    );
    let st = env.cli(&["status", "-k", env.dir.path().to_str().unwrap()], false);
    assert_eq!(st.status.code(), Some(0), "{}", stderr(&st));
}

#[tokio::test(flavor = "multi_thread")]
async fn failure_images_are_rolled_back_fast() {
    for (bad, signal) in [
        ("ghcr.io/acme/api:v2.0.0-crash", "CrashLoopBackOff"),
        ("ghcr.io/acme/api:v2.0.0-pullfail", "Err"),
        ("ghcr.io/acme/api:v2.0.0-unready", "not Ready"),
    ] {
        let env = setup("rel-bad", "ghcr.io/acme/api:v1.0.0").await;
        let t = Instant::now();
        let out = env.deploy(bad, &["--readiness-timeout", "5s"], false);
        let took = t.elapsed();
        assert_eq!(out.status.code(), Some(3), "{bad}: {}", stderr(&out));
        assert!(stderr(&out).contains(signal), "{bad}: {}", stderr(&out));
        assert!(
            took < Duration::from_secs(40),
            "{bad}: took {took:?}; the progress deadline is not what failed it"
        );
        assert_eq!(
            env.image().await,
            "ghcr.io/acme/api:v1.0.0",
            "{bad}: undone"
        );
        env.wait_image_ready("ghcr.io/acme/api:v1.0.0").await;
        assert_eq!(env.history_json()[0]["status"], "rolled-back");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_undo_only_reports_and_undo_command_reverts() {
    let env = setup("rel-noundo", "ghcr.io/acme/api:v1.0.0").await;
    let out = env.deploy("ghcr.io/acme/api:v3.0.0-crash", &["--no-undo"], false);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        env.image().await,
        "ghcr.io/acme/api:v3.0.0-crash",
        "left in place"
    );
    assert_eq!(env.history_json()[0]["status"], "failed");
    let out = env.cli(
        &[
            "undo",
            "-k",
            env.dir.path().to_str().unwrap(),
            "--timeout",
            "60s",
        ],
        false,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.0.0");
    let h = env.history_json();
    assert_eq!(h[0]["undoOf"], h[1]["revision"]);
    assert_eq!(h[1]["status"], "undone");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_by_someone_else_mid_rollout_is_never_undone_blindly() {
    let env = setup("rel-edit", "ghcr.io/acme/api:v1.0.0").await;
    let dir = env.dir.path().to_str().unwrap().to_string();
    let kc = env.te.dir.join("kubeconfig");
    let child = std::thread::spawn(move || {
        Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
            .args([
                "deploy",
                "-k",
                &dir,
                "--image",
                "ghcr.io/acme/api:v4.0.0-unready",
                "--readiness-timeout",
                "8s",
                "--timeout",
                "90s",
            ])
            .env("KUBECONFIG", kc)
            .output()
            .unwrap()
    });
    // Wait until our release is in, then someone else sets another image.
    let api: Api<Deployment> = Api::namespaced(env.te.client.clone(), env.ns.name());
    let deadline = Instant::now() + Duration::from_secs(20);
    while env.image().await != "ghcr.io/acme/api:v4.0.0-unready" {
        assert!(Instant::now() < deadline, "the release never patched");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let patch = serde_json::json!([{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "ghcr.io/acme/api:hotfix"}]);
    let p: json_patch::Patch = serde_json::from_value(patch).unwrap();
    api.patch("api", &PatchParams::default(), &Patch::<()>::Json(p))
        .await
        .unwrap();
    let out = child.join().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(
        env.image().await,
        "ghcr.io/acme/api:hotfix",
        "the other edit is kept"
    );
    assert_eq!(env.history_json()[0]["status"], "undo-refused");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_deploys_one_wins_the_other_is_refused() {
    let env = setup("rel-lock", "ghcr.io/acme/api:v1.0.0").await;
    let first = {
        let dir = env.dir.path().to_str().unwrap().to_string();
        let kc = env.te.dir.join("kubeconfig");
        std::thread::spawn(move || {
            Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
                .args([
                    "deploy",
                    "-k",
                    &dir,
                    "--image",
                    "ghcr.io/acme/api:v5.0.0-slow",
                    "--timeout",
                    "60s",
                    "--soak",
                    "2s",
                ])
                .env("KUBECONFIG", kc)
                .output()
                .unwrap()
        })
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while env.image().await != "ghcr.io/acme/api:v5.0.0-slow" {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let second = env.deploy("ghcr.io/acme/api:v6.0.0", &[], false);
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("is being released by"),
        "{}",
        stderr(&second)
    );
    let first = first.join().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(
        env.image().await,
        "ghcr.io/acme/api:v5.0.0-slow",
        "nothing double-patched"
    );
    assert_eq!(env.history_json().as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn restricted_kubeconfig_can_release_and_undo() {
    let env = setup("rel-rbac", "ghcr.io/acme/api:v1.0.0").await;
    let out = env.deploy("ghcr.io/acme/api:v1.1.0", &[], true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = env.deploy("ghcr.io/acme/api:v1.2.0-crash", &[], true);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.1.0");
    let out = env.cli(&["history", "-k", env.dir.path().to_str().unwrap()], true);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("rolled-back"));
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_changes_nothing_and_missing_workload_is_an_error() {
    let env = setup("rel-dry", "ghcr.io/acme/api:v1.0.0").await;
    let out = env.deploy("ghcr.io/acme/api:v9.9.9", &["--dry-run"], false);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan[0]["patch"][1]["value"], "ghcr.io/acme/api:v9.9.9");
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.0.0");
    let out = env.deploy("ghcr.io/acme/other:v1", &[], false);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("runs ghcr.io/acme/other"),
        "{}",
        stderr(&out)
    );
}

fn restart_apiserver(te: &TestEnv, down_for: &str) {
    let out = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("testenv/restart-apiserver"))
        .arg(down_for)
        .env("TESTENV_DIR", &te.dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "restart-apiserver: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Kills the apiserver mid-rollout, for a good and a crashing release: the watch
/// resumes after the outage and the outcome is right. (One test: the outage is shared.)
#[tokio::test(flavor = "multi_thread")]
async fn apiserver_restart_mid_rollout_does_not_change_the_outcome() {
    for (image, want) in [
        ("ghcr.io/acme/api:v7.0.0-slow", 0),
        ("ghcr.io/acme/api:v7.1.0-crash", 3),
    ] {
        let env = setup_with(
            TestEnv::connect_exclusive().await,
            "rel-fault",
            "ghcr.io/acme/api:v1.0.0",
        )
        .await;
        // After the outage the controller-manager's informers can take tens of seconds
        // to resume (client-go's relist backoff); with a 60 s progress deadline the real
        // deployment controller then fails the slow release itself, and undoing it is
        // right. The deadline is not what this test is about (the crashing release
        // keeps it: the deadline is what fails it, as `--max-restarts 50` does not).
        if want == 0 {
            let api: Api<Deployment> = Api::namespaced(env.te.client.clone(), env.ns.name());
            api.patch(
                "api",
                &PatchParams::default(),
                &Patch::Merge(serde_json::json!({"spec": {"progressDeadlineSeconds": 300}})),
            )
            .await
            .unwrap();
        }
        let dir = env.dir.path().to_str().unwrap().to_string();
        let kc = env.te.dir.join("kubeconfig");
        let img = image.to_string();
        let child = std::thread::spawn(move || {
            Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
                .args([
                    "deploy",
                    "-k",
                    &dir,
                    "--image",
                    &img,
                    "--timeout",
                    "120s",
                    "--max-restarts",
                    "50",
                    "--readiness-timeout",
                    "60s",
                ])
                .env("KUBECONFIG", kc)
                .output()
                .unwrap()
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        while env.image().await != image {
            assert!(Instant::now() < deadline, "never patched");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        restart_apiserver(&env.te, "3");
        let out = child.join().unwrap();
        assert_eq!(out.status.code(), Some(want), "{image}: {}", stderr(&out));
        let expect_image = if want == 0 {
            image
        } else {
            "ghcr.io/acme/api:v1.0.0"
        };
        assert_eq!(env.image().await, expect_image);
    }
}

/// A one-route HTTP server on loopback answering `status` with `body`, counting requests.
fn http_server(
    status: u16,
    body: &'static str,
) -> (u16, std::sync::Arc<std::sync::atomic::AtomicU32>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let h = hits.clone();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            h.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = write!(
                s,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, hits)
}

/// A real Prometheus (Debian's package) on loopback; stopped on drop.
struct Prometheus {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Prometheus {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        std::fs::write(
            dir.path().join("prometheus.yml"),
            "global:\n  scrape_interval: 1s\nscrape_configs: []\n",
        )
        .unwrap();
        let child = Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.path().join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("prometheus (Debian package) is needed; scripts/deps.sh installs it");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if reqwest::blocking::get(format!("http://127.0.0.1:{port}/-/ready"))
                .is_ok_and(|r| r.status().is_success())
            {
                break;
            }
            assert!(Instant::now() < deadline, "prometheus did not start");
            std::thread::sleep(Duration::from_millis(200));
        }
        Prometheus {
            child,
            port,
            _dir: dir,
        }
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An environment in a release config, with gates.
fn env_repo(env: &Env, gates: &str) -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(repo.path().join("prod")).unwrap();
    for f in ["kustomization.yaml", "d.yaml"] {
        std::fs::copy(env.dir.path().join(f), repo.path().join("prod").join(f)).unwrap();
    }
    std::fs::write(
        repo.path().join("kubectl-release.yaml"),
        format!("environments:\n  prod:\n    path: prod\n    cluster:\n      namespace: {}\n    gates:\n{gates}", env.ns.name()),
    )
    .unwrap();
    repo
}

#[tokio::test(flavor = "multi_thread")]
async fn http_and_prometheus_gates_decide_after_the_rollout() {
    let prom = tokio::task::spawn_blocking(Prometheus::start)
        .await
        .unwrap();
    let env = setup("rel-gates", "ghcr.io/acme/api:v1.0.0").await;
    let (ok_port, ok_hits) = http_server(200, r#"{"status":"ok"}"#);
    let good = format!(
        "      soak: 1s\n      http:\n        - url: http://127.0.0.1:{ok_port}/healthz\n          jsonPath: $.status\n          equals: ok\n          interval: 200ms\n          count: 3\n      prometheus:\n        - address: http://127.0.0.1:{}\n          query: vector(0.01)\n          threshold: \"< 0.05\"\n          interval: 200ms\n          count: 2\n",
        prom.port
    );
    let repo = env_repo(&env, &good);
    let out = env.cli(
        &[
            "--repo",
            repo.path().to_str().unwrap(),
            "deploy",
            "prod",
            "--image",
            "ghcr.io/acme/api:v1.1.0",
        ],
        false,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        ok_hits.load(std::sync::atomic::Ordering::SeqCst) >= 3,
        "the HTTP gate measured count times"
    );

    // A failing Prometheus query undoes the release even though every pod is fine.
    let bad = format!(
        "      prometheus:\n        - address: http://127.0.0.1:{}\n          query: vector(0.5)\n          threshold: \"< 0.05\"\n          interval: 200ms\n          count: 3\n          failureLimit: 1\n",
        prom.port
    );
    let repo = env_repo(&env, &bad);
    let out = env.cli(
        &[
            "--repo",
            repo.path().to_str().unwrap(),
            "deploy",
            "prod",
            "--image",
            "ghcr.io/acme/api:v1.2.0",
        ],
        false,
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("prometheus gate"), "{}", stderr(&out));
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.1.0");

    // A failing HTTP gate (500) too.
    let (bad_port, _) = http_server(500, "{}");
    let bad = format!(
        "      http:\n        - url: http://127.0.0.1:{bad_port}/\n          interval: 100ms\n          count: 2\n"
    );
    let repo = env_repo(&env, &bad);
    let out = env.cli(
        &[
            "--repo",
            repo.path().to_str().unwrap(),
            "deploy",
            "prod",
            "--image",
            "ghcr.io/acme/api:v1.3.0",
        ],
        false,
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("http gate"), "{}", stderr(&out));
}

fn interrupt(child: &std::process::Child) {
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_cleanly_or_undoes_when_asked() {
    for (extra, want_image) in [
        (None, "ghcr.io/acme/api:v8.0.0-slow"),
        (Some("--undo-on-interrupt"), "ghcr.io/acme/api:v1.0.0"),
    ] {
        let env = setup("rel-int", "ghcr.io/acme/api:v1.0.0").await;
        let mut args = vec![
            "deploy",
            "-k",
            env.dir.path().to_str().unwrap(),
            "--image",
            "ghcr.io/acme/api:v8.0.0-slow",
            "--timeout",
            "90s",
        ];
        args.extend(extra);
        let child = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
            .args(&args)
            .env("KUBECONFIG", env.te.dir.join("kubeconfig"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while env.image().await != "ghcr.io/acme/api:v8.0.0-slow" {
            assert!(Instant::now() < deadline);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // The slow image is Ready only after 10 s: the watch is still going.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        interrupt(&child);
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        if extra.is_none() {
            assert_eq!(out.status.code(), Some(130), "{err}");
            assert!(
                err.contains("kubectl release undo"),
                "prints how to undo: {err}"
            );
            assert_eq!(env.history_json()[0]["status"], "interrupted");
        } else {
            assert_eq!(out.status.code(), Some(3), "{err}");
            assert_eq!(env.history_json()[0]["status"], "rolled-back");
        }
        assert_eq!(env.image().await, want_image);
        // The lock was released: another release can start at once.
        let again = env.deploy("ghcr.io/acme/api:v8.1.0", &[], false);
        assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    }
}

/// Someone keeps changing the Deployment (not its image) while the release plans and
/// patches: the apiserver answers 409, and the release re-reads and retries.
#[tokio::test(flavor = "multi_thread")]
async fn conflict_on_patch_is_retried_with_fresh_state() {
    let env = setup("rel-409", "ghcr.io/acme/api:v1.0.0").await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let hammer = {
        let api: Api<Deployment> = Api::namespaced(env.te.client.clone(), env.ns.name());
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                // Stop once the release got through, so the controller can roll it out.
                let d = api.get("api").await.unwrap();
                if d.spec.unwrap().template.spec.unwrap().containers[0]
                    .image
                    .as_deref()
                    == Some("ghcr.io/acme/api:v1.1.0")
                {
                    break;
                }
                i += 1;
                let p =
                    serde_json::json!({"metadata": {"annotations": {"it/touch": i.to_string()}}});
                let _ = api
                    .patch("api", &PatchParams::default(), &Patch::Merge(&p))
                    .await;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let dir = env.dir.path().to_str().unwrap().to_string();
    let kc = env.te.dir.join("kubeconfig");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
            .args([
                "deploy",
                "-k",
                &dir,
                "--image",
                "ghcr.io/acme/api:v1.1.0",
                "--timeout",
                "60s",
            ])
            .env("KUBECONFIG", kc)
            // Read-then-patch takes 300 ms here, so the annotation writes always land in between.
            .env("KUBECTL_RELEASE_FAULT_PATCH_DELAY_MS", "300")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    hammer.await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("conflict"),
        "a 409 was seen and retried: {}",
        stderr(&out)
    );
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.1.0");
    assert_eq!(
        env.history_json().as_array().unwrap().len(),
        1,
        "one release, patched once"
    );
}

/// StatefulSets and DaemonSets are released and undone the same way.
#[tokio::test(flavor = "multi_thread")]
async fn statefulset_and_daemonset_releases() {
    let te = TestEnv::connect().await;
    let ns = te.ns("rel-sts").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        format!("namespace: {}\nresources:\n- w.yaml\n", ns.name()),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("w.yaml"),
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 2\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers:\n      - name: db\n        image: ghcr.io/acme/db:v1\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      containers:\n      - name: agent\n        image: ghcr.io/acme/agent:v1\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
            .args(args)
            .env("KUBECONFIG", te.dir.join("kubeconfig"))
            .output()
            .unwrap()
    };
    let rendered = run(&["render", "-k", dir.path().to_str().unwrap()]);
    let apply = Command::new(te.dir.join("bin/kubectl"))
        .args(["apply", "-f", "-"])
        .env("KUBECONFIG", te.dir.join("kubeconfig"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        apply
            .stdin
            .as_ref()
            .unwrap()
            .write_all(&rendered.stdout)
            .unwrap();
    }
    assert!(apply.wait_with_output().unwrap().status.success());
    let d = dir.path().to_str().unwrap();
    let st = run(&["status", "-k", d, "-w", "--timeout", "60s"]);
    assert_eq!(st.status.code(), Some(0), "{}", stderr(&st));
    for (image, want) in [
        ("ghcr.io/acme/db:v2", 0),
        ("ghcr.io/acme/db:v3-crash", 3),
        ("ghcr.io/acme/agent:v2", 0),
        ("ghcr.io/acme/agent:v3-crash", 3),
    ] {
        let out = run(&["deploy", "-k", d, "--image", image, "--timeout", "90s"]);
        assert_eq!(out.status.code(), Some(want), "{image}: {}", stderr(&out));
    }
    let h = run(&["history", "-k", d, "-o", "json"]);
    let h: serde_json::Value = serde_json::from_slice(&h.stdout).unwrap();
    let statuses: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "rolled-back").count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == "succeeded").count(),
        2,
        "{statuses:?}"
    );
}

/// `deploy --write-back --push`: the image is committed and pushed first; a failed
/// release is undone live AND reverted in git, so Argo CD will not re-apply it.
#[tokio::test(flavor = "multi_thread")]
async fn write_back_commits_and_a_rollback_reverts_in_git() {
    let env = setup("rel-git", "ghcr.io/acme/api:v1.0.0").await;
    let repo = env_repo(&env, "      timeout: 90s\n");
    let (work, remote) = (repo.path().join("work"), repo.path().join("remote.git"));
    std::fs::create_dir_all(&work).unwrap();
    for f in ["kubectl-release.yaml", "prod"] {
        std::fs::rename(repo.path().join(f), work.join(f)).unwrap();
    }
    init_with_remote(&work, &remote);
    let run = |image: &str| {
        Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
            .args(["deploy", "prod", "--image", image, "--write-back", "--push"])
            .current_dir(&work)
            .env("KUBECONFIG", env.te.dir.join("kubeconfig"))
            .output()
            .unwrap()
    };
    let out = run("ghcr.io/acme/api:v1.1.0");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(work.join("prod/d.yaml"))
            .unwrap()
            .contains("image: ghcr.io/acme/api:v1.1.0")
    );
    assert_eq!(
        git(&remote, &["rev-parse", "main"]),
        git(&work, &["rev-parse", "HEAD"]),
        "pushed"
    );

    let out = run("ghcr.io/acme/api:v1.2.0-crash");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("reverted commit"), "{}", stderr(&out));
    let subjects = git(&work, &["log", "--format=%s", "-3"]);
    let lines: Vec<&str> = subjects.lines().collect();
    assert!(lines[0].starts_with("Revert \"release(prod)"), "{subjects}");
    assert!(
        lines[1].starts_with("release(prod): ghcr.io/acme/api v1.1.0 -> v1.2.0-crash"),
        "{subjects}"
    );
    assert!(
        std::fs::read_to_string(work.join("prod/d.yaml"))
            .unwrap()
            .contains("image: ghcr.io/acme/api:v1.1.0"),
        "git says v1.1.0 again"
    );
    assert_eq!(
        git(&remote, &["rev-parse", "main"]),
        git(&work, &["rev-parse", "HEAD"]),
        "the revert is pushed"
    );
    assert_eq!(
        env.image().await,
        "ghcr.io/acme/api:v1.1.0",
        "and the cluster runs it"
    );
}

fn kill_9(child: &std::process::Child) {
    let st = Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
}

/// A `deploy` killed with SIGKILL mid-rollout (no chance to clean up) leaves the
/// workload patched, its record open and its Lease held. `status` says the release
/// was interrupted (its process is gone); `undo` takes the lease over at once (the
/// holder ran on this host and its process no longer exists), marks the open
/// record interrupted and restores the previous image.
#[tokio::test(flavor = "multi_thread")]
async fn a_release_killed_mid_rollout_is_recovered() {
    let env = setup("rel-kill", "ghcr.io/acme/api:v1.0.0").await;
    let dir = env.dir.path().to_str().unwrap().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .args([
            "deploy",
            "-k",
            &dir,
            "--image",
            "ghcr.io/acme/api:v9.0.0-slow",
            "--timeout",
            "90s",
        ])
        .env("KUBECONFIG", env.te.dir.join("kubeconfig"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while env.image().await != "ghcr.io/acme/api:v9.0.0-slow" {
        assert!(Instant::now() < deadline, "the release never patched");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    kill_9(&child);
    child.wait().unwrap();
    let h = env.history_json();
    assert_eq!(
        h[0]["status"], "in-progress",
        "the killed process could not close its record"
    );

    let st = env.cli(&["status", "-k", &dir], false);
    assert!(
        stderr(&st).contains("release 1 interrupted")
            && stderr(&st).contains("kubectl release undo"),
        "{}",
        stderr(&st)
    );

    let t = Instant::now();
    let out = env.cli(&["undo", "-k", &dir, "--timeout", "60s"], false);
    let took = t.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("took over the lease"),
        "{}",
        stderr(&out)
    );
    assert!(
        took < Duration::from_secs(20),
        "a holder on this host that is gone is not waited for: {took:?}"
    );
    eprintln!("kill mid-rollout: undo restored the previous image in {took:?}");
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.0.0");
    let h = env.history_json();
    assert_eq!(h[0]["undoOf"], 1);
    assert_eq!(h[0]["status"], "succeeded");
    assert_eq!(h[1]["status"], "undone");
    let st = env.cli(&["status", "-k", &dir], false);
    assert_eq!(st.status.code(), Some(0), "{}", stderr(&st));
    assert!(!stderr(&st).contains("interrupted"), "{}", stderr(&st));
}

/// A lease held by a process on another machine: renewed recently, it is refused at
/// once; not renewed for longer than the renewal interval (that process went away),
/// the next deploy waits for it to expire, at most the lease's duration, says why,
/// and then takes it over.
#[tokio::test(flavor = "multi_thread")]
async fn a_lease_from_a_gone_host_is_waited_out_a_live_one_refused() {
    use k8s_openapi::api::coordination::v1::Lease;
    let env = setup("rel-lease", "ghcr.io/acme/api:v1.0.0").await;
    let leases: Api<Lease> = Api::namespaced(env.te.client.clone(), env.ns.name());
    let put = |renewed_ago: i64| {
        let renew =
            serde_json::to_value(k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime(
                k8s_openapi::jiff::Timestamp::now()
                    - k8s_openapi::jiff::SignedDuration::from_secs(renewed_ago),
            ))
            .unwrap();
        serde_json::json!({
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": "kubectl-release-deployment-api"},
            "spec": {"holderIdentity": "ci@elsewhere.example/4242", "leaseDurationSeconds": 60,
                     "renewTime": renew}
        })
    };
    let pp = PatchParams::apply("it").force();
    leases
        .patch(
            "kubectl-release-deployment-api",
            &pp,
            &Patch::Apply(&put(2)),
        )
        .await
        .unwrap();
    let out = env.deploy("ghcr.io/acme/api:v1.1.0", &[], false);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is being released by ci@elsewhere.example/4242"),
        "{}",
        stderr(&out)
    );

    leases
        .patch(
            "kubectl-release-deployment-api",
            &pp,
            &Patch::Apply(&put(48)),
        )
        .await
        .unwrap();
    let t = Instant::now();
    let out = env.deploy("ghcr.io/acme/api:v1.1.0", &[], false);
    let took = t.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("waiting up to") && err.contains("took over the lease"),
        "{err}"
    );
    assert!(
        took >= Duration::from_secs(10) && took < Duration::from_secs(45),
        "waited until the lease expired (about 13 s), no longer: {took:?}"
    );
    eprintln!("stale lease of another host: deploy proceeded after {took:?}");
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.1.0");
}

/// Records say who released as the cluster knows them, also where `$USER` is unset
/// (CI, containers), instead of `unknown@host`.
#[tokio::test(flavor = "multi_thread")]
async fn records_name_the_identity_the_api_server_authenticated() {
    let env = setup("rel-who", "ghcr.io/acme/api:v1.0.0").await;
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .args([
            "deploy",
            "-k",
            env.dir.path().to_str().unwrap(),
            "--image",
            "ghcr.io/acme/api:v1.1.0",
        ])
        .env("KUBECONFIG", env.te.restricted_kubeconfig())
        .env_remove("USER")
        .env_remove("USERNAME")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let h = env.history_json();
    let sa = "system:serviceaccount:kubectl-release-system:kubectl-release";
    assert_eq!(h[0]["actor"]["clusterUser"], sa);
    assert!(h[0]["actor"].get("local").is_none(), "{}", h[0]);
    assert_eq!(h[0]["user"], sa);
    let table = env.cli(&["history", "-k", env.dir.path().to_str().unwrap()], false);
    assert!(String::from_utf8_lossy(&table.stdout).contains(sa));
}

/// Regression: renewals sent the time with nanoseconds, which the API server
/// refuses, and the error was dropped, so a release longer than the lease's 60 s
/// lost its lock. A renewal now moves `renewTime`.
#[tokio::test(flavor = "multi_thread")]
async fn lease_renewals_land() {
    use kubectl_release::cluster::{Cluster, Target, lock};
    use kubectl_release::release::record::WorkloadRef;
    let te = TestEnv::connect().await;
    let ns = te.ns("rel-renew").await;
    let c = Cluster::connect(&Target {
        kubeconfig: Some(te.restricted_kubeconfig()),
        context: None,
        namespace: Some(ns.name().to_string()),
    })
    .await
    .unwrap();
    let w = WorkloadRef {
        kind: "Deployment".into(),
        namespace: ns.name().to_string(),
        name: "api".into(),
    };
    let lock::Attempt::Acquired(l) = lock::try_lock(&c, &w, "it@host/1").await.unwrap() else {
        panic!("a fresh namespace has no lease");
    };
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(lock::read(&c, &w).await.unwrap().unwrap().renewed_ago >= 2);
    l.renew(&c).await.unwrap();
    let held = lock::read(&c, &w).await.unwrap().unwrap();
    assert_eq!((held.renewed_ago, held.holder.as_str()), (0, "it@host/1"));
    l.release(&c).await.unwrap();
    assert_eq!(lock::read(&c, &w).await.unwrap(), None);
}

/// On a terminal, `deploy` and `undo` draw a progress bar per workload (updated
/// and available of desired) with the steps printed above it, as `status -w` does.
/// Runs the binary under a pseudo-terminal (`script` from util-linux).
#[tokio::test(flavor = "multi_thread")]
async fn deploy_and_undo_draw_progress_bars_on_a_terminal() {
    let env = setup("rel-bars", "ghcr.io/acme/api:v1.0.0").await;
    let dir = env.dir.path().to_str().unwrap();
    let bin = env!("CARGO_BIN_EXE_kubectl-release");
    let kc = env.te.dir.join("kubeconfig");
    for cmd in [
        format!("{bin} deploy -k {dir} --image ghcr.io/acme/api:v1.1.0"),
        format!("{bin} undo -k {dir}"),
    ] {
        let typescript = env.dir.path().join("typescript");
        let out = Command::new("script")
            .args(["-qec", &cmd])
            .arg(&typescript)
            .env("KUBECONFIG", &kc)
            .env("TERM", "xterm")
            .output()
            .unwrap();
        assert!(out.status.success(), "{cmd}: {}", stderr(&out));
        let screen = String::from_utf8_lossy(&std::fs::read(&typescript).unwrap()).into_owned();
        assert!(
            screen.contains("deployment/api")
                && screen.contains("[=")
                && screen.contains("2/2 healthy"),
            "{cmd}: no progress bar: {screen}"
        );
        assert!(screen.contains("released: all gates passed"), "{screen}");
    }
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.0.0");
}

/// `-o json` is a stream of the engine's events, one JSON object per line with
/// its time, ending with `finished` and the outcome: a good release, a crashing
/// one whose undo shows in the stream, then `undo -o json` of the good one.
#[tokio::test(flavor = "multi_thread")]
async fn json_output_is_the_event_stream() {
    let env = setup("rel-json", "ghcr.io/acme/api:v1.0.0").await;
    let events = |out: &Output| -> Vec<serde_json::Value> {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {l:?}"));
                assert!(v["time"].is_string(), "{v}");
                v
            })
            .collect()
    };
    let names = |evs: &[serde_json::Value]| -> Vec<String> {
        evs.iter()
            .map(|v| v["event"].as_str().unwrap().to_string())
            .collect()
    };
    // The first index of each name, in order, and the stream ends with `finished`.
    let in_order = |got: &[String], want: &[&str]| {
        let idx: Vec<usize> = want
            .iter()
            .map(|w| {
                got.iter()
                    .position(|g| g == w)
                    .unwrap_or_else(|| panic!("no {w} event in {got:?}"))
            })
            .collect();
        assert!(
            idx.windows(2).all(|p| p[0] < p[1]),
            "{want:?} out of order in {got:?}"
        );
        assert_eq!(got.last().map(String::as_str), Some("finished"), "{got:?}");
    };

    let out = env.deploy("ghcr.io/acme/api:v1.1.0", &["-o", "json"], false);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let evs = events(&out);
    in_order(
        &names(&evs),
        &[
            "locked",
            "recorded",
            "patched",
            "rollout-complete",
            "finished",
        ],
    );
    let last = evs.last().unwrap();
    eprintln!("good: {last}");
    assert_eq!(last["outcome"]["outcome"], "succeeded", "{last}");

    let out = env.deploy(
        "ghcr.io/acme/api:v2.0.0-crash",
        &["-o", "json", "--readiness-timeout", "5s"],
        false,
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let evs = events(&out);
    in_order(
        &names(&evs),
        &[
            "locked",
            "recorded",
            "patched",
            "gate-failed",
            "undo-applied",
            "finished",
        ],
    );
    let last = evs.last().unwrap();
    eprintln!("crash: {last}");
    assert_eq!(last["outcome"]["outcome"], "rolled-back", "{last}");
    let o = &last["outcome"];
    assert_eq!(o["cause"]["failure"]["gate"], "rollout", "{last}");
    assert_eq!(
        o["cause"]["failure"]["failure"]["signal"]["reason"], "CrashLoopBackOff",
        "{last}"
    );
    assert_eq!(o["undo"]["undo"], "healthy", "{last}");
    env.wait_image_ready("ghcr.io/acme/api:v1.1.0").await;

    // `undo -o json`: the same stream for taking the good release back.
    let out = env.cli(
        &[
            "undo",
            "-k",
            env.dir.path().to_str().unwrap(),
            "--timeout",
            "60s",
            "-o",
            "json",
        ],
        false,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let evs = events(&out);
    in_order(
        &names(&evs),
        &[
            "locked",
            "recorded",
            "patched",
            "rollout-complete",
            "finished",
        ],
    );
    assert_eq!(evs.last().unwrap()["outcome"]["outcome"], "succeeded");
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.0.0");
}

/// A workload carrying `app.kubernetes.io/instance` is taken for Argo CD's label
/// tracking and a live deploy is refused; the same label on what `helm install`
/// created (Helm's release annotation beside it) is not Argo CD's, and deploys.
#[tokio::test(flavor = "multi_thread")]
async fn the_instance_label_means_argo_cd_unless_helm_installed_it() {
    let env = setup("rel-helm", "ghcr.io/acme/api:v1.0.0").await;
    let api: Api<Deployment> = Api::namespaced(env.te.client.clone(), env.ns.name());
    let api = &api;
    let meta = |v: serde_json::Value| async move {
        api.patch("api", &PatchParams::default(), &Patch::Merge(&v))
            .await
            .unwrap();
    };
    meta(serde_json::json!({"metadata": {"labels": {"app.kubernetes.io/instance": "shop"}}})).await;
    let out = env.deploy("ghcr.io/acme/api:v1.1.0", &[], false);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("managed by Argo CD Application shop"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.0.0");

    meta(serde_json::json!({"metadata": {
        "labels": {"app.kubernetes.io/managed-by": "Helm"},
        "annotations": {"meta.helm.sh/release-name": "shop", "meta.helm.sh/release-namespace": env.ns.name()},
    }}))
    .await;
    let out = env.deploy("ghcr.io/acme/api:v1.1.0", &[], false);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.1.0");
}
