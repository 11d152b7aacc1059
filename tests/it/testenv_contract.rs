//! The testenv's contract (testenv/README.md), proven against the running
//! control plane: real Deployment and ReplicaSet controllers, simulated pods
//! whose image tag picks a failure, and the least-privilege kubeconfig.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{ConfigMap, Event, Namespace, Pod, Secret, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

use crate::support::testenv::{TestEnv, api_code, wait_for};

const MINUTE: Duration = Duration::from_secs(60);

fn deployment(name: &str, image: &str, replicas: i32) -> Deployment {
    serde_json::from_value(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": name },
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": { "app": name } },
            "template": {
                "metadata": { "labels": { "app": name } },
                "spec": { "containers": [{ "name": "app", "image": image }] },
            },
        },
    }))
    .unwrap()
}

async fn create_deployment(env: &TestEnv, ns: &str, d: &Deployment) -> Api<Deployment> {
    let api: Api<Deployment> = Api::namespaced(env.client.clone(), ns);
    api.create(&PostParams::default(), d)
        .await
        .expect("create deployment");
    api
}

async fn pods_of(env: &TestEnv, ns: &str, app: &str) -> Vec<Pod> {
    let api: Api<Pod> = Api::namespaced(env.client.clone(), ns);
    api.list(&ListParams::default().labels(&format!("app={app}")))
        .await
        .expect("list pods")
        .items
}

/// Waits for the first pod of `app` that `check` accepts.
async fn wait_pod(
    env: &TestEnv,
    ns: &str,
    app: &str,
    what: &str,
    timeout: Duration,
    check: impl Fn(&Pod) -> bool,
) -> Pod {
    wait_for(&format!("{what} (app={app})"), timeout, || async {
        pods_of(env, ns, app).await.into_iter().find(|p| check(p))
    })
    .await
}

fn phase(p: &Pod) -> &str {
    p.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("")
}

fn pod_condition<'a>(
    p: &'a Pod,
    type_: &str,
) -> Option<&'a k8s_openapi::api::core::v1::PodCondition> {
    p.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
}

fn pod_ready(p: &Pod) -> bool {
    pod_condition(p, "Ready").is_some_and(|c| c.status == "True")
}

fn container(p: &Pod) -> Option<&k8s_openapi::api::core::v1::ContainerStatus> {
    p.status.as_ref()?.container_statuses.as_ref()?.first()
}

fn waiting_reason(p: &Pod) -> Option<&str> {
    container(p)?
        .state
        .as_ref()?
        .waiting
        .as_ref()?
        .reason
        .as_deref()
}

fn running(p: &Pod) -> bool {
    container(p)
        .and_then(|c| c.state.as_ref())
        .is_some_and(|s| s.running.is_some())
}

fn restarts(p: &Pod) -> i32 {
    container(p).map_or(0, |c| c.restart_count)
}

fn seconds_between(from: &Time, to: &Time) -> f64 {
    (to.0.as_second() - from.0.as_second()) as f64
}

fn created(p: &Pod) -> &Time {
    p.metadata
        .creation_timestamp
        .as_ref()
        .expect("creationTimestamp")
}

fn deploy_condition<'a>(
    d: &'a Deployment,
    type_: &str,
) -> Option<&'a k8s_openapi::api::apps::v1::DeploymentCondition> {
    d.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
}

