//! Pieces the testenv benchmarks share (each bench is its own binary: `mod common;`).

use std::time::Instant;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use kube::runtime::watcher;

/// When the first pod of `ns` shows `CrashLoopBackOff` (watched from the call on).
pub fn first_bad_signal(c: &kube::Client, ns: &str) -> tokio::task::JoinHandle<Instant> {
    let pods: Api<Pod> = Api::namespaced(c.clone(), ns);
    tokio::spawn(async move {
        let mut s = watcher(pods, watcher::Config::default()).boxed();
        while let Some(Ok(ev)) = s.next().await {
            if let watcher::Event::Apply(p) | watcher::Event::InitApply(p) = ev {
                let bad = p
                    .status
                    .and_then(|s| s.container_statuses)
                    .unwrap_or_default()
                    .iter()
                    .any(|cs| {
                        cs.state
                            .as_ref()
                            .and_then(|s| s.waiting.as_ref())
                            .and_then(|w| w.reason.as_deref())
                            == Some("CrashLoopBackOff")
                    });
                if bad {
                    return Instant::now();
                }
            }
        }
        Instant::now()
    })
}

/// When the first container image of a Deployment in `ns` is back on `good` after
/// having been `bad` (watched from the call on).
pub fn image_back(
    c: &kube::Client,
    ns: &str,
    bad: String,
    good: String,
) -> tokio::task::JoinHandle<Instant> {
    let deps: Api<Deployment> = Api::namespaced(c.clone(), ns);
    tokio::spawn(async move {
        let mut s = watcher(deps, watcher::Config::default()).boxed();
        let mut saw_bad = false;
        while let Some(Ok(ev)) = s.next().await {
            if let watcher::Event::Apply(d) | watcher::Event::InitApply(d) = ev {
                let img = d
                    .spec
                    .and_then(|s| s.template.spec)
                    .map(|s| s.containers[0].image.clone().unwrap_or_default())
                    .unwrap_or_default();
                if img == bad {
                    saw_bad = true;
                } else if saw_bad && img == good {
                    return Instant::now();
                }
            }
        }
        Instant::now()
    })
}
