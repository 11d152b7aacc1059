//! `diff ENV` / `diff -k DIR` against the testenv: the real binary, the real
//! renderer, a real API server's server-side apply dry-run.

use std::path::{Path, PathBuf};
use std::process::Command;

use kube::api::{Api, DynamicObject, GroupVersionKind, Patch, PatchParams};
use kube::discovery::{self, Scope};
use serde_json::Value;

use crate::support::testenv::TestEnv;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with `--kubeconfig` (and no colour).
fn run(kubeconfig: &Path, args: &[&str]) -> Run {
    let out = bin()
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .output()
        .expect("run kubectl-release");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn admin(env: &TestEnv) -> PathBuf {
    env.dir.join("kubeconfig")
}

/// Writes files (path, content) under `dir`.
fn write(dir: &Path, files: &[(&str, &str)]) {
    for (p, text) in files {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn deployment(name: &str, image: &str, replicas: u32) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: app
        image: {image}
"
    )
}

fn configmap(name: &str, value: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  setting: {value:?}\n"
    )
}

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
";

/// A kustomization of a ConfigMap, a Service and a Deployment (plus `extra` resources).
fn app_dir(dir: &Path, namespace: Option<&str>, image: &str, replicas: u32, extra: &str) {
    let ns = namespace
        .map(|n| format!("namespace: {n}\n"))
        .unwrap_or_default();
    write(
        dir,
        &[
            (
                "kustomization.yaml",
                &format!("{ns}resources:\n- cm.yaml\n- svc.yaml\n- deploy.yaml\n{extra}"),
            ),
            ("cm.yaml", &configmap("settings", "one")),
            ("svc.yaml", SERVICE),
            ("deploy.yaml", &deployment("web", image, replicas)),
        ],
    );
}

/// A GitOps repo with environment `dev` at envs/dev, targeting `namespace`.
fn env_repo(root: &Path, namespace: &str) -> PathBuf {
    write(
        root,
        &[(
            "kubectl-release.yaml",
            &format!(
                "environments:\n  dev:\n    path: envs/dev\n    cluster:\n      namespace: {namespace}\n"
            ),
        )],
    );
    root.join("envs/dev")
}

/// Renders `dir` with the binary.
fn render(dir: &Path) -> Vec<Value> {
    let out = bin()
        .args(["render", "-o", "json", "-k"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    list["items"].as_array().unwrap().clone()
}

/// Server-side applies objects as another tool would (field manager `argocd-like`).
async fn apply(env: &TestEnv, ns: &str, docs: &[Value]) {
    for d in docs {
        let (group, version) = match d["apiVersion"].as_str().unwrap().split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", d["apiVersion"].as_str().unwrap()),
        };
        let gvk = GroupVersionKind::gvk(group, version, d["kind"].as_str().unwrap());
        let (ar, caps) = discovery::pinned_kind(&env.client, &gvk).await.unwrap();
        let api: Api<DynamicObject> = if caps.scope == Scope::Namespaced {
            let ns = d["metadata"]["namespace"].as_str().unwrap_or(ns);
            Api::namespaced_with(env.client.clone(), ns, &ar)
        } else {
            Api::all_with(env.client.clone(), &ar)
        };
        let name = d["metadata"]["name"].as_str().unwrap();
        api.patch(name, &PatchParams::apply("argocd-like"), &Patch::Apply(d))
            .await
            .unwrap_or_else(|e| panic!("applying {name}: {e}"));
    }
}

/// The table's data rows as (namespace, kind, name, op).
fn rows(stdout: &str) -> Vec<(String, String, String, String)> {
    let mut lines = stdout.lines();
    let header = lines.next().unwrap_or_default();
    assert!(header.starts_with("NAMESPACE"), "{stdout}");
    lines
        .take_while(|l| !l.contains(" to create, "))
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(c.len(), 4, "{l}");
            (c[0].into(), c[1].into(), c[2].into(), c[3].into())
        })
        .collect()
}

fn row(ns: &str, kind: &str, name: &str, op: &str) -> (String, String, String, String) {
    (ns.into(), kind.into(), name.into(), op.into())
}

