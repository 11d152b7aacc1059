//! `kubectl-release webhook`, the real server process, against the testenv and
//! Debian's docker-registry: builds pinned to their digest and rolled out, a
//! crashing build undone by itself, bursts coalesced, auth and bad input,
//! registry and GitHub notifications, SIGTERM and restarts mid-release, two
//! replicas, the documented RBAC (every server here runs with it).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, PostParams};
use kubectl_release::release::record::Record;
use serde_json::{Value, json};

use crate::support::registry::{Registry, free_port};
use crate::support::testenv::{TestEnv, mark_image, unique_digest, wait_for};
use crate::support::webhook::{Options, Server, TOKEN, client};

const MINUTE: Duration = Duration::from_secs(60);

/// A Deployment Keel would refresh on a re-push of its tag (`force` + `match-tag`).
fn keel_deployment(name: &str, image: &str, replicas: i32) -> Deployment {
    serde_json::from_value(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "annotations": {"keel.sh/policy": "force", "keel.sh/match-tag": "true"},
        },
        "spec": {
            "replicas": replicas,
            "progressDeadlineSeconds": 120,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app", "image": image}]},
            },
        },
    }))
    .unwrap()
}

async fn create(env: &TestEnv, ns: &str, d: &Deployment) {
    Api::<Deployment>::namespaced(env.client.clone(), ns)
        .create(&PostParams::default(), d)
        .await
        .expect("create deployment");
}

async fn deployment(env: &TestEnv, ns: &str, name: &str) -> Deployment {
    Api::<Deployment>::namespaced(env.client.clone(), ns)
        .get(name)
        .await
        .expect("get deployment")
}

fn image_of(d: &Deployment) -> String {
    d.spec
        .as_ref()
        .unwrap()
        .template
        .spec
        .as_ref()
        .unwrap()
        .containers[0]
        .image
        .clone()
        .unwrap()
}

/// Waits until the Deployment runs `image` with every replica updated and available.
async fn wait_rolled_out(env: &TestEnv, ns: &str, name: &str, image: &str) {
    wait_for(&format!("{name} rolled out on {image}"), MINUTE, || async {
        let d = deployment(env, ns, name).await;
        let st = d.status.clone().unwrap_or_default();
        let want = d.spec.as_ref().unwrap().replicas.unwrap_or(1);
        (image_of(&d) == image
            && st.observed_generation == d.metadata.generation
            && st.updated_replicas.unwrap_or(0) == want
            && st.available_replicas.unwrap_or(0) == want
            && st.replicas.unwrap_or(0) == want)
            .then_some(())
    })
    .await
}

/// The release records of a Deployment, oldest first.
async fn records(env: &TestEnv, ns: &str, name: &str) -> Vec<Record> {
    let cm = Api::<ConfigMap>::namespaced(env.client.clone(), ns)
        .get_opt(&format!("kubectl-release-deployment-{name}"))
        .await
        .unwrap();
    let Some(cm) = cm else { return Vec::new() };
    let text = cm
        .data
        .unwrap_or_default()
        .remove("records.json")
        .unwrap_or_default();
    let mut r: Vec<Record> = serde_json::from_str(&text).unwrap();
    r.sort_by_key(|r| r.revision);
    r
}

async fn replicasets(env: &TestEnv, ns: &str, app: &str) -> Vec<ReplicaSet> {
    Api::<ReplicaSet>::namespaced(env.client.clone(), ns)
        .list(&ListParams::default().labels(&format!("app={app}")))
        .await
        .unwrap()
        .items
}

async fn lease(env: &TestEnv, ns: &str, name: &str) -> Option<Lease> {
    Api::<Lease>::namespaced(env.client.clone(), ns)
        .get_opt(&format!("kubectl-release-deployment-{name}"))
        .await
        .unwrap()
}

/// Pushes an image (the registry helper is blocking: it runs on its own thread).
fn push(reg: &Registry, repo: &str, tag: &str, content: &str) -> String {
    std::thread::scope(|s| s.spawn(|| reg.push(repo, tag, content)).join().unwrap())
}

fn state(r: &Value) -> &str {
    r["state"].as_str().unwrap_or("")
}

/// The dev loop: a `:dev` build is pinned to its digest and rolled out; a crashing
/// build is undone to the previous digest by itself; repeats are no-ops.
#[tokio::test]
async fn dev_builds_are_pinned_and_a_crashing_one_is_undone_by_itself() {
    let env = TestEnv::connect().await;
    let ns = env.ns("wh-dev").await;
    let reg = Registry::start();
    let name = format!("{}/acme/api", reg.host());
    create(
        &env,
        &ns,
        &keel_deployment("api", &format!("{name}:dev"), 2),
    )
    .await;
    wait_rolled_out(&env, &ns, "api", &format!("{name}:dev")).await;
    let srv = Server::start(Options::new(&ns).args([
        "--insecure-registry",
        &reg.host(),
        "--readiness-timeout",
        "30s",
    ]))
    .await;

    // A good build: pinned and rolled out.
    let d1 = push(&reg, "acme/api", "dev", "build 1");
    let answer = srv.notify(&name, "dev").await;
    let ids = Server::release_ids(&answer);
    assert_eq!(ids.len(), 1, "{answer}");
    let r = srv.wait_release(ids[0], MINUTE).await;
    assert_eq!(state(&r), "succeeded", "{r:#}\n{}", srv.logs());
    let pinned = format!("{name}:dev@{d1}");
    assert_eq!(r["to"], pinned.as_str());
    wait_rolled_out(&env, &ns, "api", &pinned).await;
    let recs = records(&env, &ns, "api").await;
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].images[0].new, pinned);
    assert_eq!(recs[0].status.as_str(), "succeeded");
    assert_eq!(
        recs[0].actor.via.as_deref(),
        Some("webhook native from 127.0.0.1")
    );
    assert_eq!(
        recs[0].actor.cluster_user.as_deref(),
        Some("system:serviceaccount:kubectl-release-system:kubectl-release-webhook"),
        "the server runs with the documented identity"
    );

    // A crashing build under the same tag: undone to the previous digest by itself.
    let d2 = push(&reg, "acme/api", "dev", "build 2, crashes");
    mark_image(&d2, "crash");
    let t = Instant::now();
    let answer = srv.notify(&name, "dev").await;
    let r = srv
        .wait_release(Server::release_ids(&answer)[0], MINUTE)
        .await;
    assert_eq!(state(&r), "rolled-back", "{r:#}\n{}", srv.logs());
    assert!(
        r["failedGate"]
            .as_str()
            .unwrap_or("")
            .contains("CrashLoopBackOff"),
        "{r:#}"
    );
    wait_rolled_out(&env, &ns, "api", &pinned).await;
    let restored = t.elapsed();
    eprintln!(
        "crashing build -> previous digest restored and rolled out: {:.2} s",
        restored.as_secs_f64()
    );
    assert!(restored < MINUTE);
    // A ReplicaSet per build: the original tag, build 1, build 2.
    assert_eq!(replicasets(&env, &ns, "api").await.len(), 3);

    // The tag still points at the crashing build: a repeat is a no-op, not a second crash.
    let generation = deployment(&env, &ns, "api").await.metadata.generation;
    let answer = srv.notify(&name, "dev").await;
    let r = srv
        .wait_release(Server::release_ids(&answer)[0], MINUTE)
        .await;
    assert_eq!(state(&r), "noop", "{r:#}");
    assert!(
        r["message"].as_str().unwrap().contains("rolled-back"),
        "{r:#}"
    );
    assert_eq!(
        deployment(&env, &ns, "api").await.metadata.generation,
        generation
    );
    assert_eq!(records(&env, &ns, "api").await.len(), 2);

    // The next good build goes out.
    let d3 = push(&reg, "acme/api", "dev", "build 3");
    let answer = srv.notify(&name, "dev").await;
    let r = srv
        .wait_release(Server::release_ids(&answer)[0], MINUTE)
        .await;
    assert_eq!(state(&r), "succeeded", "{r:#}");
    wait_rolled_out(&env, &ns, "api", &format!("{name}:dev@{d3}")).await;
    assert_eq!(
        srv.metric("kubectl_release_webhook_rollbacks_total").await,
        1.0
    );
    assert_eq!(
        srv.metric(r#"kubectl_release_webhook_releases_total{outcome="succeeded"}"#)
            .await,
        2.0
    );
}

