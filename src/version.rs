//! The next semver tag from commit messages, compatible with anothrNick/github-tag-action.
//!
//! Pure: the caller (the `bump` command, through [`crate::git`]) lists tags and
//! commit messages; this module picks the last version and computes the next.
//! Three documented defects of the action are fixed here (README, "bump"):
//! tokens count on the very first tag, a `v` prefix found on the last tag is
//! kept when none is configured, and `#none` only silences the commits it is in.

use semver::{Prerelease, Version};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum VersionError {
    #[error("invalid {name} {value:?}: {reason}")]
    Setting {
        name: &'static str,
        value: String,
        reason: String,
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
    /// The highest version tag anywhere in the repository.
    Repo,
    /// The newest version tag reachable from HEAD.
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
    /// `TAG_PREFIX` (or `v` from `WITH_V=true`); `None` when not configured.
    pub prefix: Option<String>,
    pub release_branches: Vec<String>,
    pub initial_version: Version,
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
            initial_version: Version::new(0, 0, 0),
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

/// A version tag: its name, the prefix before the numbers, and the version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub prefix: String,
    pub version: Version,
}

/// Parses `name` as `<prefix>X.Y.Z[-pre]` where the prefix is the configured one,
/// or, with none configured, empty or `v`.
pub fn parse_tag(name: &str, prefix: Option<&str>) -> Option<Tag> {
    let candidates: Vec<&str> = match prefix {
        Some(p) => vec![p],
        None => vec!["", "v"],
    };
    for p in candidates {
        if let Some(rest) = name.strip_prefix(p) {
            // Build metadata is not part of the action's tag pattern.
            if rest.contains('+') || !rest.starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            if let Ok(v) = Version::parse(rest) {
                return Some(Tag {
                    name: name.to_string(),
                    prefix: p.to_string(),
                    version: v,
                });
            }
        }
    }
    None
}

/// Whether `branch` is a release branch: exact names, or a regular expression
/// (matched anywhere, like bash's `=~`) when the entry has regex characters.
pub fn is_release_branch(branch: &str, release_branches: &[String]) -> bool {
    release_branches.iter().any(|b| {
        let b = b.trim();
        if b.is_empty() {
            return false;
        }
        if b.chars().any(|c| "^$.*+?()[]{}|\\".contains(c)) {
            regex::Regex::new(b).is_ok_and(|re| re.is_match(branch))
        } else {
            b == branch
        }
    })
}

/// The last release tag and the last prerelease tag among `tags`, which the caller
/// lists in context order (repo: any order; branch: newest first).
pub fn select_tags(settings: &Settings, tags: &[String]) -> (Option<Tag>, Option<Tag>) {
    let parsed: Vec<Tag> = tags
        .iter()
        .filter_map(|t| parse_tag(t, settings.prefix.as_deref()))
        .collect();
    let pick = |pre: bool| -> Option<Tag> {
        let mut it = parsed
            .iter()
            .filter(|t| t.version.pre.is_empty() != pre)
            .filter(|t| {
                !pre || t
                    .version
                    .pre
                    .as_str()
                    .starts_with(&format!("{}.", settings.prerelease_suffix))
            });
        match settings.tag_context {
            TagContext::Repo => it.max_by(|a, b| a.version.cmp(&b.version)).cloned(),
            TagContext::Branch => it.next().cloned(),
        }
    };
    (pick(false), pick(true))
}

/// What one commit message asks for; `None` when it has no token.
pub fn part_of_message(msg: &str, tokens: &Tokens) -> Option<Part> {
    if msg.contains(&tokens.major) {
        Some(Part::Major)
    } else if msg.contains(&tokens.minor) {
        Some(Part::Minor)
    } else if msg.contains(&tokens.patch) {
        Some(Part::Patch)
    } else if msg.contains(&tokens.none) {
        Some(Part::None)
    } else {
        None
    }
}

/// The bump asked for by a range of commits: the largest per commit, where a commit
/// without a token gets the default bump and `#none` silences only its own commit.
pub fn part_of_messages(messages: &[String], settings: &Settings) -> Part {
    messages
        .iter()
        .map(|m| part_of_message(m, &settings.tokens).unwrap_or(settings.default_bump))
        .max()
        .unwrap_or(Part::None)
}

/// What `bump` found: the action's outputs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    pub new_tag: String,
    pub tag: String,
    /// `major|minor|patch|none`, or `pre-<part>` on a prerelease.
    pub part: String,
    pub old_tag: String,
    /// Whether a new tag should be created (false when nothing changes).
    #[serde(skip)]
    pub create: bool,
}

/// Inputs gathered from git by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    pub branch: String,
    pub last: Option<Tag>,
    pub last_pre: Option<Tag>,
    /// Whether HEAD is the commit the last tag points at.
    pub head_is_tagged: bool,
    /// Commit messages in the range that counts (see [`BranchHistory`]).
    pub messages: Vec<String>,
}

fn bump(v: &Version, part: Part) -> Version {
    match part {
        Part::Major => Version::new(v.major + 1, 0, 0),
        Part::Minor => Version::new(v.major, v.minor + 1, 0),
        Part::Patch => Version::new(v.major, v.minor, v.patch + 1),
        Part::None => Version::new(v.major, v.minor, v.patch),
    }
}

