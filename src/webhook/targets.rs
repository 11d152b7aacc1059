//! Which workloads a pushed image releases: a watch-fed cache of the Deployments, StatefulSets and DaemonSets in the watched namespaces, and the rule that picks from it.
//!
//! The cache is kube-runtime's reflector (one watch per kind and namespace, or
//! cluster-wide), so answering a notification never lists the cluster. The rule
//! ([`select`], pure) takes a workload's metadata and containers: a workload is
//! a target when Keel would update it (its `keel.sh/policy`, see [`super::keel`])
//! or when an environment of the release config tracks the pushed tag of the
//! image and renders the workload ([`Tracked`]).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::Api;
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};
use serde::Serialize;

use super::keel;
use super::payload::Notification;
use crate::cluster::Cluster;
use crate::image::registry::ImageRef;
use crate::release::Gates;
use crate::release::record::WorkloadRef;

/// An environment of the release config whose image policy tracks a mutable tag (`track: dev`).
#[derive(Debug, Clone)]
pub struct Tracked {
    pub env: String,
    /// The image name as the config spells it.
    pub image: String,
    pub tag: String,
    /// The workloads the environment renders.
    pub workloads: Vec<WorkloadRef>,
    pub gates: Gates,
    /// `namespace/name` of the environment's Argo CD Application, if it has one.
    pub argocd: Option<(String, String)>,
}

/// Why a workload is released by a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum Reason {
    /// Its Keel policy (as the annotation says) accepts the pushed tag.
    Keel { policy: String },
    /// Environment `env` tracks the tag (index into the tracked list).
    Env {
        env: String,
        #[serde(skip)]
        index: usize,
    },
    /// Taking over release `revision`, which `holder` left unfinished.
    Resumed { revision: u64, holder: String },
}

/// A workload to release, and what in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub workload: WorkloadRef,
    /// The image name as the workload spells it (what the release plans against).
    pub image_name: String,
    /// The tag to release (pinned to its digest before release).
    pub tag: String,
    /// The containers to change (by name).
    pub containers: Vec<String>,
    pub reason: Reason,
    /// The Argo CD Application managing the workload, from its tracking metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub argocd_app: Option<String>,
}

/// One container of a cached workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub init: bool,
}

/// What [`select`] reads of a workload.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub workload: Option<WorkloadRef>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub containers: Vec<Container>,
    pub argocd_app: Option<String>,
}

/// `registry/repository` of an image name, so `nginx` and `docker.io/library/nginx` match.
/// A leading `http://` or `https://` is dropped, as Keel drops it.
pub fn normalized(name: &str) -> Option<String> {
    let name = without_scheme(name);
    let r = ImageRef::parse(crate::image::name_of(name)).ok()?;
    // Docker Hub's other name, which Keel (like Docker) folds into docker.io/library.
    if r.registry == "index.docker.io" {
        let library = if r.repository.contains('/') {
            ""
        } else {
            "library/"
        };
        return Some(format!("docker.io/{library}{}", r.repository));
    }
    Some(format!("{}/{}", r.registry, r.repository))
}

fn without_scheme(image: &str) -> &str {
    image
        .strip_prefix("http://")
        .or_else(|| image.strip_prefix("https://"))
        .unwrap_or(image)
}

