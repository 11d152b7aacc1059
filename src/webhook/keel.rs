//! Keel's workload settings, read as Keel reads them: which workloads a push updates (`keel.sh/policy`) and which of their containers.
//!
//! Pure: labels and annotations in, a [`Settings`] out; [`Policy::should_update`]
//! decides for a container's current tag and the pushed one. The names and
//! rules follow Keel (keel-hq/keel `internal/policy`, `types`, and
//! `provider/kubernetes` `checkForUpdate`), checked against it by tools/keel-diff:
//!
//! - `keel.sh/policy` (legacy `keel.observer/policy`) from the annotations,
//!   else the labels: `all`/`major` (any newer semver), `minor` (same major),
//!   `patch` (same major.minor), `force` (any tag; with `keel.sh/matchTag: "true"`,
//!   legacy `keel.sh/match-tag`, only the same tag, which is how a re-pushed
//!   `:dev` redeploys), `glob:PATTERN`, `regexp:RE`, `never` or empty (none),
//!   spelled exactly; versions as Masterminds/semver v1 reads them;
//! - `keel.sh/matchPreRelease` (default true): semver policies other than `all`
//!   keep to the current prerelease;
//! - `keel.sh/monitorContainers` (key in any case, annotations first): a regular
//!   expression on container names;
//! - `keel.sh/initContainers: "true"` (annotations only): init containers too.
//!
//! `keel.sh/trigger` does not matter here: Keel applies webhooks to every
//! workload with a policy, whatever its trigger.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use regex::Regex;

pub const POLICY: &str = "keel.sh/policy";
const POLICY_LEGACY: &str = "keel.observer/policy";
pub const MATCH_TAG: &str = "keel.sh/matchTag";
pub const MATCH_TAG_LEGACY: &str = "keel.sh/match-tag";
const MATCH_PRERELEASE: &str = "keel.sh/matchPreRelease";
const MONITOR_CONTAINERS: &str = "keel.sh/monitorContainers";
const INIT_CONTAINERS: &str = "keel.sh/initContainers";

/// A policy Keel would not use (it logs these and ignores the workload).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct KeelError {
    pub key: &'static str,
    pub message: String,
}

/// Keel's semver policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Semver {
    All,
    Major,
    Minor,
    Patch,
}

/// A workload's update policy.
#[derive(Debug, Clone)]
pub enum Policy {
    Semver {
        kind: Semver,
        match_prerelease: bool,
    },
    Force {
        match_tag: bool,
    },
    Glob(String),
    Regexp(Regex),
}

/// Everything Keel reads from a workload's metadata.
#[derive(Debug, Clone)]
pub struct Settings {
    pub policy: Policy,
    /// Container names to consider (`keel.sh/monitorContainers`); all when `None`.
    pub containers: Option<Regex>,
    pub init_containers: bool,
}

type Meta = BTreeMap<String, String>;