fn revision(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> Option<&str> {
    meta.annotations
        .as_ref()?
        .get("deployment.kubernetes.io/revision")
        .map(String::as_str)
}

/// Waits until the Deployment's controller has seen its latest spec and every
/// replica is updated and available.
async fn wait_rolled_out(api: &Api<Deployment>, name: &str, replicas: i32) -> Deployment {
    wait_for(
        &format!("deployment {name} rolled out with {replicas} available replicas"),
        MINUTE,
        || async {
            let d = api.get(name).await.ok()?;
            let st = d.status.as_ref()?;
            let done = st.observed_generation == d.metadata.generation
                && st.replicas == Some(replicas)
                && st.updated_replicas == Some(replicas)
                && st.available_replicas == Some(replicas)
                && deploy_condition(&d, "Available").is_some_and(|c| c.status == "True");
            done.then_some(d)
        },
    )
    .await
}

#[tokio::test]
async fn good_image_becomes_available_quickly() {
    let env = TestEnv::connect().await;
    let ns = env.ns("good").await;
    let api = create_deployment(&env, &ns, &deployment("web", "registry.test/web:1.0.0", 2)).await;
    let d = wait_rolled_out(&api, "web", 2).await;
    assert_eq!(revision(&d.metadata), Some("1"));

    let pods = pods_of(&env, &ns, "web").await;
    assert_eq!(pods.len(), 2, "pods: {pods:?}");
    for p in &pods {
        assert_eq!(phase(p), "Running");
        assert!(pod_ready(p), "pod not ready: {p:?}");
        assert!(
            running(p) && container(p).unwrap().ready,
            "container: {:?}",
            container(p)
        );
        assert!(
            p.spec
                .as_ref()
                .unwrap()
                .node_name
                .as_deref()
                .is_some_and(|n| n.starts_with("testenv-node-"))
        );
        // Ready within about a second (timestamps have one-second resolution).
        let ready_at = &pod_condition(p, "Ready")
            .unwrap()
            .last_transition_time
            .as_ref()
            .unwrap();
        let secs = seconds_between(created(p), ready_at);
        assert!(secs <= 3.0, "pod became ready {secs}s after creation");
    }
}

#[tokio::test]
async fn crash_image_crash_loops_with_rising_restart_count() {
    let env = TestEnv::connect().await;
    let ns = env.ns("crash").await;
    create_deployment(
        &env,
        &ns,
        &deployment("crashy", "registry.test/web:1.0.0-crash", 1),
    )
    .await;

    let first = wait_pod(
        &env,
        &ns,
        "crashy",
        "a pod in CrashLoopBackOff",
        MINUTE,
        |p| waiting_reason(p) == Some("CrashLoopBackOff"),
    )
    .await;
    let name = first.metadata.name.clone().unwrap();
    let start = Instant::now();
    let r0 = restarts(&first);
    assert!(r0 >= 1, "a crash-looping container has restarted: {r0}");
    assert_eq!(phase(&first), "Running");

    let pods: Api<Pod> = Api::namespaced(env.client.clone(), &ns);
    let last = wait_for(
        "restartCount to rise by 3",
        Duration::from_secs(20),
        || async {
            let p = pods.get(&name).await.ok()?;
            assert!(!pod_ready(&p), "a crash-looping pod became Ready: {p:?}");
            assert_eq!(phase(&p), "Running");
            (restarts(&p) >= r0 + 3).then_some(p)
        },
    )
    .await;
    let elapsed = start.elapsed();
    // one restart about every 2 s: three take at least ~4 s and not much more than 6 s
    assert!(
        elapsed >= Duration::from_millis(3500),
        "restarts too fast: 3 in {elapsed:?}"
    );
    assert!(
        elapsed <= Duration::from_secs(15),
        "restarts too slow: 3 in {elapsed:?}"
    );
    let c = container(&last).unwrap();
    assert!(!c.ready);
    let term = c
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .expect("lastState.terminated");
    assert_eq!(term.exit_code, 1);
}

#[tokio::test]
async fn pullfail_image_stays_pending_in_image_pull_backoff() {
    let env = TestEnv::connect().await;
    let ns = env.ns("pullfail").await;
    create_deployment(
        &env,
        &ns,
        &deployment("nopull", "registry.test/web:2.0.0-pullfail", 1),
    )
    .await;

    let seen = RefCell::new(BTreeSet::new());
    let deadline = Duration::from_secs(20);
    wait_for("both ErrImagePull and ImagePullBackOff", deadline, || {
        let (seen, env, ns) = (&seen, &env, &ns);
        async move {
            for p in pods_of(env, ns, "nopull").await {
                if let Some(reason) = waiting_reason(&p) {
                    assert_eq!(phase(&p), "Pending", "pod: {p:?}");
                    assert!(!pod_ready(&p));
                    assert!(
                        matches!(reason, "ErrImagePull" | "ImagePullBackOff"),
                        "reason {reason}"
                    );
                    seen.borrow_mut().insert(reason.to_string());
                }
            }
            (seen.borrow().len() == 2).then_some(())
        }
    })
    .await;
}

#[tokio::test]
async fn unready_image_runs_but_never_becomes_ready() {
    let env = TestEnv::connect().await;
    let ns = env.ns("unready").await;
    let api = create_deployment(
        &env,
        &ns,
        &deployment("never", "registry.test/web:1.0.0-unready", 1),
    )
    .await;

    let p = wait_pod(&env, &ns, "never", "a running pod", MINUTE, |p| {
        phase(p) == "Running" && running(p)
    })
    .await;
    let name = p.metadata.name.clone().unwrap();
    let pods: Api<Pod> = Api::namespaced(env.client.clone(), &ns);
    // Watch it past the point where a slow pod would be ready.
    wait_for(
        "the pod to be 12 s old",
        Duration::from_secs(30),
        || async {
            let p = pods.get(&name).await.expect("get pod");
            assert_eq!(phase(&p), "Running");
            assert!(
                running(&p),
                "container stopped running: {:?}",
                container(&p)
            );
            assert!(
                !pod_ready(&p) && !container(&p).unwrap().ready,
                "an unready pod became Ready: {p:?}"
            );
            let age = k8s_openapi::jiff::Timestamp::now().as_second() - created(&p).0.as_second();
            (age >= 12).then_some(())
        },
    )
    .await;
    let d = api.get("never").await.unwrap();
    assert_eq!(d.status.unwrap().available_replicas.unwrap_or(0), 0);
}

#[tokio::test]
async fn slow_image_becomes_ready_after_ten_seconds() {
    let env = TestEnv::connect().await;
    let ns = env.ns("slow").await;
    let api = create_deployment(
        &env,
        &ns,
        &deployment("slowpoke", "registry.test/web:1.0.0-slow", 1),
    )
    .await;

    let p = wait_pod(&env, &ns, "slowpoke", "a running pod", MINUTE, |p| {
        phase(p) == "Running" && running(p)
    })
    .await;
    assert!(!pod_ready(&p), "a slow pod is Ready at once: {p:?}");
    wait_rolled_out(&api, "slowpoke", 1).await;

    let p = pods_of(&env, &ns, "slowpoke")
        .await
        .into_iter()
        .next()
        .unwrap();
    assert!(pod_ready(&p));
    let ready_at = pod_condition(&p, "Ready")
        .unwrap()
        .last_transition_time
        .clone()
        .unwrap();
    let secs = seconds_between(created(&p), &ready_at);
    assert!(
        (9.0..=16.0).contains(&secs),
        "slow pod became ready {secs}s after creation"
    );
}

#[tokio::test]
async fn progress_deadline_exceeded_is_reported_by_the_deployment_controller() {
    let env = TestEnv::connect().await;
    let ns = env.ns("deadline").await;
    let mut d = deployment("stuck", "registry.test/web:1.0.0-crash", 1);
    d.spec.as_mut().unwrap().progress_deadline_seconds = Some(3);
    let api = create_deployment(&env, &ns, &d).await;

    let d = wait_for(
        "Progressing=False/ProgressDeadlineExceeded",
        MINUTE,
        || async {
            let d = api.get("stuck").await.ok()?;
            deploy_condition(&d, "Progressing")
                .is_some_and(|c| {
                    c.status == "False" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
                })
                .then_some(d)
        },
    )
    .await;
    assert!(deploy_condition(&d, "Available").is_some_and(|c| c.status == "False"));
}

#[tokio::test]
async fn scaling_keeps_the_revision_and_a_rolling_update_makes_a_new_one() {
    let env = TestEnv::connect().await;
    let ns = env.ns("rollout").await;
    let api = create_deployment(&env, &ns, &deployment("roll", "registry.test/web:1.0.0", 1)).await;
    wait_rolled_out(&api, "roll", 1).await;
    let rs_api: Api<ReplicaSet> = Api::namespaced(env.client.clone(), &ns);
    let list_rs = || async {
        rs_api
            .list(&ListParams::default().labels("app=roll"))
            .await
            .unwrap()
            .items
    };

    // scale: same ReplicaSet, same revision
    api.patch(
        "roll",
        &PatchParams::default(),
        &Patch::Merge(json!({ "spec": { "replicas": 3 } })),
    )
    .await
    .unwrap();
    let d = wait_rolled_out(&api, "roll", 3).await;
    assert_eq!(revision(&d.metadata), Some("1"));
    let rs = list_rs().await;
    assert_eq!(rs.len(), 1, "scaling made a new ReplicaSet: {rs:?}");
    assert_eq!(rs[0].spec.as_ref().unwrap().replicas, Some(3));

    // rolling update: a new ReplicaSet with revision 2 takes over
    api.patch(
        "roll",
        &PatchParams::default(),
        &Patch::Strategic(json!({ "spec": { "template": { "spec": { "containers": [
            { "name": "app", "image": "registry.test/web:1.1.0" }
        ] } } } })),
    )
    .await
    .unwrap();
    let d = wait_rolled_out(&api, "roll", 3).await;
    assert_eq!(revision(&d.metadata), Some("2"));
    let rs = wait_for("the old ReplicaSet scaled to 0", MINUTE, || async {
        let rs = list_rs().await;
        rs.iter()
            .all(|r| {
                revision(&r.metadata) == Some("2")
                    || r.status.as_ref().is_some_and(|s| s.replicas == 0)
            })
            .then_some(rs)
    })
    .await;
    assert_eq!(rs.len(), 2, "replica sets: {rs:?}");
    let new = rs
        .iter()
        .find(|r| revision(&r.metadata) == Some("2"))
        .expect("revision 2");
    let image = new
        .spec
        .as_ref()
        .unwrap()
        .template
        .as_ref()
        .unwrap()
        .spec
        .as_ref()
        .unwrap()
        .containers[0]
        .image
        .clone();
    assert_eq!(image.as_deref(), Some("registry.test/web:1.1.0"));
    assert_eq!(new.spec.as_ref().unwrap().replicas, Some(3));
    let old = rs
        .iter()
        .find(|r| revision(&r.metadata) == Some("1"))
        .expect("revision 1");
    assert_eq!(old.spec.as_ref().unwrap().replicas, Some(0));
    // and the old pods are gone
    wait_for("only new pods left", MINUTE, || async {
        let pods = pods_of(&env, &ns, "roll").await;
        (pods.len() == 3
            && pods.iter().all(|p| {
                p.spec.as_ref().unwrap().containers[0].image.as_deref()
                    == Some("registry.test/web:1.1.0")
            }))
        .then_some(())
    })
    .await;
}

#[tokio::test]
async fn deleted_pods_disappear_even_with_finalizers() {
    let env = TestEnv::connect().await;
    let ns = env.ns("delete").await;
    let pods: Api<Pod> = Api::namespaced(env.client.clone(), &ns);
    let pod: Pod = serde_json::from_value(json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": { "name": "doomed", "labels": { "app": "doomed" },
                      "finalizers": ["kubectl-release.test/hold"] },
        "spec": { "containers": [{ "name": "app", "image": "registry.test/web:1.0.0" }] },
    }))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    wait_pod(&env, &ns, "doomed", "the pod Ready", MINUTE, pod_ready).await;

    pods.delete("doomed", &DeleteParams::default())
        .await
        .unwrap();
    wait_for(
        "the deleted pod to disappear",
        Duration::from_secs(20),
        || async {
            match pods.get_opt("doomed").await {
                Ok(None) => Some(()),
                _ => None,
            }
        },
    )
    .await;
}

