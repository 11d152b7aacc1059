//! Choosing an image tag by policy: semver ranges, Keel-style bumps, allow/ignore patterns, tracked tags.
//!
//! Pure: takes the registry's tag list and the current tag, returns the choice.
//! Ranges follow the Masterminds/semver syntax that argocd-image-updater and
//! Flux accept: `^1.2`, `~1.2.3`, `1.x`, `>=1.2 <2`, `1.2 - 1.4`, `a || b`;
//! a leading `v` is tolerated on tags and in ranges; tags that are not semver
//! are skipped; prereleases match only when the range names one (`1.x-0`).

use std::cmp::Ordering;

use regex::Regex;
use semver::{Prerelease, Version};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PolicyError {
    #[error("invalid semver range {range:?}: {reason}")]
    Range { range: String, reason: String },
    #[error("invalid {what} pattern {pattern:?}: {reason}")]
    Pattern {
        what: &'static str,
        pattern: String,
        reason: String,
    },
    #[error(
        "invalid policy {0:?}: expected a semver range, major, minor, patch, all, or track: <tag>"
    )]
    Policy(String),
    #[error("the current tag {0:?} is not semver, so a `{1}` policy cannot compare against it")]
    CurrentNotSemver(String, &'static str),
    #[error(
        "no tag of {image} satisfies {policy} ({considered} tags considered{ignored}); check the policy or push a matching tag"
    )]
    NoMatch {
        image: String,
        policy: String,
        considered: usize,
        ignored: String,
    },
}

/// A version with the text it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged {
    pub tag: String,
    pub version: Version,
}

/// Parses a tag as semver, tolerating a `v` and the short forms `1` and `1.2`.
pub fn parse_version(tag: &str) -> Option<Version> {
    let t = tag
        .strip_prefix('v')
        .or_else(|| tag.strip_prefix('V'))
        .unwrap_or(tag);
    if let Ok(v) = Version::parse(t) {
        return Some(v);
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Comparator {
    op: Op,
    version: Version,
}

impl Comparator {
    fn matches(&self, v: &Version) -> bool {
        let c = cmp_versions(v, &self.version);
        match self.op {
            Op::Eq => c == Ordering::Equal,
            Op::Ne => c != Ordering::Equal,
            Op::Gt => c == Ordering::Greater,
            Op::Ge => c != Ordering::Less,
            Op::Lt => c == Ordering::Less,
            Op::Le => c != Ordering::Greater,
        }
    }
}

/// Semver precedence; build metadata does not count.
fn cmp_versions(a: &Version, b: &Version) -> Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| a.pre.cmp(&b.pre))
}

/// A parsed range: OR of AND-groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    text: String,
    /// AND-groups, each with whether it names a prerelease (and so admits them).
    groups: Vec<(Vec<Comparator>, bool)>,
}

/// A partial version as written in a range: missing or `x`/`*` parts are wildcards.
struct Partial {
    major: Option<u64>,
    minor: Option<u64>,
    patch: Option<u64>,
    pre: Prerelease,
}

fn parse_partial(s: &str, range: &str) -> Result<Partial, PolicyError> {
    let err = |reason: String| PolicyError::Range {
        range: range.to_string(),
        reason,
    };
    let s = s
        .strip_prefix('v')
        .or_else(|| s.strip_prefix('V'))
        .unwrap_or(s);
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => (c, Prerelease::new(p).map_err(|e| err(e.to_string()))?),
        None => (s, Prerelease::EMPTY),
    };
    let core = core.split('+').next().unwrap_or(core);
    let mut parts = core.split('.');
    let mut next = |name: &str| -> Result<Option<u64>, PolicyError> {
        match parts.next() {
            None | Some("x") | Some("X") | Some("*") => Ok(None),
            Some(n) => n
                .parse::<u64>()
                .map(Some)
                .map_err(|_| err(format!("{name} {n:?} is not a number"))),
        }
    };
    let major = next("major")?;
    let minor = next("minor")?;
    let patch = next("patch")?;
    if parts.next().is_some() {
        return Err(err(format!("{s:?} has more than three parts")));
    }
    if (major.is_none() && (minor.is_some() || patch.is_some()))
        || (minor.is_none() && patch.is_some())
    {
        return Err(err(format!(
            "{s:?}: a wildcard may only be followed by wildcards"
        )));
    }
    Ok(Partial {
        major,
        minor,
        patch,
        pre,
    })
}

fn ver(major: u64, minor: u64, patch: u64, pre: Prerelease) -> Version {
    let mut v = Version::new(major, minor, patch);
    v.pre = pre;
    v
}

/// The lowest version (with a `-0` prerelease, so that ranges' upper bounds exclude prereleases of the bound).
fn floor(major: u64, minor: u64, patch: u64) -> Version {
    ver(
        major,
        minor,
        patch,
        Prerelease::new("0").unwrap_or(Prerelease::EMPTY),
    )
}