/// The workload's Keel settings; `Ok(None)` when it has no policy (or `never`).
///
/// # Errors
/// A policy Keel does not know, or a malformed glob or regular expression.
pub fn settings(labels: &Meta, annotations: &Meta) -> Result<Option<Settings>, KeelError> {
    let from = |m: &Meta| m.get(POLICY).or_else(|| m.get(POLICY_LEGACY)).cloned();
    let (name, meta) = match (from(annotations), from(labels)) {
        (Some(p), _) => (p, annotations),
        (None, Some(p)) => (p, labels),
        (None, None) => return Ok(None),
    };
    let flag = |key: &str, legacy: Option<&str>, default: bool| {
        meta.get(key)
            .or_else(|| legacy.and_then(|l| meta.get(l)))
            .map(|v| v == "true")
            .unwrap_or(default)
    };
    // Spelled exactly: Keel does not trim or fold case (" all" and "All" are unknown policies).
    let policy = match name.as_str() {
        "" | "never" => return Ok(None),
        "all" | "major" | "minor" | "patch" => Policy::Semver {
            kind: match name.as_str() {
                "all" => Semver::All,
                "major" => Semver::Major,
                "minor" => Semver::Minor,
                _ => Semver::Patch,
            },
            match_prerelease: flag(MATCH_PRERELEASE, None, true),
        },
        "force" => Policy::Force {
            match_tag: flag(MATCH_TAG, Some(MATCH_TAG_LEGACY), false),
        },
        p if p.starts_with("glob:") => {
            // Keel splits on ':' and wants exactly two parts.
            let parts: Vec<&str> = p.split(':').collect();
            if parts.len() != 2 {
                return Err(KeelError {
                    key: POLICY,
                    message: format!("invalid glob policy {p:?}"),
                });
            }
            Policy::Glob(parts[1].to_string())
        }
        p if p.starts_with("regexp:") => {
            let re = &p["regexp:".len()..];
            Policy::Regexp(Regex::new(re).map_err(|e| KeelError {
                key: POLICY,
                message: format!("invalid regexp policy {p:?}: {e}"),
            })?)
        }
        other => {
            return Err(KeelError {
                key: POLICY,
                message: format!(
                    "unknown policy {other:?} (all, major, minor, patch, force, glob:PATTERN, regexp:RE, never)"
                ),
            });
        }
    };
    // As Keel's update check (provider/kubernetes checkForUpdate) reads them:
    // monitorContainers with its key in any case, the annotations first, then the
    // labels, the first that compiles; initContainers from the annotations only,
    // spelled exactly.
    let lookup = |key: &str| {
        let key = key.to_lowercase();
        annotations
            .iter()
            .chain(labels.iter())
            .filter(|(k, _)| k.to_lowercase() == key)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let containers = lookup(MONITOR_CONTAINERS)
        .into_iter()
        .find_map(|v| Regex::new(&v).ok());
    let init_containers = annotations
        .get(INIT_CONTAINERS)
        .is_some_and(|v| v == "true");
    Ok(Some(Settings {
        policy,
        containers,
        init_containers,
    }))
}

impl Settings {
    /// Whether a container (by name, init or not) is one Keel looks at.
    pub fn watches(&self, container: &str, init: bool) -> bool {
        (!init || self.init_containers)
            && self
                .containers
                .as_ref()
                .is_none_or(|r| r.is_match(container))
    }
}

/// A version as Keel reads it: Masterminds/semver v1.5.0 (`v` optional, one to
/// three numbers, leading zeros allowed, prerelease and build metadata).
#[derive(Debug, Clone, PartialEq, Eq)]
struct GoVersion {
    major: i64,
    minor: i64,
    patch: i64,
    pre: String,
}

/// Dot-separated identifiers of `[0-9A-Za-z-]`, none empty (the library's prerelease and metadata form).
fn identifiers(s: &str) -> bool {
    s.split('.')
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

fn go_version(tag: &str) -> Option<GoVersion> {
    let t = tag.strip_prefix('v').unwrap_or(tag);
    let (t, meta) = match t.split_once('+') {
        Some((t, m)) => (t, Some(m)),
        None => (t, None),
    };
    if meta.is_some_and(|m| !identifiers(m)) {
        return None;
    }
    let (core, pre) = match t.split_once('-') {
        Some((c, p)) => (c, p),
        None => (t, ""),
    };
    if !pre.is_empty() && !identifiers(pre) || t.contains('-') && pre.is_empty() {
        return None;
    }
    let nums: Vec<&str> = core.split('.').collect();
    if nums.len() > 3
        || nums
            .iter()
            .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    // strconv.ParseInt(.., 64): more than i64 is an error.
    let mut parts = [0i64; 3];
    for (i, n) in nums.iter().enumerate() {
        parts[i] = n.parse().ok()?;
    }
    Some(GoVersion {
        major: parts[0],
        minor: parts[1],
        patch: parts[2],
        pre: pre.to_string(),
    })
}

impl GoVersion {
    /// The library's Compare, quirks included: numeric prerelease parts that are
    /// equal as numbers but spelled differently (`01`, `1`) compare as less either way.
    fn compare(&self, o: &GoVersion) -> Ordering {
        let core = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if core != Ordering::Equal {
            return core;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            _ => {}
        }
        let (a, b): (Vec<&str>, Vec<&str>) =
            (self.pre.split('.').collect(), o.pre.split('.').collect());
        for i in 0..a.len().max(b.len()) {
            let (s, o) = (
                a.get(i).copied().unwrap_or(""),
                b.get(i).copied().unwrap_or(""),
            );
            if s == o {
                continue;
            }
            if s.is_empty() {
                return Ordering::Less;
            }
            if o.is_empty() {
                return Ordering::Greater;
            }
            let uint = |x: &str| {
                x.bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| x.parse::<u64>().ok())
                    .flatten()
            };
            return match (uint(s), uint(o)) {
                (None, None) => s.cmp(o),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) if x > y => Ordering::Greater,
                (Some(_), Some(_)) => Ordering::Less,
            };
        }
        Ordering::Equal
    }
}