/// `testenv/mark-image`: a digest decides, whatever the tag (a `:dev` build that
/// crashes has the same tag as a good one); pods running it already turn too.
#[tokio::test]
async fn marked_digests_misbehave_whatever_their_tag() {
    use crate::support::testenv::{mark_image, unique_digest};
    let env = TestEnv::connect().await;
    let ns = env.ns("marks").await;
    let [d_crash, d_pull, d_unready, d_good, d_cleared] =
        ["crash", "pull", "unready", "good", "cleared"].map(unique_digest);
    let image = |d: &str| format!("registry.test/api:dev@{d}");

    // Running and Ready before the mark; crash-looping after it.
    create_deployment(&env, &ns, &deployment("before", &image(&d_crash), 1)).await;
    wait_pod(&env, &ns, "before", "a Ready pod", MINUTE, pod_ready).await;
    mark_image(&d_crash, "crash");
    let p = wait_pod(
        &env,
        &ns,
        "before",
        "the running pod crash-looping",
        MINUTE,
        |p| waiting_reason(p) == Some("CrashLoopBackOff"),
    )
    .await;
    let first = restarts(&p);
    wait_pod(&env, &ns, "before", "restarts rising", MINUTE, |p| {
        restarts(p) > first
    })
    .await;

    // New pods of marked digests; the same tag unmarked is fine.
    mark_image(&d_pull, "pullfail");
    mark_image(&d_unready, "unready");
    create_deployment(&env, &ns, &deployment("pull", &image(&d_pull), 1)).await;
    create_deployment(&env, &ns, &deployment("unready", &image(&d_unready), 1)).await;
    create_deployment(&env, &ns, &deployment("good", &image(&d_good), 1)).await;
    create_deployment(&env, &ns, &deployment("after", &image(&d_crash), 1)).await;
    wait_pod(
        &env,
        &ns,
        "after",
        "a new pod of the crash digest crash-looping",
        MINUTE,
        |p| waiting_reason(p) == Some("CrashLoopBackOff"),
    )
    .await;
    wait_pod(&env, &ns, "pull", "image pull failing", MINUTE, |p| {
        phase(p) == "Pending"
            && matches!(waiting_reason(p), Some("ErrImagePull" | "ImagePullBackOff"))
    })
    .await;
    let good = wait_pod(&env, &ns, "good", "a Ready pod", MINUTE, pod_ready).await;
    assert_eq!(restarts(&good), 0);
    let unready = wait_pod(&env, &ns, "unready", "a running pod", MINUTE, |p| {
        phase(p) == "Running" && running(p)
    })
    .await;
    assert!(
        !pod_ready(&unready),
        "a pod of the unready digest is Ready: {unready:?}"
    );
    // Later than the good one became Ready, it is still not Ready.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let again = pods_of(&env, &ns, "unready").await;
    assert!(again.iter().all(|p| !pod_ready(p)), "{again:?}");

    // `ok` removes a mark: new pods of that digest are fine.
    mark_image(&d_cleared, "crash");
    mark_image(&d_cleared, "ok");
    create_deployment(&env, &ns, &deployment("cleared", &image(&d_cleared), 1)).await;
    let p = wait_pod(&env, &ns, "cleared", "a Ready pod", MINUTE, pod_ready).await;
    assert_eq!(waiting_reason(&p), None);
}

