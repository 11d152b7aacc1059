//! Argo CD beside the testenv (`testenv/up --argocd`): the real application controller and
//! repo-server, and the real argocd-cmp-server running kubectl-release as the
//! config-management plugin of deploy/argocd/plugin.yaml, sync repositories pushed to the
//! loopback git server into the testenv.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use kube::api::{Api, DynamicObject, GroupVersionKind};
use kube::discovery::pinned_kind;
use serde_json::{Value, json};

use crate::support::argocd::{ArgoCd, TestApp};
use crate::support::copy_dir;
use crate::support::git::git;
use crate::support::testenv::TestEnv;

/// First sync of a fresh Application: repo-server clone, generation, apply, pods Ready.
const SYNC_TIMEOUT: Duration = Duration::from_secs(180);

/// The cluster as Argo CD names it with ARGOCD_FAKE_IN_CLUSTER (the testenv itself).
const IN_CLUSTER: &str = "https://kubernetes.default.svc";

/// replace FROM with TO in FILE, which must contain FROM.
pub(crate) fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(
        text.contains(from),
        "{} no longer contains {from:?}",
        file.display()
    );
    std::fs::write(file, text.replace(from, to)).unwrap();
}

/// A copy of examples/gitops whose prod environment deploys into the test's
/// namespace `ns` instead of `acme-prod` (so tests do not share objects).
pub(crate) fn example_repo(ns: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/gitops"),
        dir.path(),
    );
    let prod = dir.path().join("envs/prod");
    edit(
        &prod.join("kustomization.yaml"),
        "namespace: acme-prod",
        &format!("namespace: {ns}"),
    );
    edit(
        &prod.join("namespace.yaml"),
        "name: acme-prod",
        &format!("name: {ns}"),
    );
    dir
}

/// What `kubectl-release render -k DIR` prints, as JSON objects.
pub(crate) fn render(dir: &Path) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .args(["render", "-o", "json", "-k"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "render -k {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    list["items"].as_array().unwrap().clone()
}

/// `group/Kind namespace/name` of a manifest.
fn key_of_manifest(obj: &Value) -> String {
    let api_version = obj["apiVersion"].as_str().unwrap();
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    format!(
        "{group}/{} {}/{}",
        obj["kind"].as_str().unwrap(),
        obj["metadata"]["namespace"].as_str().unwrap_or(""),
        obj["metadata"]["name"].as_str().unwrap()
    )
}

/// `group/Kind namespace/name` of an entry of an Application's status.resources.
fn key_of_status_resource(r: &Value) -> String {
    format!(
        "{}/{} {}/{}",
        r["group"].as_str().unwrap_or(""),
        r["kind"].as_str().unwrap(),
        r["namespace"].as_str().unwrap_or(""),
        r["name"].as_str().unwrap()
    )
}

/// Checks that every field of `want` is in `got` with the same value (lists:
/// same length, item by item): the live object holds what was rendered, plus
/// what the apiserver and Argo CD add.
fn assert_subset(at: &str, want: &Value, got: &Value) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let gv = g
                    .get(k)
                    .unwrap_or_else(|| panic!("{at}.{k}: missing in the live object"));
                assert_subset(&format!("{at}.{k}"), wv, gv);
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            assert_eq!(w.len(), g.len(), "{at}: list length");
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                assert_subset(&format!("{at}[{i}]"), wv, gv);
            }
        }
        _ => assert_eq!(want, got, "{at}"),
    }
}

/// The Application's resources are exactly `rendered`, each Synced, and each
/// live object holds its rendered content.
async fn assert_deployed_exactly(te: &TestEnv, app: &str, status: &Value, rendered: &[Value]) {
    let want: BTreeSet<String> = rendered.iter().map(key_of_manifest).collect();
    let resources = status["resources"].as_array().cloned().unwrap_or_default();
    let got: BTreeSet<String> = resources.iter().map(key_of_status_resource).collect();
    assert_eq!(
        got, want,
        "Application {app}: its resources vs what render prints"
    );
    for r in &resources {
        assert_eq!(r["status"], "Synced", "Application {app}: {r}");
    }
    for obj in rendered {
        let api_version = obj["apiVersion"].as_str().unwrap();
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let gvk = GroupVersionKind::gvk(group, version, obj["kind"].as_str().unwrap());
        let (ar, _) = pinned_kind(&te.client, &gvk).await.unwrap();
        let name = obj["metadata"]["name"].as_str().unwrap();
        let api: Api<DynamicObject> = match obj["metadata"]["namespace"].as_str() {
            Some(ns) => Api::namespaced_with(te.client.clone(), ns, &ar),
            None => Api::all_with(te.client.clone(), &ar),
        };
        let live = api
            .get(name)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", key_of_manifest(obj)));
        let live = serde_json::to_value(&live).unwrap();
        assert_subset(&key_of_manifest(obj), obj, &live);
    }
}