/// go-glob's matching (what Keel uses): `*` matches any run of characters, nothing else is special.
fn glob(pattern: &str, subject: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return subject == pattern;
    }
    let leading = pattern.starts_with('*');
    let trailing = pattern.ends_with('*');
    let last = parts.len() - 1;
    let mut rest = subject;
    for (i, part) in parts[..last].iter().enumerate() {
        match rest.find(part) {
            Some(idx) if i == 0 && !leading && idx != 0 => return false,
            Some(idx) => rest = &rest[idx + part.len()..],
            None => return false,
        }
    }
    trailing || rest.ends_with(parts[last])
}

impl Policy {
    /// Whether a container running tag `current` is updated to a push of tag `new`.
    pub fn should_update(&self, current: &str, new: &str) -> bool {
        match self {
            Policy::Force { match_tag } => {
                if *match_tag && current != new {
                    return false;
                }
                if current != new
                    && let (Some(c), Some(n)) = (go_version(current), go_version(new))
                {
                    // Never a downgrade between versions.
                    return n.compare(&c) == Ordering::Greater;
                }
                true
            }
            Policy::Glob(p) => glob(p, new) && new > current,
            Policy::Regexp(re) => re.is_match(new),
            Policy::Semver {
                kind,
                match_prerelease,
            } => {
                if current == "latest" {
                    return true;
                }
                let dots = new.splitn(3, '.').count();
                if dots != 2 && dots != 3 {
                    return false;
                }
                let (Some(c), Some(n)) = (go_version(current), go_version(new)) else {
                    return false;
                };
                if c.pre != n.pre && *kind != Semver::All && *match_prerelease {
                    return false;
                }
                if c.compare(&n) != Ordering::Less {
                    return false;
                }
                match kind {
                    Semver::All | Semver::Major => true,
                    Semver::Minor => n.major == c.major,
                    Semver::Patch => n.major == c.major && n.minor == c.minor,
                }
            }
        }
    }

