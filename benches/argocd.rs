//! Argo CD benchmarks on `testenv/up --argocd`, side by side in one run (run it
//! through `scripts/bench-argocd.sh`, which generates the repository, builds the
//! release binary and points Argo CD's plugin at it).
//!
//! - `generate --repo DIR`: manifest generation of DIR/envs/prod. On the command
//!   line, `kubectl-release cmp generate` against `kustomize build` (v5.5.0); in
//!   Argo CD, its own GenerateManifest time (the repo-server's gRPC time, from its
//!   log) through the kubectl-release plugin against its built-in kustomize,
//!   alternating, each after a hard refresh (no manifest cache).
//! - `release`: a commit pushed to Argo CD synced, with kubectl-release's refresh
//!   against waiting for Argo CD's poll; a crashing image released with `deploy
//!   --via argocd`: first failing pod signal to the revert synced and the workload
//!   healthy on the previous image, and with `--undo-live-first` to the live image
//!   restored; the same failure with Argo CD alone (automated sync, no gates).
//!
//! Instants are observed by this bench's own watches, independently of kubectl-release.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams,
};
use serde_json::{Value, json};

fn testenv_dir() -> PathBuf {
    std::env::var_os("TESTENV_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/testenv"))
}

fn argocd_env() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(testenv_dir().join("argocd.env"))
        .expect("Argo CD is not up: scripts/bench-argocd.sh starts it (testenv/up --argocd)");
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn client() -> kube::Client {
    let kc = kube::config::Kubeconfig::read_from(testenv_dir().join("kubeconfig")).unwrap();
    let cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .unwrap();
    kube::Client::try_from(cfg).unwrap()
}

fn apps(c: &kube::Client) -> Api<DynamicObject> {
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("argoproj.io", "v1alpha1", "Application"),
        "applications",
    );
    Api::namespaced_with(c.clone(), "argocd", &ar)
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn bin() -> PathBuf {
    std::env::var_os("KUBECTL_RELEASE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/kubectl-release")
        })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// Pushes `work` as a new repository NAME on the git server; its URL and commit.
