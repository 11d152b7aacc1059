//! The registry client and tag policies against a real registry on loopback.

use kubectl_release::image::policy::Policy;
use kubectl_release::image::registry::{Client, Credentials, ImageRef, Options, RegistryError};

use crate::support::registry::Registry;

fn client(reg: &Registry, creds: Option<Credentials>) -> Client {
    Client::new(Options {
        insecure: vec![reg.host()],
        credentials: creds,
        docker_config: None,
        ..Options::default()
    })
    .unwrap()
}

fn image(reg: &Registry, repo: &str) -> ImageRef {
    ImageRef::parse(&format!("{}/{repo}", reg.host())).unwrap()
}

const TAGS: [&str; 9] = [
    "v1.2.3",
    "v1.2.4",
    "v1.3.0",
    "v2.0.0-rc.1",
    "v1.10.0",
    "latest",
    "dev",
    "build-99",
    "1.4.0",
];

#[tokio::test(flavor = "multi_thread")]
async fn anonymous_registry_lists_tags_resolves_digests_and_policies_pick() {
    let reg = tokio::task::spawn_blocking(|| {
        let reg = Registry::start();
        for (i, t) in TAGS.iter().enumerate() {
            reg.push("acme/api", t, &format!("img-{i}"));
        }
        reg
    })
    .await
    .unwrap();
    let c = client(&reg, None);
    let img = image(&reg, "acme/api");
    let mut tags = c.list_tags(&img).await.unwrap();
    tags.sort();
    let mut want: Vec<String> = TAGS.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(tags, want);

    assert_eq!(
        Policy::parse("^1.2", None, &[])
            .unwrap()
            .select("api", None, &tags)
            .unwrap(),
        "v1.10.0"
    );
    assert_eq!(
        Policy::parse("~1.2", None, &[])
            .unwrap()
            .select("api", None, &tags)
            .unwrap(),
        "v1.2.4"
    );
    assert_eq!(
        Policy::parse("patch", None, &[])
            .unwrap()
            .select("api", Some("v1.2.3"), &tags)
            .unwrap(),
        "v1.2.4"
    );
    assert_eq!(
        Policy::parse("2.x-0", None, &[])
            .unwrap()
            .select("api", None, &tags)
            .unwrap(),
        "v2.0.0-rc.1"
    );

    // A mutable tag resolves to the digest of what was pushed last under it.
    let first = c.resolve_digest(&img, "dev").await.unwrap();
    let reg = tokio::task::spawn_blocking(move || {
        reg.push("acme/api", "dev", "rebuilt");
        reg
    })
    .await
    .unwrap();
    let second = c.resolve_digest(&img, "dev").await.unwrap();
    assert!(first.starts_with("sha256:") && second.starts_with("sha256:"));
    assert_ne!(first, second, "a re-pushed :dev has a new digest");

    let err = c.resolve_digest(&img, "nope").await.unwrap_err();
    assert!(matches!(err, RegistryError::NotFound { .. }), "{err}");
    let err = c.list_tags(&image(&reg, "acme/missing")).await.unwrap_err();
    assert!(matches!(err, RegistryError::NotFound { .. }), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn basic_auth_registry_needs_credentials() {
    let reg = tokio::task::spawn_blocking(|| {
        let reg = Registry::start_with_auth("ci", "s3cret");
        reg.push("acme/web", "v0.1.0", "w");
        reg
    })
    .await
    .unwrap();
    let img = image(&reg, "acme/web");
    let err = client(&reg, None).list_tags(&img).await.unwrap_err();
    assert!(matches!(err, RegistryError::Unauthorized { .. }), "{err}");
    assert!(err.to_string().contains("docker login"), "{err}");
    let bad = Credentials {
        username: "ci".into(),
        password: "wrong".into(),
    };
    assert!(matches!(
        client(&reg, Some(bad)).list_tags(&img).await,
        Err(RegistryError::Unauthorized { .. })
    ));
    let good = Credentials {
        username: "ci".into(),
        password: "s3cret".into(),
    };
    let c = client(&reg, Some(good));
    assert_eq!(c.list_tags(&img).await.unwrap(), ["v0.1.0"]);
    assert!(
        c.resolve_digest(&img, "v0.1.0")
            .await
            .unwrap()
            .starts_with("sha256:")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_tags_paginate() {
    let (reg, n) = tokio::task::spawn_blocking(|| {
        let reg = Registry::start();
        let digest = reg.push("acme/big", "v0.0.1", "base");
        let tags: Vec<String> = (0..10_000)
            .map(|i| format!("v1.{}.{}", i / 100, i % 100))
            .collect();
        reg.bulk_tags("acme/big", &digest, &tags);
        (reg, tags.len() + 1)
    })
    .await
    .unwrap();
    let tags = client(&reg, None)
        .list_tags(&image(&reg, "acme/big"))
        .await
        .unwrap();
    assert_eq!(tags.len(), n, "all pages fetched");
    let pick = Policy::parse("^1.50", None, &[])
        .unwrap()
        .select("big", None, &tags)
        .unwrap();
    assert_eq!(pick, "v1.99.99");
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_registry_is_a_clear_error() {
    let c = Client::new(Options {
        insecure: vec!["127.0.0.1:1".into()],
        retries: 1,
        docker_config: None,
        ..Options::default()
    })
    .unwrap();
    let err = c
        .list_tags(&ImageRef::parse("127.0.0.1:1/x").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Http { .. }), "{err}");
}

/// A scripted registry (a mock: the point is the client's logic) that asks for a
/// bearer token, pages its tag list, and rate-limits the first page once.
fn token_registry() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = log.clone();
    std::thread::spawn(move || {
        let mut limited = false;
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut auth = String::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                if h == "\r\n" || h.is_empty() {
                    break;
                }
                if h.to_ascii_lowercase().starts_with("authorization:") {
                    auth = h.trim().split_once(':').unwrap().1.trim().to_string();
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string();
            seen.lock().unwrap().push(format!("{path} [{auth}]"));
            let (status, headers, body) = if path.starts_with("/token") {
                if auth == "Basic Ym9iOnMzY3JldA=="
                    && path.contains("scope=repository%3Aacme%2Fapi%3Apull")
                {
                    ("200 OK", String::new(), r#"{"token":"t0k3n"}"#.to_string())
                } else {
                    ("401 Unauthorized", String::new(), "{}".to_string())
                }
            } else if auth != "Bearer t0k3n" {
                (
                    "401 Unauthorized",
                    format!(
                        "WWW-Authenticate: Bearer realm=\"http://127.0.0.1:{port}/token\",service=\"reg\",scope=\"repository:acme/api:pull\"\r\n"
                    ),
                    "{}".to_string(),
                )
            } else if path.contains("last=v1") {
                (
                    "200 OK",
                    String::new(),
                    r#"{"name":"acme/api","tags":["v2","v3"]}"#.to_string(),
                )
            } else if !limited {
                limited = true;
                (
                    "429 Too Many Requests",
                    "Retry-After: 0\r\n".to_string(),
                    "{}".to_string(),
                )
            } else {
                (
                    "200 OK",
                    "Link: </v2/acme/api/tags/list?last=v1&n=1000>; rel=\"next\"\r\n".to_string(),
                    r#"{"name":"acme/api","tags":["v0","v1"]}"#.to_string(),
                )
            };
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\n{headers}content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, log)
}

#[tokio::test(flavor = "multi_thread")]
async fn bearer_token_challenge_pagination_and_rate_limit_retry() {
    let (port, log) = token_registry();
    let host = format!("127.0.0.1:{port}");
    let c = Client::new(Options {
        insecure: vec![host.clone()],
        credentials: Some(Credentials {
            username: "bob".into(),
            password: "s3cret".into(),
        }),
        docker_config: None,
        ..Options::default()
    })
    .unwrap();
    let tags = c
        .list_tags(&ImageRef::parse(&format!("{host}/acme/api")).unwrap())
        .await
        .unwrap();
    assert_eq!(tags, ["v0", "v1", "v2", "v3"]);
    let log = log.lock().unwrap().clone();
    assert!(
        log[0].ends_with("[]"),
        "first request is anonymous: {log:?}"
    );
    assert!(
        log[1].starts_with("/token?"),
        "then the token realm: {log:?}"
    );
    assert!(
        log.iter().filter(|l| l.contains("Bearer t0k3n")).count() >= 3,
        "429 retried, then both pages: {log:?}"
    );
    // Wrong credentials: a clear 401 error.
    let bad = Client::new(Options {
        insecure: vec![host.clone()],
        credentials: Some(Credentials {
            username: "bob".into(),
            password: "nope".into(),
        }),
        docker_config: None,
        ..Options::default()
    })
    .unwrap();
    let err = bad
        .list_tags(&ImageRef::parse(&format!("{host}/acme/api")).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Unauthorized { .. }), "{err}");
}