/// The tag a container runs, as Keel reads it, when Keel can read its image at all
/// (it skips containers whose image is not a valid reference): the tag, else the
/// digest, else `latest`.
///
/// Deliberate difference: for `name:tag@sha256:..` Keel reads the digest as the
/// current tag, so it never updates a container pinned by digest; our releases
/// pin that way, and the tag is what the workload tracks (tools/keel-diff/README.md).
fn keel_current(image: &str) -> Option<&str> {
    use super::payload::{valid_name, valid_tag};
    let image = without_scheme(image);
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let name = crate::image::name_of(rest);
    let tag = crate::image::tag_of(rest);
    let digest_ok = |d: &str| {
        d.split_once(':').is_some_and(|(alg, hex)| {
            alg == "sha256"
                && hex.len() == 64
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
    };
    if !valid_name(name)
        || tag.is_some_and(|t| !valid_tag(t))
        || digest.is_some_and(|d| !digest_ok(d))
    {
        return None;
    }
    Some(tag.or(digest).unwrap_or("latest"))
}

/// The workloads `n` releases among `workloads`, each with the containers to change.
/// A workload whose Keel settings are invalid is skipped and reported in `problems`.
pub fn select<'a>(
    workloads: impl IntoIterator<Item = &'a Summary>,
    tracked: &[Tracked],
    n: &Notification,
    problems: &mut Vec<String>,
) -> Vec<Target> {
    let Some(pushed) = normalized(&n.name) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in workloads {
        let Some(w) = &s.workload else { continue };
        let matching: Vec<&Container> = s
            .containers
            .iter()
            .filter(|c| normalized(&c.image).as_deref() == Some(pushed.as_str()))
            .collect();
        if matching.is_empty() {
            continue;
        }
        // An environment that tracks this tag and renders the workload comes first:
        // its gates and its Argo CD Application apply.
        let env = tracked.iter().enumerate().find(|(_, t)| {
            t.tag == n.tag
                && normalized(&t.image).as_deref() == Some(pushed.as_str())
                && t.workloads.contains(w)
        });
        let (reason, containers): (Reason, Vec<&Container>) = if let Some((index, t)) = env {
            (
                Reason::Env {
                    env: t.env.clone(),
                    index,
                },
                matching,
            )
        } else {
            let settings = match keel::settings(&s.labels, &s.annotations) {
                Ok(Some(k)) => k,
                Ok(None) => continue,
                Err(e) => {
                    problems.push(format!("{w}: {e}; Keel would ignore it too"));
                    continue;
                }
            };
            let chosen: Vec<&Container> = matching
                .into_iter()
                .filter(|c| settings.watches(&c.name, c.init))
                .filter(|c| {
                    keel_current(&c.image)
                        .is_some_and(|current| settings.policy.should_update(current, &n.tag))
                })
                .collect();
            if chosen.is_empty() {
                continue;
            }
            (
                Reason::Keel {
                    policy: settings.policy.describe(),
                },
                chosen,
            )
        };
        out.push(Target {
            workload: w.clone(),
            image_name: crate::image::name_of(&containers[0].image).to_string(),
            tag: n.tag.clone(),
            containers: containers.iter().map(|c| c.name.clone()).collect(),
            reason,
            argocd_app: s.argocd_app.clone(),
        });
    }
    out
}

fn summary(kind: &str, meta: &ObjectMeta, spec: Option<&PodSpec>) -> Summary {
    let mut containers = Vec::new();
    if let Some(s) = spec {
        for c in &s.containers {
            containers.push(Container {
                name: c.name.clone(),
                image: c.image.clone().unwrap_or_default(),
                init: false,
            });
        }
        for c in s.init_containers.iter().flatten() {
            containers.push(Container {
                name: c.name.clone(),
                image: c.image.clone().unwrap_or_default(),
                init: true,
            });
        }
    }
    Summary {
        workload: Some(WorkloadRef {
            kind: kind.to_string(),
            namespace: meta.namespace.clone().unwrap_or_default(),
            name: meta.name.clone().unwrap_or_default(),
        }),
        labels: meta.labels.clone().unwrap_or_default(),
        annotations: meta.annotations.clone().unwrap_or_default(),
        containers,
        argocd_app: crate::cluster::workload::argocd_owner_of(meta),
    }
}

/// The watch-fed cache of workloads.
#[derive(Clone)]
pub struct Cache {
    deployments: Vec<Store<Deployment>>,
    statefulsets: Vec<Store<StatefulSet>>,
    daemonsets: Vec<Store<DaemonSet>>,
    /// The last watch error, cleared by the next event (for `/readyz` and the logs).
    pub last_error: Arc<Mutex<Option<String>>>,
}

fn watch<K>(
    api: Api<K>,
    what: String,
    errors: Arc<Mutex<Option<String>>>,
    log: super::log::Log,
) -> Store<K>
where
    K: kube::Resource
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug
        + Send
        + Sync
        + 'static,
    K::DynamicType: Default + Eq + std::hash::Hash + Clone,
{
    let (reader, writer) = reflector::store();
    let stream = watcher(api, watcher::Config::default())
        .default_backoff()
        // Managed fields are most of an object's size and never read here.
        .modify(|o: &mut K| o.meta_mut().managed_fields = None)
        .reflect(writer);
    tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        while let Some(ev) = stream.next().await {
            let mut last = errors.lock().unwrap_or_else(|e| e.into_inner());
            match ev {
                Ok(_) => *last = None,
                Err(e) => {
                    let m = format!("watching {what}: {e}");
                    if last.as_deref() != Some(m.as_str()) {
                        log.warn("watch-error", serde_json::json!({"message": m}));
                    }
                    *last = Some(m);
                }
            }
        }
    });
    reader
}

