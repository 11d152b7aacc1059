//! The Argo CD config-management plugin: its config, the sidecar manifests, and the
//! `cmp` commands under Argo CD's environment (the real Argo CD runs them in
//! `argocd_testenv`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cmp(cwd: &Path, sub: &str, env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kubectl-release"));
    c.current_dir(cwd).args(["cmp", sub]);
    // Only what Argo CD would set: none of the caller's ARGOCD_* leak in.
    for (k, _) in std::env::vars() {
        if k.starts_with("ARGOCD_") || k.starts_with("PARAM_") || k.starts_with("KUBE_") {
            c.env_remove(k);
        }
    }
    c.envs(env.iter().copied()).output().unwrap()
}

/// `deploy/argocd/plugin.yaml` is what `cmp plugin` prints, `plugin-discover.yaml`
/// what `cmp plugin --discover` prints (regenerate them with
/// `kubectl-release cmp plugin [--discover] > deploy/argocd/plugin[-discover].yaml`).
#[test]
fn the_checked_in_plugin_configs_are_current() {
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .args(["cmp", "plugin", "--discover"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let file = std::fs::read(repo().join("deploy/argocd/plugin-discover.yaml")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&file),
        "deploy/argocd/plugin-discover.yaml is stale"
    );
    let docs =
        kubectl_release::render::yaml::parse_stream(&String::from_utf8_lossy(&file), "p.yaml")
            .unwrap();
    assert_eq!(
        docs[0].value["spec"]["discover"]["find"]["command"],
        serde_json::json!(["kubectl-release", "cmp", "discover"])
    );

    let out = cmp(&repo(), "plugin", &[]);
    assert!(out.status.success());
    let file = std::fs::read(repo().join("deploy/argocd/plugin.yaml")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&file),
        "deploy/argocd/plugin.yaml is stale"
    );
    let docs =
        kubectl_release::render::yaml::parse_stream(&String::from_utf8_lossy(&file), "plugin.yaml")
            .unwrap();
    let p = &docs[0].value;
    assert_eq!(p["kind"], "ConfigManagementPlugin");
    assert_eq!(p["metadata"]["name"], "kubectl-release");
    assert!(p["spec"].get("version").is_none(), "selected by name alone");
    assert_eq!(
        p["spec"]["generate"]["command"],
        serde_json::json!(["kubectl-release", "cmp", "generate"])
    );
    // Named only: Argo CD streams the repository once per generation, and never
    // for Applications that do not name it.
    assert!(p["spec"].get("discover").is_none());
}

