//! `deploy --via argocd` on the real Argo CD beside the testenv: the image goes in
//! as a commit, Argo CD syncs it at once, a failed gate is a `git revert` (with the
//! bad tag pinned out) that Argo CD syncs; and the faults around it.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::Api;
use serde_json::{Value, json};

use crate::argocd_testenv::{app_spec, example_repo};
use crate::support::argocd::{ArgoCd, TestApp};
use crate::support::git::git;
use crate::support::testenv::{TestEnv, TestNamespace};

const SYNC_TIMEOUT: Duration = Duration::from_secs(180);
const GOOD: &str = "ghcr.io/acme/api:v1.4.2";

struct Env {
    te: TestEnv,
    argocd: ArgoCd,
    ns: TestNamespace,
    work: tempfile::TempDir,
    url: String,
    app: TestApp,
}

/// Runs git in `dir`; its stdout, trimmed.
fn git_out(dir: &Path, args: &[&str]) -> String {
    git(dir, args).trim().to_string()
}

/// A copy of the example repository whose prod environment is released through
/// the Argo CD Application named after the test's namespace.
async fn setup_with(te: TestEnv, prefix: &str) -> Env {
    let argocd = ArgoCd::connect().await;
    let ns = te.ns(prefix).await;
    let work = example_repo(&ns);
    std::fs::write(
        work.path().join("kubectl-release.yaml"),
        format!(
            "# Release config of this GitOps repository.\nenvironments:\n  dev:\n    path: envs/dev\n  prod:\n    path: envs/prod\n    cluster:\n      namespace: {ns}\n    argocd:\n      application: {ns}\n    images:\n      - name: ghcr.io/acme/api\n        policy: \"1.x-0\"\n    gates:\n      readinessTimeout: 6s\n      timeout: 120s\n",
            ns = ns.name()
        ),
    )
    .unwrap();
    let (url, commit) = argocd.push_new_repo(work.path(), &ns);
    git(work.path(), &["remote", "add", "origin", &url]);
    git(work.path(), &["fetch", "-q", "origin"]);
    git(work.path(), &["branch", "-q", "-u", "origin/main"]);
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
    Env {
        te,
        argocd,
        ns,
        work,
        url,
        app,
    }
}

async fn setup(prefix: &str) -> Env {
    setup_with(TestEnv::connect().await, prefix).await
}

impl Env {
    fn cli(&self, args: &[&str]) -> Output {
        self.cli_as(args, self.te.dir.join("kubeconfig"))
    }

