//! OCI distribution registries: list tags, resolve digests, authenticate, retry politely.
//!
//! The edge to registries (GHCR, Docker Hub, a local `docker-registry`): the
//! OCI distribution API over HTTPS with TLS verified, bearer-token and basic
//! auth, credentials from `~/.docker/config.json` (`auths`, `credsStore`,
//! `credHelpers`), retries with backoff on 429 and 5xx, and a request rate limit.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, WWW_AUTHENTICATE};
use tokio::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("invalid image reference {0:?}: expected [registry/]repository[:tag|@digest]")]
    Reference(String),
    #[error(
        "{image}: registry {registry} refused the credentials (401); log in with `docker login {registry}` or check ~/.docker/config.json"
    )]
    Unauthorized { image: String, registry: String },
    #[error("{image}: access denied (403) by {registry}; the credentials lack pull permission")]
    Forbidden { image: String, registry: String },
    #[error("{image}: {what} not found (404) in {registry}; check the repository name and tag")]
    NotFound {
        image: String,
        registry: String,
        what: String,
    },
    #[error(
        "{image}: registry {registry} is rate limiting (429) and retries ran out; try again later or lower --registry-rate"
    )]
    RateLimited { image: String, registry: String },
    #[error("{image}: request to {registry} failed: {message}")]
    Http {
        image: String,
        registry: String,
        message: String,
    },
    #[error("{image}: registry {registry} answered {status}: {body}")]
    Status {
        image: String,
        registry: String,
        status: u16,
        body: String,
    },
    #[error("reading docker credentials: {0}")]
    Credentials(String),
}

/// An image reference split the way Docker does it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry host (with port), e.g. `ghcr.io`, `registry-1.docker.io`, `127.0.0.1:5000`.
    pub registry: String,
    /// Repository path, e.g. `acme/api`, `library/nginx`.
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(s: &str) -> Result<Self, RegistryError> {
        let err = || RegistryError::Reference(s.to_string());
        if s.is_empty() || s.contains(char::is_whitespace) {
            return Err(err());
        }
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => {
                if !d.starts_with("sha256:") || d.len() != 71 {
                    return Err(err());
                }
                (r, Some(d.to_string()))
            }
            None => (s, None),
        };
        let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (
                &rest[..last_slash + i],
                Some(rest[last_slash + i + 1..].to_string()),
            ),
            None => (rest, None),
        };
        if let Some(t) = &tag
            && (t.is_empty()
                || t.len() > 128
                || !t
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)))
        {
            return Err(err());
        }
        let (registry, repository) = match name.split_once('/') {
            Some((first, path))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_string(), path.to_string())
            }
            _ => ("docker.io".to_string(), name.to_string()),
        };
        let repository = if registry == "docker.io" && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository
        };
        if repository.is_empty()
            || !repository
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(c))
        {
            return Err(err());
        }
        Ok(ImageRef {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// The name without tag or digest, as written in manifests (`docker.io` kept implicit).
    pub fn name(&self) -> String {
        if self.registry == "docker.io" {
            self.repository.trim_start_matches("library/").to_string()
        } else {
            format!("{}/{}", self.registry, self.repository)
        }
    }

    fn api_host(&self) -> &str {
        if self.registry == "docker.io" {
            "registry-1.docker.io"
        } else {
            &self.registry
        }
    }
}

/// Username and password (or token) for a registry.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secret values are never printed.
        write!(f, "Credentials({}, ***)", self.username)
    }
}