#[tokio::test]
async fn restricted_kubeconfig_gets_exactly_the_documented_role() {
    let env = TestEnv::connect().await;
    let ns = env.ns("rbac").await;
    create_deployment(&env, &ns, &deployment("app", "registry.test/web:1.0.0", 1)).await;
    let rc = env.restricted_client().await;

    // allowed: read and patch workloads (also as a server-side dry run)
    let deploys: Api<Deployment> = Api::namespaced(rc.clone(), &ns);
    deploys.get("app").await.expect("get deployment");
    assert_eq!(
        deploys
            .list(&ListParams::default())
            .await
            .expect("list deployments")
            .items
            .len(),
        1
    );
    let bump = Patch::Merge(
        json!({ "metadata": { "annotations": { "kubectl-release.test/bumped": "yes" } } }),
    );
    deploys
        .patch("app", &PatchParams::default().dry_run(), &bump)
        .await
        .expect("dry-run patch");
    let d = deploys
        .patch("app", &PatchParams::default(), &bump)
        .await
        .expect("patch deployment");
    assert_eq!(
        d.metadata.annotations.unwrap()["kubectl-release.test/bumped"],
        "yes"
    );
    Api::<ReplicaSet>::namespaced(rc.clone(), &ns)
        .list(&ListParams::default())
        .await
        .expect("list rs");
    Api::<Pod>::namespaced(rc.clone(), &ns)
        .list(&ListParams::default())
        .await
        .expect("list pods");
    Api::<Event>::namespaced(rc.clone(), &ns)
        .list(&ListParams::default())
        .await
        .expect("list events");

    // allowed (diff): dry-run creates of Deployments and Services, reading Services
    deploys
        .create(
            &PostParams {
                dry_run: true,
                ..Default::default()
            },
            &deployment("other", "registry.test/web:1", 1),
        )
        .await
        .expect("dry-run create deployment");
    let svcs: Api<Service> = Api::namespaced(rc.clone(), &ns);
    let svc: Service = serde_json::from_value(
        json!({ "metadata": { "name": "web" }, "spec": { "ports": [{ "port": 80 }] } }),
    )
    .unwrap();
    svcs.create(
        &PostParams {
            dry_run: true,
            ..Default::default()
        },
        &svc,
    )
    .await
    .expect("dry-run create service");
    svcs.list(&ListParams::default())
        .await
        .expect("list services");

    // allowed: release records and the release lock
    let cms: Api<ConfigMap> = Api::namespaced(rc.clone(), &ns);
    let cm: ConfigMap =
        serde_json::from_value(json!({ "metadata": { "name": "record" }, "data": { "v": "1" } }))
            .unwrap();
    cms.create(&PostParams::default(), &cm)
        .await
        .expect("create configmap");
    cms.patch(
        "record",
        &PatchParams::default(),
        &Patch::Merge(json!({ "data": { "v": "2" } })),
    )
    .await
    .expect("patch configmap");
    let leases: Api<Lease> = Api::namespaced(rc.clone(), &ns);
    let lease: Lease = serde_json::from_value(
        json!({ "metadata": { "name": "lock" }, "spec": { "holderIdentity": "it" } }),
    )
    .unwrap();
    let mut lease = leases
        .create(&PostParams::default(), &lease)
        .await
        .expect("create lease");
    lease.spec.as_mut().unwrap().holder_identity = Some("it-2".into());
    leases
        .replace("lock", &PostParams::default(), &lease)
        .await
        .expect("update lease");
    leases.get("lock").await.expect("get lease");
    leases
        .delete("lock", &DeleteParams::default())
        .await
        .expect("delete lease");

    // forbidden: everything else
    let forbidden = |what: &str, r: Result<(), kube::Error>| match r {
        Err(e) if api_code(&e) == Some(403) => {}
        other => panic!("{what}: expected 403 Forbidden, got {other:?}"),
    };
    forbidden(
        "delete deployment",
        deploys
            .delete("app", &DeleteParams::default())
            .await
            .map(|_| ()),
    );
    forbidden(
        "delete service",
        Api::<Service>::namespaced(rc.clone(), &ns)
            .delete("any", &DeleteParams::default())
            .await
            .map(|_| ()),
    );
    forbidden(
        "create pod",
        Api::<Pod>::namespaced(rc.clone(), &ns)
            .create(
                &PostParams::default(),
                &serde_json::from_value(json!({
                    "metadata": { "name": "p" },
                    "spec": { "containers": [{ "name": "c", "image": "registry.test/web:1" }] },
                }))
                .unwrap(),
            )
            .await
            .map(|_| ()),
    );
    forbidden(
        "delete configmap",
        cms.delete("record", &DeleteParams::default())
            .await
            .map(|_| ()),
    );
    forbidden(
        "list secrets",
        Api::<Secret>::namespaced(rc.clone(), &ns)
            .list(&ListParams::default())
            .await
            .map(|_| ()),
    );
    forbidden(
        "list namespaces",
        Api::<Namespace>::all(rc.clone())
            .list(&ListParams::default())
            .await
            .map(|_| ()),
    );
    forbidden(
        "delete pod",
        Api::<Pod>::namespaced(rc.clone(), &ns)
            .delete_collection(&DeleteParams::default(), &ListParams::default())
            .await
            .map(|_| ()),
    );
}