impl Cache {
    /// Starts the watches: in `namespaces`, or cluster-wide when empty.
    pub fn start(c: &Cluster, namespaces: &[String], log: &super::log::Log) -> Cache {
        let errors = Arc::new(Mutex::new(None));
        let mut cache = Cache {
            deployments: Vec::new(),
            statefulsets: Vec::new(),
            daemonsets: Vec::new(),
            last_error: errors.clone(),
        };
        let scopes: Vec<Option<&str>> = if namespaces.is_empty() {
            vec![None]
        } else {
            namespaces.iter().map(|n| Some(n.as_str())).collect()
        };
        for ns in scopes {
            let where_ = ns
                .map(|n| format!("namespace {n}"))
                .unwrap_or_else(|| "all namespaces".into());
            macro_rules! api {
                ($k:ty) => {
                    match ns {
                        Some(n) => Api::<$k>::namespaced(c.client.clone(), n),
                        None => Api::<$k>::all(c.client.clone()),
                    }
                };
            }
            cache.deployments.push(watch(
                api!(Deployment),
                format!("deployments in {where_}"),
                errors.clone(),
                *log,
            ));
            cache.statefulsets.push(watch(
                api!(StatefulSet),
                format!("statefulsets in {where_}"),
                errors.clone(),
                *log,
            ));
            cache.daemonsets.push(watch(
                api!(DaemonSet),
                format!("daemonsets in {where_}"),
                errors.clone(),
                *log,
            ));
        }
        cache
    }

    /// Resolves once every watch has listed its objects.
    pub async fn ready(&self) {
        for s in &self.deployments {
            let _ = s.wait_until_ready().await;
        }
        for s in &self.statefulsets {
            let _ = s.wait_until_ready().await;
        }
        for s in &self.daemonsets {
            let _ = s.wait_until_ready().await;
        }
    }

    /// Every cached workload.
    pub fn summaries(&self) -> Vec<Summary> {
        let mut out = Vec::new();
        for s in &self.deployments {
            for d in s.state() {
                out.push(summary(
                    "Deployment",
                    &d.metadata,
                    d.spec.as_ref().and_then(|s| s.template.spec.as_ref()),
                ));
            }
        }
        for s in &self.statefulsets {
            for d in s.state() {
                out.push(summary(
                    "StatefulSet",
                    &d.metadata,
                    d.spec.as_ref().and_then(|s| s.template.spec.as_ref()),
                ));
            }
        }
        for s in &self.daemonsets {
            for d in s.state() {
                out.push(summary(
                    "DaemonSet",
                    &d.metadata,
                    d.spec.as_ref().and_then(|s| s.template.spec.as_ref()),
                ));
            }
        }
        out
    }