/// Reads credentials for `registry` from a docker config file.
pub fn docker_credentials(
    config: &std::path::Path,
    registry: &str,
) -> Result<Option<Credentials>, RegistryError> {
    let text = match std::fs::read_to_string(config) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(RegistryError::Credentials(format!(
                "{}: {e}",
                config.display()
            )));
        }
    };
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| RegistryError::Credentials(format!("{}: {e}", config.display())))?;
    let keys = registry_keys(registry);
    if let Some(helper) = keys.iter().find_map(|k| {
        v.get("credHelpers")
            .and_then(|h| h.get(k))
            .and_then(|h| h.as_str())
    }) {
        return credential_helper(helper, registry);
    }
    if let Some(auths) = v.get("auths").and_then(|a| a.as_object()) {
        for k in &keys {
            if let Some(entry) = auths.get(*k) {
                if let Some(auth) = entry
                    .get("auth")
                    .and_then(|a| a.as_str())
                    .filter(|a| !a.is_empty())
                {
                    let decoded = base64::engine::general_purpose::STANDARD
                        .decode(auth)
                        .map_err(|e| RegistryError::Credentials(format!("auths.{k}.auth: {e}")))?;
                    let decoded = String::from_utf8_lossy(&decoded).into_owned();
                    let (u, p) = decoded.split_once(':').ok_or_else(|| {
                        RegistryError::Credentials(format!("auths.{k}.auth is not user:password"))
                    })?;
                    return Ok(Some(Credentials {
                        username: u.to_string(),
                        password: p.to_string(),
                    }));
                }
                if let (Some(u), Some(p)) = (
                    entry.get("username").and_then(|x| x.as_str()),
                    entry.get("password").and_then(|x| x.as_str()),
                ) {
                    return Ok(Some(Credentials {
                        username: u.into(),
                        password: p.into(),
                    }));
                }
            }
        }
    }
    if let Some(store) = v.get("credsStore").and_then(|s| s.as_str()) {
        return credential_helper(store, registry);
    }
    Ok(None)
}

/// The keys a registry may be stored under in docker's config.
fn registry_keys(registry: &str) -> Vec<&str> {
    if registry == "docker.io" {
        vec![
            "https://index.docker.io/v1/",
            "docker.io",
            "index.docker.io",
            "registry-1.docker.io",
        ]
    } else {
        vec![registry]
    }
}

/// Runs `docker-credential-<helper> get` with the registry on stdin.
fn credential_helper(helper: &str, registry: &str) -> Result<Option<Credentials>, RegistryError> {
    use std::io::Write;
    let bin = format!("docker-credential-{helper}");
    let server = if registry == "docker.io" {
        "https://index.docker.io/v1/"
    } else {
        registry
    };
    let mut child = std::process::Command::new(&bin)
        .arg("get")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| RegistryError::Credentials(format!("running {bin}: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(server.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| RegistryError::Credentials(format!("running {bin}: {e}")))?;
    if !out.status.success() {
        // Helpers exit non-zero with "credentials not found" for unknown servers.
        return Ok(None);
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| RegistryError::Credentials(format!("{bin} printed invalid JSON: {e}")))?;
    Ok(Some(Credentials {
        username: v
            .get("Username")
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_string(),
        password: v
            .get("Secret")
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_string(),
    }))
}

/// Registry client settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Hosts reached over plain HTTP (`--insecure-registry`); everything else is HTTPS with verified TLS.
    pub insecure: Vec<String>,
    /// Requests per second per client (argocd-image-updater's default is 20).
    pub rate: f64,
    pub retries: u32,
    pub timeout: Duration,
    /// Where docker credentials are read from (default `~/.docker/config.json`).
    pub docker_config: Option<PathBuf>,
    /// Explicit credentials, overriding the docker config.
    pub credentials: Option<Credentials>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            insecure: Vec::new(),
            rate: 20.0,
            retries: 4,
            timeout: Duration::from_secs(30),
            docker_config: std::env::var_os("DOCKER_CONFIG")
                .map(|d| PathBuf::from(d).join("config.json"))
                .or_else(|| {
                    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker/config.json"))
                }),
            credentials: None,
        }
    }
}

/// Manifest media types asked for when resolving a tag.
const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

/// A registry client with token cache and rate limit.
pub struct Client {
    http: reqwest::Client,
    opts: Options,
    tokens: Mutex<HashMap<String, String>>,
    next_slot: Mutex<Instant>,
}

/// The error and its causes: reqwest's own text leaves out why a request failed
/// (an untrusted certificate, a refused connection).
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        cause = c.source();
    }
    s
}

impl Client {
    pub fn new(opts: Options) -> Result<Self, RegistryError> {
        let http = reqwest::Client::builder()
            .timeout(opts.timeout)
            .user_agent(concat!("kubectl-release/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| RegistryError::Http {
                image: String::new(),
                registry: String::new(),
                message: e.to_string(),
            })?;
        Ok(Client {
            http,
            opts,
            tokens: Mutex::new(HashMap::new()),
            next_slot: Mutex::new(Instant::now()),
        })
    }

    fn base_url(&self, image: &ImageRef) -> String {
        let scheme = if self.opts.insecure.iter().any(|h| h == &image.registry) {
            "http"
        } else {
            "https"
        };
        format!("{scheme}://{}", image.api_host())
    }

