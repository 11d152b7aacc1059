//! The next semver tag from commit messages, compatible with anothrNick/github-tag-action.
//!
//! Pure: the caller (the `bump` command, through [`crate::repo::git`]) lists refs in the
//! order the action's git commands give and reads the commit messages; this module
//! applies the rules of the action's `entrypoint.sh` to them. The deliberate
//! differences are documented in the README ("bump") and marked `Deliberate` here.

use regex::Regex;
use semver::{Prerelease, Version};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum VersionError {
    #[error("invalid {name} {value:?}: {reason}")]
    Setting {
        name: &'static str,
        value: String,
        reason: String,
    },
    #[error(
        "the previous tag {tag:?} is not a semantic version once the prefix {prefix:?} is removed \
         (left {rest:?}); github-tag-action fails on it too: set TAG_PREFIX to what comes before \
         the version, or tag a release X.Y.Z"
    )]
    NotAVersion {
        tag: String,
        prefix: String,
        rest: String,
    },
}

/// Which part of the version a release bumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    None,
    Patch,
    Minor,
    Major,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::None => "none",
            Part::Patch => "patch",
            Part::Minor => "minor",
            Part::Major => "major",
        }
    }
    pub fn parse(name: &'static str, s: &str) -> Result<Self, VersionError> {
        match s {
            "major" => Ok(Part::Major),
            "minor" => Ok(Part::Minor),
            "patch" => Ok(Part::Patch),
            "none" | "false" => Ok(Part::None),
            other => Err(VersionError::Setting {
                name,
                value: other.into(),
                reason: "expected major, minor, patch or none".into(),
            }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagContext {
    /// The first version tag among all refs in git's version order, highest first.
    Repo,
    /// The first version tag merged into HEAD, newest commit date first.
    Branch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchHistory {
    /// Messages of the commits since the last tag.
    Compare,
    /// The message of HEAD only.
    Last,
    /// Messages of the commits since the default branch.
    Full,
}

/// The bump tokens searched for in commit messages (substring, case-sensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub major: String,
    pub minor: String,
    pub patch: String,
    pub none: String,
}

impl Default for Tokens {
    fn default() -> Self {
        Tokens {
            major: "#major".into(),
            minor: "#minor".into(),
            patch: "#patch".into(),
            none: "#none".into(),
        }
    }
}

/// The action's settings (its environment variables), with its defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub default_bump: Part,
    /// `TAG_PREFIX` (or `v` from `WITH_V=true`); `None` when not configured. A
    /// regular expression, as in the action (`v`, `release-` and `app/v` are plain text).
    pub prefix: Option<String>,
    pub release_branches: Vec<String>,
    /// `INITIAL_VERSION` as given: the previous tag is `<prefix><initial>` when none exists.
    pub initial_version: String,
    pub tag_context: TagContext,
    pub prerelease: bool,
    pub prerelease_suffix: String,
    pub branch_history: BranchHistory,
    pub tokens: Tokens,
    pub force_without_changes: bool,
    pub custom_tag: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_bump: Part::Minor,
            prefix: None,
            release_branches: vec!["master".into(), "main".into()],
            initial_version: "0.0.0".into(),
            tag_context: TagContext::Repo,
            prerelease: false,
            prerelease_suffix: "beta".into(),
            branch_history: BranchHistory::Compare,
            tokens: Tokens::default(),
            force_without_changes: false,
            custom_tag: None,
        }
    }
}

impl Settings {
    /// The configured prefix, empty when none.
    pub fn prefix(&self) -> &str {
        self.prefix.as_deref().unwrap_or("")
    }
}

/// The action's two tag patterns: `^<prefix>?X.Y.Z$` and `^<prefix>?X.Y.Z-<suffix>.N$`.
///
/// Only the prefix's last character (or group) is optional, so with `v` both `v1.2.3`
/// and `1.2.3` match. With no prefix the action's pattern starts with `^?`, which
/// grep reads as an optional anchor: any ref *ending* in X.Y.Z matches.
#[derive(Debug, Clone)]
pub struct TagPatterns {
    release: Regex,
    pre: Regex,
}