fn push_repo(env: &BTreeMap<String, String>, work: &Path, name: &str) -> (String, String) {
    let bare = Path::new(&env["GIT_ROOT"]).join(format!("{name}.git"));
    let _ = std::fs::remove_dir_all(&bare);
    git(
        Path::new("/"),
        &["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()],
    );
    let url = format!("{}/{name}.git", env["GIT_URL"]);
    if !work.join(".git").exists() {
        git(work, &["init", "-q", "-b", "main"]);
    }
    for (k, v) in [
        ("user.email", "bench@example.com"),
        ("user.name", "bench"),
        ("commit.gpgsign", "false"),
    ] {
        git(work, &["config", k, v]);
    }
    git(work, &["add", "-A"]);
    let _ = Command::new("git")
        .current_dir(work)
        .args(["commit", "-qm", "bench"])
        .output();
    let _ = Command::new("git")
        .current_dir(work)
        .args(["remote", "remove", "origin"])
        .output();
    git(work, &["remote", "add", "origin", &url]);
    git(work, &["push", "-q", "-f", "origin", "main"]);
    (url, git(work, &["rev-parse", "HEAD"]))
}

async fn create_app(
    c: &kube::Client,
    name: &str,
    url: &str,
    ns: &str,
    source_extra: Value,
    auto: bool,
) {
    let api = apps(c);
    let _ = api.delete(name, &DeleteParams::default()).await;
    for _ in 0..100 {
        if api.get(name).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut source = json!({"repoURL": url, "targetRevision": "main", "path": "envs/prod"});
    source
        .as_object_mut()
        .unwrap()
        .extend(source_extra.as_object().unwrap().clone());
    let mut spec = json!({"project": "default", "source": source,
        "destination": {"server": "https://kubernetes.default.svc", "namespace": ns}});
    if auto {
        spec["syncPolicy"] = json!({"automated": {"prune": true, "selfHeal": true}});
    }
    let obj: DynamicObject = serde_json::from_value(json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": {"name": name, "namespace": "argocd"}, "spec": spec}))
    .unwrap();
    api.create(&PostParams::default(), &obj).await.unwrap();
}

async fn status(c: &kube::Client, app: &str) -> Value {
    app_object(c, app).await["status"].clone()
}

async fn app_object(c: &kube::Client, app: &str) -> Value {
    serde_json::to_value(apps(c).get(app).await.unwrap()).unwrap()
}

async fn refresh(c: &kube::Client, app: &str, kind: &str) {
    let p = json!({"metadata": {"annotations": {"argocd.argoproj.io/refresh": kind}}});
    apps(c)
        .patch(app, &PatchParams::default(), &Patch::Merge(&p))
        .await
        .unwrap();
}

/// Waits until `app` is Synced at `rev` with no operation running; how long that took.
async fn wait_synced(c: &kube::Client, app: &str, rev: &str, limit: Duration) -> Option<Duration> {
    let t = Instant::now();
    while t.elapsed() < limit {
        let s = status(c, app).await;
        if s.pointer("/sync/status") == Some(&json!("Synced"))
            && s.pointer("/sync/revision") == Some(&json!(rev))
            && s.pointer("/operationState/phase") != Some(&json!("Running"))
        {
            return Some(t.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

// ---------------------------------------------------------------- generate

/// GenerateManifest times (ms) of the repo-server, logged since byte `from`.
fn generate_times(log: &Path, from: u64) -> Vec<f64> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let text = &text[(from as usize).min(text.len())..];
    let re = regex::Regex::new(
        r"grpc\.method=GenerateManifest .*?grpc\.service=repository\.RepoServerService .*?grpc\.time_ms=([0-9.]+)",
    )
    .unwrap();
    re.captures_iter(text)
        .filter_map(|c| c[1].parse::<f64>().ok())
        // Cache hits answer in well under a millisecond.
        .filter(|t| *t > 5.0)
        .collect()
}

/// One generation of `app` from scratch: a hard refresh, then the app's
/// reconciliation done; its GenerateManifest time (the longest call in the log
/// meanwhile: the others are cache answers).
async fn argo_generate(c: &kube::Client, app: &str, log: &Path) -> Option<Duration> {
    let reconciled = |o: &Value| o.pointer("/status/reconciledAt").cloned();
    let before = reconciled(&app_object(c, app).await);
    let from = std::fs::metadata(log).map(|m| m.len()).unwrap_or(0);
    refresh(c, app, "hard").await;
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(300) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let o = app_object(c, app).await;
        let done = reconciled(&o) != before
            && o.pointer("/metadata/annotations/argocd.argoproj.io~1refresh")
                .is_none();
        let times = generate_times(log, from);
        if done && let Some(ms) = times.iter().cloned().reduce(f64::max) {
            // A failed generation is quick and must not count as one.
            let failed = o
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|c| c["type"] == "ComparisonError");
            assert!(failed.is_none(), "{app}: generation failed: {failed:?}");
            return Some(Duration::from_secs_f64(ms / 1000.0));
        }
    }
    None
}

fn time_cmd(mut cmd: Command) -> Duration {
    let t = Instant::now();
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.elapsed()
}

async fn generate(repo: &Path, runs: usize) {
    let env = argocd_env();
    let c = client().await;
    let prod = repo.join("envs/prod");
    let kustomize = std::env::var_os("KUSTOMIZE")
        .map(PathBuf::from)
        .unwrap_or_else(|| dirs_cache().join("tools/bin/kustomize"));
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let mut k = Command::new(&kustomize);
        k.arg("build").arg(&prod);
        theirs.push(time_cmd(k));
        let mut g = Command::new(bin());
        g.current_dir(&prod)
            .args(["cmp", "generate"])
            .env("ARGOCD_APP_NAME", "bench")
            .env("ARGOCD_APP_SOURCE_PATH", "envs/prod");
        ours.push(time_cmd(g));
    }
    let (o, t) = (median(ours), median(theirs));
    println!(
        "generate, command line, {}: kubectl-release cmp generate {} vs kustomize build {} ({:.1}x), median of {runs}",
        prod.display(),
        ms(o),
        ms(t),
        t.as_secs_f64() / o.as_secs_f64()
    );

    // In Argo CD: two Applications, each with its own copy of the repository (the
    // repo-server serialises generations of one repository), manual sync (nothing
    // is applied), measured one after the other.
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    copy_dir(repo, a.path());
    copy_dir(repo, b.path());
    let (url_a, _) = push_repo(&env, a.path(), "bench-generate-plugin");
    let (url_b, _) = push_repo(&env, b.path(), "bench-generate-builtin");
    create_app(&c, "bench-gen-plugin", &url_a, "default",
        json!({"plugin": {"name": "kubectl-release", "env": [{"name": "KUBECTL_RELEASE", "value": "true"}]}}), false).await;
    // An explicit source type: without one, Argo CD would first ask the testenv's
    // discovering plugin (a stream of the whole repository), which a cluster without
    // kubectl-release does not. Argo CD drops an empty `kustomize: {}`, so it carries
    // the annotation the overlay sets anyway (the output is the same; forced, as
    // `kustomize edit add annotation` refuses a key the kustomization has).
    create_app(
        &c,
        "bench-gen-builtin",
        &url_b,
        "default",
        json!({"kustomize": {
            "commonAnnotations": {"platform.example.com/environment": "prod"},
            "forceCommonAnnotations": true
        }}),
        false,
    )
    .await;
    let log = PathBuf::from(&env["ARGOCD_LOG_DIR"]).join("argocd-repo-server.log");
    // The first generation of each includes the clone: not counted.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let _ = argo_generate(&c, "bench-gen-plugin", &log).await;
    let _ = argo_generate(&c, "bench-gen-builtin", &log).await;
    let (mut plugin, mut builtin) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let p = argo_generate(&c, "bench-gen-plugin", &log)
            .await
            .expect("plugin generation");
        let b = argo_generate(&c, "bench-gen-builtin", &log)
            .await
            .expect("built-in generation");
        eprintln!("run {i}: plugin {} built-in kustomize {}", ms(p), ms(b));
        plugin.push(p);
        builtin.push(b);
    }
    let (p, b) = (median(plugin), median(builtin));
    println!(
        "generate, Argo CD GenerateManifest: kubectl-release plugin {} vs built-in kustomize {} ({:.1}x), median of {runs}",
        ms(p),
        ms(b),
        b.as_secs_f64() / p.as_secs_f64()
    );
    for a in ["bench-gen-plugin", "bench-gen-builtin"] {
        let _ = apps(&c).delete(a, &DeleteParams::default()).await;
    }
}

fn dirs_cache() -> PathBuf {
    std::env::var_os("KUBECTL_RELEASE_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/kubectl-release")
        })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_name() == ".git" {
            continue;
        }
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

// ---------------------------------------------------------------- release

const GOOD: &str = "ghcr.io/acme/api:v1.4.2";

struct Setup {
    c: kube::Client,
    ns: String,
    app: String,
    work: tempfile::TempDir,
}

async fn setup(name: &str) -> Setup {
    let env = argocd_env();
    let c = client().await;
    let ns = format!("bench-{name}-{}", std::process::id());
    let n: Namespace = serde_json::from_value(
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )
    .unwrap();
    Api::<Namespace>::all(c.clone())
        .create(&PostParams::default(), &n)
        .await
        .unwrap();
    let work = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/gitops"),
        work.path(),
    );
    let prod = work.path().join("envs/prod");
    for (f, from, to) in [
        (
            "kustomization.yaml",
            "namespace: acme-prod".to_string(),
            format!("namespace: {ns}"),
        ),
        (
            "namespace.yaml",
            "name: acme-prod".to_string(),
            format!("name: {ns}"),
        ),
    ] {
        let t = std::fs::read_to_string(prod.join(f)).unwrap();
        std::fs::write(prod.join(f), t.replace(&from, &to)).unwrap();
    }
    std::fs::write(
        work.path().join("kubectl-release.yaml"),
        format!("environments:\n  prod:\n    path: envs/prod\n    cluster:\n      namespace: {ns}\n    argocd:\n      application: {ns}\n    gates:\n      readinessTimeout: 6s\n      timeout: 180s\n"),
    )
    .unwrap();
    let (url, rev) = push_repo(&env, work.path(), &ns);
    git(work.path(), &["fetch", "-q", "origin"]);
    git(work.path(), &["branch", "-q", "-u", "origin/main"]);
    create_app(
        &c,
        &ns,
        &url,
        &ns,
        json!({"plugin": {"name": "kubectl-release"}}),
        true,
    )
    .await;
    wait_synced(&c, &ns, &rev, Duration::from_secs(180))
        .await
        .expect("first sync");
    wait_ready(&c, &ns, GOOD).await;
    Setup {
        c,
        app: ns.clone(),
        ns,
        work,
    }
}