/// The sidecar component, rendered by the project's renderer onto a repo-server
/// Deployment: Argo CD's cmp-server as entrypoint, non-root 999, the shared
/// var-files and plugins volumes, its own /tmp.
#[test]
fn the_sidecar_component_adds_the_plugin_to_the_repo_server() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/argocd/repo-server.yaml"),
        d.path().join("repo-server.yaml"),
    )
    .unwrap();
    // A copy beside it: kustomize takes bases and components by relative path only.
    std::fs::create_dir(d.path().join("argocd")).unwrap();
    for f in [
        "kustomization.yaml",
        "repo-server-sidecar.yaml",
        "repo-server-params.yaml",
    ] {
        std::fs::copy(
            repo().join("deploy/argocd").join(f),
            d.path().join("argocd").join(f),
        )
        .unwrap();
    }
    std::fs::write(
        d.path().join("kustomization.yaml"),
        "resources:\n- repo-server.yaml\ncomponents:\n- argocd\n",
    )
    .unwrap();
    let docs = kubectl_release::render::render(&kubectl_release::render::fs::DiskFs, d.path())
        .unwrap_or_else(|e| panic!("{e}"));
    let params = docs
        .iter()
        .find(|d| d["metadata"]["name"] == "argocd-cmd-params-cm")
        .unwrap();
    assert_eq!(
        params["data"]["reposerver.plugin.tar.exclusions"], ".git/*",
        "{params}"
    );
    let deployment = docs.iter().find(|d| d["kind"] == "Deployment").unwrap();
    let spec = &deployment["spec"]["template"]["spec"];
    let containers = spec["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 2, "the repo-server and the sidecar");
    let side = containers
        .iter()
        .find(|c| c["name"] == "kubectl-release")
        .unwrap();
    assert_eq!(
        side["command"],
        serde_json::json!(["/var/run/argocd/argocd-cmp-server"])
    );
    assert_eq!(side["securityContext"]["runAsUser"], 999);
    assert_eq!(side["securityContext"]["runAsNonRoot"], true);
    let mounts: Vec<(&str, &str)> = side["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap(),
                m["mountPath"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(mounts.contains(&("var-files", "/var/run/argocd")));
    assert!(mounts.contains(&("plugins", "/home/argocd/cmp-server/plugins")));
    assert!(mounts.contains(&("kubectl-release-tmp", "/tmp")));
    let volumes: Vec<&str> = spec["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    // kustomize's strategic merge puts the patch's new volume first (checked against kubectl kustomize).
    assert_eq!(volumes, ["kubectl-release-tmp", "var-files", "plugins"]);
    // The repository copies the cmp-server extracts for every call live in memory.
    assert_eq!(spec["volumes"][0]["emptyDir"]["medium"], "Memory");
}

/// `cmp generate` in an Application's path prints exactly what `render` prints;
/// the `env` parameter (or `ARGOCD_ENV_RELEASE_ENV`) renders an environment of
/// the release config instead; image overrides apply.
#[test]
fn generate_renders_the_path_or_the_environment_asked_for() {
    let prod = repo().join("examples/gitops/envs/prod");
    let render = |dir: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
            .args(["render", "-k"])
            .arg(dir)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let app = [
        ("ARGOCD_APP_NAME", "shop-prod"),
        ("ARGOCD_APP_NAMESPACE", "argocd"),
        ("ARGOCD_APP_SOURCE_PATH", "envs/prod"),
        ("KUBE_API_VERSIONS", "v1,apps/v1"),
    ];
    let out = cmp(&prod, "generate", &app);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, render(&prod));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dev = render(&repo().join("examples/gitops/envs/dev"));
    let mut with_env = app.to_vec();
    with_env.push(("ARGOCD_ENV_RELEASE_ENV", "dev"));
    assert_eq!(cmp(&prod, "generate", &with_env).stdout, dev);
    let mut with_param = app.to_vec();
    with_param.push((
        "ARGOCD_APP_PARAMETERS",
        r#"[{"name":"env","string":"dev"}]"#,
    ));
    assert_eq!(cmp(&prod, "generate", &with_param).stdout, dev);

    let mut with_image = app.to_vec();
    with_image.push((
        "ARGOCD_APP_PARAMETERS",
        r#"[{"name":"images","array":["ghcr.io/acme/api:v9.9.9"]}]"#,
    ));
    let out = cmp(&prod, "generate", &with_image);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("image: ghcr.io/acme/api:v9.9.9"), "{text}");
}

/// Any failure: exit non-zero, nothing on stdout (an empty stream would make Argo CD
/// prune the application), one paragraph on stderr naming the Application.
#[test]
fn generate_failures_print_nothing_and_say_which_application() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("kustomization.yaml"),
        "resources:\n- missing.yaml\n",
    )
    .unwrap();
    let out = cmp(
        d.path(),
        "generate",
        &[
            ("ARGOCD_APP_NAME", "shop-prod"),
            ("ARGOCD_APP_NAMESPACE", "argocd"),
            ("ARGOCD_APP_REVISION_SHORT", "abc1234"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: Application shop-prod at abc1234: ")
            && err.contains("missing.yaml: not found")
            && err.trim_end().lines().count() == 1,
        "{err}"
    );
    let out = cmp(
        &repo().join("examples/gitops/envs/prod"),
        "generate",
        &[
            (
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"env","string":"staging"}]"#,
            ),
            ("ARGOCD_APP_SOURCE_PATH", "envs/prod"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("staging"));
}

/// Discovery matches a repository with kubectl-release.yaml at or above the
/// Application's path (non-empty output), and nothing else (empty output).
#[test]
fn discovery_and_parameters() {
    let prod = repo().join("examples/gitops/envs/prod");
    let out = cmp(
        &prod,
        "discover",
        &[("ARGOCD_APP_SOURCE_PATH", "envs/prod")],
    );
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).ends_with("examples/gitops/kubectl-release.yaml\n")
    );
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("kustomization.yaml"), "resources: []\n").unwrap();
    let out = cmp(d.path(), "discover", &[("ARGOCD_APP_SOURCE_PATH", ".")]);
    assert!(out.status.success() && out.stdout.is_empty());
    // An Application that names the plugin opts a plain kustomize repository in.
    let out = cmp(
        d.path(),
        "discover",
        &[
            ("ARGOCD_APP_SOURCE_PATH", "."),
            ("ARGOCD_ENV_KUBECTL_RELEASE", "true"),
        ],
    );
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("kustomization.yaml\n"));

    let out = cmp(
        &prod,
        "parameters",
        &[("ARGOCD_APP_SOURCE_PATH", "envs/prod")],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["name"], "env");
    assert_eq!(v[0]["string"], "prod");
    assert!(v[0]["tooltip"].as_str().unwrap().contains("dev, prod"));
    assert_eq!(v[1]["name"], "images");
}