fn c(op: Op, version: Version) -> Comparator {
    Comparator { op, version }
}

fn expand(op: &str, p: Partial, out: &mut Vec<Comparator>) {
    let (Some(ma), mi, pa) = (p.major, p.minor, p.patch) else {
        // `*`: any version (>= 0.0.0).
        if op == "<" || op == "!=" {
            out.push(c(Op::Lt, floor(0, 0, 0)));
        } else {
            out.push(c(Op::Ge, Version::new(0, 0, 0)));
        }
        return;
    };
    let lo = ver(ma, mi.unwrap_or(0), pa.unwrap_or(0), p.pre.clone());
    match op {
        "^" => {
            let hi = if ma > 0 || mi.is_none() {
                floor(ma + 1, 0, 0)
            } else if mi.unwrap_or(0) > 0 || pa.is_none() {
                floor(0, mi.unwrap_or(0) + 1, 0)
            } else {
                floor(0, 0, pa.unwrap_or(0) + 1)
            };
            out.push(c(Op::Ge, lo));
            out.push(c(Op::Lt, hi));
        }
        "~" | "~>" => {
            let hi = match mi {
                None => floor(ma + 1, 0, 0),
                Some(m) => floor(ma, m + 1, 0),
            };
            out.push(c(Op::Ge, lo));
            out.push(c(Op::Lt, hi));
        }
        "" | "=" => match (mi, pa) {
            (Some(_), Some(_)) => out.push(c(Op::Eq, lo)),
            (Some(m), None) => {
                out.push(c(Op::Ge, lo));
                out.push(c(Op::Lt, floor(ma, m + 1, 0)));
            }
            (None, _) => {
                out.push(c(Op::Ge, lo));
                out.push(c(Op::Lt, floor(ma + 1, 0, 0)));
            }
        },
        "!=" => out.push(c(Op::Ne, lo)),
        ">" => match (mi, pa) {
            (Some(_), Some(_)) => out.push(c(Op::Gt, lo)),
            (Some(m), None) => out.push(c(Op::Ge, floor(ma, m + 1, 0))),
            (None, _) => out.push(c(Op::Ge, floor(ma + 1, 0, 0))),
        },
        ">=" => out.push(c(Op::Ge, lo)),
        "<" => out.push(c(
            Op::Lt,
            if p.pre.is_empty() {
                floor(ma, mi.unwrap_or(0), pa.unwrap_or(0))
            } else {
                lo
            },
        )),
        "<=" => match (mi, pa) {
            (Some(_), Some(_)) => out.push(c(Op::Le, lo)),
            (Some(m), None) => out.push(c(Op::Lt, floor(ma, m + 1, 0))),
            (None, _) => out.push(c(Op::Lt, floor(ma + 1, 0, 0))),
        },
        _ => {}
    }
}

impl Range {
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let err = |reason: &str| PolicyError::Range {
            range: text.to_string(),
            reason: reason.to_string(),
        };
        let mut groups = Vec::new();
        for alt in text.split("||") {
            let alt = alt.trim();
            if alt.is_empty() {
                return Err(err("empty alternative around `||`"));
            }
            let mut comps = Vec::new();
            // Hyphen range: `A - B`.
            if let Some((a, b)) = alt.split_once(" - ") {
                let lo = parse_partial(a.trim(), text)?;
                let hi = parse_partial(b.trim(), text)?;
                let pre = !lo.pre.is_empty() || !hi.pre.is_empty();
                expand(">=", lo, &mut comps);
                expand("<=", hi, &mut comps);
                groups.push((comps, pre));
                continue;
            }
            // Operators may be separated from versions by spaces: `>= 1.2`.
            let mut tokens: Vec<String> = Vec::new();
            let mut pending_op: Option<String> = None;
            for raw in alt.split([',', ' ']).filter(|t| !t.is_empty()) {
                if raw.chars().all(|ch| "<>=!~^".contains(ch)) {
                    pending_op = Some(raw.to_string());
                    continue;
                }
                tokens.push(format!("{}{raw}", pending_op.take().unwrap_or_default()));
            }
            if pending_op.is_some() {
                return Err(err("an operator without a version"));
            }
            let mut pre = false;
            for t in tokens {
                let op_len = t.chars().take_while(|ch| "<>=!~^".contains(*ch)).count();
                let (op, v) = t.split_at(op_len);
                if !["", "=", "!=", ">", ">=", "<", "<=", "~", "~>", "^"].contains(&op) {
                    return Err(err(&format!("unknown operator {op:?}")));
                }
                let p = parse_partial(v, text)?;
                pre |= !p.pre.is_empty();
                expand(op, p, &mut comps);
            }
            if comps.is_empty() {
                return Err(err("no comparators"));
            }
            groups.push((comps, pre));
        }
        Ok(Range {
            text: text.to_string(),
            groups,
        })
    }

    /// Whether `v` is in the range. A prerelease matches only an AND-group that
    /// names a prerelease itself (Masterminds semver v3).
    pub fn matches(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .any(|(g, pre)| (v.pre.is_empty() || *pre) && g.iter().all(|c| c.matches(v)))
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Keel's relative policies: how far from the current version a new one may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bump {
    /// Any newer version (`all` and `major` in Keel).
    All,
    /// Same major.
    Minor,
    /// Same major and minor.
    Patch,
}

