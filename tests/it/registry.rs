//! The registry client and tag policies against a real registry on loopback.

use kubectl_release::policy::Policy;
use kubectl_release::registry::{Client, Credentials, ImageRef, Options, RegistryError};

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