#[tokio::test]
async fn nothing_applied_every_object_is_create() {
    let env = TestEnv::connect().await;
    let guard = env.ns("diff-create").await;
    let ns = guard.name().to_string();
    let tmp = tempfile::tempdir().unwrap();
    // No namespace in the kustomization: `-n` supplies it, as with kubectl.
    app_dir(tmp.path(), None, "registry.test/web:1.0.0", 1, "");
    let dir = tmp.path().to_str().unwrap();
    let r = run(&admin(&env), &["diff", "-k", dir, "-n", &ns]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        rows(&r.stdout),
        [
            row(&ns, "ConfigMap", "settings", "create"),
            row(&ns, "Deployment", "web", "create"),
            row(&ns, "Service", "web", "create"),
        ]
    );
    assert!(
        r.stdout
            .contains("3 to create, 0 to update, 0 to delete, 0 unchanged")
    );
    // The merged side is what the server would create: defaults filled in.
    assert!(
        r.stdout.contains(&format!(
            "--- live/Deployment/{ns}/web\n+++ merged/Deployment/{ns}/web\n"
        )),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("+  revisionHistoryLimit: 10\n"));
    assert!(r.stdout.contains("+    protocol: TCP\n"));
    assert!(!r.stdout.contains("managedFields") && !r.stdout.contains("uid:"));
}

