//! Distribution, checked with the real tools: the plugin archive and krew
//! manifest (krew v0.4.3's own validation and install, the testenv's kubectl
//! finding the plugin and its completion), the container image (pushed to the
//! loopback registry with crane, exported and run under chroot), and the CI
//! examples (actionlint with shellcheck; their shell steps run here against
//! real git repositories, the archive and a local HTTP endpoint).
//!
//! The Go tools come from `scripts/dist-tools.sh` (scripts/test.sh builds
//! them); these tests fail, saying how to build them, when they are missing.
//! The archive and image are made from the debug binary without its debug
//! info, so the tests need no release build.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::support::copy_dir;
use crate::support::git::{git, init_with_remote};
use crate::support::registry::Registry;

const VERSION: &str = env!("CARGO_PKG_VERSION");
/// What a runner's PATH holds besides the tools a test puts in front.
const SYSTEM_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs the command; fails the test with its output unless it succeeds.
fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

fn sha256_hex(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn yaml(path: &Path) -> Value {
    let src = std::fs::read_to_string(path).unwrap();
    kubectl_release::render::yaml::parse_stream(&src, &path.display().to_string())
        .unwrap()
        .remove(0)
        .value
}

/// The bin directory of scripts/dist-tools.sh (kubectl-krew, validate-krew-manifest, crane, actionlint).
fn tools() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = Command::new(repo().join("scripts/dist-tools.sh"))
            .arg("--check")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        PathBuf::from(text(&out.stdout).trim())
    })
    .clone()
}

/// The testenv's kubectl (a real one, built from k8s.io/kubernetes): its bin
/// directory as `testenv/build` prints it (a no-op once built; no cluster needed).
fn kubectl_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = run(&mut Command::new(repo().join("testenv/build")));
        let bin = PathBuf::from(text(&out.stdout).trim());
        assert!(
            bin.join("kubectl").is_file(),
            "no kubectl in {}",
            bin.display()
        );
        bin
    })
    .clone()
}

fn path_of(dirs: &[&Path]) -> String {
    let mut p: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    p.push(SYSTEM_PATH.to_string());
    p.join(":")
}

/// Shared by the tests of this process: `<target tmp>/distribution`, made afresh once.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("distribution");
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

/// The debug binary without debug info (a release build carries none either).
fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let out = scratch().join("bin/kubectl-release");
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        run(Command::new("objcopy")
            .arg("--strip-debug")
            .arg(env!("CARGO_BIN_EXE_kubectl-release"))
            .arg(&out));
        out
    })
}

/// Serves the files below `dir` over HTTP on loopback for the rest of the test process.
fn serve_files(dir: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let Ok(req) = read_request(&stream) else {
                    return;
                };
                let file = dir.join(req.path.trim_start_matches('/'));
                let mut s = &stream;
                match std::fs::read(&file) {
                    Ok(body) if !req.path.contains("..") => {
                        let _ = write!(
                            s,
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = s.write_all(&body);
                    }
                    _ => {
                        let _ = s.write_all(
                            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        );
                    }
                }
            });
        }
    });
    port
}

struct Request {
    method: String,
    path: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

fn read_request(stream: &TcpStream) -> std::io::Result<Request> {
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body)?;
    Ok(Request {
        method,
        path,
        headers,
        body,
    })
}

/// scripts/dist.sh's output for the stripped debug binary, laid out as a
/// GitHub release: `<releases>/v<version>/<archive>`, also served over HTTP.
struct Dist {
    /// `<releases>`, the parent of the version directory.
    releases: PathBuf,
    archive: PathBuf,
    manifest: PathBuf,
    base_url: String,
}

fn dist() -> &'static Dist {
    static DIST: OnceLock<Dist> = OnceLock::new();
    DIST.get_or_init(|| {
        let releases = scratch().join("releases");
        let out = releases.join(format!("v{VERSION}"));
        std::fs::create_dir_all(&out).unwrap();
        let port = serve_files(releases.clone());
        let base_url = format!("http://127.0.0.1:{port}/v{VERSION}");
        run(Command::new(repo().join("scripts/dist.sh"))
            .arg("--bin")
            .arg(binary())
            .arg("--out")
            .arg(&out)
            .args(["--base-url", &base_url]));
        Dist {
            archive: out.join(format!("kubectl-release_{VERSION}_linux_{}.tar.gz", arch())),
            manifest: out.join("krew-manifest.yaml"),
            releases,
            base_url,
        }
    })
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// This machine's architecture as krew and kubectl name it (the archive built here).
fn arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => panic!("no krew arch for {other}"),
    }
}

fn host_target() -> String {
    format!("{}-unknown-linux-gnu", std::env::consts::ARCH)
}

fn git_head() -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo())
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| text(&out.stdout).trim().to_string())
}

/// `version` names this crate's version, the commit it was built from (build.rs) and its target.
#[test]
fn version_reports_the_build() {
    let out =
        run(Command::new(env!("CARGO_BIN_EXE_kubectl-release")).args(["version", "-o", "json"]));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], VERSION);
    let commit = git_head().unwrap_or_else(|| "unknown".into());
    assert_eq!(v["gitCommit"], commit.as_str(), "{v}");
    assert_eq!(v["target"], host_target().as_str());
    let out = run(Command::new(env!("CARGO_BIN_EXE_kubectl-release")).arg("version"));
    assert_eq!(
        text(&out.stdout),
        format!(
            "version: \"{VERSION}\"\ngitCommit: \"{commit}\"\ntarget: \"{}\"\n",
            host_target()
        )
    );
}