async fn wait_ready(c: &kube::Client, ns: &str, image: &str) -> Instant {
    let api: Api<Deployment> = Api::namespaced(c.clone(), ns);
    loop {
        if let Ok(d) = api.get("prod-api").await {
            let st = d.status.clone().unwrap_or_default();
            let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            if d.spec.unwrap().template.spec.unwrap().containers[0]
                .image
                .as_deref()
                == Some(image)
                && st.updated_replicas == Some(want)
                && st.available_replicas == Some(want)
                && st.replicas == Some(want)
            {
                return Instant::now();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Commits image `tag` into the overlay and pushes it, as the release's first step does.
fn commit_image(s: &Setup, tag: &str) -> String {
    let out = Command::new(bin())
        .current_dir(s.work.path())
        .args([
            "set-image",
            "prod",
            &format!("ghcr.io/acme/api:{tag}"),
            "--push",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    git(s.work.path(), &["rev-parse", "HEAD"])
}

async fn release(runs: usize, poll_runs: usize) {
    let s = setup("rel").await;
    // 1. Commit pushed -> synced and applied: with the refresh, and with Argo CD's poll.
    let (mut with_refresh, mut with_poll) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let tag = format!("v1.5.{i}");
        let rev = commit_image(&s, &tag);
        let t = Instant::now();
        refresh(&s.c, &s.app, "normal").await;
        wait_synced(&s.c, &s.app, &rev, Duration::from_secs(60))
            .await
            .expect("synced");
        wait_ready(&s.c, &s.ns, &format!("ghcr.io/acme/api:{tag}")).await;
        eprintln!(
            "refresh run {i}: pushed -> synced and rolled out in {}",
            ms(t.elapsed())
        );
        with_refresh.push(t.elapsed());
    }
    for i in 0..poll_runs {
        let tag = format!("v1.6.{i}");
        let rev = commit_image(&s, &tag);
        let t = Instant::now();
        let d = wait_synced(&s.c, &s.app, &rev, Duration::from_secs(300))
            .await
            .expect("Argo CD's poll");
        eprintln!("poll run {i}: pushed -> synced in {:.1} s", d.as_secs_f64());
        with_poll.push(t.elapsed());
    }
    let r = median(with_refresh);
    if poll_runs == 0 {
        println!(
            "release: commit pushed -> Argo CD synced (and rolled out): with kubectl-release's refresh {} (median of {runs}); Argo CD's poll not measured (--poll-runs 0)",
            ms(r)
        );
    } else {
        let p = median(with_poll.clone());
        println!(
            "release: commit pushed -> Argo CD synced (and rolled out): with kubectl-release's refresh {} (median of {runs}) vs Argo CD's poll {:.1} s (median of {poll_runs}; {:?}) = {:.0}x",
            ms(r),
            p.as_secs_f64(),
            with_poll
                .iter()
                .map(|d| format!("{:.1} s", d.as_secs_f64()))
                .collect::<Vec<_>>(),
            p.as_secs_f64() / r.as_secs_f64()
        );
    }
    // The image the last run above left live.
    let current = match (poll_runs, runs) {
        (0, r) => format!("ghcr.io/acme/api:v1.5.{}", r - 1),
        (p, _) => format!("ghcr.io/acme/api:v1.6.{}", p - 1),
    };
    wait_ready(&s.c, &s.ns, &current).await;

    // 2. A crashing image through `deploy --via argocd`, then with --undo-live-first.
    for live_first in [false, true] {
        let (mut to_healthy, mut to_live) = (Vec::new(), Vec::new());
        for i in 0..runs {
            let bad = format!("ghcr.io/acme/api:v2.{}.{i}-crash", live_first as u8);
            let bad_sig = common::first_bad_signal(&s.c, &s.ns);
            let back = common::image_back(&s.c, &s.ns, bad.clone(), current.clone());
            let mut args = vec!["deploy", "prod", "--image", &bad];
            if live_first {
                args.push("--undo-live-first");
            }
            let out = Command::new(bin())
                .current_dir(s.work.path())
                .args(&args)
                .env("KUBECONFIG", testenv_dir().join("kubeconfig"))
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(3),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let (t_bad, t_back) = (bad_sig.await.unwrap(), back.await.unwrap());
            let t_healthy = wait_ready(&s.c, &s.ns, &current).await;
            to_healthy.push(t_healthy.saturating_duration_since(t_bad));
            to_live.push(t_back.saturating_duration_since(t_bad));
            eprintln!(
                "crash run {i}{}: first bad signal -> live image back {}, -> revert synced and healthy {}",
                if live_first {
                    " (--undo-live-first)"
                } else {
                    ""
                },
                ms(t_back.saturating_duration_since(t_bad)),
                ms(t_healthy.saturating_duration_since(t_bad))
            );
        }
        println!(
            "release{}: first failing pod signal -> live image back {}, -> revert synced by Argo CD and the workload healthy on the previous image {} (medians of {runs})",
            if live_first { " --undo-live-first" } else { "" },
            ms(median(to_live)),
            ms(median(to_healthy))
        );
    }

    // 3. Argo CD alone: the crashing image committed and synced; no gate, no revert.
    let bad = "ghcr.io/acme/api:v3.0.0-crash";
    let rev = commit_image(&s, "v3.0.0-crash");
    refresh(&s.c, &s.app, "normal").await;
    wait_synced(&s.c, &s.app, &rev, Duration::from_secs(60))
        .await
        .expect("synced");
    let watch_for = Duration::from_secs(120);
    tokio::time::sleep(watch_for).await;
    let d: Deployment = Api::namespaced(s.c.clone(), &s.ns)
        .get("prod-api")
        .await
        .unwrap();
    let img = d.spec.unwrap().template.spec.unwrap().containers[0]
        .image
        .clone()
        .unwrap_or_default();
    let st = status(&s.c, &s.app).await;
    println!(
        "release, Argo CD alone (automated sync, self-heal, no gates): {}s after syncing {bad} the Deployment runs {img} and the Application is {} / {}: nothing reverts by itself (its progress deadline, 600 s, only turns it Degraded)",
        watch_for.as_secs(),
        st.pointer("/sync/status")
            .and_then(Value::as_str)
            .unwrap_or("?"),
        st.pointer("/health/status")
            .and_then(Value::as_str)
            .unwrap_or("?")
    );
    let _ = apps(&s.c).delete(&s.app, &DeleteParams::default()).await;
    let _ = Api::<Namespace>::all(s.c.clone())
        .delete(&s.ns, &DeleteParams::default())
        .await;
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let runs: usize = flag("--runs")
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(1);
    let poll_runs: usize = flag("--poll-runs")
        .and_then(|r| r.parse().ok())
        .unwrap_or(2);
    let what: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a == "generate" || *a == "release")
        .collect();
    if what.is_empty() || what.contains(&"generate") {
        let repo = flag("--repo")
            .map(PathBuf::from)
            .expect("generate needs --repo DIR (scripts/bench-argocd.sh makes one)");
        generate(&repo, runs).await;
    }
    if what.is_empty() || what.contains(&"release") {
        release(runs, poll_runs).await;
    }
}