    fn cli_as(&self, args: &[&str], kubeconfig: std::path::PathBuf) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
            .current_dir(self.work.path())
            .args(args)
            .env("KUBECONFIG", kubeconfig)
            .output()
            .unwrap()
    }

    fn deploy(&self, image: &str, extra: &[&str]) -> Output {
        let mut args = vec!["deploy", "prod", "--image", image];
        args.extend_from_slice(extra);
        self.cli(&args)
    }

    /// `deploy` as the least-privilege identity (testenv/rbac.yaml and rbac-argocd.yaml).
    fn deploy_restricted(&self, image: &str) -> Output {
        self.cli_as(
            &["deploy", "prod", "--image", image],
            self.te.restricted_kubeconfig(),
        )
    }

    async fn image(&self) -> String {
        Api::<Deployment>::namespaced(self.te.client.clone(), &self.ns)
            .get("prod-api")
            .await
            .unwrap()
            .spec
            .unwrap()
            .template
            .spec
            .unwrap()
            .containers[0]
            .image
            .clone()
            .unwrap()
    }

    /// The branch as the git server has it: (HEAD commit, its full message).
    fn remote_head(&self) -> (String, String) {
        git(self.work.path(), &["fetch", "-q", "origin"]);
        let sha = git_out(self.work.path(), &["rev-parse", "origin/main"]);
        let msg = git_out(
            self.work.path(),
            &["log", "-1", "--format=%B", "origin/main"],
        );
        (sha, msg)
    }

    fn remote_file(&self, path: &str) -> String {
        git_out(self.work.path(), &["show", &format!("origin/main:{path}")])
    }

    fn history(&self) -> Value {
        let out = self.cli(&["history", "prod", "-o", "json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Waits until the api Deployment runs `image` with every replica updated and available.
    async fn wait_image_ready(&self, image: &str) {
        let api: Api<Deployment> = Api::namespaced(self.te.client.clone(), &self.ns);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let d = api.get("prod-api").await.unwrap();
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
                return;
            }
            assert!(
                Instant::now() < deadline,
                "prod-api never became ready on {image}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The whole loop: a good image is committed, pushed, synced by Argo CD now (not at
/// its poll) and released behind the gates; a crashing one is reverted in git with
/// its tag pinned out of the release config, Argo CD syncs the revert, the workload
/// is back on the previous image and healthy, exit 3. Records say the commits and
/// the revisions Argo CD synced. As the least-privilege identity.
#[tokio::test(flavor = "multi_thread")]
async fn a_release_goes_through_git_and_a_failure_is_reverted_in_git() {
    let env = setup("argo-rel").await;
    let (before, _) = env.remote_head();

    let t = Instant::now();
    let out = env.deploy_restricted("ghcr.io/acme/api:v1.5.0");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    eprintln!("argocd release: good image released in {:?}", t.elapsed());
    let err = stderr(&out);
    assert!(
        err.contains("argocd: ") && err.contains(" synced "),
        "{err}"
    );
    assert_eq!(env.image().await, "ghcr.io/acme/api:v1.5.0");
    let (release, msg) = env.remote_head();
    assert_ne!(release, before);
    assert!(
        msg.starts_with("release(prod): ghcr.io/acme/api v1.4.2 -> v1.5.0"),
        "{msg}"
    );
    assert!(
        env.remote_file("envs/prod/kustomization.yaml")
            .contains("newTag: v1.5.0")
    );
    let h = env.history();
    assert_eq!(h[0]["status"], "succeeded", "{h}");
    assert_eq!(h[0]["git"]["commit"], release.as_str());
    assert_eq!(h[0]["argocd"]["synced"], release.as_str());
    assert_eq!(
        h[0]["argocd"]["application"],
        format!("argocd/{}", env.ns.name())
    );
    assert!(h[0]["user"].as_str().unwrap().contains("via argocd"));

    let t = Instant::now();
    let out = env.deploy_restricted("ghcr.io/acme/api:v1.6.0-crash");
    let took = t.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("CrashLoopBackOff"), "{err}");
    assert!(err.contains("pins out v1.6.0-crash"), "{err}");
    eprintln!("argocd release: crashing image reverted through git in {took:?}");
    let (revert, msg) = env.remote_head();
    assert!(
        msg.starts_with("Revert \"release(prod): ghcr.io/acme/api v1.5.0 -> v1.6.0-crash\""),
        "{msg}"
    );
    assert!(
        msg.contains("Kubectl-Release-Pinned-Out: v1.6.0-crash"),
        "{msg}"
    );
    assert!(
        env.remote_file("envs/prod/kustomization.yaml")
            .contains("newTag: v1.5.0")
    );
    // The tag is pinned out: the environment's policy (which allows prereleases) no
    // longer picks it.
    let config = env.remote_file("kubectl-release.yaml");
    let cfg = kubectl_release::repo::config::ReleaseConfig::parse(&config, "k.yaml").unwrap();
    let policy = cfg.environments["prod"]
        .image("ghcr.io/acme/api")
        .unwrap()
        .compile(None)
        .unwrap();
    let tags: Vec<String> = ["v1.5.0", "v1.6.0-crash"]
        .iter()
        .map(|t| t.to_string())
        .collect();
    assert_eq!(
        policy.select("ghcr.io/acme/api", None, &tags).unwrap(),
        "v1.5.0"
    );
    env.wait_image_ready("ghcr.io/acme/api:v1.5.0").await;
    let st = env.app.status(&env.te.client).await;
    assert_eq!(
        st["sync"]["revision"],
        revert.as_str(),
        "Argo CD is on the revert"
    );
    let h = env.history();
    assert_eq!(h[0]["status"], "rolled-back", "{h}");
    assert_eq!(h[0]["git"]["revert"], revert.as_str());
    assert_eq!(h[0]["git"]["pinnedOut"], "v1.6.0-crash");
    assert_eq!(h[0]["argocd"]["revertSynced"], revert.as_str());
    let table = env.cli(&["history", "prod"]);
    assert!(
        String::from_utf8_lossy(&table.stdout).contains(&format!(
            "{} reverted by {}",
            &h[0]["git"]["commit"].as_str().unwrap()[..8],
            &revert[..8]
        )),
        "{}",
        String::from_utf8_lossy(&table.stdout)
    );
}

/// `--undo-live-first`: when the gate fails the inverse patch lands at once while
/// the revert travels; Argo CD's self-heal converges on the same state (the revert is
/// pushed and Argo CD asked to look first), so the image never flips back to the bad one.
#[tokio::test(flavor = "multi_thread")]
async fn undo_live_first_restores_at_once_and_self_heal_does_not_fight_it() {
    let env = setup("argo-live").await;
    let bad = "ghcr.io/acme/api:v1.6.0-crash";
    // Every change of the live image, with when it happened.
    let api: Api<Deployment> = Api::namespaced(env.te.client.clone(), &env.ns);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (api, stop) = (api.clone(), stop.clone());
        tokio::spawn(async move {
            let mut seen: Vec<(Instant, String)> = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                if let Ok(d) = api.get("prod-api").await {
                    let img = d.spec.unwrap().template.spec.unwrap().containers[0]
                        .image
                        .clone()
                        .unwrap();
                    if seen.last().map(|(_, i)| i) != Some(&img) {
                        seen.push((Instant::now(), img));
                    }
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            seen
        })
    };
    let out = env.deploy(bad, &["--undo-live-first"]);
    // Self-heal acts about 5 s after a live change: keep watching past it.
    tokio::time::sleep(Duration::from_secs(8)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = watcher.await.unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let images: Vec<&str> = seen.iter().map(|(_, i)| i.as_str()).collect();
    assert_eq!(images, [GOOD, bad, GOOD], "the image flapped: {seen:?}");
    let undo_applied = err
        .find("undo applied")
        .expect("the inverse patch was applied live");
    let synced_revert = err.rfind(" synced ").unwrap();
    assert!(
        undo_applied < synced_revert,
        "live first, then the revert synced: {err}"
    );
    env.wait_image_ready(GOOD).await;
}

/// Argo CD does not sync in time (its controller is stopped): a clear error naming
/// where Argo CD is, the release commit reverted and pushed, nothing applied, exit 2.
#[tokio::test(flavor = "multi_thread")]
async fn argo_cd_not_syncing_in_time_reverts_the_commit_and_changes_nothing() {
    let env = setup_with(TestEnv::connect_exclusive().await, "argo-stop").await;
    let (before, _) = env.remote_head();
    let ctl = Path::new(env!("CARGO_MANIFEST_DIR")).join("testenv/argocd-controller");
    assert!(Command::new(&ctl).arg("stop").status().unwrap().success());
    let out = env.deploy("ghcr.io/acme/api:v1.5.0", &["--sync-timeout", "8s"]);
    let restarted = Command::new(&ctl).arg("start").status().unwrap();
    assert!(restarted.success());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("Argo CD did not sync") && err.contains("within 8s"),
        "{err}"
    );
    assert!(err.contains("was reverted"), "{err}");
    let (head, msg) = env.remote_head();
    assert!(msg.starts_with("Revert \"release(prod)"), "{msg}");
    let parent = git_out(env.work.path(), &["rev-parse", &format!("{head}~2")]);
    assert_eq!(
        parent, before,
        "the release commit and its revert, nothing else"
    );
    assert_eq!(env.image().await, GOOD, "nothing reached the cluster");
    assert_eq!(env.history()[0]["status"], "failed");
    // Argo CD, back, syncs the revert: still the good image.
    env.app
        .wait_synced_healthy(&env.te.client, &env.argocd, &head, SYNC_TIMEOUT)
        .await;
    assert_eq!(env.image().await, GOOD);
}

/// Someone else pushes to the branch while the release runs: the revert is a revert
/// of the release commit only; their change stays.
#[tokio::test(flavor = "multi_thread")]
async fn a_push_by_someone_else_during_the_release_survives_the_revert() {
    let env = setup("argo-race").await;
    let bad = "ghcr.io/acme/api:v1.7.0-unready";
    let other = tempfile::tempdir().unwrap();
    git(other.path(), &["clone", "-q", &env.url, "."]);
    for (k, v) in [
        ("user.email", "o@example.com"),
        ("user.name", "Other"),
        ("commit.gpgsign", "false"),
    ] {
        git(other.path(), &["config", k, v]);
    }
    let child = {
        let dir = env.work.path().to_path_buf();
        let kc = env.te.dir.join("kubeconfig");
        std::thread::spawn(move || {
            Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
                .current_dir(dir)
                .args([
                    "deploy",
                    "prod",
                    "--image",
                    bad,
                    "--readiness-timeout",
                    "10s",
                ])
                .env("KUBECONFIG", kc)
                .output()
                .unwrap()
        })
    };
    // Once the release is live, someone pushes an unrelated change.
    let deadline = Instant::now() + Duration::from_secs(60);
    while env.image().await != bad {
        assert!(
            Instant::now() < deadline,
            "the release never reached the cluster"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    git(other.path(), &["pull", "-q", "--rebase", "origin", "main"]);
    let dev = other.path().join("envs/dev/kustomization.yaml");
    let text = std::fs::read_to_string(&dev).unwrap();
    std::fs::write(&dev, format!("{text}# touched by someone else\n")).unwrap();
    git(
        other.path(),
        &["commit", "-qam", "dev: someone else's change"],
    );
    git(other.path(), &["push", "-q", "origin", "main"]);
    let out = child.join().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let (_, msg) = env.remote_head();
    assert!(msg.starts_with("Revert \"release(prod)"), "{msg}");
    assert!(
        env.remote_file("envs/dev/kustomization.yaml")
            .contains("# touched by someone else"),
        "their change stays"
    );
    assert!(
        env.remote_file("envs/prod/kustomization.yaml")
            .contains("newTag: v1.4.2")
    );
    env.wait_image_ready(GOOD).await;
}

/// A release killed mid-rollout (SIGKILL, no clean-up): the next run sees the open
/// record, and `undo` reverts the release commit through git and Argo CD.
#[tokio::test(flavor = "multi_thread")]
async fn a_killed_release_is_undone_through_git() {
    let env = setup("argo-kill").await;
    let slow = "ghcr.io/acme/api:v1.8.0-slow";
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .current_dir(env.work.path())
        .args(["deploy", "prod", "--image", slow, "--soak", "60s"])
        .env("KUBECONFIG", env.te.dir.join("kubeconfig"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while env.image().await != slow {
        assert!(
            Instant::now() < deadline,
            "the release never reached the cluster"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let st = Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    child.wait().unwrap();
    let (release, _) = env.remote_head();
    assert_eq!(env.history()[0]["status"], "in-progress");
    let st = env.cli(&["status", "prod"]);
    assert!(
        stderr(&st).contains("interrupted")
            && stderr(&st).contains(&format!("reverting commit {}", &release[..12])),
        "{}",
        stderr(&st)
    );

    let out = env.cli(&["undo", "prod"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("took over the lease"), "{err}");
    let (revert, msg) = env.remote_head();
    assert!(
        msg.contains(&format!("This reverts commit {release}.")),
        "{msg}"
    );
    env.wait_image_ready(GOOD).await;
    let h = env.history();
    assert_eq!(h[0]["status"], "succeeded", "{h}");
    assert_eq!(h[0]["argocd"]["synced"], revert.as_str());
    assert_eq!(h[1]["status"], "undone", "{h}");
}

/// A branch that refuses the push for good (a protected branch): nothing is applied,
/// nothing is left committed, a clear error.
#[tokio::test(flavor = "multi_thread")]
async fn a_push_refused_for_good_changes_nothing() {
    let env = setup("argo-protected").await;
    let hook = env
        .argocd
        .git_root
        .join(format!("{}.git/hooks/pre-receive", env.ns.name()));
    std::fs::write(&hook, "#!/bin/sh\necho 'main is protected' >&2\nexit 1\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let local_before = git_out(env.work.path(), &["rev-parse", "HEAD"]);
    let out = env.deploy("ghcr.io/acme/api:v1.5.0", &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("main is protected") || err.contains("declined"),
        "{err}"
    );
    assert_eq!(
        git_out(env.work.path(), &["rev-parse", "HEAD"]),
        local_before
    );
    assert_eq!(git_out(env.work.path(), &["status", "--porcelain"]), "");
    assert_eq!(env.image().await, GOOD);
    // The lock was released: a release can start at once (and is refused the same way).
    let again = env.deploy("ghcr.io/acme/api:v1.5.0", &[]);
    assert!(
        !stderr(&again).contains("is being released by"),
        "{}",
        stderr(&again)
    );
}

/// A live patch behind Argo CD's back is refused: self-heal would put git's image back.
#[tokio::test(flavor = "multi_thread")]
async fn a_live_deploy_of_an_argo_cd_managed_workload_is_refused_unless_forced() {
    let env = setup("argo-refuse").await;
    let out = env.deploy("ghcr.io/acme/api:v1.5.0", &["--via", "live"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("managed by Argo CD Application {}", env.ns.name()))
            && err.contains("--via argocd"),
        "{err}"
    );
    assert_eq!(env.image().await, GOOD);
}