impl TagPatterns {
    pub fn new(settings: &Settings) -> Result<Self, VersionError> {
        let start = match settings.prefix() {
            "" => String::new(),
            p => format!("^{p}?"),
        };
        let compile = |name: &'static str, value: &str, re: String| {
            Regex::new(&re).map_err(|e| VersionError::Setting {
                name,
                value: value.to_string(),
                reason: format!("not a valid regular expression in the tag pattern: {e}"),
            })
        };
        let numbers = r"[0-9]+\.[0-9]+\.[0-9]+";
        Ok(TagPatterns {
            release: compile(
                "TAG_PREFIX",
                settings.prefix(),
                format!("{start}{numbers}$"),
            )?,
            pre: compile(
                "PRERELEASE_SUFFIX",
                &settings.prerelease_suffix,
                format!(
                    r"{start}{numbers}(-{}\.[0-9]+)$",
                    settings.prerelease_suffix
                ),
            )?,
        })
    }

    /// The first ref name matching the release pattern and the first matching the
    /// prerelease pattern, in the order given.
    pub fn select<'a>(&self, refs: &'a [String]) -> (Option<&'a str>, Option<&'a str>) {
        let first = |re: &Regex| refs.iter().map(String::as_str).find(|r| re.is_match(r));
        (first(&self.release), first(&self.pre))
    }
}

/// Whether `branch` is a release branch, as the action decides: an exact name, or,
/// when the entry contains one of `[]|.? +*`, a regular expression matched anywhere.
pub fn is_release_branch(branch: &str, release_branches: &[String]) -> bool {
    release_branches.iter().any(|b| {
        b == branch
            || (b.chars().any(|c| "[]|.? +*".contains(c))
                && Regex::new(b).is_ok_and(|re| re.is_match(branch)))
    })
}

/// What the messages of a range ask for: `Some(part)` to bump, `None` for no bump.
///
/// The action's rule: the first token found in the order major, minor, patch wins;
/// with none of those, `#none` means no bump, and otherwise the default applies.
/// Deliberate: a `#none` commit is silent instead, so the default still applies when
/// another commit has no token at all; a range whose only tokens are `#none` does
/// not bump. An empty range gets the default, as in the action.
pub fn part_of_messages(messages: &[String], tokens: &Tokens, default: Part) -> Option<Part> {
    let any = |t: &str| messages.iter().any(|m| m.contains(t));
    if any(&tokens.major) {
        return Some(Part::Major);
    }
    if any(&tokens.minor) {
        return Some(Part::Minor);
    }
    if any(&tokens.patch) {
        return Some(Part::Patch);
    }
    let untokened = messages.iter().any(|m| !m.contains(&tokens.none));
    if any(&tokens.none) && !untokened {
        return None;
    }
    (default != Part::None).then_some(default)
}

/// What `bump` found: the action's outputs. `part` and `old_tag` are absent when
/// HEAD already carries the tag (the action writes only `new_tag` and `tag` then).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    pub new_tag: String,
    pub tag: String,
    /// `major|minor|patch`, `pre-<part>` on a prerelease; `DEFAULT_BUMP` when nothing is bumped.
    pub part: Option<String>,
    pub old_tag: Option<String>,
    /// Whether a new tag should be created (false when nothing changes).
    #[serde(skip)]
    pub create: bool,
}

/// Inputs gathered from git by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    /// `git rev-parse --abbrev-ref HEAD`: the branch, or `HEAD` when detached.
    pub branch: String,
    /// The previous release tag, see [`previous_tags`].
    pub tag: String,
    /// Whether HEAD is the commit `tag` names.
    pub head_is_tagged: bool,
    /// The previous prerelease tag, see [`previous_tags`].
    pub pre_tag: Option<String>,
    /// Whether HEAD is the commit `pre_tag` names.
    pub pre_tag_is_head: bool,
    /// Commit messages in the range that counts (see [`BranchHistory`]), one per commit.
    pub messages: Vec<String>,
}

/// Whether the branch makes prereleases.
pub fn is_prerelease(settings: &Settings, branch: &str) -> bool {
    settings.prerelease && !is_release_branch(branch, &settings.release_branches)
}