pub(crate) fn app_spec(repo_url: &str, path: &str, ns: &str, source_extra: Value) -> Value {
    let mut source = json!({ "repoURL": repo_url, "targetRevision": "main", "path": path });
    source
        .as_object_mut()
        .unwrap()
        .extend(source_extra.as_object().unwrap().clone());
    json!({
        "project": "default",
        "source": source,
        "destination": { "server": IN_CLUSTER, "namespace": ns },
        "syncPolicy": { "automated": { "prune": true, "selfHeal": true } },
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn plugin_app_syncs_the_example_repo_to_what_render_prints() {
    let te = TestEnv::connect().await;
    let argocd = ArgoCd::connect().await;
    let ns = te.ns("argocd-plugin").await;
    let work = example_repo(&ns);
    let rendered = render(&work.path().join("envs/prod"));
    let (url, commit) = argocd.push_new_repo(work.path(), &ns);

    let app = TestApp::create(
        &te.client,
        &argocd,
        &ns,
        app_spec(
            &url,
            "envs/prod",
            &ns,
            json!({ "plugin": { "name": "kubectl-release" } }),
        ),
    )
    .await;
    let (status, took) = app
        .wait_synced_healthy(&te.client, &argocd, &commit, SYNC_TIMEOUT)
        .await;
    eprintln!("argocd: plugin Application Synced/Healthy {took:.1?} after creation");
    assert_eq!(status["sourceType"], "Plugin");
    assert_deployed_exactly(&te, &app.name, &status, &rendered).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn release_config_at_the_root_selects_the_plugin_without_a_name() {
    let te = TestEnv::connect().await;
    let argocd = ArgoCd::connect().await;
    let ns = te.ns("argocd-discover").await;
    let work = example_repo(&ns);
    let rendered = render(&work.path().join("envs/prod"));
    let (url, commit) = argocd.push_new_repo(work.path(), &ns);

    // No plugin, no kustomize: Argo CD asks each plugin's discover rule first.
    let app = TestApp::create(
        &te.client,
        &argocd,
        &ns,
        app_spec(&url, "envs/prod", &ns, json!({})),
    )
    .await;
    let (status, _) = app
        .wait_synced_healthy(&te.client, &argocd, &commit, SYNC_TIMEOUT)
        .await;
    assert_eq!(status["sourceType"], "Plugin");
    assert_deployed_exactly(&te, &app.name, &status, &rendered).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn builtin_kustomize_app_syncs_the_same_repo() {
    let te = TestEnv::connect().await;
    let argocd = ArgoCd::connect().await;
    let ns = te.ns("argocd-kustomize").await;
    let work = example_repo(&ns);
    let rendered = render(&work.path().join("envs/prod"));
    let (url, commit) = argocd.push_new_repo(work.path(), &ns);

    // An explicit kustomize source: the plugin's discover rule would claim this repository
    // otherwise. Argo CD drops an empty `kustomize: {}` (NormalizeSource), so it needs a
    // field; the overlay's own namespace changes nothing in the output.
    let app = TestApp::create(
        &te.client,
        &argocd,
        &ns,
        app_spec(
            &url,
            "envs/prod",
            &ns,
            json!({ "kustomize": { "namespace": ns.name() } }),
        ),
    )
    .await;
    let (status, took) = app
        .wait_synced_healthy(&te.client, &argocd, &commit, SYNC_TIMEOUT)
        .await;
    eprintln!("argocd: built-in kustomize Application Synced/Healthy {took:.1?} after creation");
    assert_eq!(status["sourceType"], "Kustomize");
    let want: BTreeSet<String> = rendered.iter().map(key_of_manifest).collect();
    let got: BTreeSet<String> = status["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(key_of_status_resource)
        .collect();
    assert_eq!(
        got, want,
        "built-in kustomize deploys the objects render prints"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn repo_without_release_config_keeps_builtin_kustomize() {
    let te = TestEnv::connect().await;
    let argocd = ArgoCd::connect().await;
    let ns = te.ns("argocd-no-plugin").await;
    let work = example_repo(&ns);
    std::fs::remove_file(work.path().join("kubectl-release.yaml")).unwrap();
    let rendered = render(&work.path().join("envs/prod"));
    let (url, commit) = argocd.push_new_repo(work.path(), &ns);

    // No source type: the plugin's discover rule must not claim this repository.
    let app = TestApp::create(
        &te.client,
        &argocd,
        &ns,
        app_spec(&url, "envs/prod", &ns, json!({})),
    )
    .await;
    let (status, _) = app
        .wait_synced_healthy(&te.client, &argocd, &commit, SYNC_TIMEOUT)
        .await;
    assert_eq!(status["sourceType"], "Kustomize");
    let want: BTreeSet<String> = rendered.iter().map(key_of_manifest).collect();
    let got: BTreeSet<String> = status["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(key_of_status_resource)
        .collect();
    assert_eq!(got, want);
}

/// Asks Argo CD to look at the repository now (what a push webhook would do).
pub(crate) async fn refresh(te: &TestEnv, argocd: &ArgoCd, app: &str) {
    let api: Api<DynamicObject> = Api::namespaced_with(
        te.client.clone(),
        &argocd.namespace,
        &crate::support::argocd::application_resource(),
    );
    let p = json!({"metadata": {"annotations": {"argocd.argoproj.io/refresh": "hard"}}});
    api.patch(
        app,
        &kube::api::PatchParams::default(),
        &kube::api::Patch::Merge(&p),
    )
    .await
    .unwrap();
}

/// A commit that breaks the kustomization: Argo CD shows the plugin's one-paragraph
/// error as the Application's ComparisonError, and nothing is pruned (the plugin
/// printed no stream at all, not an empty one).
#[tokio::test(flavor = "multi_thread")]
async fn a_broken_commit_is_a_comparison_error_and_nothing_is_pruned() {
    let te = TestEnv::connect().await;
    let argocd = ArgoCd::connect().await;
    let ns = te.ns("argocd-broken").await;
    let work = example_repo(&ns);
    let (url, commit) = argocd.push_new_repo(work.path(), &ns);
    let app = TestApp::create(
        &te.client,
        &argocd,
        &ns,
        app_spec(
            &url,
            "envs/prod",
            &ns,
            json!({ "plugin": { "name": "kubectl-release" } }),
        ),
    )
    .await;
    app.wait_synced_healthy(&te.client, &argocd, &commit, SYNC_TIMEOUT)
        .await;

    edit(
        &work.path().join("envs/prod/kustomization.yaml"),
        "resources:\n",
        "resources:\n  - missing.yaml\n",
    );
    git(work.path(), &["commit", "-qam", "break the overlay"]);
    git(work.path(), &["push", "-q", &url, "main"]);
    refresh(&te, &argocd, &app.name).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let message = loop {
        let status = app.status(&te.client).await;
        let found = status["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|c| {
                (c["type"] == "ComparisonError")
                    .then(|| c["message"].as_str().unwrap_or("").to_string())
            });
        if let Some(m) = found {
            break m;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no ComparisonError: {status}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        message.contains(&format!("Application {} at", app.name))
            && message.contains("missing.yaml: not found"),
        "{message}"
    );
    // Give the controller time to act on it: a prune would delete the Deployments.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let deployments: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(te.client.clone(), &ns);
    for name in ["prod-api", "prod-web"] {
        assert!(deployments.get(name).await.is_ok(), "{name} was pruned");
    }
    // The last sync operation is still the good commit's: nothing was synced since.
    let op = &app.status(&te.client).await["operationState"];
    assert_eq!(op["operation"]["sync"]["revision"], commit.as_str(), "{op}");
    assert_eq!(op["phase"], "Succeeded");
}

/// The Application's plugin env and parameters reach the plugin: RELEASE_ENV picks
/// the environment (the Application's path is another one), `images` overrides.
#[tokio::test(flavor = "multi_thread")]
async fn plugin_env_and_parameters_reach_the_plugin() {
    let te = TestEnv::connect().await;
    let argocd = ArgoCd::connect().await;
    let ns = te.ns("argocd-params").await;
    let work = example_repo(&ns);
    let (url, commit) = argocd.push_new_repo(work.path(), &ns);
    let app = TestApp::create(
        &te.client,
        &argocd,
        &ns,
        app_spec(
            &url,
            "envs/dev",
            &ns,
            json!({ "plugin": {
                "name": "kubectl-release",
                "env": [{"name": "RELEASE_ENV", "value": "prod"}],
                "parameters": [{"name": "images", "array": ["ghcr.io/acme/api:v9.9.9"]}],
            }}),
        ),
    )
    .await;
    let (status, _) = app
        .wait_synced_healthy(&te.client, &argocd, &commit, SYNC_TIMEOUT)
        .await;
    let mut rendered = render(&work.path().join("envs/prod"));
    for doc in rendered.iter_mut() {
        for c in doc
            .pointer_mut("/spec/template/spec/containers")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if c["image"]
                .as_str()
                .is_some_and(|i| i.starts_with("ghcr.io/acme/api:"))
            {
                c["image"] = json!("ghcr.io/acme/api:v9.9.9");
            }
        }
    }
    assert_deployed_exactly(&te, &app.name, &status, &rendered).await;
}
