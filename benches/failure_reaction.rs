//! Failure reaction on the testenv: from the moment a failing pod signal is visible in the
//! API to the moment the undo patch has landed, over 20 releases of a crashing image.
//!
//! Needs the testenv: `testenv/up`, then `cargo bench --bench failure_reaction`.
//! Both instants are observed by this bench's own watches, independently of kubectl-release.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, PostParams};

const GOOD: &str = "ghcr.io/acme/api:v1.0.0";
const BAD: &str = "ghcr.io/acme/api:v2.0.0-crash";

fn testenv_dir() -> PathBuf {
    std::env::var_os("TESTENV_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/testenv"))
}

async fn client() -> kube::Client {
    let kc = kube::config::Kubeconfig::read_from(testenv_dir().join("kubeconfig"))
        .expect("testenv/up first");
    let cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .unwrap();
    kube::Client::try_from(cfg).unwrap()
}

async fn one_run(c: &kube::Client, i: usize, dir: &std::path::Path) -> Duration {
    let ns = format!("bench-reaction-{}-{i}", std::process::id());
    let n: Namespace = serde_json::from_value(
        serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )
    .unwrap();
    Api::<Namespace>::all(c.clone())
        .create(&PostParams::default(), &n)
        .await
        .unwrap();
    std::fs::write(
        dir.join("kustomization.yaml"),
        format!("namespace: {ns}\nresources:\n- d.yaml\n"),
    )
    .unwrap();
    let d: Deployment = serde_json::from_value(serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": ns},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "api"}},
                 "template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "api", "image": GOOD}]}}}
    }))
    .unwrap();
    std::fs::write(dir.join("d.yaml"), serde_json::to_string(&d).unwrap()).unwrap();
    let deps: Api<Deployment> = Api::namespaced(c.clone(), &ns);
    // The ServiceAccount must exist before pods can be created.
    tokio::time::sleep(Duration::from_millis(500)).await;
    deps.create(&PostParams::default(), &d).await.unwrap();
    loop {
        let s = deps.get("api").await.unwrap().status.unwrap_or_default();
        if s.available_replicas == Some(1) && s.updated_replicas == Some(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Watch pods for the first bad signal, and the Deployment for the undo.
    let seen_bad = common::first_bad_signal(c, &ns);
    let undone = common::image_back(c, &ns, BAD.to_string(), GOOD.to_string());
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .args([
            "deploy",
            "-k",
            dir.to_str().unwrap(),
            "--image",
            BAD,
            "--timeout",
            "120s",
        ])
        .env("KUBECONFIG", testenv_dir().join("kubeconfig"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (t_bad, t_undo) = (seen_bad.await.unwrap(), undone.await.unwrap());
    let _ = Api::<Namespace>::all(c.clone())
        .delete(&ns, &DeleteParams::default())
        .await;
    t_undo.saturating_duration_since(t_bad)
}

#[tokio::main]
async fn main() {
    let c = client().await;
    let dir = tempfile::tempdir().unwrap();
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let mut times = Vec::new();
    for i in 0..runs {
        let t = one_run(&c, i, dir.path()).await;
        eprintln!("run {i}: {t:?}");
        times.push(t);
    }
    times.sort();
    let median = times[times.len() / 2];
    let p95 = times[((times.len() as f64 * 0.95).ceil() as usize).saturating_sub(1)];
    println!(
        "failure reaction over {runs} crashing releases: median {median:?}, p95 {p95:?}, max {:?}; \
         kubectl rollout status / Argo CD wait for the 600 s progress deadline: {:.0}x faster at the median",
        times.last().unwrap(),
        600.0 / median.as_secs_f64().max(0.001)
    );
}