/// The previous release tag and prerelease tag as the action names them: the first
/// matching refs; without a release tag, `<prefix><INITIAL_VERSION>`, which is also the
/// prerelease tag on a prerelease branch that has none.
pub fn previous_tags(
    settings: &Settings,
    patterns: &TagPatterns,
    refs: &[String],
    prerelease_branch: bool,
) -> (String, Option<String>) {
    let (tag, pre) = patterns.select(refs);
    match tag {
        Some(t) => (t.to_string(), pre.map(str::to_string)),
        None => {
            let initial = format!("{}{}", settings.prefix(), settings.initial_version);
            let pre = match pre {
                Some(p) => Some(p.to_string()),
                None if prerelease_branch => Some(initial.clone()),
                None => None,
            };
            (initial, pre)
        }
    }
}

/// npm's `semver` (which the action calls): strict X.Y.Z[-pre][+build], one optional
/// leading `v`, numbers up to 2^53-1.
fn npm_semver(s: &str) -> Option<Version> {
    const MAX_SAFE: u64 = (1 << 53) - 1;
    let s = s.trim();
    let v = Version::parse(s.strip_prefix('v').unwrap_or(s)).ok()?;
    (v.major <= MAX_SAFE && v.minor <= MAX_SAFE && v.patch <= MAX_SAFE).then_some(v)
}

/// The action's `sed "s;<prefix>;;g"`: every match of the prefix, read as a POSIX
/// basic regular expression, removed.
fn strip_prefix_like_sed(tag: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        return tag.to_string();
    }
    match Regex::new(&bre_to_regex(prefix)) {
        Ok(re) => re.replace_all(tag, "").into_owned(),
        Err(_) => tag.to_string(),
    }
}

/// Translates a GNU basic regular expression to the `regex` crate's syntax: `+ ? ( ) { } |`
/// are literal unless escaped, and a leading `*` is literal.
fn bre_to_regex(bre: &str) -> String {
    let mut out = String::new();
    let mut chars = bre.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) if "+?(){}|".contains(n) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push_str(r"\\"),
            },
            '+' | '?' | '(' | ')' | '{' | '}' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '*' if at_start => out.push_str(r"\*"),
            _ => out.push(c),
        }
        at_start = c == '^' && out.len() == 1;
    }
    out
}

/// The version in a tag, read the way the action does: prefix removed, then npm semver.
fn version_of(tag: &str, prefix: &str) -> Result<Version, VersionError> {
    let rest = strip_prefix_like_sed(tag, prefix);
    npm_semver(&rest).ok_or_else(|| VersionError::NotAVersion {
        tag: tag.to_string(),
        prefix: prefix.to_string(),
        rest,
    })
}

/// npm semver's `inc` for major, minor and patch (a prerelease of the target is released).
fn inc(v: &Version, part: Part) -> Version {
    let released = v.pre.is_empty();
    match part {
        Part::Major if v.minor != 0 || v.patch != 0 || released => Version::new(v.major + 1, 0, 0),
        Part::Major => Version::new(v.major, 0, 0),
        Part::Minor if v.patch != 0 || released => Version::new(v.major, v.minor + 1, 0),
        Part::Minor => Version::new(v.major, v.minor, 0),
        Part::Patch if released => Version::new(v.major, v.minor, v.patch + 1),
        Part::Patch | Part::None => Version::new(v.major, v.minor, v.patch),
    }
}

/// npm semver's `inc prerelease --preid <id>`: `1.3.0-beta.2` gives `1.3.0-beta.3`;
/// another or no identifier gives `<id>.0`.
fn inc_prerelease(v: &Version, id: &str) -> Version {
    let mut out = Version::new(v.major, v.minor, v.patch);
    let mut ids: Vec<String> = if v.pre.is_empty() {
        // npm bumps the patch first, then starts the prerelease.
        out.patch += 1;
        Vec::new()
    } else {
        v.pre.as_str().split('.').map(str::to_string).collect()
    };
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match ids.iter().rposition(|s| numeric(s)) {
        Some(i) => {
            let n: u64 = ids[i].parse().unwrap_or(0);
            ids[i] = (n + 1).to_string();
        }
        None => ids.push("0".into()),
    }
    if ids.first().map(String::as_str) != Some(id) || !ids.get(1).is_some_and(|s| numeric(s)) {
        ids = vec![id.to_string(), "0".into()];
    }
    out.pre = Prerelease::new(&ids.join(".")).unwrap_or(Prerelease::EMPTY);
    out
}