    /// How many workloads are cached.
    pub fn len(&self) -> usize {
        self.deployments.iter().map(Store::len).sum::<usize>()
            + self.statefulsets.iter().map(Store::len).sum::<usize>()
            + self.daemonsets.iter().map(Store::len).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(name: &str) -> WorkloadRef {
        WorkloadRef {
            kind: "Deployment".into(),
            namespace: "dev".into(),
            name: name.into(),
        }
    }

    fn s(name: &str, ann: &[(&str, &str)], images: &[(&str, &str, bool)]) -> Summary {
        Summary {
            workload: Some(w(name)),
            labels: BTreeMap::new(),
            annotations: ann
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            containers: images
                .iter()
                .map(|(n, i, init)| Container {
                    name: n.to_string(),
                    image: i.to_string(),
                    init: *init,
                })
                .collect(),
            argocd_app: None,
        }
    }

    fn note(name: &str, tag: &str) -> Notification {
        Notification {
            name: name.into(),
            tag: tag.into(),
            digest: None,
        }
    }

    const FORCE_DEV: &[(&str, &str)] =
        &[("keel.sh/policy", "force"), ("keel.sh/match-tag", "true")];

    #[test]
    fn keel_annotated_workloads_running_the_image() {
        let all = [
            s(
                "api",
                FORCE_DEV,
                &[
                    (
                        "api",
                        "ghcr.io/acme/api:dev@sha256:00000000000000000000000000000000000000000000000000000000000000aa",
                        false,
                    ),
                    ("proxy", "envoy:1", false),
                ],
            ),
            s(
                "worker",
                FORCE_DEV,
                &[("w", "ghcr.io/acme/worker:dev", false)],
            ),
            s("plain", &[], &[("api", "ghcr.io/acme/api:dev", false)]),
            s(
                "main",
                FORCE_DEV,
                &[("api", "ghcr.io/acme/api:main", false)],
            ),
            s(
                "never",
                &[("keel.sh/policy", "never")],
                &[("api", "ghcr.io/acme/api:dev", false)],
            ),
            s(
                "bad",
                &[("keel.sh/policy", "sometimes")],
                &[("api", "ghcr.io/acme/api:dev", false)],
            ),
        ];
        let mut problems = Vec::new();
        let t = select(&all, &[], &note("ghcr.io/acme/api", "dev"), &mut problems);
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!(t[0].workload, w("api"));
        assert_eq!(t[0].containers, vec!["api".to_string()]);
        assert_eq!(t[0].image_name, "ghcr.io/acme/api");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("sometimes"));
        // docker.io names match however they are spelled.
        let hub = [s(
            "web",
            &[("keel.sh/policy", "all")],
            &[("web", "nginx:1.25.0", false)],
        )];
        let t = select(
            &hub,
            &[],
            &note("docker.io/library/nginx", "1.26.0"),
            &mut problems,
        );
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].image_name, "nginx");
        assert!(select(&hub, &[], &note("nginx", "1.24.0"), &mut problems).is_empty());
    }

    #[test]
    fn init_containers_only_when_asked() {
        let plain = [s(
            "api",
            FORCE_DEV,
            &[
                ("migrate", "r.io/api:dev", true),
                ("api", "r.io/api:dev", false),
            ],
        )];
        let t = select(&plain, &[], &note("r.io/api", "dev"), &mut Vec::new());
        assert_eq!(t[0].containers, vec!["api".to_string()]);
        let mut ann = FORCE_DEV.to_vec();
        ann.push(("keel.sh/initContainers", "true"));
        let with = [s(
            "api",
            &ann,
            &[
                ("migrate", "r.io/api:dev", true),
                ("api", "r.io/api:dev", false),
            ],
        )];
        let t = select(&with, &[], &note("r.io/api", "dev"), &mut Vec::new());
        assert_eq!(
            t[0].containers,
            vec!["migrate".to_string(), "api".to_string()]
        );
    }

    #[test]
    fn environments_tracking_the_tag() {
        let tracked = [Tracked {
            env: "dev".into(),
            image: "127.0.0.1:5000/api".into(),
            tag: "dev".into(),
            workloads: vec![w("api")],
            gates: Gates::default(),
            argocd: None,
        }];
        let all = [
            s(
                "api",
                &[],
                &[
                    ("api", "127.0.0.1:5000/api:dev@sha256:aa", false),
                    ("m", "127.0.0.1:5000/api:dev", true),
                ],
            ),
            s("other", &[], &[("api", "127.0.0.1:5000/api:dev", false)]),
        ];
        let t = select(
            &all,
            &tracked,
            &note("127.0.0.1:5000/api", "dev"),
            &mut Vec::new(),
        );
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].workload, w("api"));
        assert_eq!(
            t[0].containers.len(),
            2,
            "every container running the image"
        );
        assert!(matches!(&t[0].reason, Reason::Env { env, index: 0 } if env == "dev"));
        assert!(
            select(
                &all,
                &tracked,
                &note("127.0.0.1:5000/api", "main"),
                &mut Vec::new()
            )
            .is_empty()
        );
    }
}