/// Bursts and duplicates: one rollout per new digest per workload, the newest digest
/// after the running release; workloads in parallel; a live digest is a no-op.
#[tokio::test]
async fn bursts_are_coalesced_into_one_rollout_per_new_digest() {
    let env = TestEnv::connect().await;
    let ns = env.ns("wh-burst").await;
    let reg = Registry::start();
    let name_a = format!("{}/acme/a", reg.host());
    let name_b = format!("{}/acme/b", reg.host());
    create(
        &env,
        &ns,
        &keel_deployment("a", &format!("{name_a}:dev"), 1),
    )
    .await;
    create(
        &env,
        &ns,
        &keel_deployment("b", &format!("{name_b}:dev"), 1),
    )
    .await;
    wait_rolled_out(&env, &ns, "a", &format!("{name_a}:dev")).await;
    wait_rolled_out(&env, &ns, "b", &format!("{name_b}:dev")).await;
    // A soak keeps each release running for a while, so the burst lands on a running one.
    let srv =
        Server::start(Options::new(&ns).args(["--insecure-registry", &reg.host(), "--soak", "3s"]))
            .await;
    let a1 = push(&reg, "acme/a", "dev", "a build 1");
    let b1 = push(&reg, "acme/b", "dev", "b build 1");
    let burst = |name: String, n: usize| {
        let srv = &srv;
        async move {
            let sends = (0..n).map(|_| srv.notify(&name, "dev"));
            futures::future::join_all(sends).await
        }
    };
    let (ra, rb) = tokio::join!(burst(name_a.clone(), 20), burst(name_b.clone(), 20));
    let actions = |answers: &[Value]| {
        let mut m: BTreeMap<String, usize> = BTreeMap::new();
        for a in answers {
            for w in a["notifications"][0]["workloads"].as_array().unwrap() {
                *m.entry(w["action"].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
        }
        m
    };
    assert_eq!(actions(&ra).get("started"), Some(&1), "{:?}", actions(&ra));
    assert_eq!(actions(&rb).get("started"), Some(&1), "{:?}", actions(&rb));
    // While a's first release soaks: a new build, and another burst.
    let a2 = push(&reg, "acme/a", "dev", "a build 2");
    let ra2 = burst(name_a.clone(), 10).await;
    assert_eq!(
        actions(&ra2).get("queued"),
        Some(&10),
        "{:?}",
        actions(&ra2)
    );
    let all = srv.wait_idle(Duration::from_secs(90)).await;

    let recs_a = records(&env, &ns, "a").await;
    let recs_b = records(&env, &ns, "b").await;
    let news = |rs: &[Record]| {
        rs.iter()
            .map(|r| r.images[0].new.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        news(&recs_a),
        vec![format!("{name_a}:dev@{a1}"), format!("{name_a}:dev@{a2}")],
        "one rollout per new digest, the newest last"
    );
    assert_eq!(news(&recs_b), vec![format!("{name_b}:dev@{b1}")]);
    assert!(
        recs_a
            .iter()
            .chain(&recs_b)
            .all(|r| r.status.as_str() == "succeeded")
    );
    wait_rolled_out(&env, &ns, "a", &format!("{name_a}:dev@{a2}")).await;
    let count = |s: &str| all.iter().filter(|r| state(r) == s).count();
    assert_eq!(count("succeeded"), 3, "{all:#?}");
    assert_eq!(count("error") + count("rolled-back"), 0, "{all:#?}");
    assert_eq!(
        count("coalesced") + count("noop") + count("succeeded"),
        all.len(),
        "{all:#?}"
    );
    // a and b released at the same time.
    let first = |w: &str| {
        all.iter()
            .filter(|r| r["workload"]["name"] == w && state(r) == "succeeded")
            .min_by_key(|r| r["id"].as_u64())
            .cloned()
            .unwrap()
    };
    let (fa, fb) = (first("a"), first("b"));
    let t = |v: &Value, k: &str| humantime::parse_rfc3339(v[k].as_str().unwrap()).unwrap();
    assert!(
        t(&fa, "started") < t(&fb, "finished") && t(&fb, "started") < t(&fa, "finished"),
        "a and b did not overlap: {fa:#}\n{fb:#}"
    );

    // A notification naming the live digest is a no-op.
    let (status, v) = srv
        .post(
            "/v1/webhooks/native",
            &json!({"name": name_a, "tag": "dev", "digest": a2}).to_string(),
        )
        .await;
    assert_eq!(status, 200);
    let r = srv.wait_release(Server::release_ids(&v)[0], MINUTE).await;
    assert_eq!(state(&r), "noop", "{r:#}");
    assert_eq!(records(&env, &ns, "a").await.len(), 2);
}

/// Every endpoint but the probes needs credentials; bad input gets 400, 413, 404,
/// 405; a slow client is dropped.
#[tokio::test]
async fn auth_and_bad_input_are_refused_and_slow_clients_dropped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let env = TestEnv::connect().await;
    let ns = env.ns("wh-auth").await;
    let srv = Server::start(
        Options::new(&ns)
            .env("BASIC_AUTH_USER", "keel")
            .env("BASIC_AUTH_PASSWORD", "keel-pw")
            .args(["--header-timeout", "1s", "--request-timeout", "2s"]),
    )
    .await;
    let c = client();
    let url = |p: &str| format!("{}{p}", srv.url);
    let body = json!({"name": "ghcr.io/acme/api", "tag": "dev"}).to_string();

    // 401 without or with wrong credentials, on every endpoint, the registry's too.
    for path in [
        "/v1/webhooks/native",
        "/v1/webhooks/registry",
        "/v1/webhooks/github",
    ] {
        let r = c.post(url(path)).body(body.clone()).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401, "{path}");
        assert!(
            r.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Basic"),
            "{path}"
        );
    }
    for auth in [
        "Bearer wrong",
        "Basic a2VlbDp3cm9uZw==",
        "Token test-token-0123456789",
    ] {
        let r = c
            .post(url("/v1/webhooks/native"))
            .header("authorization", auth)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{auth}");
    }
    for path in ["/metrics", "/v1/releases", "/"] {
        assert_eq!(
            c.get(url(path)).send().await.unwrap().status().as_u16(),
            401,
            "{path}"
        );
    }
    // Probes are open.
    assert_eq!(
        c.get(url("/healthz"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    // Keel's basic auth and the bearer token are accepted.
    let r = c
        .post(url("/v1/webhooks/native"))
        .basic_auth("keel", Some("keel-pw"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (status, _) = srv.post("/v1/webhooks/native", &body).await;
    assert_eq!(status, 200);

    // 400 with a message.
    for (bad, msg) in [
        (r#"{"name":"ghcr.io/acme/api"}"#, "tag cannot be empty"),
        (r#"{"tag":"dev"}"#, "name cannot be empty"),
        ("name=x&tag=y", "not valid JSON"),
        (
            r#"{"name":"ghcr.io/acme/api","tag":"dev","digest":"sha256:zz"}"#,
            "not a digest",
        ),
    ] {
        let (status, v) = srv.post("/v1/webhooks/native", bad).await;
        assert_eq!(status, 400, "{bad}: {v}");
        assert!(v["error"].as_str().unwrap().contains(msg), "{bad}: {v}");
    }
    let (status, v) = srv.post("/v1/webhooks/registry", r#"{"nope":1}"#).await;
    assert_eq!(status, 400, "{v}");

    // 413 over 1 MiB; just under is fine.
    let pad = |n: usize| {
        let head = r#"{"name":"ghcr.io/acme/api","tag":"dev","pad":""#;
        let tail = r#""}"#;
        format!("{head}{}{tail}", "x".repeat(n - head.len() - tail.len()))
    };
    let (status, _) = srv.post("/v1/webhooks/native", &pad(1 << 20)).await;
    assert_eq!(status, 200, "exactly 1 MiB is allowed");
    let r = c
        .post(url("/v1/webhooks/native"))
        .bearer_auth(TOKEN)
        .body(pad((1 << 20) + 1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    // The rest of the body is unread: the connection is not reused (a keep-alive
    // client's next request would otherwise race the server closing it).
    assert_eq!(r.headers()["connection"], "close");

    // 404 and 405.
    let (status, _) = srv.get("/v1/webhooks/nope").await;
    assert_eq!(status, 404);
    let (status, _) = srv.get("/v1/webhooks/native").await;
    assert_eq!(status, 405);

    // A client that never finishes its request head is dropped after the header timeout.
    let addr = srv.url.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"POST /v1/webhooks/native HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let t = Instant::now();
    // Meanwhile others are served.
    let (status, _) = srv.post("/v1/webhooks/native", &body).await;
    assert_eq!(status, 200);
    let mut buf = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut buf))
        .await
        .expect("the server kept a slow client's connection open");
    assert!(n.is_ok());
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    // A body that never arrives: 408 after the request timeout.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(
        format!(
            "POST /v1/webhooks/native HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 100\r\n\r\n{{\"name\":"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let t = Instant::now();
    let mut buf = vec![0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(10), slow.read(&mut buf))
        .await
        .expect("no answer to a stalled body")
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());

    // Counted by endpoint and result.
    for (series, at_least) in [
        (
            r#"kubectl_release_webhook_notifications_total{endpoint="native",result="unauthorized"}"#,
            4.0,
        ),
        (
            r#"kubectl_release_webhook_notifications_total{endpoint="registry",result="unauthorized"}"#,
            1.0,
        ),
        (
            r#"kubectl_release_webhook_notifications_total{endpoint="native",result="malformed"}"#,
            4.0,
        ),
        (
            r#"kubectl_release_webhook_notifications_total{endpoint="native",result="too-large"}"#,
            1.0,
        ),
        (
            r#"kubectl_release_webhook_notifications_total{endpoint="native",result="timeout"}"#,
            1.0,
        ),
        (
            r#"kubectl_release_webhook_notifications_total{endpoint="native",result="no-target"}"#,
            3.0,
        ),
    ] {
        let v = srv.metric(series).await;
        assert!(v >= at_least, "{series} = {v}");
    }
}

/// Debian's docker-registry sends its notifications (with the bearer header) to the
/// server: a push alone releases the workload.
#[tokio::test]
async fn registry_notifications_release_a_push_end_to_end() {
    let env = TestEnv::connect().await;
    let ns = env.ns("wh-registry").await;
    let port = free_port();
    let host = format!("127.0.0.1:{port}");
    let name = format!("{host}/acme/api");
    create(
        &env,
        &ns,
        &keel_deployment("api", &format!("{name}:dev"), 1),
    )
    .await;
    wait_rolled_out(&env, &ns, "api", &format!("{name}:dev")).await;
    let srv = Server::start(Options::new(&ns).args(["--insecure-registry", &host])).await;
    let reg = Registry::start_configured(
        port,
        &format!(
            "notifications:\n  endpoints:\n  - name: kubectl-release\n    url: {}/v1/webhooks/registry\n    headers:\n      Authorization: [\"Bearer {TOKEN}\"]\n    timeout: 2s\n    threshold: 3\n    backoff: 1s\n",
            srv.url
        ),
    );
    let d1 = push(&reg, "acme/api", "dev", "pushed build");
    let pinned = format!("{name}:dev@{d1}");
    wait_rolled_out(&env, &ns, "api", &pinned).await;
    let rs = srv.wait_idle(MINUTE).await;
    let done: Vec<&Value> = rs.iter().filter(|r| state(r) == "succeeded").collect();
    assert_eq!(done.len(), 1, "{rs:#?}");
    assert_eq!(done[0]["via"], "webhook registry from 127.0.0.1");
    assert_eq!(
        done[0]["digest"],
        d1.as_str(),
        "the digest came with the notification"
    );
    let (_, notes) = srv.get("/v1/notifications").await;
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["endpoint"] == "registry"),
        "{notes:#}"
    );
}

/// GitHub's package events are accepted with a valid X-Hub-Signature-256 only.
#[tokio::test]
async fn github_events_need_a_valid_signature() {
    use kubectl_release::webhook::auth::github_signature;
    let env = TestEnv::connect().await;
    let ns = env.ns("wh-github").await;
    let name = "ghcr.io/acme/github-api";
    create(
        &env,
        &ns,
        &keel_deployment("api", &format!("{name}:dev"), 1),
    )
    .await;
    wait_rolled_out(&env, &ns, "api", &format!("{name}:dev")).await;
    let secret = "It's a Secret to Everybody";
    let srv = Server::start(Options::new(&ns).env("KUBECTL_RELEASE_GITHUB_SECRET", secret)).await;
    let digest = unique_digest("github");
    let body = json!({
        "action": "published",
        "registry_package": {
            "name": "github-api", "namespace": "acme", "package_type": "CONTAINER",
            "package_version": {
                "version": digest,
                "package_url": format!("{name}:dev"),
                "container_metadata": {"tag": {"name": "dev", "digest": digest}},
            },
        },
        "repository": {"full_name": "acme/monorepo"},
    })
    .to_string();
    let send = |sig: Option<String>, body: String| {
        let url = format!("{}/v1/webhooks/github", srv.url);
        async move {
            let mut rb = client()
                .post(url)
                .header("X-GitHub-Event", "registry_package")
                .body(body);
            if let Some(s) = sig {
                rb = rb.header("X-Hub-Signature-256", s);
            }
            let r = rb.send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // Invalid: another secret; missing; the right signature of another body.
    let (status, v) = send(
        Some(github_signature(b"wrong", body.as_bytes())),
        body.clone(),
    )
    .await;
    assert_eq!(status, 401, "{v}");
    let (status, _) = send(None, body.clone()).await;
    assert_eq!(status, 401);
    let (status, _) = send(
        Some(github_signature(secret.as_bytes(), body.as_bytes())),
        body.replace("dev", "main"),
    )
    .await;
    assert_eq!(status, 401);
    assert!(
        srv.releases().await.is_empty(),
        "nothing released on a bad signature"
    );
    assert!(records(&env, &ns, "api").await.is_empty());
    // Valid.
    let (status, v) = send(
        Some(github_signature(secret.as_bytes(), body.as_bytes())),
        body.clone(),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let r = srv.wait_release(Server::release_ids(&v)[0], MINUTE).await;
    assert_eq!(state(&r), "succeeded", "{r:#}");
    assert_eq!(r["via"], "webhook github from 127.0.0.1");
    wait_rolled_out(&env, &ns, "api", &format!("{name}:dev@{digest}")).await;
}

/// SIGTERM mid-release: the release may finish within the grace period; past it, it
/// is recorded interrupted (left in place, Lease freed) and the process exits.
#[tokio::test]
async fn sigterm_mid_release_finishes_it_or_records_it_interrupted_in_bounded_time() {
    let env = TestEnv::connect().await;
    let ns = env.ns("wh-term").await;
    let reg = Registry::start();
    let name = format!("{}/acme/api", reg.host());
    create(
        &env,
        &ns,
        &keel_deployment("api", &format!("{name}:dev"), 1),
    )
    .await;
    wait_rolled_out(&env, &ns, "api", &format!("{name}:dev")).await;
    let d1 = push(&reg, "acme/api", "dev", "build 1");

    // A grace long enough: the release finishes, then the process exits.
    let mut srv = Server::start(Options::new(&ns).args([
        "--insecure-registry",
        &reg.host(),
        "--soak",
        "3s",
        "--shutdown-grace",
        "30s",
    ]))
    .await;
    let id = Server::release_ids(&srv.notify(&name, "dev").await)[0];
    srv.wait_patched(id, MINUTE).await;
    srv.signal(libc::SIGTERM);
    let st = srv
        .wait_exit(Duration::from_secs(30))
        .await
        .expect("did not exit");
    assert!(st.success(), "{st}\n{}", srv.logs());
    let recs = records(&env, &ns, "api").await;
    assert_eq!(
        recs.last().unwrap().status.as_str(),
        "succeeded",
        "{recs:#?}"
    );

    // A short grace: interrupted, recorded, Lease freed, exit within grace + a few seconds.
    let d2 = push(&reg, "acme/api", "dev", "build 2");
    let mut srv = Server::start(Options::new(&ns).args([
        "--insecure-registry",
        &reg.host(),
        "--soak",
        "120s",
        "--shutdown-grace",
        "1s",
    ]))
    .await;
    let id = Server::release_ids(&srv.notify(&name, "dev").await)[0];
    srv.wait_patched(id, MINUTE).await;
    let t = Instant::now();
    srv.signal(libc::SIGTERM);
    let st = srv
        .wait_exit(Duration::from_secs(30))
        .await
        .expect("did not exit");
    let took = t.elapsed();
    eprintln!(
        "SIGTERM mid-release (grace 1 s) -> exited in {:.2} s",
        took.as_secs_f64()
    );
    assert!(st.success(), "{st}\n{}", srv.logs());
    assert!(took < Duration::from_secs(8), "{took:?}");
    let recs = records(&env, &ns, "api").await;
    let last = recs.last().unwrap();
    assert_eq!(last.status.as_str(), "interrupted", "{recs:#?}");
    assert_eq!(last.images[0].new, format!("{name}:dev@{d2}"));
    assert!(
        lease(&env, &ns, "api").await.is_none(),
        "the Lease was freed"
    );
    assert_eq!(
        image_of(&deployment(&env, &ns, "api").await),
        format!("{name}:dev@{d2}")
    );
    let _ = d1;

    // Handed over: the next server takes the interrupted release over and gates it.
    let srv = Server::start(Options::new(&ns).args(["--insecure-registry", &reg.host()])).await;
    wait_for("the interrupted release taken over", MINUTE, || async {
        let recs = records(&env, &ns, "api").await;
        let last = recs.last()?;
        (last.status.as_str() == "succeeded" && last.revision == recs.len() as u64)
            .then_some(last.clone())
    })
    .await;
    let recs = records(&env, &ns, "api").await;
    assert!(
        recs.last()
            .unwrap()
            .actor
            .via
            .as_deref()
            .unwrap()
            .starts_with("webhook: resuming revision"),
        "{recs:#?}"
    );
    drop(srv);
}

/// The server killed mid-release (SIGKILL) and started again: the open record and
/// the dead process's Lease are taken over at once, the release gated again, and
/// a bad build undone.
#[tokio::test]
async fn a_server_restarted_mid_release_takes_the_release_over() {
    let env = TestEnv::connect().await;
    let ns = env.ns("wh-restart").await;
    let reg = Registry::start();
    let name = format!("{}/acme/api", reg.host());
    let d0 = push(&reg, "acme/api", "dev", "build 0");
    create(
        &env,
        &ns,
        &keel_deployment("api", &format!("{name}:dev@{d0}"), 1),
    )
    .await;
    wait_rolled_out(&env, &ns, "api", &format!("{name}:dev@{d0}")).await;
    // Build 1 never gets Ready; the first server would wait up to 5 minutes for it.
    let d1 = push(&reg, "acme/api", "dev", "build 1, never ready");
    mark_image(&d1, "unready");
    let mut srv = Server::start(Options::new(&ns).args([
        "--insecure-registry",
        &reg.host(),
        "--readiness-timeout",
        "300s",
    ]))
    .await;
    let id = Server::release_ids(&srv.notify(&name, "dev").await)[0];
    srv.wait_patched(id, MINUTE).await;
    srv.signal(libc::SIGKILL);
    srv.wait_exit(Duration::from_secs(10))
        .await
        .expect("not killed");
    let recs = records(&env, &ns, "api").await;
    assert_eq!(recs.last().unwrap().status.as_str(), "in-progress");
    assert!(
        lease(&env, &ns, "api").await.is_some(),
        "the dead process's Lease stays"
    );

    let t = Instant::now();
    let srv = Server::start(Options::new(&ns).args([
        "--insecure-registry",
        &reg.host(),
        "--readiness-timeout",
        "5s",
    ]))
    .await;
    wait_rolled_out(&env, &ns, "api", &format!("{name}:dev@{d0}")).await;
    eprintln!(
        "restarted mid-release: the bad build undone {:.2} s after the new server started",
        t.elapsed().as_secs_f64()
    );
    let recs = wait_for(
        "the taken-over release recorded as rolled back",
        MINUTE,
        || async {
            let recs = records(&env, &ns, "api").await;
            (recs.last()?.status.as_str() != "in-progress").then_some(recs)
        },
    )
    .await;
    let statuses: Vec<&str> = recs.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, vec!["interrupted", "rolled-back"], "{recs:#?}");
    assert!(
        recs[0].reason.as_deref().unwrap().contains("went away"),
        "{recs:#?}"
    );
    let rs = srv.wait_idle(MINUTE).await;
    assert!(rs.iter().any(|r| state(r) == "rolled-back"), "{rs:#?}");
    assert!(lease(&env, &ns, "api").await.is_none());
}

/// Two replicas receive the same burst: the Lease lets exactly one release the
/// workload; the other coalesces into it (no failed release, one rollout).
#[tokio::test]
async fn two_replicas_release_a_burst_once() {
    let env = TestEnv::connect().await;
    let ns = env.ns("wh-replicas").await;
    let reg = Registry::start();
    let name = format!("{}/acme/api", reg.host());
    create(
        &env,
        &ns,
        &keel_deployment("api", &format!("{name}:dev"), 2),
    )
    .await;
    wait_rolled_out(&env, &ns, "api", &format!("{name}:dev")).await;
    let opts = Options::new(&ns).args(["--insecure-registry", &reg.host(), "--soak", "2s"]);
    let (a, b) = tokio::join!(Server::start(opts.clone()), Server::start(opts));
    let d1 = push(&reg, "acme/api", "dev", "build 1");
    let sends = (0..12).map(|i| {
        let s = if i % 2 == 0 { &a } else { &b };
        let name = name.clone();
        async move { s.notify(&name, "dev").await }
    });
    futures::future::join_all(sends).await;
    let (ra, rb) = tokio::join!(
        a.wait_idle(Duration::from_secs(90)),
        b.wait_idle(Duration::from_secs(90))
    );
    let recs = records(&env, &ns, "api").await;
    assert_eq!(recs.len(), 1, "exactly one release: {recs:#?}");
    assert_eq!(recs[0].status.as_str(), "succeeded");
    assert_eq!(recs[0].images[0].new, format!("{name}:dev@{d1}"));
    let all: Vec<&Value> = ra.iter().chain(&rb).collect();
    let succeeded = all.iter().filter(|r| state(r) == "succeeded").count();
    assert_eq!(succeeded, 1, "{all:#?}");
    for r in &all {
        assert!(
            matches!(state(r), "succeeded" | "noop" | "coalesced"),
            "a replica reported {r:#}"
        );
    }
    let waited = a
        .metric(r#"kubectl_release_webhook_releases_total{outcome="locked-elsewhere"}"#)
        .await
        + b.metric(r#"kubectl_release_webhook_releases_total{outcome="locked-elsewhere"}"#)
            .await;
    eprintln!(
        "two replicas: 12 notifications, 1 rollout, {waited} waits on the other replica's Lease"
    );
    // The replica that lost the race found the Lease held, waited, and then had nothing to do.
    assert!(waited >= 1.0, "no replica met the other's Lease");
}

/// With a certificate the server speaks HTTPS only; `--log-format json` writes JSON lines.
#[tokio::test]
async fn tls_when_a_certificate_is_given_and_json_logs() {
    let env = TestEnv::connect().await;
    let ns = env.ns("wh-tls").await;
    let dir = tempfile::tempdir().unwrap();
    let (ca, crt, key) = (
        dir.path().join("ca.crt"),
        dir.path().join("tls.crt"),
        dir.path().join("tls.key"),
    );
    // A CA and a server certificate it signs (a self-signed CA cannot be the server's).
    let d = dir.path().display().to_string();
    let script = format!(
        "set -e; cd {d}; openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=test-ca -keyout ca.key -out ca.crt 2>/dev/null; \
         openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=webhook -keyout tls.key -out tls.csr 2>/dev/null; \
         printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext; \
         openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile ext -out tls.crt 2>/dev/null"
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut o = Options::new(&ns).args(["--log-format", "json", "--tls-cert"]);
    o.args.push(crt.display().to_string());
    o.args.push("--tls-key".into());
    o.args.push(key.display().to_string());
    o.ca = Some(ca.clone());
    let srv = Server::start(o).await;
    assert!(srv.url.starts_with("https://127.0.0.1:"), "{}", srv.url);
    let (status, _) = srv
        .post(
            "/v1/webhooks/native",
            r#"{"name":"ghcr.io/acme/x","tag":"dev"}"#,
        )
        .await;
    assert_eq!(status, 200);
    // Plain HTTP on the TLS port gets no answer.
    let plain = srv.url.replacen("https://", "http://", 1);
    assert!(
        client()
            .get(format!("{plain}/healthz"))
            .send()
            .await
            .is_err()
    );
    // Every log line but the address line is a JSON object with time, level and event.
    let logs = srv.logs();
    let mut events = Vec::new();
    for line in logs
        .lines()
        .filter(|l| !l.starts_with("kubectl-release webhook listening"))
    {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(v["time"].is_string() && v["level"].is_string(), "{line}");
        events.push(v["event"].as_str().unwrap().to_string());
    }
    assert!(events.contains(&"listening".to_string()), "{events:?}");
    assert!(events.contains(&"notification".to_string()), "{events:?}");
}

/// The ClusterRole the tests run the server with is the one deploy/webhook ships.
#[test]
fn the_tested_rbac_is_the_shipped_rbac() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = |docs: Vec<Value>| -> Value {
        docs.into_iter()
            .find(|d| {
                d["kind"] == "ClusterRole" && d["metadata"]["name"] == "kubectl-release-webhook"
            })
            .expect("the ClusterRole")["rules"]
            .clone()
    };
    let shipped = kubectl_release::render::render(
        &kubectl_release::render::fs::DiskFs,
        &root.join("deploy/webhook"),
    )
    .unwrap();
    let text = std::fs::read_to_string(root.join("testenv/rbac-webhook.yaml")).unwrap();
    let tested: Vec<Value> =
        kubectl_release::render::yaml::parse_stream(&text, "rbac-webhook.yaml")
            .unwrap()
            .into_iter()
            .map(|d| d.value)
            .collect();
    assert_eq!(rules(shipped), rules(tested));
}

/// deploy/webhook renders with the project's renderer: several replicas of the image
/// deploy/argocd uses, a Service on Keel's port, the identity and its RBAC.
#[test]
fn the_deploy_manifests_render() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = kubectl_release::render::render(
        &kubectl_release::render::fs::DiskFs,
        &root.join("deploy/webhook"),
    )
    .unwrap();
    let find = |kind: &str| {
        docs.iter()
            .find(|d| d["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind}"))
    };
    let d = find("Deployment");
    assert!(d["spec"]["replicas"].as_i64().unwrap() >= 2);
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    let argocd =
        std::fs::read_to_string(root.join("deploy/argocd/repo-server-sidecar.yaml")).unwrap();
    let image = c["image"].as_str().unwrap();
    assert!(argocd.contains(&format!("image: {image}")), "{image}");
    assert_eq!(c["args"][0], "webhook");
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(
        d["spec"]["template"]["spec"]["serviceAccountName"],
        "kubectl-release-webhook"
    );
    let s = find("Service");
    assert_eq!(s["spec"]["ports"][0]["port"], 9300);
    find("ServiceAccount");
    find("ClusterRole");
    find("ClusterRoleBinding");
    find("PodDisruptionBudget");
}

/// Keel's native notification with the digest.
async fn notify_digest(srv: &Server, name: &str, tag: &str, digest: &str) -> Vec<u64> {
    let body = json!({"name": name, "tag": tag, "digest": digest}).to_string();
    let (status, v) = srv.post("/v1/webhooks/native", &body).await;
    assert_eq!(status, 200, "{v}");
    Server::release_ids(&v)
}

/// The example repository's dev overlay in namespace `ns`, pushed to Argo CD's git
/// server as an Application (plugin, automated sync with self-heal) whose spec is
/// `app_spec` with `extra` merged at the top level, synced and rolled out on `:dev`.
/// Its `kubectl-release.yaml` has a dev environment that tracks `:dev` and names the
/// Application.
async fn dev_app_on_argocd(
    te: &TestEnv,
    argocd: &crate::support::argocd::ArgoCd,
    ns: &str,
    extra: Value,
) -> (tempfile::TempDir, crate::support::argocd::TestApp) {
    use crate::argocd_testenv::{app_spec, example_repo};
    use crate::support::argocd::TestApp;
    use crate::support::git::git as git_in;
    let work = example_repo(ns);
    let dev = work.path().join("envs/dev");
    for (file, from, to) in [
        (
            "kustomization.yaml",
            "namespace: acme-dev",
            format!("namespace: {ns}"),
        ),
        ("namespace.yaml", "name: acme-dev", format!("name: {ns}")),
    ] {
        let p = dev.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{file}");
        std::fs::write(&p, text.replace(from, &to)).unwrap();
    }
    std::fs::write(
        work.path().join("kubectl-release.yaml"),
        format!(
            "environments:\n  dev:\n    path: envs/dev\n    cluster:\n      namespace: {ns}\n    argocd:\n      application: {ns}\n    images:\n      - name: ghcr.io/acme/api\n        policy: \"track: dev\"\n    gates:\n      readinessTimeout: 6s\n      timeout: 120s\n  prod:\n    path: envs/prod\n"
        ),
    )
    .unwrap();
    let (url, commit) = argocd.push_new_repo(work.path(), ns);
    git_in(work.path(), &["remote", "add", "origin", &url]);
    git_in(work.path(), &["fetch", "-q", "origin"]);
    git_in(work.path(), &["branch", "-q", "-u", "origin/main"]);
    let mut spec = app_spec(
        &url,
        "envs/dev",
        ns,
        json!({ "plugin": { "name": "kubectl-release" } }),
    );
    spec.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let app = TestApp::create(&te.client, argocd, ns, spec).await;
    app.wait_synced_healthy(&te.client, argocd, &commit, ARGO_SYNC)
        .await;
    wait_rolled_out(te, ns, "api", "ghcr.io/acme/api:dev").await;
    (work, app)
}

const ARGO_SYNC: Duration = Duration::from_secs(180);

/// `--write-back` on the real Argo CD: the dev environment is an Application with
/// self-heal, so a live patch would be put back; the digest goes into the dev
/// overlay as a commit that Argo CD syncs, and a crashing build is a revert that
/// Argo CD syncs. Without `--write-back` the server refuses to patch the workload.
#[tokio::test(flavor = "multi_thread")]
async fn write_back_through_argocd_with_self_heal() {
    use crate::support::argocd::ArgoCd;
    use crate::support::git::git as git_in;
    let te = TestEnv::connect().await;
    let argocd = ArgoCd::connect().await;
    let ns = te.ns("wh-argo").await;
    let (work, app) = dev_app_on_argocd(&te, &argocd, &ns, json!({})).await;
    let sync = ARGO_SYNC;

    let opts = |extra: &[&str]| {
        let mut o = Options::new(&ns)
            .args(["--env", "dev"])
            .args(extra.iter().copied());
        o.cwd = Some(work.path().to_path_buf());
        o
    };

    // Without --write-back: refused, nothing patched (self-heal would undo it).
    let d0 = unique_digest("argo-0");
    let srv = Server::start(opts(&[])).await;
    let ids = notify_digest(&srv, "ghcr.io/acme/api", "dev", &d0).await;
    assert_eq!(
        ids.len(),
        1,
        "the environment tracks dev and renders the workload"
    );
    let r = srv.wait_release(ids[0], MINUTE).await;
    assert_eq!(state(&r), "refused", "{r:#}");
    assert!(
        r["message"].as_str().unwrap().contains("--write-back"),
        "{r:#}"
    );
    assert_eq!(
        image_of(&deployment(&te, &ns, "api").await),
        "ghcr.io/acme/api:dev"
    );
    drop(srv);

    // With it: a commit, synced by Argo CD, gated.
    let srv = Server::start(opts(&["--write-back", "--sync-timeout", "180s"])).await;
    let d1 = unique_digest("argo-1");
    let t = Instant::now();
    let r = srv
        .wait_release(
            notify_digest(&srv, "ghcr.io/acme/api", "dev", &d1).await[0],
            sync,
        )
        .await;
    assert_eq!(state(&r), "succeeded", "{r:#}\n{}", srv.logs());
    eprintln!(
        "write-back: notification -> committed, synced by Argo CD, gated: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let good = format!("ghcr.io/acme/api:dev@{d1}");
    wait_rolled_out(&te, &ns, "api", &good).await;
    git_in(work.path(), &["fetch", "-q", "origin"]);
    let overlay = String::from_utf8(
        std::process::Command::new("git")
            .current_dir(work.path())
            .args(["show", "origin/main:envs/dev/kustomization.yaml"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(overlay.contains(&format!("digest: {d1}")), "{overlay}");
    assert!(overlay.contains("newTag: dev"), "{overlay}");
    let recs = records(&te, &ns, "api").await;
    let last = recs.last().unwrap();
    assert!(
        last.git.as_ref().is_some_and(|g| !g.commit.is_empty()),
        "{last:#?}"
    );
    assert!(
        last.argocd.as_ref().is_some_and(|a| a.synced.is_some()),
        "{last:#?}"
    );

    // A crashing build: reverted in git, Argo CD syncs the revert, back on build 1.
    let d2 = unique_digest("argo-2");
    mark_image(&d2, "crash");
    let t = Instant::now();
    let r = srv
        .wait_release(
            notify_digest(&srv, "ghcr.io/acme/api", "dev", &d2).await[0],
            sync,
        )
        .await;
    assert_eq!(state(&r), "rolled-back", "{r:#}\n{}", srv.logs());
    wait_rolled_out(&te, &ns, "api", &good).await;
    eprintln!(
        "write-back: crashing build -> reverted in git and synced back: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    git_in(work.path(), &["fetch", "-q", "origin"]);
    let head = String::from_utf8(
        std::process::Command::new("git")
            .current_dir(work.path())
            .args(["log", "-1", "--format=%s", "origin/main"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(head.starts_with("Revert"), "{head}");
    let last = records(&te, &ns, "api").await.pop().unwrap();
    assert_eq!(last.status.as_str(), "rolled-back");
    assert!(
        last.git.as_ref().and_then(|g| g.revert.as_ref()).is_some(),
        "{last:#?}"
    );
    // Self-heal agrees: the Application is synced to the revert and healthy, and stays on build 1.
    let rev = String::from_utf8(
        std::process::Command::new("git")
            .current_dir(work.path())
            .args(["rev-parse", "origin/main"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    app.wait_synced_healthy(&te.client, &argocd, rev.trim(), sync)
        .await;
    assert_eq!(image_of(&deployment(&te, &ns, "api").await), good);
}

/// The alternative to `--write-back` (README): the Application ignores the
/// containers' images (`ignoreDifferences` with `RespectIgnoreDifferences`), so Argo
/// CD's self-heal leaves a live patch alone and `--ignore-argocd` releases on the
/// cluster as for any workload. Argo CD is made to look again after each release: it
/// stays Synced and the pinned (or restored) image stays live.
#[tokio::test(flavor = "multi_thread")]
async fn ignore_argocd_patches_live_when_the_application_ignores_images() {
    use crate::support::argocd::ArgoCd;
    let te = TestEnv::connect().await;
    let argocd = ArgoCd::connect().await;
    let ns = te.ns("wh-argo-ign").await;
    let (work, app) = dev_app_on_argocd(
        &te,
        &argocd,
        &ns,
        json!({
            "ignoreDifferences": [{
                "group": "apps",
                "kind": "Deployment",
                "jqPathExpressions": [".spec.template.spec.containers[].image"],
            }],
            "syncPolicy": {
                "automated": { "prune": true, "selfHeal": true },
                "syncOptions": ["RespectIgnoreDifferences=true"],
            },
        }),
    )
    .await;
    let mut o = Options::new(&ns).args(["--env", "dev", "--ignore-argocd"]);
    o.cwd = Some(work.path().to_path_buf());
    let srv = Server::start(o).await;

    // Argo CD re-reads the repository and compares: Synced, and the live image stays.
    let argo_agrees = |image: String| {
        let (te, argocd, app, ns) = (&te, &argocd, &app, ns.name());
        async move {
            let before = app.status(&te.client).await["reconciledAt"].clone();
            crate::argocd_testenv::refresh(te, argocd, &app.name).await;
            wait_for(
                "Argo CD to compare again",
                Duration::from_secs(60),
                || async {
                    let st = app.status(&te.client).await;
                    (st["reconciledAt"] != before).then_some(())
                },
            )
            .await;
            // Self-heal acts within seconds of an OutOfSync comparison; give it the time.
            tokio::time::sleep(Duration::from_secs(8)).await;
            let st = app.status(&te.client).await;
            assert_eq!(st.pointer("/sync/status"), Some(&json!("Synced")), "{st:#}");
            assert_eq!(image_of(&deployment(te, ns, "api").await), image);
        }
    };

    let d1 = unique_digest("ign-1");
    let r = srv
        .wait_release(
            notify_digest(&srv, "ghcr.io/acme/api", "dev", &d1).await[0],
            MINUTE,
        )
        .await;
    assert_eq!(state(&r), "succeeded", "{r:#}\n{}", srv.logs());
    let good = format!("ghcr.io/acme/api:dev@{d1}");
    wait_rolled_out(&te, &ns, "api", &good).await;
    argo_agrees(good.clone()).await;

    // A crashing build is undone on the cluster, and Argo CD leaves build 1 in place.
    let d2 = unique_digest("ign-2");
    mark_image(&d2, "crash");
    let r = srv
        .wait_release(
            notify_digest(&srv, "ghcr.io/acme/api", "dev", &d2).await[0],
            MINUTE * 2,
        )
        .await;
    assert_eq!(state(&r), "rolled-back", "{r:#}\n{}", srv.logs());
    wait_rolled_out(&te, &ns, "api", &good).await;
    argo_agrees(good).await;
}

/// The status page in a real browser (Debian's chromium, headless): behind the same
/// authentication, server-rendered, refreshing itself. The screenshot is kept in
/// `target/webhook-status-page.png` to look at.
#[tokio::test]
async fn the_status_page_in_headless_chromium() {
    let chromium = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect(
            "chromium is not installed: `apt-get install chromium` (scripts/deps.sh does this)",
        );
    let env = TestEnv::connect().await;
    let ns = env.ns("wh-page").await;
    let reg = Registry::start();
    let name = format!("{}/acme/api", reg.host());
    create(
        &env,
        &ns,
        &keel_deployment("api", &format!("{name}:dev"), 1),
    )
    .await;
    create(
        &env,
        &ns,
        &keel_deployment("worker", &format!("{name}:dev"), 1),
    )
    .await;
    wait_rolled_out(&env, &ns, "api", &format!("{name}:dev")).await;
    let srv = Server::start(
        Options::new(&ns)
            .env("BASIC_AUTH_USER", "keel")
            .env("BASIC_AUTH_PASSWORD", "page-pw")
            .args(["--insecure-registry", &reg.host(), "--page-refresh", "2"]),
    )
    .await;
    // Something to show: a good build, a crashing one undone, a repeat.
    push(&reg, "acme/api", "dev", "page build 1");
    srv.notify(&name, "dev").await;
    srv.wait_idle(MINUTE).await;
    let d2 = push(&reg, "acme/api", "dev", "page build 2, crashes");
    mark_image(&d2, "crash");
    srv.notify(&name, "dev").await;
    srv.wait_idle(MINUTE).await;
    srv.notify(&name, "dev").await;
    let releases = srv.wait_idle(MINUTE).await;
    assert!(
        releases.iter().any(|r| state(r) == "rolled-back"),
        "{releases:#?}"
    );

    let shot =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/webhook-status-page.png");
    let _ = std::fs::remove_file(&shot);
    let profile = tempfile::tempdir().unwrap();
    let with_creds = srv.url.replacen("http://", "http://keel:page-pw@", 1) + "/";
    let browse = |extra: &[String], url: &str| {
        let out = std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--window-size=1400,1100",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(url)
            .output()
            .expect("running chromium");
        assert!(
            out.status.success(),
            "chromium: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // The DOM as the browser built it.
    let dom = browse(&["--dump-dom".into()], &with_creds);
    for want in [
        "kubectl-release webhook",
        "deployment/api (namespace ",
        "deployment/worker (namespace ",
        "rolled-back",
        "succeeded",
        "noop",
        "CrashLoopBackOff",
        "keel.sh/policy force (matchTag)",
        &format!("sha256:{}", &d2[7..19]),
    ] {
        assert!(dom.contains(want), "the page lacks {want:?}:\n{dom}");
    }
    assert!(!dom.contains("<script"), "no scripts");
    browse(&[format!("--screenshot={}", shot.display())], &with_creds);
    let png = std::fs::read(&shot).expect("no screenshot");
    assert_eq!(&png[1..4], b"PNG");
    // Width and height from the IHDR chunk.
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((w, h), (1400, 1100));
    assert!(png.len() > 20_000, "a blank page? {} bytes", png.len());
    eprintln!(
        "status page screenshot: {} ({} bytes)",
        shot.display(),
        png.len()
    );
    // Left open for 5 s (refresh every 2 s), the page reloads itself.
    let loads = r#"kubectl_release_webhook_http_requests_total{route="/",code="200"}"#;
    let before = srv.metric(loads).await;
    let profile2 = tempfile::tempdir().unwrap();
    let mut open = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile2.path().display()))
        .arg(&with_creds)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_secs(5)).await;
    unsafe { libc::kill(open.id() as i32, libc::SIGTERM) };
    let _ = open.wait();
    let reloads = srv.metric(loads).await - before;
    assert!(
        reloads >= 2.0,
        "the page did not refresh itself ({reloads} loads in 5 s)"
    );
    // Without credentials the browser gets the 401 and its challenge, not the page.
    let denied = browse(&["--dump-dom".into()], &(srv.url.clone() + "/"));
    assert!(!denied.contains("deployment/api"), "{denied}");
}