/// The archive holds exactly the plugin, its completion helper, the man pages,
/// LICENSE and README, owned by root; the manifest lists the one platform built
/// with the archive's uri and sha256; krew's own validation passes (structure,
/// selectors, and a real install downloading the uri, LICENSE included).
#[test]
fn archive_and_manifest_pass_krews_validation() {
    let d = dist();
    let listing = text(&run(Command::new("tar").arg("-tvzf").arg(&d.archive)).stdout);
    let mut names = Vec::new();
    for l in listing.lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        assert_eq!(f[1], "0/0", "owner of {l}");
        names.push(f[5].to_string());
    }
    let mut want: Vec<String> = [
        "kubectl-release",
        "kubectl_complete-release",
        "man/",
        "man/man1/",
        "LICENSE",
        "README.md",
    ]
    .map(String::from)
    .to_vec();
    let pages: Vec<&String> = names.iter().filter(|n| n.ends_with(".1")).collect();
    for p in [
        "kubectl-release.1",
        "kubectl-release-deploy.1",
        "kubectl-release-version.1",
    ] {
        assert!(
            pages.contains(&&format!("man/man1/{p}")),
            "{p} not in {pages:?}"
        );
    }
    want.extend(pages.into_iter().cloned());
    names.sort();
    want.sort();
    assert_eq!(names, want);

    let m = yaml(&d.manifest);
    assert_eq!(m["metadata"]["name"], "release");
    assert_eq!(m["spec"]["version"], format!("v{VERSION}"));
    let platforms = m["spec"]["platforms"].as_array().unwrap();
    assert_eq!(platforms.len(), 1, "only the platform built: {platforms:?}");
    let p = &platforms[0];
    assert_eq!(
        p["selector"],
        json!({"matchLabels": {"os": "linux", "arch": arch()}})
    );
    let name = d.archive.file_name().unwrap().to_str().unwrap();
    assert_eq!(p["uri"], format!("{}/{name}", d.base_url));
    assert_eq!(p["sha256"], sha256_hex(&d.archive));
    assert_eq!(p["bin"], "kubectl-release");
    // The .sha256 file beside it, as `sha256sum --check` reads it (the CI examples do).
    assert_eq!(
        std::fs::read_to_string(d.archive.with_extension("gz.sha256")).unwrap(),
        format!("{}  {name}\n", sha256_hex(&d.archive))
    );

    // validate-krew-manifest reads the plugin name from the file name.
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join("release.yaml");
    std::fs::copy(&d.manifest, &named).unwrap();
    let out = run(Command::new(tools().join("validate-krew-manifest"))
        .arg("-manifest")
        .arg(&named)
        .env("PATH", path_of(&[&tools(), &kubectl_dir()]))
        .env("HOME", dir.path()));
    assert!(
        text(&out.stderr).contains("all 1 spec.platforms installed fine"),
        "{}",
        text(&out.stderr)
    );
}

/// The install: `kubectl krew install --manifest --archive` into an empty
/// KREW_ROOT; then kubectl's plugin discovery runs `kubectl release version`, and,
/// with the helper copied as the manifest's caveat says, `kubectl __complete
/// release d` offers deploy and diff through kubectl_complete-release.
#[test]
fn krew_installs_the_archive_and_kubectl_finds_the_plugin() {
    let d = dist();
    let home = tempfile::tempdir().unwrap();
    let krew_root = home.path().join("krew");
    let kubectl = kubectl_dir().join("kubectl");
    let install = run(Command::new(&kubectl)
        .args(["krew", "install"])
        .arg(format!("--manifest={}", d.manifest.display()))
        .arg(format!("--archive={}", d.archive.display()))
        .env_clear()
        .env("PATH", path_of(&[&tools(), &kubectl_dir()]))
        .env("HOME", home.path())
        .env("KREW_ROOT", &krew_root)
        .env("KREW_NO_UPGRADE_CHECK", "1"));
    let said = text(&install.stdout) + &text(&install.stderr);
    assert!(said.contains("Installed plugin: release"), "{said}");

    let plugin_path = path_of(&[&krew_root.join("bin"), &kubectl_dir()]);
    let kubectl_run = |args: &[&str]| {
        run(Command::new(&kubectl)
            .args(args)
            .env_clear()
            .env("PATH", &plugin_path)
            .env("HOME", home.path())
            .env("KREW_ROOT", &krew_root))
    };
    let v: Value =
        serde_json::from_slice(&kubectl_run(&["release", "version", "-o", "json"]).stdout).unwrap();
    assert_eq!(v["version"], VERSION);
    assert_eq!(
        v["gitCommit"],
        git_head().unwrap_or_else(|| "unknown".into()).as_str()
    );
    let yaml_out = text(&kubectl_run(&["release", "version"]).stdout);
    assert!(
        yaml_out.starts_with(&format!("version: \"{VERSION}\"\n")),
        "{yaml_out}"
    );

    // Before the helper is on PATH kubectl has nothing to offer for the plugin.
    let none = text(&kubectl_run(&["__complete", "release", "d"]).stdout);
    assert!(!none.contains("deploy"), "{none}");

    // The caveat's command, as printed by krew, run as a user would.
    // krew frames the caveats with `|`; the command starts at `cp `.
    let cp = said
        .lines()
        .filter(|l| l.contains("kubectl_complete-release\""))
        .find_map(|l| l.find("cp \"").map(|i| &l[i..]))
        .unwrap_or_else(|| panic!("no cp line in the caveats: {said}"));
    run(Command::new("sh")
        .args(["-c", cp])
        .env("KREW_ROOT", &krew_root));
    let comps = text(&kubectl_run(&["__complete", "release", "d"]).stdout);
    let offered: Vec<&str> = comps
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert!(offered.contains(&"deploy"), "{comps}");
    assert!(offered.contains(&"diff"), "{comps}");
    assert!(!offered.contains(&"render"), "{comps}");

    // The man pages krew unpacked render cleanly (groff warnings are errors here).
    let man1 = krew_root.join(format!("store/release/v{VERSION}/man/man1"));
    let page = std::fs::read_to_string(man1.join("kubectl-release.1")).unwrap();
    assert!(page.contains(".TH kubectl-release 1"), "{page}");
    assert!(page.contains("kubectl\\-release\\-deploy(1)"), "{page}");
    let out = run(Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(man1.join("kubectl-release.1"))
        .arg(man1.join("kubectl-release-deploy.1")));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

/// Two runs of scripts/dist.sh give the same bytes (fixed owner, order and
/// times), and `--manifest-only` writes the same manifest from the archives.
#[test]
fn archives_are_reproducible() {
    let d = dist();
    let again = tempfile::tempdir().unwrap();
    run(Command::new(repo().join("scripts/dist.sh"))
        .arg("--bin")
        .arg(binary())
        .arg("--out")
        .arg(again.path())
        .args(["--base-url", &d.base_url]));
    let name = d.archive.file_name().unwrap();
    assert_eq!(sha256_hex(&again.path().join(name)), sha256_hex(&d.archive));
    assert_eq!(
        std::fs::read(again.path().join("krew-manifest.yaml")).unwrap(),
        std::fs::read(&d.manifest).unwrap()
    );
    // The release job's mode: only the manifest, from the archives collected.
    std::fs::remove_file(again.path().join("krew-manifest.yaml")).unwrap();
    run(Command::new(repo().join("scripts/dist.sh"))
        .arg("--manifest-only")
        .arg("--out")
        .arg(again.path())
        .args(["--base-url", &d.base_url]));
    assert_eq!(
        std::fs::read(again.path().join("krew-manifest.yaml")).unwrap(),
        std::fs::read(&d.manifest).unwrap()
    );
}

/// The manifests that run the image name the image of this version, and the CI
/// examples install this version: bumping Cargo.toml's version without them fails.
#[test]
fn deploy_manifests_and_ci_examples_name_this_version() {
    let mut found = Vec::new();
    let mut stack = vec![repo().join("deploy")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            for l in std::fs::read_to_string(&p).unwrap_or_default().lines() {
                if let Some(img) = l
                    .trim()
                    .strip_prefix("image: ghcr.io/kubectl-release/kubectl-release")
                {
                    assert_eq!(img, format!(":{VERSION}"), "{}: {l}", p.display());
                    found.push(p.clone());
                }
            }
        }
    }
    assert!(
        found.contains(&repo().join("deploy/argocd/repo-server-sidecar.yaml")),
        "{found:?}"
    );
    let prod = yaml(&repo().join("examples/ci/prod.yml"));
    assert_eq!(prod["env"]["KUBECTL_RELEASE_VERSION"], VERSION);
}