#[tokio::test]
async fn applied_objects_are_noop_and_changes_are_updates() {
    let env = TestEnv::connect().await;
    let guard = env.ns("diff-update").await;
    let ns = guard.name().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let overlay = env_repo(tmp.path(), &ns);
    // The environment's namespace comes from kubectl-release.yaml (cluster.namespace).
    app_dir(&overlay, None, "registry.test/web:1.0.0", 1, "");
    let repo = tmp.path().to_str().unwrap();
    let mut docs = render(&overlay);
    for d in &mut docs {
        d["metadata"]["namespace"] = ns.to_string().into();
    }
    apply(&env, &ns, &docs).await;

    let r = run(&admin(&env), &["diff", "--repo", repo, "dev"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .ends_with("0 to create, 0 to update, 0 to delete, 3 unchanged\n"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("---"), "no diff when nothing changes");
    let r = run(
        &admin(&env),
        &["diff", "--repo", repo, "dev", "--show-unchanged"],
    );
    assert_eq!(r.code, 0);
    assert_eq!(rows(&r.stdout).len(), 3);
    assert!(rows(&r.stdout).iter().all(|r| r.3 == "noop"));

    // The overlay changes the image and the replicas.
    write(
        &overlay,
        &[(
            "kustomization.yaml",
            "resources:\n- cm.yaml\n- svc.yaml\n- deploy.yaml\n\
             images:\n- name: registry.test/web\n  newTag: 1.1.0\n\
             replicas:\n- name: web\n  count: 3\n",
        )],
    );
    let r = run(&admin(&env), &["diff", "--repo", repo, "dev"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        rows(&r.stdout),
        [row(&ns, "Deployment", "web", "update")],
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("0 to create, 1 to update, 0 to delete, 2 unchanged")
    );
    let diff = &r.stdout[r.stdout.find("--- live/").expect("a unified diff")..];
    assert!(diff.starts_with(&format!(
        "--- live/Deployment/{ns}/web\n+++ merged/Deployment/{ns}/web\n"
    )));
    assert!(
        diff.contains("\n-  replicas: 1\n+  replicas: 3\n"),
        "{diff}"
    );
    assert!(
        diff.contains(
            "\n-      - image: registry.test/web:1.0.0\n+      - image: registry.test/web:1.1.0\n"
        ),
        "{diff}"
    );
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(changed.len(), 4, "only the two changed fields: {diff}");
}

#[tokio::test]
async fn secret_values_are_masked() {
    let env = TestEnv::connect().await;
    let guard = env.ns("diff-secret").await;
    let ns = guard.name().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let secret = |pw: &str| {
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: {pw}\n  user: admin-user\n"
        )
    };
    write(
        tmp.path(),
        &[
            (
                "kustomization.yaml",
                &format!("namespace: {ns}\nresources:\n- secret.yaml\n"),
            ),
            ("secret.yaml", &secret("first-s3cret")),
        ],
    );
    apply(&env, &ns, &render(tmp.path())).await;
    write(tmp.path(), &[("secret.yaml", &secret("second-s3cret"))]);
    let dir = tmp.path().to_str().unwrap();
    let text = run(&admin(&env), &["diff", "-k", dir]);
    let json = run(&admin(&env), &["diff", "-k", dir, "-o", "json"]);
    assert_eq!(text.code, 1, "{}{}", text.stdout, text.stderr);
    assert_eq!(json.code, 1);
    assert_eq!(rows(&text.stdout), [row(&ns, "Secret", "db", "update")]);
    assert!(
        text.stdout
            .contains("-  password: '*** (before)'\n+  password: '*** (after)'\n"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("   user: '***'\n"), "{}", text.stdout);
    use base64::Engine;
    for secret in ["first-s3cret", "second-s3cret", "admin-user"] {
        let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
        for out in [&text.stdout, &text.stderr, &json.stdout, &json.stderr] {
            assert!(
                !out.contains(secret) && !out.contains(&b64),
                "{secret} printed: {out}"
            );
        }
    }
}

#[tokio::test]
async fn owned_objects_no_longer_rendered_are_deletions() {
    let env = TestEnv::connect().await;
    let guard = env.ns("diff-delete").await;
    let ns = guard.name().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let overlay = env_repo(tmp.path(), &ns);
    let kustomization = |resources: &str| {
        format!(
            "namespace: {ns}\ncommonLabels:\n  kubectl-release.dev/env: dev\nresources:\n{resources}"
        )
    };
    write(
        &overlay,
        &[
            (
                "kustomization.yaml",
                &kustomization("- deploy.yaml\n- keep.yaml\n- old.yaml\n"),
            ),
            (
                "deploy.yaml",
                &deployment("web", "registry.test/web:1.0.0", 1),
            ),
            ("keep.yaml", &configmap("keep", "1")),
            ("old.yaml", &configmap("old", "1")),
        ],
    );
    apply(&env, &ns, &render(&overlay)).await;
    // Another environment's object and an unlabelled one in the same namespace
    // stay out; a Service labelled for dev by hand (a kind dev does not render) is found.
    let other = |name: &str, labels: Value| -> Value {
        serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": ns, "labels": labels}, "data": {"a": "1"}})
    };
    let old_svc = serde_json::json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "old-svc", "namespace": ns, "labels": {"kubectl-release.dev/env": "dev"}},
        "spec": {"ports": [{"port": 80}]}});
    apply(
        &env,
        &ns,
        &[
            other(
                "prod-only",
                serde_json::json!({"kubectl-release.dev/env": "prod"}),
            ),
            other("unlabelled", serde_json::json!({})),
            old_svc,
        ],
    )
    .await;
    // The Deployment's ReplicaSet carries the label too (commonLabels reach the
    // pod template) but is owned by the Deployment: never a deletion.
    let rs: Api<k8s_openapi::api::apps::v1::ReplicaSet> = Api::namespaced(env.client.clone(), &ns);
    crate::support::testenv::wait_for(
        "the Deployment's ReplicaSet",
        std::time::Duration::from_secs(30),
        || async {
            rs.list(&Default::default())
                .await
                .ok()
                .filter(|l| !l.items.is_empty())
        },
    )
    .await;

    write(
        &overlay,
        &[(
            "kustomization.yaml",
            &kustomization("- deploy.yaml\n- keep.yaml\n"),
        )],
    );
    let repo = tmp.path().to_str().unwrap();
    let r = run(&admin(&env), &["diff", "--repo", repo, "dev"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    // `old-svc` was labelled for dev by hand: a Service, a kind dev does not render.
    assert_eq!(
        rows(&r.stdout),
        [
            row(&ns, "ConfigMap", "old", "delete"),
            row(&ns, "Service", "old-svc", "delete"),
        ],
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(&format!(
        "--- live/ConfigMap/{ns}/old\n+++ merged/ConfigMap/{ns}/old\n"
    )));
    assert!(r.stdout.contains("-  name: old\n"));

    // `-k DIR` has no environment: no deletions.
    let r = run(&admin(&env), &["diff", "-k", overlay.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[tokio::test]
async fn unknown_kind_is_an_error_naming_the_object() {
    let env = TestEnv::connect().await;
    let guard = env.ns("diff-unknown").await;
    let ns = guard.name().to_string();
    let tmp = tempfile::tempdir().unwrap();
    app_dir(
        tmp.path(),
        Some(&ns),
        "registry.test/web:1.0.0",
        1,
        "- widget.yaml\n",
    );
    write(
        tmp.path(),
        &[(
            "widget.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gadget\n",
        )],
    );
    let r = run(&admin(&env), &["diff", "-k", tmp.path().to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "", "nothing on stdout on error");
    assert!(
        r.stderr.contains(&format!("Widget {ns}/gadget"))
            && r.stderr.contains("example.com/v1")
            && r.stderr.contains("CustomResourceDefinition"),
        "{}",
        r.stderr
    );
}

#[tokio::test]
async fn restricted_kubeconfig_can_diff() {
    let env = TestEnv::connect().await;
    let guard = env.ns("diff-rbac").await;
    let ns = guard.name().to_string();
    let restricted = env.restricted_kubeconfig();
    let tmp = tempfile::tempdir().unwrap();
    let overlay = env_repo(tmp.path(), &ns);
    app_dir(&overlay, Some(&ns), "registry.test/web:1.0.0", 1, "");
    let repo = tmp.path().to_str().unwrap();

    // Missing objects: the dry-run create is authorised as a create.
    let r = run(&restricted, &["diff", "--repo", repo, "dev"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(rows(&r.stdout).len(), 3);
    assert!(rows(&r.stdout).iter().all(|r| r.3 == "create"));

    apply(&env, &ns, &render(&overlay)).await;
    let r = run(&restricted, &["diff", "--repo", repo, "dev"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Kinds the role may not list are named on stderr, not silently skipped.
    assert!(
        r.stderr.contains("deletions not checked for"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("secrets"), "{}", r.stderr);

    // Nothing written: the dry-runs left the objects as they were.
    let cms: Api<k8s_openapi::api::core::v1::ConfigMap> = Api::namespaced(env.client.clone(), &ns);
    let cm = cms.get("settings").await.unwrap();
    let managers: Vec<String> = cm
        .metadata
        .managed_fields
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.manager)
        .collect();
    assert_eq!(managers, ["argocd-like"]);

    // A kind the role does not cover: exit 2, the object and the verbs named.
    write(
        &overlay,
        &[
            (
                "kustomization.yaml",
                &format!("namespace: {ns}\nresources:\n- cm.yaml\n- secret.yaml\n"),
            ),
            (
                "secret.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: x\n",
            ),
        ],
    );
    let r = run(&restricted, &["diff", "--repo", repo, "dev"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains(&format!("Secret {ns}/db")) && r.stderr.contains("forbidden"),
        "{}",
        r.stderr
    );
}

#[tokio::test]
async fn json_output() {
    let env = TestEnv::connect().await;
    let guard = env.ns("diff-json").await;
    let ns = guard.name().to_string();
    let tmp = tempfile::tempdir().unwrap();
    app_dir(tmp.path(), Some(&ns), "registry.test/web:1.0.0", 1, "");
    apply(&env, &ns, &render(tmp.path())).await;
    write(tmp.path(), &[("cm.yaml", &configmap("settings", "two"))]);
    let dir = tmp.path().to_str().unwrap();
    let r = run(&admin(&env), &["diff", "-k", dir, "-o", "json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("one JSON document");
    assert_eq!(v["changed"], true);
    assert_eq!(v["kustomize"], dir);
    assert_eq!(v["env"], Value::Null);
    let objects = v["objects"].as_array().unwrap();
    let ops: Vec<(&str, &str, &str, &str)> = objects
        .iter()
        .map(|o| {
            (
                o["namespace"].as_str().unwrap(),
                o["kind"].as_str().unwrap(),
                o["name"].as_str().unwrap(),
                o["op"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            (ns.as_str(), "ConfigMap", "settings", "update"),
            (ns.as_str(), "Deployment", "web", "noop"),
            (ns.as_str(), "Service", "web", "noop"),
        ]
    );
    let cm = &objects[0];
    assert!(cm["before"].as_str().unwrap().contains("setting: one"));
    assert!(cm["after"].as_str().unwrap().contains("setting: two"));
    assert!(
        cm["diff"]
            .as_str()
            .unwrap()
            .contains("-  setting: one\n+  setting: two\n")
    );
    assert!(!r.stdout.contains('\x1b'));
}

#[tokio::test]
async fn a_namespace_created_with_the_environment() {
    let env = TestEnv::connect().await;
    // Only its name is used: the namespace itself is never created.
    let guard = env.ns("diff-newns").await;
    let new_ns = format!("{}-new", guard.name());
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[
            (
                "kustomization.yaml",
                &format!("namespace: {new_ns}\nresources:\n- ns.yaml\n- cm.yaml\n"),
            ),
            (
                "ns.yaml",
                &format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {new_ns}\n"),
            ),
            ("cm.yaml", &configmap("settings", "one")),
        ],
    );
    let dir = tmp.path().to_str().unwrap();
    let r = run(&admin(&env), &["diff", "-k", dir]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        rows(&r.stdout),
        [
            row("-", "Namespace", &new_ns, "create"),
            row(&new_ns, "ConfigMap", "settings", "create"),
        ]
    );
    assert!(r.stderr.contains("does not exist yet"), "{}", r.stderr);

    // Without the Namespace object: an error that says what to do.
    write(
        tmp.path(),
        &[(
            "kustomization.yaml",
            &format!("namespace: {new_ns}\nresources:\n- cm.yaml\n"),
        )],
    );
    let r = run(&admin(&env), &["diff", "-k", dir]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains(&format!(
            "ConfigMap {new_ns}/settings: namespace {new_ns} does not exist"
        )),
        "{}",
        r.stderr
    );
}