/// Computes the next tag.
pub fn next(settings: &Settings, h: &History) -> Outcome {
    let prefix = settings
        .prefix
        .clone()
        .or_else(|| h.last.as_ref().map(|t| t.prefix.clone()))
        .unwrap_or_default();
    let old_version = h
        .last
        .as_ref()
        .map(|t| t.version.clone())
        .unwrap_or_else(|| settings.initial_version.clone());
    let old_tag = h
        .last
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_else(|| format!("{prefix}{}", settings.initial_version));
    let unchanged = |part: &str| Outcome {
        new_tag: old_tag.clone(),
        tag: old_tag.clone(),
        part: part.to_string(),
        old_tag: old_tag.clone(),
        create: false,
    };

    let mut part = part_of_messages(&h.messages, settings);
    if let Some(custom) = &settings.custom_tag {
        return Outcome {
            new_tag: custom.clone(),
            tag: custom.clone(),
            part: part.as_str().to_string(),
            old_tag,
            create: true,
        };
    }
    if h.head_is_tagged && !settings.force_without_changes {
        return unchanged(part.as_str());
    }
    if h.head_is_tagged && settings.force_without_changes && part == Part::None {
        part = settings.default_bump;
    }
    if part == Part::None {
        return unchanged("none");
    }
    let release = is_release_branch(&h.branch, &settings.release_branches);
    let next = bump(&old_version, part);
    if settings.prerelease && !release {
        let suffix = &settings.prerelease_suffix;
        let version = match &h.last_pre {
            Some(pre)
                if Version::new(pre.version.major, pre.version.minor, pre.version.patch)
                    == next =>
            {
                let n: u64 = pre
                    .version
                    .pre
                    .as_str()
                    .strip_prefix(&format!("{suffix}."))
                    .and_then(|n| n.parse().ok())
                    .map(|n: u64| n + 1)
                    .unwrap_or(0);
                with_pre(&next, suffix, n)
            }
            _ => with_pre(&next, suffix, 0),
        };
        let tag = format!("{prefix}{version}");
        return Outcome {
            new_tag: tag.clone(),
            tag,
            part: format!("pre-{}", part.as_str()),
            old_tag,
            create: true,
        };
    }
    let tag = format!("{prefix}{next}");
    Outcome {
        new_tag: tag.clone(),
        tag,
        part: part.as_str().to_string(),
        old_tag,
        create: true,
    }
}

fn with_pre(v: &Version, suffix: &str, n: u64) -> Version {
    let mut out = v.clone();
    out.pre = Prerelease::new(&format!("{suffix}.{n}")).unwrap_or(Prerelease::EMPTY);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(prefix: Option<&str>) -> Settings {
        Settings {
            prefix: prefix.map(str::to_string),
            ..Default::default()
        }
    }

    fn hist(last: &str, msgs: &[&str]) -> History {
        History {
            branch: "main".into(),
            last: parse_tag(last, None),
            last_pre: None,
            head_is_tagged: false,
            messages: msgs.iter().map(|m| m.to_string()).collect(),
        }
    }

    #[test]
    fn tokens_and_defaults() {
        let s = v(Some("v"));
        assert_eq!(next(&s, &hist("v1.2.3", &["fix #minor"])).new_tag, "v1.3.0");
        assert_eq!(next(&s, &hist("v1.2.3", &["fix stuff"])).new_tag, "v1.3.0");
        assert_eq!(next(&s, &hist("v1.2.3", &["fix #patch"])).new_tag, "v1.2.4");
        assert_eq!(
            next(&s, &hist("v1.2.3", &["a #patch", "b #major"])).new_tag,
            "v2.0.0"
        );
        let o = next(&s, &hist("v1.2.3", &["docs #none"]));
        assert_eq!((o.new_tag.as_str(), o.create), ("v1.2.3", false));
        assert_eq!(
            next(&s, &hist("v1.2.3", &["docs #none", "x #patch"])).new_tag,
            "v1.2.4"
        );
        assert_eq!(
            next(&s, &hist("v1.2.3", &["the #majority"])).new_tag,
            "v2.0.0"
        );
    }

    #[test]
    fn first_tag_counts_tokens_and_prefix_is_kept() {
        let s = Settings::default();
        let h = History {
            last: None,
            ..hist("", &["feat #major"])
        };
        assert_eq!(next(&s, &h).new_tag, "1.0.0");
        // No prefix configured, but the last tag had `v`: keep it.
        assert_eq!(next(&s, &hist("v1.2.3", &["x #patch"])).new_tag, "v1.2.4");
    }

    #[test]
    fn none_silences_only_its_commit() {
        let s = v(Some("v"));
        assert_eq!(
            next(&s, &hist("v1.2.3", &["x", "docs #none"])).new_tag,
            "v1.3.0"
        );
    }

    #[test]
    fn release_branch_matching() {
        let rb = vec!["master".to_string(), "release/.*".to_string()];
        assert!(is_release_branch("master", &rb));
        assert!(is_release_branch("release/1.2", &rb));
        assert!(!is_release_branch("mastery", &rb[..1]));
    }

    #[test]
    fn selects_highest_in_repo_context() {
        let s = v(Some("v"));
        let tags: Vec<String> = ["v1.2.3", "v5.0.0", "v1.10.0", "junk", "v6.0.0-beta.1"]
            .iter()
            .map(|t| t.to_string())
            .collect();
        let (last, pre) = select_tags(&s, &tags);
        assert_eq!(last.unwrap().name, "v5.0.0");
        assert_eq!(pre.unwrap().name, "v6.0.0-beta.1");
    }
}