/// Whether bash's `[[ text =~ pattern ]]` holds (an unanchored regular expression).
fn bash_matches(text: &str, pattern: &str) -> bool {
    Regex::new(pattern).is_ok_and(|re| re.is_match(text))
}

/// Computes the next tag, following the action's `entrypoint.sh` step by step.
pub fn next(settings: &Settings, h: &History) -> Result<Outcome, VersionError> {
    let prefix = settings.prefix();
    let force = settings.force_without_changes;
    let unchanged = |tag: &str| Outcome {
        new_tag: tag.to_string(),
        tag: tag.to_string(),
        part: None,
        old_tag: None,
        create: false,
    };
    if h.head_is_tagged && !force {
        return Ok(unchanged(&h.tag));
    }
    let Some(part) = part_of_messages(&h.messages, &settings.tokens, settings.default_bump) else {
        // The action reports DEFAULT_BUMP as the part here, whatever stopped the bump.
        return Ok(Outcome {
            part: Some(settings.default_bump.as_str().to_string()),
            old_tag: Some(h.tag.clone()),
            ..unchanged(&h.tag)
        });
    };
    let mut new = format!("{prefix}{}", inc(&version_of(&h.tag, prefix)?, part));
    let mut part_out = part.as_str().to_string();
    if is_prerelease(settings, &h.branch) {
        if h.pre_tag_is_head && !force {
            return Ok(unchanged(h.pre_tag.as_deref().unwrap_or("")));
        }
        let suffix = &settings.prerelease_suffix;
        new = match h.pre_tag.as_deref() {
            // The action's test: the tag being made occurs in the prerelease tag.
            Some(pre) if bash_matches(pre, &new) && bash_matches(pre, suffix) => {
                // Deliberate: the prefix is removed before semver reads the tag (the
                // action passes it whole, and fails on any prefix but `v`).
                format!(
                    "{prefix}{}",
                    inc_prerelease(&version_of(pre, prefix)?, suffix)
                )
            }
            _ => format!("{new}-{suffix}.0"),
        };
        part_out = format!("pre-{part_out}");
    }
    if let Some(custom) = &settings.custom_tag {
        new = custom.clone();
    } else if settings.prefix.is_none() && h.tag.starts_with('v') {
        // Deliberate: with no prefix configured, the action drops the `v` of the
        // previous tag (`v1.2.3` is followed by `1.2.4`); keep it.
        new = format!("v{new}");
    }
    Ok(Outcome {
        new_tag: new.clone(),
        tag: new,
        part: Some(part_out),
        old_tag: Some(h.tag.clone()),
        create: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(prefix: Option<&str>) -> Settings {
        Settings {
            prefix: prefix.map(str::to_string),
            ..Default::default()
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|t| t.to_string()).collect()
    }

    fn hist(tag: &str, msgs: &[&str]) -> History {
        History {
            branch: "main".into(),
            tag: tag.into(),
            head_is_tagged: false,
            pre_tag: None,
            pre_tag_is_head: false,
            messages: strings(msgs),
        }
    }

    fn new_tag(s: &Settings, h: &History) -> String {
        next(s, h).unwrap().new_tag
    }

    #[test]
    fn tokens_and_defaults() {
        let s = s(Some("v"));
        assert_eq!(new_tag(&s, &hist("v1.2.3", &["fix #minor"])), "v1.3.0");
        assert_eq!(new_tag(&s, &hist("v1.2.3", &["fix stuff"])), "v1.3.0");
        assert_eq!(new_tag(&s, &hist("v1.2.3", &["fix #patch"])), "v1.2.4");
        assert_eq!(
            new_tag(&s, &hist("v1.2.3", &["a #patch", "b #major"])),
            "v2.0.0"
        );
        let o = next(&s, &hist("v1.2.3", &["docs #none"])).unwrap();
        assert_eq!((o.new_tag.as_str(), o.create), ("v1.2.3", false));
        // The action reports DEFAULT_BUMP as the part when it does not bump.
        assert_eq!(o.part.as_deref(), Some("minor"));
        assert_eq!(
            new_tag(&s, &hist("v1.2.3", &["docs #none", "x #patch"])),
            "v1.2.4"
        );
        assert_eq!(new_tag(&s, &hist("v1.2.3", &["the #majority"])), "v2.0.0");
    }

    #[test]
    fn highest_token_wins_and_default_only_without_tokens() {
        let t = Tokens::default();
        let p = |msgs: &[&str], d| part_of_messages(&strings(msgs), &t, d);
        // Issue 9, rows 1 and 2.
        let row1 = ["refactor #patch", "perf #patch", "chore", "perf #patch"];
        assert_eq!(p(&row1, Part::Minor), Some(Part::Patch));
        assert_eq!(
            p(&["api #minor", "feat: x #minor", "wip"], Part::Major),
            Some(Part::Minor)
        );
        assert_eq!(p(&["wip", "chore"], Part::Major), Some(Part::Major));
        assert_eq!(p(&["wip"], Part::None), None);
        // An empty range gets the default, as in the action.
        assert_eq!(p(&[], Part::Minor), Some(Part::Minor));
        // `#none` is silent: the untokened commit still gets the default...
        assert_eq!(p(&["x", "docs #none"], Part::Minor), Some(Part::Minor));
        // ...and a range of `#none` commits only does not bump.
        assert_eq!(p(&["docs #none", "ci #none"], Part::Major), None);
        assert_eq!(
            p(&["docs #none", "x #patch"], Part::Major),
            Some(Part::Patch)
        );
    }

    #[test]
    fn patterns_make_the_prefix_last_character_optional() {
        let refs = strings(&["v1", "v1.2", "latest", "1.75.0", "v1.8.0", "x1.9.0"]);
        let with_v = TagPatterns::new(&s(Some("v"))).unwrap();
        assert_eq!(with_v.select(&refs[..4]).0, Some("1.75.0"));
        assert_eq!(with_v.select(&refs[4..]).0, Some("v1.8.0"));
        // Only the last character is optional: `release1.2.3` counts, `1.2.3` does not.
        let rel = TagPatterns::new(&s(Some("release-"))).unwrap();
        let refs = strings(&["1.2.3", "release1.2.3"]);
        assert_eq!(rel.select(&refs).0, Some("release1.2.3"));
        // No prefix: the action's `^?` leaves the pattern unanchored at the start.
        let none = TagPatterns::new(&s(None)).unwrap();
        let refs = strings(&["main", "origin/release-2.0.0", "v1.0.0"]);
        assert_eq!(none.select(&refs).0, Some("origin/release-2.0.0"));
        // Prereleases: only the configured suffix, with or without the prefix.
        let refs = strings(&["v2.0.0-rc.1", "1.3.0-beta.2", "v1.3.0-beta.1"]);
        assert_eq!(with_v.select(&refs), (None, Some("1.3.0-beta.2")));
        // The prefix is a regular expression, as in the action.
        let re = TagPatterns::new(&s(Some("(app|api)-"))).unwrap();
        assert_eq!(
            re.select(&strings(&["web-1.0.0", "api-1.0.0"])).0,
            Some("api-1.0.0")
        );
        assert!(TagPatterns::new(&s(Some("v("))).is_err());
    }

    #[test]
    fn prefix_is_removed_like_sed_and_put_back() {
        assert_eq!(strip_prefix_like_sed("release-1.2.3", "release-"), "1.2.3");
        assert_eq!(strip_prefix_like_sed("1.2.3", "v"), "1.2.3");
        // BRE: `+` is literal, `.` is any character.
        assert_eq!(strip_prefix_like_sed("a+1.2.3", "a+"), "1.2.3");
        assert_eq!(strip_prefix_like_sed("vx1.2.3", "v."), "1.2.3");
        let v = s(Some("v"));
        assert_eq!(new_tag(&v, &hist("1.75.0", &["x"])), "v1.76.0");
        let r = s(Some("release-"));
        assert_eq!(
            new_tag(&r, &hist("release-1.2.3", &["x #patch"])),
            "release-1.2.4"
        );
        // What semver cannot read is an error, as in the action.
        let e = next(&r, &hist("release1.2.3", &["x"])).unwrap_err();
        assert!(matches!(e, VersionError::NotAVersion { .. }), "{e}");
        let e = next(&s(None), &hist("app-1.2.3", &["x"])).unwrap_err();
        assert!(e.to_string().contains("set TAG_PREFIX"), "{e}");
    }

    #[test]
    fn without_a_prefix_the_v_of_the_last_tag_is_kept() {
        let n = s(None);
        assert_eq!(new_tag(&n, &hist("v1.2.3", &["x #patch"])), "v1.2.4");
        assert_eq!(new_tag(&n, &hist("1.2.3", &["x #patch"])), "1.2.4");
        let h = hist("0.0.0", &["feat #major"]);
        assert_eq!(new_tag(&n, &h), "1.0.0");
    }

    #[test]
    fn prereleases_count_up_when_the_tag_being_made_occurs_in_the_last_one() {
        let mut set = s(Some("v"));
        set.prerelease = true;
        let mut h = hist("v1.2.3", &["x"]);
        h.branch = "feature".into();
        assert_eq!(new_tag(&set, &h), "v1.3.0-beta.0");
        assert_eq!(next(&set, &h).unwrap().part.as_deref(), Some("pre-minor"));
        h.pre_tag = Some("v1.3.0-beta.4".into());
        assert_eq!(new_tag(&set, &h), "v1.3.0-beta.5");
        // The action's test is `[[ $pre_tag =~ $new ]]`: `v1.3.0` does not occur in `1.3.0-beta.4`.
        h.pre_tag = Some("1.3.0-beta.4".into());
        assert_eq!(new_tag(&set, &h), "v1.3.0-beta.0");
        h.pre_tag = Some("v1.2.4-beta.4".into());
        assert_eq!(new_tag(&set, &h), "v1.3.0-beta.0");
        h.pre_tag_is_head = true;
        assert_eq!(new_tag(&set, &h), "v1.2.4-beta.4");
        // Any prefix, not only `v` (the action fails here).
        set.prefix = Some("release-".into());
        let mut h = hist("release-1.2.3", &["x"]);
        h.branch = "feature".into();
        h.pre_tag = Some("release-1.3.0-beta.0".into());
        assert_eq!(new_tag(&set, &h), "release-1.3.0-beta.1");
        // On a release branch, no prerelease.
        h.branch = "main".into();
        assert_eq!(new_tag(&set, &h), "release-1.3.0");
    }

    #[test]
    fn npm_semver_increments() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(inc(&v("1.2.3"), Part::Major), v("2.0.0"));
        assert_eq!(inc(&v("1.0.0-rc.1"), Part::Major), v("1.0.0"));
        assert_eq!(inc(&v("1.2.0-rc.1"), Part::Minor), v("1.2.0"));
        assert_eq!(inc(&v("1.2.3-rc.1"), Part::Patch), v("1.2.3"));
        assert_eq!(
            inc_prerelease(&v("1.3.0-beta.9"), "beta"),
            v("1.3.0-beta.10")
        );
        assert_eq!(inc_prerelease(&v("1.3.0-rc.2"), "beta"), v("1.3.0-beta.0"));
        assert_eq!(inc_prerelease(&v("1.2.3"), "beta"), v("1.2.4-beta.0"));
        assert_eq!(npm_semver("v1.2.3"), Some(v("1.2.3")));
        assert_eq!(npm_semver("vv1.2.3"), None);
        assert_eq!(npm_semver("01.2.3"), None);
        assert_eq!(npm_semver("9007199254740992.0.0"), None);
    }

    #[test]
    fn release_branch_matching() {
        let rb = strings(&["master", "release/.*"]);
        assert!(is_release_branch("master", &rb));
        assert!(is_release_branch("release/1.2", &rb));
        assert!(!is_release_branch("mastery", &rb[..1]));
        // Like the action: no trimming, and `^ $ ( )` alone do not make a regex.
        assert!(!is_release_branch("main", &strings(&["master", " main"])));
        assert!(!is_release_branch("main", &strings(&["^main$"])));
    }
}