    /// The policy as the annotation spells it.
    pub fn describe(&self) -> String {
        match self {
            Policy::Semver { kind, .. } => format!("{kind:?}").to_lowercase(),
            Policy::Force { match_tag: true } => "force (matchTag)".into(),
            Policy::Force { match_tag: false } => "force".into(),
            Policy::Glob(p) => format!("glob:{p}"),
            Policy::Regexp(r) => format!("regexp:{}", r.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(pairs: &[(&str, &str)]) -> Meta {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn policy(ann: &[(&str, &str)]) -> Policy {
        settings(&Meta::new(), &meta(ann)).unwrap().unwrap().policy
    }

    #[test]
    fn force_with_match_tag_redeploys_the_same_tag_only() {
        for key in [MATCH_TAG, MATCH_TAG_LEGACY] {
            let p = policy(&[(POLICY, "force"), (key, "true")]);
            assert!(p.should_update("dev", "dev"), "{key}");
            assert!(!p.should_update("dev", "main"), "{key}");
        }
        let p = policy(&[(POLICY, "force")]);
        assert!(p.should_update("dev", "main"));
        assert!(p.should_update("latest", "1.0.0"));
        assert!(
            !p.should_update("1.2.0", "1.1.0"),
            "no downgrade between versions"
        );
        assert!(
            p.should_update("1.2.0", "1.2.0"),
            "a re-push of the same tag"
        );
    }

    #[test]
    fn semver_policies() {
        let all = policy(&[(POLICY, "all")]);
        let major = policy(&[(POLICY, "major")]);
        let minor = policy(&[(POLICY, "minor")]);
        let patch = policy(&[(POLICY, "patch")]);
        assert!(all.should_update("1.2.3", "2.0.0") && major.should_update("1.2.3", "2.0.0"));
        assert!(!minor.should_update("1.2.3", "2.0.0") && minor.should_update("1.2.3", "1.3.0"));
        assert!(!patch.should_update("1.2.3", "1.3.0") && patch.should_update("1.2.3", "1.2.4"));
        assert!(patch.should_update("v1.2.3", "v1.2.4"));
        assert!(!all.should_update("1.2.3", "1.2.3") && !all.should_update("1.2.3", "1.2.2"));
        assert!(!all.should_update("1.2.3", "dev") && !all.should_update("1.2.3", "3"));
        assert!(all.should_update("latest", "1.0.0"));
        assert!(minor.should_update("1.2", "1.3"), "short forms");
        // Prereleases: only `all` crosses them, unless matchPreRelease is false.
        assert!(!minor.should_update("1.2.3", "1.3.0-rc.1"));
        assert!(all.should_update("1.2.3", "1.3.0-rc.1"));
        let loose = policy(&[(POLICY, "minor"), ("keel.sh/matchPreRelease", "false")]);
        assert!(loose.should_update("1.2.3", "1.3.0-rc.1"));
        // Keel compares the prerelease strings whole: rc.1 -> rc.2 is a different prerelease.
        assert!(!minor.should_update("1.2.3-rc.1", "1.2.3-rc.2"));
        assert!(all.should_update("1.2.3-rc.1", "1.2.3-rc.2"));
        // Masterminds/semver v1 as Keel uses it: leading zeros, `v` only in lower case,
        // and numerically equal prerelease parts spelled differently compare as less.
        assert!(all.should_update("01.2.3", "1.2.4"));
        assert!(all.should_update("0.0.3", "1.0.0-rc.01"));
        assert!(!all.should_update("1.2.3", "V1.2.4"));
        assert!(
            all.should_update("1.0.0-01", "1.0.0-1") && all.should_update("1.0.0-1", "1.0.0-01")
        );
        assert!(!all.should_update("1.2.3", "99999999999999999999.0.0"));
    }

    #[test]
    fn glob_and_regexp() {
        let g = policy(&[(POLICY, "glob:build-*")]);
        assert!(g.should_update("build-1", "build-2"));
        assert!(
            !g.should_update("build-2", "build-1"),
            "newer by string order only"
        );
        assert!(!g.should_update("build-1", "dev"));
        assert!(glob("*", "x") && glob("a*c", "abc") && !glob("a*c", "abd") && glob("*b*", "abc"));
        assert!(!glob("b*", "ab") && glob("*", ""));
        let r = policy(&[(POLICY, "regexp:^dev-[0-9]+$")]);
        assert!(r.should_update("dev-1", "dev-0") && !r.should_update("dev-1", "main-2"));
        assert!(settings(&Meta::new(), &meta(&[(POLICY, "regexp:(")])).is_err());
        assert!(settings(&Meta::new(), &meta(&[(POLICY, "glob:a:b")])).is_err());
        assert!(settings(&Meta::new(), &meta(&[(POLICY, "sometimes")])).is_err());
        // Not trimmed, not folded.
        assert!(settings(&Meta::new(), &meta(&[(POLICY, " all")])).is_err());
        assert!(settings(&Meta::new(), &meta(&[(POLICY, "All")])).is_err());
    }

    #[test]
    fn where_settings_are_read_from() {
        // Annotations win over labels, an empty one included (Keel: no policy).
        let labels = meta(&[(POLICY, "force")]);
        assert!(settings(&labels, &meta(&[(POLICY, "")])).unwrap().is_none());
        assert!(matches!(
            settings(&labels, &Meta::new()).unwrap().unwrap().policy,
            Policy::Force { match_tag: false }
        ));
        assert!(
            settings(&Meta::new(), &meta(&[(POLICY, "never")]))
                .unwrap()
                .is_none()
        );
        assert!(settings(&Meta::new(), &Meta::new()).unwrap().is_none());
        // The legacy policy key.
        assert!(
            settings(&Meta::new(), &meta(&[(POLICY_LEGACY, "all")]))
                .unwrap()
                .is_some()
        );
        // matchTag comes from where the policy is.
        let s = settings(&labels, &meta(&[(MATCH_TAG, "true")]))
            .unwrap()
            .unwrap();
        assert!(matches!(s.policy, Policy::Force { match_tag: false }));
        // Containers.
        let s = settings(
            &Meta::new(),
            &meta(&[(POLICY, "force"), ("keel.sh/monitorcontainers", "^api$")]),
        )
        .unwrap()
        .unwrap();
        assert!(s.watches("api", false) && !s.watches("sidecar", false) && !s.watches("api", true));
        let s = settings(
            &Meta::new(),
            &meta(&[(POLICY, "force"), (INIT_CONTAINERS, "true")]),
        )
        .unwrap()
        .unwrap();
        assert!(s.watches("migrate", true));
        // Keel's update check reads initContainers from the annotations only, spelled exactly.
        for (labels, ann) in [
            (
                meta(&[(INIT_CONTAINERS, "true")]),
                meta(&[(POLICY, "force")]),
            ),
            (
                Meta::new(),
                meta(&[(POLICY, "force"), ("keel.sh/initcontainers", "true")]),
            ),
        ] {
            let s = settings(&labels, &ann).unwrap().unwrap();
            assert!(!s.watches("migrate", true));
        }
    }
}
