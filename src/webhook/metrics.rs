//! The webhook's Prometheus metrics (the `prometheus-client` crate encodes them): notifications, releases, rollbacks, engine events, durations.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NotificationLabels {
    /// native, registry, github
    pub endpoint: String,
    /// accepted, no-target, unauthorized, malformed, too-large, timeout, not-ready, error
    pub result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// succeeded, rolled-back, failed, undo-refused, interrupted, noop, coalesced, locked-elsewhere, refused, error
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route (`/v1/webhooks/native`, `/`, ...; `other` for unknown paths).
    pub route: String,
    pub code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EventLabels {
    pub event: String,
}

/// Every metric the server exports.
pub struct Metrics {
    pub registry: Registry,
    pub notifications: Family<NotificationLabels, Counter>,
    pub requests: Family<RequestLabels, Counter>,
    pub releases: Family<OutcomeLabels, Counter>,
    pub rollbacks: Counter,
    pub events: Family<EventLabels, Counter>,
    pub release_seconds: Family<OutcomeLabels, Histogram>,
    pub notification_to_patch_seconds: Histogram,
    pub accept_seconds: Histogram,
    pub running: Gauge,
    pub queued: Gauge,
}

fn seconds_buckets() -> Vec<f64> {
    // 1 ms to about 17 minutes.
    prometheus_client::metrics::histogram::exponential_buckets(0.001, 2.0, 21).collect()
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("kubectl_release_webhook");
        let notifications = Family::<NotificationLabels, Counter>::default();
        registry.register(
            "notifications",
            "Notifications received, by endpoint and result",
            notifications.clone(),
        );
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests, by route and status code",
            requests.clone(),
        );
        let releases = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "releases",
            "Releases per workload, by outcome (noop: the digest was already live or already tried; coalesced: replaced by a newer notification before it started; locked-elsewhere: another replica was releasing the workload)",
            releases.clone(),
        );
        let rollbacks = Counter::default();
        registry.register(
            "rollbacks",
            "Releases undone after a gate failed",
            rollbacks.clone(),
        );
        let events = Family::<EventLabels, Counter>::default();
        registry.register(
            "engine_events",
            "Release engine events, by kind",
            events.clone(),
        );
        let release_seconds = Family::<OutcomeLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(seconds_buckets())
        });
        registry.register(
            "release_duration_seconds",
            "From the start of a release to its end, by outcome",
            release_seconds.clone(),
        );
        let notification_to_patch_seconds = Histogram::new(seconds_buckets());
        registry.register(
            "notification_to_patch_seconds",
            "From a notification being accepted to the workload's patch being applied",
            notification_to_patch_seconds.clone(),
        );
        let accept_seconds = Histogram::new(seconds_buckets());
        registry.register(
            "accept_duration_seconds",
            "Time to authenticate, parse and queue a notification",
            accept_seconds.clone(),
        );
        let running = Gauge::default();
        registry.register("releases_running", "Releases running now", running.clone());
        let queued = Gauge::default();
        registry.register(
            "releases_queued",
            "Workloads with a newer notification waiting for their running release to end",
            queued.clone(),
        );
        Metrics {
            registry,
            notifications,
            requests,
            releases,
            rollbacks,
            events,
            release_seconds,
            notification_to_patch_seconds,
            accept_seconds,
            running,
            queued,
        }
    }

    pub fn notification(&self, endpoint: &str, result: &str) {
        self.notifications
            .get_or_create(&NotificationLabels {
                endpoint: endpoint.to_string(),
                result: result.to_string(),
            })
            .inc();
    }

    pub fn request(&self, route: &str, code: u16) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_string(),
                code: code.to_string(),
            })
            .inc();
    }

    pub fn release(&self, outcome: &str, seconds: Option<f64>) {
        let l = OutcomeLabels {
            outcome: outcome.to_string(),
        };
        self.releases.get_or_create(&l).inc();
        if let Some(s) = seconds {
            self.release_seconds.get_or_create(&l).observe(s);
        }
    }

    pub fn event(&self, kind: &str) {
        self.events
            .get_or_create(&EventLabels {
                event: kind.to_string(),
            })
            .inc();
    }

    /// The exposition text (OpenMetrics, which Prometheus reads).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_names_and_labels() {
        let m = Metrics::new();
        m.notification("native", "accepted");
        m.release("rolled-back", Some(3.5));
        m.rollbacks.inc();
        let text = m.encode();
        assert!(
            text.contains(
                r#"kubectl_release_webhook_notifications_total{endpoint="native",result="accepted"} 1"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"kubectl_release_webhook_releases_total{outcome="rolled-back"} 1"#)
        );
        assert!(text.contains("kubectl_release_webhook_rollbacks_total 1"));
        assert!(text.contains(
            "kubectl_release_webhook_release_duration_seconds_count{outcome=\"rolled-back\"} 1"
        ));
        assert!(text.ends_with("# EOF\n"));
    }
}