/// The image: pushed to the loopback registry; its config (entrypoint, user 999,
/// PATH) and its two layers; no shell; plugin.yaml where argocd-cmp-server reads
/// it; built twice, the same digest. Its exported file system is then all the
/// binary has: under chroot as user 999 it reports its version and, as Argo CD's
/// sidecar runs it (by name on the image's PATH, in the Application's directory),
/// renders a repository copied in exactly as `render` does outside; and it
/// trusts the registries the image's CA bundle trusts.
#[test]
fn the_image_runs_from_its_exported_file_system_under_chroot() {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    assert_eq!(
        euid, 0,
        "chroot needs root: run the tests as root (CI does)"
    );
    let reg = Registry::start();
    let reference = format!("{}/kubectl-release/kubectl-release:{VERSION}", reg.host());
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout");
    let pushed = run(Command::new(repo().join("scripts/image.sh"))
        .arg("--bin")
        .arg(binary())
        .arg("--out")
        .arg(&layout)
        .args(["--push", &reference])
        .env("PATH", path_of(&[&tools()])));
    let digest = text(&pushed.stdout).trim().to_string();
    assert!(digest.starts_with("sha256:"), "{digest}");
    let crane = |args: &[&str]| text(&run(Command::new(tools().join("crane")).args(args)).stdout);
    assert_eq!(crane(&["digest", &reference]).trim(), digest);

    // Reproducible: the same inputs give the same digest.
    let again = dir.path().join("again");
    run(Command::new(repo().join("scripts/image.sh"))
        .arg("--bin")
        .arg(binary())
        .arg("--out")
        .arg(&again));
    let index: Value =
        serde_json::from_slice(&std::fs::read(again.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["manifests"][0]["digest"], digest.as_str());

    let manifest: Value = serde_json::from_str(&crane(&["manifest", &reference])).unwrap();
    assert_eq!(
        manifest["layers"].as_array().unwrap().len(),
        2,
        "{manifest}"
    );
    let config: Value = serde_json::from_str(&crane(&["config", &reference])).unwrap();
    assert_eq!(config["os"], "linux");
    assert_eq!(config["architecture"], arch());
    let c = &config["config"];
    assert_eq!(c["User"], "999:999");
    assert_eq!(c["Entrypoint"], json!(["/usr/local/bin/kubectl-release"]));
    assert_eq!(c["WorkingDir"], "/home/argocd");
    assert_eq!(c["Labels"]["org.opencontainers.image.version"], VERSION);
    let env: Vec<String> = c["Env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    assert!(env.contains(&"PATH=/usr/local/bin".to_string()), "{env:?}");

    // The file system as a runtime would unpack it.
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let fs_tar = dir.path().join("fs.tar");
    run(Command::new(tools().join("crane"))
        .args(["export", &reference])
        .arg(&fs_tar));
    run(Command::new("tar")
        .arg("-xpf")
        .arg(&fs_tar)
        .arg("-C")
        .arg(&root));
    for absent in ["bin/sh", "bin", "usr/bin"] {
        assert!(!root.join(absent).exists(), "{absent} is in the image");
    }
    assert_eq!(
        std::fs::read(root.join("home/argocd/cmp-server/config/plugin.yaml")).unwrap(),
        std::fs::read(repo().join("deploy/argocd/plugin.yaml")).unwrap()
    );
    use std::os::unix::fs::MetadataExt;
    assert_eq!(
        std::fs::metadata(root.join("home/argocd")).unwrap().uid(),
        999
    );
    assert_eq!(
        std::fs::metadata(root.join("tmp")).unwrap().mode() & 0o7777,
        0o1777
    );
    assert!(root.join("etc/ssl/certs/ca-certificates.crt").is_file());
    let passwd = std::fs::read_to_string(root.join("etc/passwd")).unwrap();
    assert!(passwd.contains(":999:999:"), "{passwd}");

    // In the chroot: the image's environment only, user 999, the command by name.
    let run_in_image = |program: &str, wd: &str, args: &[&str], extra: &[(&str, &str)]| {
        let mut cmd = Command::new("/usr/bin/unshare");
        cmd.arg(format!("--root={}", root.display()))
            .arg(format!("--wd={wd}"))
            .args(["--setgid", "999", "--setuid", "999", "--", program])
            .args(args)
            .env_clear();
        for e in &env {
            let (k, v) = e.split_once('=').unwrap();
            cmd.env(k, v);
        }
        cmd.envs(extra.iter().copied());
        cmd.output().unwrap()
    };
    let in_image = |wd: &str, args: &[&str], extra: &[(&str, &str)]| {
        run_in_image("kubectl-release", wd, args, extra)
    };
    let out = in_image("/home/argocd", &["version", "-o", "json"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], VERSION);

    copy_dir(&repo().join("examples/gitops"), &root.join("tmp/gitops"));
    let out = in_image(
        "/tmp/gitops/envs/prod",
        &["cmp", "generate"],
        &[
            ("ARGOCD_APP_NAME", "shop-prod"),
            ("ARGOCD_APP_NAMESPACE", "argocd"),
            ("ARGOCD_APP_SOURCE_PATH", "envs/prod"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let outside = run(Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .args(["render", "-k"])
        .arg(repo().join("examples/gitops/envs/prod")));
    assert_eq!(text(&out.stdout), text(&outside.stdout));
    assert!(text(&out.stdout).contains("image: ghcr.io/acme/api:v1.4.2"));

    // TLS roots are the image's /etc/ssl/certs/ca-certificates.crt: an HTTPS
    // registry whose CA is not in it is refused; with that CA appended to the
    // file, the same binary lists the registry's tags and picks one.
    let pki = test_pki(dir.path());
    let tls = Registry::start_with_tls(&pki.cert, &pki.key);
    let image = format!("{}/acme/api", tls.host());
    let digest = format!("sha256:{}", "0".repeat(64));
    tls.bulk_tags(
        "acme/api",
        &digest,
        &["1.0.0", "1.1.0", "2.0.0"].map(String::from),
    );
    let app = root.join("tmp/app");
    std::fs::create_dir_all(app.join("envs/dev")).unwrap();
    std::fs::write(
        app.join("kubectl-release.yaml"),
        "environments:\n  dev:\n    path: envs/dev\n",
    )
    .unwrap();
    std::fs::write(
        app.join("envs/dev/kustomization.yaml"),
        "resources:\n- deployment.yaml\n",
    )
    .unwrap();
    std::fs::write(
        app.join("envs/dev/deployment.yaml"),
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n      - name: api\n        image: {image}:1.0.0\n"
        ),
    )
    .unwrap();
    let resolve = || {
        in_image(
            "/tmp/app",
            &[
                "set-image",
                "dev",
                &image,
                "--resolve",
                "--policy",
                "^1",
                "--dry-run",
                "-o",
                "json",
            ],
            &[],
        )
    };
    let refused = resolve();
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("certificate"),
        "{}",
        text(&refused.stderr)
    );
    let bundle = root.join("etc/ssl/certs/ca-certificates.crt");
    let mut roots = std::fs::read(&bundle).unwrap();
    roots.extend(std::fs::read(&pki.ca).unwrap());
    std::fs::write(&bundle, roots).unwrap();
    let out = resolve();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let change: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(change["new"], format!("{image}:1.1.0"));

    // git is in the image for `deploy --via argocd` and the webhook's --write-back:
    // as user 999, clone over HTTP from the testenv's git server, and `set-image
    // --commit --push` lands a commit there.
    // A container runtime gives the container the OCI runtime spec's default
    // devices; git opens /dev/null and reads /dev/urandom.
    std::fs::create_dir(root.join("dev")).unwrap();
    for (dev, minor) in [
        ("null", "3"),
        ("zero", "5"),
        ("random", "8"),
        ("urandom", "9"),
    ] {
        run(Command::new("mknod")
            .args(["-m", "666"])
            .arg(root.join("dev").join(dev))
            .args(["c", "1", minor]));
    }
    let argocd = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(crate::support::argocd::ArgoCd::connect());
    let seed = tempfile::tempdir().unwrap();
    copy_dir(&app, seed.path());
    let name = format!("dist-image-git-{}", std::process::id());
    let (url, first) = argocd.push_new_repo(seed.path(), &name);
    let who = [
        ("GIT_AUTHOR_NAME", "kubectl-release"),
        ("GIT_AUTHOR_EMAIL", "release@example.com"),
        ("GIT_COMMITTER_NAME", "kubectl-release"),
        ("GIT_COMMITTER_EMAIL", "release@example.com"),
    ];
    let out = run_in_image("git", "/tmp", &["clone", "-q", &url, "/tmp/clone"], &who);
    assert!(
        out.status.success(),
        "git clone in the image: {}",
        text(&out.stderr)
    );
    let out = in_image(
        "/tmp/clone",
        &[
            "set-image",
            "dev",
            &format!("{image}:2.0.0"),
            "--commit",
            "--push",
        ],
        &who,
    );
    assert!(
        out.status.success(),
        "set-image --push in the image: {}",
        text(&out.stderr)
    );
    let bare = argocd.git_root.join(format!("{name}.git"));
    let head = git(&bare, &["rev-parse", "main"]).trim().to_string();
    assert_ne!(head, first, "nothing was pushed");
    assert_eq!(git(&bare, &["rev-parse", "main~1"]).trim(), first);
    // The image is set where it is written: in the Deployment (the overlay has no `images:`).
    let pushed = git(&bare, &["show", "main:envs/dev/deployment.yaml"]);
    assert!(
        pushed.contains(&format!("image: {image}:2.0.0")),
        "{pushed}"
    );
    let message = git(&bare, &["log", "-1", "--format=%an <%ae>%n%B", "main"]);
    assert!(
        message.starts_with("kubectl-release <release@example.com>\nrelease(dev): "),
        "{message}"
    );
}

struct Pki {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

/// A CA and a server certificate for 127.0.0.1 signed by it (openssl).
fn test_pki(dir: &Path) -> Pki {
    let p = |f: &str| dir.join(f);
    let openssl = |args: &[&str]| run(Command::new("openssl").current_dir(dir).args(args));
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "2",
                "-subj",
                "/CN=kubectl-release test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req", "-new"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        ]
        .concat(),
    );
    std::fs::write(
        p("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    Pki {
        ca: p("ca.crt"),
        cert: p("server.crt"),
        key: p("server.key"),
    }
}

/// The CI examples and kubectl-release's own release workflow lint clean with
/// actionlint, which runs shellcheck on every `run:` script; a copy with an
/// unquoted variable shows that shellcheck is live.
#[test]
fn ci_examples_lint_clean() {
    let ci = repo().join("examples/ci");
    let lint = |files: &[PathBuf]| {
        Command::new(tools().join("actionlint"))
            .arg("-verbose")
            .args(files)
            .env("PATH", SYSTEM_PATH)
            .output()
            .unwrap()
    };
    let out = lint(&[
        ci.join("dev.yml"),
        ci.join("prod.yml"),
        repo().join(".github/workflows/release.yml"),
    ]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        !text(&out.stderr).contains("Rule \"shellcheck\" was disabled"),
        "actionlint found no shellcheck (apt-get install shellcheck; scripts/deps.sh does): {}",
        text(&out.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("dev.yml");
    let src = std::fs::read_to_string(ci.join("dev.yml")).unwrap();
    let quoted = "\"${WEBHOOK_URL%/}/v1/webhooks/native\"";
    assert!(src.contains(quoted));
    std::fs::write(
        &broken,
        src.replace(quoted, "${WEBHOOK_URL%/}/v1/webhooks/native"),
    )
    .unwrap();
    let out = lint(&[broken]);
    assert!(!out.status.success());
    assert!(
        text(&out.stdout).contains("SC2086"),
        "{}",
        text(&out.stdout)
    );
}

/// Just enough of GitHub Actions to run a workflow's shell steps here: the
/// `github`, `env`, `vars`, `secrets`, `steps` and `needs` contexts in `${{ }}`,
/// `env:` at every level, `$GITHUB_OUTPUT`, `$GITHUB_ENV`, `$GITHUB_PATH`,
/// `working-directory`, job outputs, and a job's `if:` of the form `X == 'v'` or
/// `X != 'v'`. Anything else is an error, so the workflows cannot outgrow what
/// the test understands unnoticed. `uses:` steps go to the test, which emulates
/// `actions/checkout` and reports the rest as GitHub-only.
struct Actions {
    doc: Value,
    root: PathBuf,
    github: BTreeMap<&'static str, String>,
    vars: BTreeMap<&'static str, String>,
    secrets: BTreeMap<&'static str, String>,
    /// Overrides of workflow-level `env:` (where the archive is downloaded from).
    env_override: BTreeMap<&'static str, String>,
    needs: BTreeMap<String, BTreeMap<String, String>>,
}

/// What the test does with a `uses:` step: `true` if it emulated it.
type Uses<'a> = dyn FnMut(&str, &Value, &Path) -> bool + 'a;

struct JobRun {
    steps: BTreeMap<String, BTreeMap<String, String>>,
    /// The `uses:` steps not emulated: they run on GitHub only.
    github_only: Vec<String>,
}

impl Actions {
    fn load(file: &str, root: &Path) -> Actions {
        Actions {
            doc: yaml(&repo().join("examples/ci").join(file)),
            root: root.to_path_buf(),
            github: BTreeMap::new(),
            vars: BTreeMap::new(),
            secrets: BTreeMap::new(),
            env_override: BTreeMap::new(),
            needs: BTreeMap::new(),
        }
    }

    fn workspace(&self) -> PathBuf {
        self.root.join("workspace")
    }

    fn context(
        &self,
        expr: &str,
        steps: &BTreeMap<String, BTreeMap<String, String>>,
        env: &BTreeMap<String, String>,
    ) -> String {
        let parts: Vec<&str> = expr.split('.').collect();
        let get = |m: Option<&String>| m.cloned().unwrap_or_default();
        match parts.as_slice() {
            ["github", k] => get(self.github.get(k)),
            ["vars", k] => get(self.vars.get(k)),
            ["secrets", k] => get(self.secrets.get(k)),
            ["env", k] => get(env.get(*k)),
            ["steps", id, "outputs", k] => get(steps.get(*id).and_then(|o| o.get(*k))),
            ["needs", job, "outputs", k] => get(self.needs.get(*job).and_then(|o| o.get(*k))),
            _ => panic!("the test does not evaluate ${{{{ {expr} }}}}"),
        }
    }

    fn subst(
        &self,
        s: &str,
        steps: &BTreeMap<String, BTreeMap<String, String>>,
        env: &BTreeMap<String, String>,
    ) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("${{") {
            out.push_str(&rest[..i]);
            let end = rest[i..].find("}}").expect("unclosed ${{") + i;
            out.push_str(&self.context(rest[i + 3..end].trim(), steps, env));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn scalar(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }

    fn env_of(
        &self,
        v: &Value,
        env: &mut BTreeMap<String, String>,
        steps: &BTreeMap<String, BTreeMap<String, String>>,
    ) {
        if let Some(m) = v["env"].as_object() {
            for (k, val) in m {
                let s = self.subst(&Self::scalar(val), steps, env);
                env.insert(k.clone(), s);
            }
        }
    }

    /// Whether the job's `if:` holds.
    fn job_runs(&self, job: &str) -> bool {
        let Some(cond) = self.doc["jobs"][job]["if"].as_str() else {
            return true;
        };
        let (lhs, rhs, eq) = if let Some((l, r)) = cond.split_once("!=") {
            (l, r, false)
        } else if let Some((l, r)) = cond.split_once("==") {
            (l, r, true)
        } else {
            panic!("the test does not evaluate if: {cond}")
        };
        let lit = rhs
            .trim()
            .strip_prefix('\'')
            .and_then(|r| r.strip_suffix('\''))
            .unwrap_or_else(|| panic!("the test does not evaluate if: {cond}"));
        let value = self.context(lhs.trim(), &BTreeMap::new(), &BTreeMap::new());
        (value == lit) == eq
    }

    /// Runs the job's steps in order; a failing `run:` step ends it with an error.
    fn run_job(&mut self, job: &str, uses: &mut Uses) -> Result<JobRun, String> {
        let ws = self.workspace();
        let temp = self.root.join("runner-temp");
        let home = self.root.join("home");
        for d in [&ws, &temp, &home] {
            std::fs::create_dir_all(d).unwrap();
        }
        let mut run = JobRun {
            steps: BTreeMap::new(),
            github_only: Vec::new(),
        };
        let mut env = BTreeMap::new();
        self.env_of(&self.doc, &mut env, &run.steps);
        for (k, v) in &self.env_override {
            env.insert(k.to_string(), v.clone());
        }
        let job_doc = self.doc["jobs"][job].clone();
        assert!(job_doc.is_object(), "no job {job}");
        self.env_of(&job_doc, &mut env, &run.steps);
        let mut paths: Vec<String> = Vec::new();
        let steps = job_doc["steps"].as_array().unwrap().clone();
        for (n, step) in steps.iter().enumerate() {
            let name = step["name"]
                .as_str()
                .or(step["uses"].as_str())
                .unwrap_or("?")
                .to_string();
            if let Some(action) = step["uses"].as_str() {
                let mut with = step["with"].clone();
                if let Some(m) = with.as_object_mut() {
                    for v in m.values_mut() {
                        *v = Value::String(self.subst(&Self::scalar(v), &run.steps, &env));
                    }
                }
                if !uses(action, &with, &ws) {
                    run.github_only.push(action.to_string());
                }
                continue;
            }
            let script = step["run"]
                .as_str()
                .unwrap_or_else(|| panic!("step {name}: no run"));
            let mut step_env = env.clone();
            self.env_of(step, &mut step_env, &run.steps);
            let files: Vec<PathBuf> = ["output", "env", "path"]
                .iter()
                .map(|f| temp.join(format!("{f}-{n}")))
                .collect();
            for f in &files {
                std::fs::write(f, "").unwrap();
            }
            let file = temp.join(format!("step-{n}.sh"));
            std::fs::write(&file, self.subst(script, &run.steps, &step_env)).unwrap();
            let wd = match step["working-directory"].as_str() {
                Some(d) => ws.join(d),
                None => ws.clone(),
            };
            let mut path: Vec<String> = paths.iter().rev().cloned().collect();
            path.push(SYSTEM_PATH.into());
            let mut cmd = Command::new("/bin/bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&file)
                .current_dir(&wd)
                .env_clear()
                .env("PATH", path.join(":"))
                .env("HOME", &home)
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_WORKSPACE", &ws)
                .env("RUNNER_TEMP", &temp)
                .env("GITHUB_OUTPUT", &files[0])
                .env("GITHUB_ENV", &files[1])
                .env("GITHUB_PATH", &files[2]);
            for (k, v) in &self.github {
                cmd.env(format!("GITHUB_{}", k.to_ascii_uppercase()), v);
            }
            cmd.envs(&step_env);
            let out = cmd.output().unwrap();
            if !out.status.success() {
                return Err(format!(
                    "step {name:?} of job {job}: {}\nstdout:\n{}\nstderr:\n{}",
                    out.status,
                    text(&out.stdout),
                    text(&out.stderr)
                ));
            }
            let outputs = read_key_values(&files[0]);
            if let Some(id) = step["id"].as_str() {
                run.steps.insert(id.to_string(), outputs);
            }
            env.extend(read_key_values(&files[1]));
            paths.extend(
                std::fs::read_to_string(&files[2])
                    .unwrap()
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(String::from),
            );
        }
        if let Some(outs) = job_doc["outputs"].as_object() {
            let mut m = BTreeMap::new();
            for (k, v) in outs {
                m.insert(k.clone(), self.subst(&Self::scalar(v), &run.steps, &env));
            }
            self.needs.insert(job.to_string(), m);
        }
        Ok(run)
    }
}

/// `name=value` lines and `name<<DELIMITER` blocks, as GitHub reads $GITHUB_OUTPUT and $GITHUB_ENV.
fn read_key_values(file: &Path) -> BTreeMap<String, String> {
    let src = std::fs::read_to_string(file).unwrap();
    let mut m = BTreeMap::new();
    let mut lines = src.lines();
    while let Some(l) = lines.next() {
        if let Some((k, delim)) = l.split_once("<<") {
            let mut v = Vec::new();
            for l in lines.by_ref() {
                if l == delim {
                    break;
                }
                v.push(l);
            }
            m.insert(k.to_string(), v.join("\n"));
        } else if let Some((k, v)) = l.split_once('=') {
            m.insert(k.to_string(), v.to_string());
        }
    }
    m
}

/// `actions/checkout`: a clone of the repository it names (the test maps names to
/// bare repositories) into `path`, on `main`, with every tag.
fn checkout(repos: &BTreeMap<&str, PathBuf>, default: &str, with: &Value, ws: &Path) {
    let name = with["repository"].as_str().unwrap_or(default);
    let remote = repos
        .get(name)
        .unwrap_or_else(|| panic!("checkout of unknown repository {name}"));
    let dest = ws.join(with["path"].as_str().unwrap_or(""));
    if dest.join(".git").exists() {
        panic!("checkout into {} twice", dest.display());
    }
    // `git clone` wants an empty directory.
    if dest.exists() && std::fs::read_dir(&dest).unwrap().next().is_none() {
        std::fs::remove_dir(&dest).unwrap();
    }
    let out = run(Command::new("git")
        .args(["clone", "-q", "--branch", "main"])
        .arg(remote)
        .arg(&dest));
    drop(out);
}

/// The prod workflow's shell steps against real git: the archive installed from
/// a release layout (file://), `kubectl-release bump --push` on a service
/// repository with a `#minor` commit (outputs as github-tag-action names them,
/// the tag pushed), the image name lower-cased, then the gitops job's `set-image
/// prod --commit --push` on a clone of the example GitOps repository. The
/// docker steps run on GitHub only; the argocd job is chosen by a variable.
#[test]
fn prod_workflow_releases_from_a_service_repository() {
    let d = dist();
    let tmp = tempfile::tempdir().unwrap();
    let repos = tmp.path().join("repos");
    std::fs::create_dir_all(&repos).unwrap();

    let service = tmp.path().join("service");
    std::fs::create_dir_all(&service).unwrap();
    std::fs::write(service.join("Dockerfile"), "FROM scratch\n").unwrap();
    init_with_remote(&service, &repos.join("service.git"));
    git(&service, &["tag", "v1.4.2"]);
    std::fs::write(service.join("search.txt"), "search\n").unwrap();
    git(&service, &["add", "-A"]);
    git(&service, &["commit", "-q", "-m", "feat: search #minor"]);
    git(&service, &["push", "-q", "origin", "main", "--tags"]);
    let head = git(&service, &["rev-parse", "HEAD"]).trim().to_string();

    let gitops = tmp.path().join("gitops-src");
    copy_dir(&repo().join("examples/gitops"), &gitops);
    init_with_remote(&gitops, &repos.join("gitops.git"));

    let bare: BTreeMap<&str, PathBuf> = [
        ("Acme/API", repos.join("service.git")),
        ("acme/gitops", repos.join("gitops.git")),
    ]
    .into();
    let mut wf = Actions::load("prod.yml", &tmp.path().join("release-job"));
    wf.github = [
        ("repository", "Acme/API".to_string()),
        ("actor", "octocat".to_string()),
        ("ref", "refs/heads/main".to_string()),
        ("ref_name", "main".to_string()),
        ("sha", head.clone()),
        ("event_name", "push".to_string()),
    ]
    .into();
    wf.secrets = [
        ("GITHUB_TOKEN", "gh-token".to_string()),
        ("GITOPS_TOKEN", "gitops-token".to_string()),
    ]
    .into();
    wf.vars = [("GITOPS_REPOSITORY", "acme/gitops".to_string())].into();
    wf.env_override = [(
        "KUBECTL_RELEASE_RELEASES",
        format!("file://{}", d.releases.display()),
    )]
    .into();

    assert!(wf.job_runs("release"));
    let release = wf
        .run_job("release", &mut |action, with, ws| {
            if action.starts_with("actions/checkout@") {
                checkout(&bare, "Acme/API", with, ws);
                return true;
            }
            false
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        release.steps["bump"],
        map(&[
            ("new_tag", "v1.5.0"),
            ("tag", "v1.5.0"),
            ("part", "minor"),
            ("old_tag", "v1.4.2")
        ])
    );
    assert_eq!(
        git(
            &repos.join("service.git"),
            &["rev-parse", "v1.5.0^{commit}"]
        )
        .trim(),
        head,
        "the tag is pushed"
    );
    assert_eq!(
        wf.needs["release"],
        map(&[("tag", "v1.5.0"), ("image", "ghcr.io/acme/api:v1.5.0")])
    );
    assert_eq!(
        release.github_only,
        [
            "docker/login-action@v3",
            "docker/setup-buildx-action@v3",
            "docker/build-push-action@v6"
        ]
    );

    // Without KUBECTL_RELEASE_VIA the set-image job runs; with `argocd`, the deploy job.
    assert!(wf.job_runs("gitops") && !wf.job_runs("argocd"));
    wf.vars.insert("KUBECTL_RELEASE_VIA", "argocd".into());
    assert!(!wf.job_runs("gitops") && wf.job_runs("argocd"));
    wf.vars.remove("KUBECTL_RELEASE_VIA");

    wf.root = tmp.path().join("gitops-job");
    let before = git(&repos.join("gitops.git"), &["rev-parse", "main"]);
    let gitops_job = wf
        .run_job("gitops", &mut |action, with, ws| {
            if action.starts_with("actions/checkout@") {
                assert_eq!(with["token"], "gitops-token");
                checkout(&bare, "Acme/API", with, ws);
                return true;
            }
            false
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(gitops_job.github_only.is_empty());
    let pushed = git(&repos.join("gitops.git"), &["rev-parse", "main"]);
    assert_ne!(pushed, before, "set-image pushed a commit");
    let check = tmp.path().join("check");
    run(Command::new("git")
        .args(["clone", "-q"])
        .arg(repos.join("gitops.git"))
        .arg(&check));
    let prod = std::fs::read_to_string(check.join("envs/prod/kustomization.yaml")).unwrap();
    assert!(prod.contains("newTag: v1.5.0"), "{prod}");
    let log = git(&check, &["log", "-1", "--format=%an%n%B"]);
    assert!(log.starts_with("github-actions[bot]\n"), "{log}");
    assert!(log.contains("Kubectl-Release-Patch:"), "{log}");
}

/// The prod workflow's `argocd` job (`vars.KUBECTL_RELEASE_VIA = argocd`) on the
/// testenv's real Argo CD: its checkout of the GitOps repository comes from the
/// git server Argo CD syncs from, its kubeconfig secret is the testenv's
/// least-privilege identity, and its `deploy prod --via argocd --argocd-app`
/// (the flag, not the config) commits the image the release job built, Argo CD
/// syncs it, and the workload runs it.
#[test]
fn prod_workflow_argocd_job_releases_through_argo_cd() {
    use crate::argocd_testenv::{app_spec, example_repo};
    use crate::support::argocd::{ArgoCd, TestApp};
    use crate::support::testenv::TestEnv;
    use k8s_openapi::api::apps::v1::Deployment;

    let d = dist();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let te = rt.block_on(TestEnv::connect());
    let argocd = rt.block_on(ArgoCd::connect());
    let ns = rt.block_on(te.ns("ci-argocd"));
    let work = example_repo(&ns);
    let (url, commit) = argocd.push_new_repo(work.path(), &ns);
    let app = rt.block_on(TestApp::create(
        &te.client,
        &argocd,
        &ns,
        app_spec(
            &url,
            "envs/prod",
            &ns,
            json!({ "plugin": { "name": "kubectl-release" } }),
        ),
    ));
    rt.block_on(app.wait_synced_healthy(
        &te.client,
        &argocd,
        &commit,
        std::time::Duration::from_secs(180),
    ));

    let tmp = tempfile::tempdir().unwrap();
    let bare: BTreeMap<&str, PathBuf> = [("acme/gitops", PathBuf::from(&url))].into();
    let mut wf = Actions::load("prod.yml", &tmp.path().join("argocd-job"));
    wf.github = [
        ("repository", "Acme/API".to_string()),
        ("ref_name", "main".to_string()),
        ("event_name", "push".to_string()),
    ]
    .into();
    wf.vars = [
        ("GITOPS_REPOSITORY", "acme/gitops".to_string()),
        ("KUBECTL_RELEASE_VIA", "argocd".to_string()),
        ("ARGOCD_APP", ns.name().to_string()),
    ]
    .into();
    let kubeconfig = std::fs::read_to_string(te.restricted_kubeconfig()).unwrap();
    wf.secrets = [
        ("GITOPS_TOKEN", "gitops-token".to_string()),
        ("PROD_KUBECONFIG", kubeconfig),
    ]
    .into();
    wf.env_override = [(
        "KUBECTL_RELEASE_RELEASES",
        format!("file://{}", d.releases.display()),
    )]
    .into();
    // What the release job hands on (prod_workflow_releases_from_a_service_repository runs it).
    let image = "ghcr.io/acme/api:v1.5.0";
    wf.needs.insert(
        "release".into(),
        [("tag", "v1.5.0"), ("image", image)]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into(),
    );
    assert!(wf.job_runs("argocd") && !wf.job_runs("gitops"));
    let job = wf
        .run_job("argocd", &mut |action, with, ws| {
            if action.starts_with("actions/checkout@") {
                assert_eq!(with["token"], "gitops-token");
                checkout(&bare, "acme/gitops", with, ws);
                return true;
            }
            false
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(job.github_only.is_empty(), "{:?}", job.github_only);

    // The commit is on the git server, Argo CD synced exactly it, the workload runs the image.
    let check = tmp.path().join("check");
    run(Command::new("git").args(["clone", "-q", &url]).arg(&check));
    let head = git(&check, &["rev-parse", "HEAD"]).trim().to_string();
    assert_ne!(head, commit, "nothing was pushed");
    let prod = std::fs::read_to_string(check.join("envs/prod/kustomization.yaml")).unwrap();
    assert!(prod.contains("newTag: v1.5.0"), "{prod}");
    let log = git(&check, &["log", "-1", "--format=%an"]);
    assert_eq!(log.trim(), "github-actions[bot]");
    let status = rt.block_on(app.status(&te.client));
    assert_eq!(
        status.pointer("/sync/revision"),
        Some(&json!(head)),
        "{status:#}"
    );
    let live = rt
        .block_on(kube::api::Api::<Deployment>::namespaced(te.client.clone(), &ns).get("prod-api"))
        .unwrap();
    let live_image = live.spec.unwrap().template.spec.unwrap().containers[0]
        .image
        .clone()
        .unwrap();
    assert_eq!(live_image, image);
    drop(app);
    drop(ns);
}

/// The dev workflow's webhook step calls `POST /v1/webhooks/native` with the
/// bearer token from the secret and Keel's payload for `:dev`; a refused token
/// fails the step (and so the job). The webhook server is a stand-in that
/// records the request exactly (tests/it/webhook.rs runs the real server on the
/// same payload).
#[test]
fn dev_workflow_calls_the_webhook_with_its_token() {
    let tmp = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for (i, stream) in listener.incoming().flatten().enumerate() {
            let req = read_request(&stream).unwrap();
            let reply: &[u8] = if i == 0 {
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
            } else {
                b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 14\r\nConnection: close\r\n\r\ninvalid token\n"
            };
            (&stream).write_all(reply).unwrap();
            tx.send(req).unwrap();
        }
    });

    let mut wf = Actions::load("dev.yml", &tmp.path().join("accepted"));
    wf.github = [
        ("repository", "Acme/API".to_string()),
        ("actor", "octocat".to_string()),
        ("ref", "refs/heads/dev".to_string()),
    ]
    .into();
    wf.secrets = [
        ("GITHUB_TOKEN", "gh-token".to_string()),
        ("KUBECTL_RELEASE_WEBHOOK_TOKEN", "s3cret-token".to_string()),
    ]
    .into();
    wf.vars = [(
        "KUBECTL_RELEASE_WEBHOOK_URL",
        format!("http://127.0.0.1:{port}/"),
    )]
    .into();
    let checkout_only = |action: &str, _: &Value, _: &Path| action.starts_with("actions/checkout@");
    let job = wf
        .run_job("image", &mut checkout_only.clone())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        job.github_only,
        [
            "docker/login-action@v3",
            "docker/setup-buildx-action@v3",
            "docker/build-push-action@v6"
        ]
    );
    let req = rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/v1/webhooks/native");
    assert_eq!(req.headers["authorization"], "Bearer s3cret-token");
    assert_eq!(req.headers["content-type"], "application/json");
    let body: Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(body, json!({"name": "ghcr.io/acme/api", "tag": "dev"}));

    wf.root = tmp.path().join("refused");
    let err = wf
        .run_job("image", &mut checkout_only.clone())
        .err()
        .expect("a refused token fails the job");
    assert!(err.contains("401"), "{err}");
    assert!(err.contains("invalid token"), "{err}");
}
