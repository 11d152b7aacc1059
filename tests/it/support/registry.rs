//! A real OCI registry (Debian's `docker-registry`, the CNCF distribution registry) on loopback.
//!
//! Each test gets its own registry process and storage directory; images are
//! pushed through the registry's HTTP API, and bulk tags are written into its
//! filesystem storage (the registry's own layout) so 10,000 tags take a second.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

pub struct Registry {
    child: Child,
    pub dir: tempfile::TempDir,
    pub port: u16,
    /// `user:password` when started with htpasswd auth.
    pub auth: Option<(String, String)>,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn sha(data: &[u8]) -> String {
    format!(
        "sha256:{}",
        Sha256::digest(data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

impl Registry {
    /// Starts an anonymous registry.
    pub fn start() -> Self {
        Self::start_with(None)
    }

    /// Starts a registry that requires HTTP basic auth (htpasswd, bcrypt).
    pub fn start_with_auth(user: &str, password: &str) -> Self {
        Self::start_with(Some((user.to_string(), password.to_string())))
    }

    /// Starts an anonymous registry serving HTTPS with this certificate and key (PEM).
    pub fn start_with_tls(cert: &Path, key: &Path) -> Self {
        Self::start_full(None, Some((cert, key)), free_port(), "")
    }

    fn start_with(auth: Option<(String, String)>) -> Self {
        Self::start_full(auth, None, free_port(), "")
    }

    /// Starts an anonymous registry on `port` with more configuration appended
    /// to its config file (top-level keys, e.g. `notifications:`).
    pub fn start_configured(port: u16, extra: &str) -> Self {
        Self::start_full(None, None, port, extra)
    }

    fn start_full(
        auth: Option<(String, String)>,
        tls: Option<(&Path, &Path)>,
        port: u16,
        extra: &str,
    ) -> Self {
        let bin = which("docker-registry").expect(
            "docker-registry is not installed; run `apt-get install docker-registry` (.ci/run does this)",
        );
        let dir = tempfile::tempdir().unwrap();
        let mut auth_cfg = String::new();
        if let Some((u, p)) = &auth {
            let out = Command::new("htpasswd")
                .args(["-nbB", u, p])
                .output()
                .expect("htpasswd (apache2-utils) is needed");
            std::fs::write(dir.path().join("htpasswd"), &out.stdout).unwrap();
            auth_cfg = format!(
                "auth:\n  htpasswd:\n    realm: test-realm\n    path: {}\n",
                dir.path().join("htpasswd").display()
            );
        }
        let tls_cfg = match tls {
            Some((cert, key)) => format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                cert.display(),
                key.display()
            ),
            None => String::new(),
        };
        let config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n{tls_cfg}{auth_cfg}{extra}",
            dir.path().join("data").display()
        );
        let cfg_path = dir.path().join("config.yml");
        std::fs::write(&cfg_path, config).unwrap();
        let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(bin)
            .arg("serve")
            .arg(&cfg_path)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let r = Registry {
            child,
            dir,
            port,
            auth,
        };
        r.wait_ready();
        r
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let log = std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default();
        panic!("registry did not start on port {}: {log}", self.port);
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn client(&self) -> reqwest::blocking::Client {
        reqwest::blocking::Client::new()
    }

    fn req(&self, rb: reqwest::blocking::RequestBuilder) -> reqwest::blocking::RequestBuilder {
        match &self.auth {
            Some((u, p)) => rb.basic_auth(u, Some(p)),
            None => rb,
        }
    }

    fn upload_blob(&self, repo: &str, data: &[u8]) -> String {
        let digest = sha(data);
        let c = self.client();
        let resp = self
            .req(c.post(format!("http://{}/v2/{repo}/blobs/uploads/", self.host())))
            .send()
            .unwrap();
        assert_eq!(
            resp.status().as_u16(),
            202,
            "start upload: {:?}",
            resp.text()
        );
        let loc = resp.headers()["location"].to_str().unwrap().to_string();
        let url = if loc.starts_with("http") {
            loc
        } else {
            format!("http://{}{loc}", self.host())
        };
        let sep = if url.contains('?') { '&' } else { '?' };
        let resp = self
            .req(c.put(format!("{url}{sep}digest={digest}")))
            .header("content-type", "application/octet-stream")
            .body(data.to_vec())
            .send()
            .unwrap();
        assert_eq!(
            resp.status().as_u16(),
            201,
            "upload blob: {:?}",
            resp.text()
        );
        digest
    }

    /// Pushes a small OCI image under `repo:tag`; `content` makes distinct images. Returns its digest.
    pub fn push(&self, repo: &str, tag: &str, content: &str) -> String {
        let config = format!(
            r#"{{"architecture":"amd64","os":"linux","config":{{"Labels":{{"c":"{content}"}}}},"rootfs":{{"type":"layers","diff_ids":[]}}}}"#
        );
        let config_digest = self.upload_blob(repo, config.as_bytes());
        let layer = format!("layer of {content}");
        let layer_digest = self.upload_blob(repo, layer.as_bytes());
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config_digest}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{layer_digest}","size":{}}}]}}"#,
            config.len(),
            layer.len()
        );
        let resp = self
            .req(
                self.client()
                    .put(format!("http://{}/v2/{repo}/manifests/{tag}", self.host())),
            )
            .header("content-type", "application/vnd.oci.image.manifest.v1+json")
            .body(manifest.clone())
            .send()
            .unwrap();
        assert_eq!(
            resp.status().as_u16(),
            201,
            "push manifest: {:?}",
            resp.text()
        );
        sha(manifest.as_bytes())
    }

    /// Adds many tags pointing at an existing manifest by writing the registry's storage layout.
    pub fn bulk_tags(&self, repo: &str, digest: &str, tags: &[String]) {
        let base: PathBuf = self
            .dir
            .path()
            .join("data/docker/registry/v2/repositories")
            .join(repo)
            .join("_manifests/tags");
        // Listing and resolving a tag only read `current/link`.
        for t in tags {
            write_link(&base.join(t).join("current/link"), digest);
        }
    }
}

fn write_link(path: &Path, digest: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, digest).unwrap();
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn which(bin: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(bin))
            .find(|c| c.is_file())
    })
}