    fn credentials(&self, image: &ImageRef) -> Result<Option<Credentials>, RegistryError> {
        if let Some(c) = &self.opts.credentials {
            return Ok(Some(c.clone()));
        }
        match &self.opts.docker_config {
            Some(p) => docker_credentials(p, &image.registry),
            None => Ok(None),
        }
    }

    /// Waits for the next request slot of the rate limit.
    async fn throttle(&self) {
        if self.opts.rate <= 0.0 {
            return;
        }
        let interval = Duration::from_secs_f64(1.0 / self.opts.rate);
        let wait = {
            let mut next = self.next_slot.lock().await;
            let now = Instant::now();
            let at = (*next).max(now);
            *next = at + interval;
            at.saturating_duration_since(now)
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// One GET/HEAD with auth, retries and rate limit. Returns the final response.
    async fn request(
        &self,
        image: &ImageRef,
        method: reqwest::Method,
        path: &str,
        accept: Option<&str>,
    ) -> Result<reqwest::Response, RegistryError> {
        let url = format!("{}{path}", self.base_url(image));
        self.request_url(image, method, &url, accept).await
    }

    async fn request_url(
        &self,
        image: &ImageRef,
        method: reqwest::Method,
        url: &str,
        accept: Option<&str>,
    ) -> Result<reqwest::Response, RegistryError> {
        let http_err = |e: reqwest::Error| RegistryError::Http {
            image: image.name(),
            registry: image.registry.clone(),
            message: with_causes(&e),
        };
        let scope_key = format!("{}/{}", image.registry, image.repository);
        let mut attempt = 0u32;
        let mut authed_once = false;
        loop {
            self.throttle().await;
            let mut req = self.http.request(method.clone(), url);
            if let Some(a) = accept {
                req = req.header(ACCEPT, a);
            }
            if let Some(auth) = self.tokens.lock().await.get(&scope_key) {
                req = req.header(AUTHORIZATION, auth.clone());
            }
            let resp = match req.send().await {
                Ok(r) => r,
                Err(e) if attempt < self.opts.retries && (e.is_timeout() || e.is_connect()) => {
                    attempt += 1;
                    tokio::time::sleep(backoff(attempt, None)).await;
                    continue;
                }
                Err(e) => return Err(http_err(e)),
            };
            match resp.status() {
                StatusCode::UNAUTHORIZED if !authed_once => {
                    authed_once = true;
                    let header = resp
                        .headers()
                        .get(WWW_AUTHENTICATE)
                        .and_then(|h| h.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    let auth = self.authenticate(image, &header).await?;
                    self.tokens.lock().await.insert(scope_key.clone(), auth);
                }
                StatusCode::UNAUTHORIZED => {
                    return Err(RegistryError::Unauthorized {
                        image: image.name(),
                        registry: image.registry.clone(),
                    });
                }
                StatusCode::FORBIDDEN => {
                    return Err(RegistryError::Forbidden {
                        image: image.name(),
                        registry: image.registry.clone(),
                    });
                }
                s if s == StatusCode::TOO_MANY_REQUESTS || s.is_server_error() => {
                    if attempt >= self.opts.retries {
                        return Err(if s == StatusCode::TOO_MANY_REQUESTS {
                            RegistryError::RateLimited {
                                image: image.name(),
                                registry: image.registry.clone(),
                            }
                        } else {
                            RegistryError::Status {
                                image: image.name(),
                                registry: image.registry.clone(),
                                status: s.as_u16(),
                                body: resp
                                    .text()
                                    .await
                                    .unwrap_or_default()
                                    .chars()
                                    .take(200)
                                    .collect(),
                            }
                        });
                    }
                    attempt += 1;
                    let retry_after = retry_after(resp.headers());
                    tokio::time::sleep(backoff(attempt, retry_after)).await;
                }
                _ => return Ok(resp),
            }
        }
    }

    /// Answers a `WWW-Authenticate` challenge: Basic with credentials, or a Bearer token from the realm.
    async fn authenticate(
        &self,
        image: &ImageRef,
        challenge: &str,
    ) -> Result<String, RegistryError> {
        let creds = self.credentials(image)?;
        let unauthorized = || RegistryError::Unauthorized {
            image: image.name(),
            registry: image.registry.clone(),
        };
        let (scheme, params) = parse_challenge(challenge);
        let basic = |c: &Credentials| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD
                    .encode(format!("{}:{}", c.username, c.password))
            )
        };
        match scheme.to_ascii_lowercase().as_str() {
            "basic" => creds.as_ref().map(basic).ok_or_else(unauthorized),
            "bearer" => {
                let realm = params.get("realm").ok_or_else(unauthorized)?;
                let mut url = reqwest::Url::parse(realm).map_err(|_| unauthorized())?;
                {
                    let mut q = url.query_pairs_mut();
                    if let Some(s) = params.get("service") {
                        q.append_pair("service", s);
                    }
                    let scope = params
                        .get("scope")
                        .cloned()
                        .unwrap_or_else(|| format!("repository:{}:pull", image.repository));
                    q.append_pair("scope", &scope);
                }
                self.throttle().await;
                let mut req = self.http.get(url);
                if let Some(c) = &creds {
                    req = req.header(AUTHORIZATION, basic(c));
                }
                let resp = req.send().await.map_err(|e| RegistryError::Http {
                    image: image.name(),
                    registry: image.registry.clone(),
                    message: format!("token request: {e}"),
                })?;
                if resp.status() == StatusCode::UNAUTHORIZED
                    || resp.status() == StatusCode::FORBIDDEN
                {
                    return Err(unauthorized());
                }
                let v: serde_json::Value = resp.json().await.map_err(|e| RegistryError::Http {
                    image: image.name(),
                    registry: image.registry.clone(),
                    message: format!("token response: {e}"),
                })?;
                let token = v
                    .get("token")
                    .or_else(|| v.get("access_token"))
                    .and_then(|t| t.as_str())
                    .ok_or_else(unauthorized)?;
                Ok(format!("Bearer {token}"))
            }
            _ => Err(unauthorized()),
        }
    }

    /// Every tag of the image's repository, following pagination.
    pub async fn list_tags(&self, image: &ImageRef) -> Result<Vec<String>, RegistryError> {
        let mut tags = Vec::new();
        let mut url = format!(
            "{}/v2/{}/tags/list?n=1000",
            self.base_url(image),
            image.repository
        );
        loop {
            let resp = self
                .request_url(image, reqwest::Method::GET, &url, None)
                .await?;
            let next = next_link(resp.headers());
            let status = resp.status();
            if status == StatusCode::NOT_FOUND {
                return Err(RegistryError::NotFound {
                    image: image.name(),
                    registry: image.registry.clone(),
                    what: "repository".into(),
                });
            }
            if !status.is_success() {
                return Err(self.status_err(image, resp).await);
            }
            let v: serde_json::Value = resp.json().await.map_err(|e| RegistryError::Http {
                image: image.name(),
                registry: image.registry.clone(),
                message: format!("tag list: {e}"),
            })?;
            if let Some(list) = v.get("tags").and_then(|t| t.as_array()) {
                tags.extend(list.iter().filter_map(|t| t.as_str().map(str::to_string)));
            }
            match next {
                Some(n) if n.starts_with('/') => url = format!("{}{n}", self.base_url(image)),
                Some(n) => url = n,
                None => return Ok(tags),
            }
        }
    }

    /// The digest a tag points at (an index's digest for multi-platform images).
    pub async fn resolve_digest(
        &self,
        image: &ImageRef,
        tag: &str,
    ) -> Result<String, RegistryError> {
        let path = format!("/v2/{}/manifests/{tag}", image.repository);
        let resp = self
            .request(image, reqwest::Method::HEAD, &path, Some(MANIFEST_ACCEPT))
            .await?;
        if resp.status() == StatusCode::NOT_FOUND {
            return Err(RegistryError::NotFound {
                image: image.name(),
                registry: image.registry.clone(),
                what: format!("tag {tag:?}"),
            });
        }
        if resp.status().is_success()
            && let Some(d) = resp
                .headers()
                .get("docker-content-digest")
                .and_then(|h| h.to_str().ok())
        {
            return Ok(d.to_string());
        }
        // Some registries omit the header on HEAD: hash the manifest body instead.
        let resp = self
            .request(image, reqwest::Method::GET, &path, Some(MANIFEST_ACCEPT))
            .await?;
        if !resp.status().is_success() {
            return Err(self.status_err(image, resp).await);
        }
        let body = resp.bytes().await.map_err(|e| RegistryError::Http {
            image: image.name(),
            registry: image.registry.clone(),
            message: e.to_string(),
        })?;
        use sha2::Digest;
        let d = sha2::Sha256::digest(&body);
        Ok(format!(
            "sha256:{}",
            d.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ))
    }

    async fn status_err(&self, image: &ImageRef, resp: reqwest::Response) -> RegistryError {
        let status = resp.status().as_u16();
        RegistryError::Status {
            image: image.name(),
            registry: image.registry.clone(),
            status,
            body: resp
                .text()
                .await
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect(),
        }
    }
}

fn backoff(attempt: u32, retry_after: Option<Duration>) -> Duration {
    retry_after
        .unwrap_or_else(|| Duration::from_millis(200 * 2u64.pow(attempt.min(6))))
        .min(Duration::from_secs(30))
}

fn retry_after(h: &HeaderMap) -> Option<Duration> {
    h.get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// The `rel="next"` target of a `Link` header.
fn next_link(h: &HeaderMap) -> Option<String> {
    let link = h.get("link")?.to_str().ok()?;
    for part in link.split(',') {
        if part.contains("rel=\"next\"") {
            let start = part.find('<')? + 1;
            let end = part.find('>')?;
            return Some(part[start..end].to_string());
        }
    }
    None
}

/// Splits `Bearer realm="...",service="..."` into the scheme and its parameters.
pub fn parse_challenge(h: &str) -> (String, HashMap<String, String>) {
    let h = h.trim();
    let (scheme, rest) = h.split_once(' ').unwrap_or((h, ""));
    let mut params = HashMap::new();
    let mut rest = rest.trim();
    while !rest.is_empty() {
        let Some((k, after)) = rest.split_once('=') else {
            break;
        };
        let k = k.trim().trim_start_matches(',').trim().to_string();
        let after = after.trim_start();
        let (v, remaining) = if let Some(stripped) = after.strip_prefix('"') {
            match stripped.find('"') {
                Some(end) => (stripped[..end].to_string(), &stripped[end + 1..]),
                None => (stripped.to_string(), ""),
            }
        } else {
            match after.find(',') {
                Some(end) => (after[..end].to_string(), &after[end..]),
                None => (after.to_string(), ""),
            }
        };
        params.insert(k, v);
        rest = remaining.trim_start_matches(',').trim();
    }
    (scheme.to_string(), params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = ImageRef::parse("ghcr.io/acme/api:v1.2.3").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag.as_deref()),
            ("ghcr.io", "acme/api", Some("v1.2.3"))
        );
        let r = ImageRef::parse("nginx").unwrap();
        assert_eq!(
            (
                r.registry.as_str(),
                r.repository.as_str(),
                r.name().as_str()
            ),
            ("docker.io", "library/nginx", "nginx")
        );
        let r = ImageRef::parse("127.0.0.1:5000/app@sha256:0123456789012345678901234567890123456789012345678901234567890123").unwrap();
        assert_eq!(r.registry, "127.0.0.1:5000");
        assert!(r.digest.is_some() && r.tag.is_none());
        assert!(ImageRef::parse("Bad/Upper:tag").is_err());
        assert!(ImageRef::parse("app:bad tag").is_err());
    }

    #[test]
    fn parses_challenges() {
        let (s, p) = parse_challenge(
            r#"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/api:pull""#,
        );
        assert_eq!(s, "Bearer");
        assert_eq!(p["realm"], "https://ghcr.io/token");
        assert_eq!(p["scope"], "repository:acme/api:pull");
        let (s, p) = parse_challenge(r#"Basic realm="Registry Realm""#);
        assert_eq!(
            (s.as_str(), p["realm"].as_str()),
            ("Basic", "Registry Realm")
        );
    }

    #[test]
    fn docker_config_auths_and_no_secret_in_debug() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("config.json");
        let auth = base64::engine::general_purpose::STANDARD.encode("bob:s3cret");
        std::fs::write(
            &p,
            format!(r#"{{"auths":{{"ghcr.io":{{"auth":"{auth}"}}}}}}"#),
        )
        .unwrap();
        let c = docker_credentials(&p, "ghcr.io").unwrap().unwrap();
        assert_eq!(
            (c.username.as_str(), c.password.as_str()),
            ("bob", "s3cret")
        );
        assert!(!format!("{c:?}").contains("s3cret"));
        assert!(docker_credentials(&p, "quay.io").unwrap().is_none());
    }
}