/// How to pick the tag.
#[derive(Debug, Clone, PartialEq)]
pub enum Strategy {
    Semver(Range),
    Keel(Bump),
    /// Follow a mutable tag (such as `dev`); the caller resolves it to a digest.
    Track(String),
}

/// A tag policy: strategy plus allow/ignore filters.
#[derive(Debug, Clone)]
pub struct Policy {
    pub strategy: Strategy,
    pub allow: Option<Regex>,
    pub ignore: Vec<Regex>,
}

impl Policy {
    /// Parses a policy string: a range, `major|minor|patch|all`, or `track: TAG` / `track:TAG`.
    pub fn parse(
        policy: &str,
        allow: Option<&str>,
        ignore: &[String],
    ) -> Result<Self, PolicyError> {
        let p = policy.trim();
        let strategy = if let Some(t) = p.strip_prefix("track:") {
            let t = t.trim();
            if t.is_empty() {
                return Err(PolicyError::Policy(policy.to_string()));
            }
            Strategy::Track(t.to_string())
        } else {
            match p {
                "all" | "major" => Strategy::Keel(Bump::All),
                "minor" => Strategy::Keel(Bump::Minor),
                "patch" => Strategy::Keel(Bump::Patch),
                "" => return Err(PolicyError::Policy(policy.to_string())),
                range => Strategy::Semver(Range::parse(range)?),
            }
        };
        let re = |what: &'static str, pat: &str| {
            let pat = pat.strip_prefix("regexp:").unwrap_or(pat);
            Regex::new(pat).map_err(|e| PolicyError::Pattern {
                what,
                pattern: pat.to_string(),
                reason: e.to_string(),
            })
        };
        Ok(Policy {
            strategy,
            allow: allow.map(|a| re("allow", a)).transpose()?,
            ignore: ignore
                .iter()
                .map(|i| re("ignore", i))
                .collect::<Result<_, _>>()?,
        })
    }

    pub fn describe(&self) -> String {
        match &self.strategy {
            Strategy::Semver(r) => format!("semver range {:?}", r.as_str()),
            Strategy::Keel(Bump::All) => "policy all".into(),
            Strategy::Keel(Bump::Minor) => "policy minor".into(),
            Strategy::Keel(Bump::Patch) => "policy patch".into(),
            Strategy::Track(t) => format!("track {t:?}"),
        }
    }

    fn allowed(&self, tag: &str) -> bool {
        self.allow.as_ref().is_none_or(|a| a.is_match(tag))
            && !self.ignore.iter().any(|i| i.is_match(tag))
    }

    /// Picks the tag to deploy among `tags`. For `Track`, returns the tracked tag
    /// itself when present (the caller resolves its digest).
    pub fn select(
        &self,
        image: &str,
        current: Option<&str>,
        tags: &[String],
    ) -> Result<String, PolicyError> {
        let no_match = |considered: usize, ignored: usize| PolicyError::NoMatch {
            image: image.to_string(),
            policy: self.describe(),
            considered,
            ignored: if ignored > 0 {
                format!(", {ignored} filtered out by allow/ignore")
            } else {
                String::new()
            },
        };
        if let Strategy::Track(t) = &self.strategy {
            return if tags.iter().any(|x| x == t) {
                Ok(t.clone())
            } else {
                Err(no_match(tags.len(), 0))
            };
        }
        let current_v = match (&self.strategy, current) {
            (Strategy::Keel(b), Some(c)) => Some(parse_version(c).ok_or_else(|| {
                PolicyError::CurrentNotSemver(
                    c.to_string(),
                    match b {
                        Bump::All => "all",
                        Bump::Minor => "minor",
                        Bump::Patch => "patch",
                    },
                )
            })?),
            _ => None,
        };
        let mut best: Option<(&String, Version)> = None;
        let mut filtered = 0;
        for tag in tags {
            if !self.allowed(tag) {
                filtered += 1;
                continue;
            }
            let Some(v) = parse_version(tag) else {
                continue;
            };
            let ok = match &self.strategy {
                Strategy::Semver(r) => r.matches(&v),
                Strategy::Keel(b) => match &current_v {
                    None => v.pre.is_empty(),
                    Some(cur) => {
                        let newer_or_same = cmp_versions(&v, cur) != Ordering::Less;
                        let pre_ok = v.pre.is_empty() || !cur.pre.is_empty();
                        newer_or_same
                            && pre_ok
                            && match b {
                                Bump::All => true,
                                Bump::Minor => v.major == cur.major,
                                Bump::Patch => v.major == cur.major && v.minor == cur.minor,
                            }
                    }
                },
                Strategy::Track(_) => false,
            };
            if !ok {
                continue;
            }
            let better = match &best {
                None => true,
                // Highest version wins; between equal versions (v1.2.3 and 1.2.3) the first listed.
                Some((_, bv)) => cmp_versions(&v, bv) == Ordering::Greater,
            };
            if better {
                best = Some((tag, v));
            }
        }
        best.map(|(t, _)| t.clone())
            .ok_or_else(|| no_match(tags.len(), filtered))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn pick(policy: &str, current: Option<&str>, list: &[&str]) -> Result<String, PolicyError> {
        Policy::parse(policy, None, &[])?.select("img", current, &tags(list))
    }

    const TAGS: [&str; 12] = [
        "v1.2.3",
        "v1.2.10",
        "v1.3.0",
        "v1.10.0-rc.1",
        "v2.0.0",
        "2.1.0",
        "latest",
        "dev",
        "v1.3.1-beta.2",
        "junk-1",
        "v0.9.9",
        "v3.0.0-alpha.1",
    ];

    #[test]
    fn ranges() {
        assert_eq!(pick("^1.2", None, &TAGS).unwrap(), "v1.3.0");
        assert_eq!(pick("~1.2.3", None, &TAGS).unwrap(), "v1.2.10");
        assert_eq!(pick("1.x", None, &TAGS).unwrap(), "v1.3.0");
        assert_eq!(pick("1.2.x", None, &TAGS).unwrap(), "v1.2.10");
        assert_eq!(pick(">=1.2 <2", None, &TAGS).unwrap(), "v1.3.0");
        assert_eq!(pick(">=1.2, <2.0.0", None, &TAGS).unwrap(), "v1.3.0");
        assert_eq!(pick("*", None, &TAGS).unwrap(), "2.1.0");
        assert_eq!(pick("^0.9 || ^2", None, &TAGS).unwrap(), "2.1.0");
        assert_eq!(pick("1.2 - 1.2.9", None, &TAGS).unwrap(), "v1.2.3");
        assert_eq!(pick("^0.9.1", None, &TAGS).unwrap(), "v0.9.9");
        assert_eq!(pick("v2", None, &TAGS).unwrap(), "2.1.0");
        assert_eq!(pick("v2.0", None, &TAGS).unwrap(), "v2.0.0");
    }

    #[test]
    fn prereleases_only_when_asked() {
        assert_eq!(pick("1.x", None, &TAGS).unwrap(), "v1.3.0");
        assert_eq!(pick("1.x-0", None, &TAGS).unwrap(), "v1.10.0-rc.1");
        assert_eq!(
            pick(">=3.0.0-alpha.0", None, &TAGS).unwrap(),
            "v3.0.0-alpha.1"
        );
    }

    #[test]
    fn keel_policies_relative_to_current() {
        assert_eq!(pick("patch", Some("v1.2.3"), &TAGS).unwrap(), "v1.2.10");
        assert_eq!(pick("minor", Some("v1.2.3"), &TAGS).unwrap(), "v1.3.0");
        assert_eq!(pick("major", Some("v1.2.3"), &TAGS).unwrap(), "2.1.0");
        assert!(matches!(
            pick("minor", Some("dev"), &TAGS),
            Err(PolicyError::CurrentNotSemver(..))
        ));
    }

    #[test]
    fn allow_ignore_and_track() {
        let p = Policy::parse("*", Some("regexp:^v"), &["^v2".to_string()]).unwrap();
        assert_eq!(p.select("img", None, &tags(&TAGS)).unwrap(), "v1.3.0");
        assert_eq!(pick("track: dev", None, &TAGS).unwrap(), "dev");
        assert!(matches!(
            pick("track:nope", None, &TAGS),
            Err(PolicyError::NoMatch { .. })
        ));
    }

    #[test]
    fn bad_ranges_and_no_match() {
        assert!(matches!(
            Range::parse("^x.1"),
            Err(PolicyError::Range { .. })
        ));
        assert!(matches!(
            Range::parse(">>1"),
            Err(PolicyError::Range { .. })
        ));
        let e = pick("^9", None, &TAGS).unwrap_err();
        assert!(e.to_string().contains("no tag of img satisfies"), "{e}");
    }
}
