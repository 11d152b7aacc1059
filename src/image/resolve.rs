//! Choosing what to release: the tag or digest of a reference given, or the newest the policy allows in the registry.

use super::policy::{Policy, PolicyError, Strategy};
use super::registry::{Client, ImageRef, RegistryError};

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("invalid tag {0:?}: tags hold letters, digits, '_', '.' and '-' (at most 128)")]
    InvalidTag(String),
    #[error("invalid digest {0:?}: expected sha256:<64 hex digits>")]
    InvalidDigest(String),
    #[error(
        "{0} has no tag or digest; give IMAGE as REPO:TAG or REPO@sha256:..., or use --resolve"
    )]
    Untagged(String),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

/// What a new image reference sets: a tag or a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Tag(String),
    Digest(String),
}

impl Target {
    /// The tag or digest of `image` (the digest when it has both), checked for form.
    ///
    /// # Errors
    /// A reference with neither, or a malformed tag or digest.
    pub fn of(image: &str) -> Result<Target, ResolveError> {
        let t = match (super::digest_of(image), super::tag_of(image)) {
            (Some(d), _) => Target::Digest(d.to_string()),
            (None, Some(t)) => Target::Tag(t.to_string()),
            (None, None) => return Err(ResolveError::Untagged(image.to_string())),
        };
        t.check()?;
        Ok(t)
    }

    fn check(&self) -> Result<(), ResolveError> {
        match self {
            Target::Tag(t)
                if t.is_empty()
                    || t.len() > 128
                    || !t
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) =>
            {
                Err(ResolveError::InvalidTag(t.clone()))
            }
            Target::Digest(d)
                if !d.starts_with("sha256:")
                    || d.len() != 71
                    || !d[7..].chars().all(|c| c.is_ascii_hexdigit()) =>
            {
                Err(ResolveError::InvalidDigest(d.clone()))
            }
            _ => Ok(()),
        }
    }

    /// The full reference for repository `name`.
    pub fn reference(&self, name: &str) -> String {
        match self {
            Target::Tag(t) => format!("{name}:{t}"),
            Target::Digest(d) => format!("{name}@{d}"),
        }
    }
}

/// The newest tag of `name` that `policy` allows (relative to `current_tag` for
/// Keel-style policies); for `track: TAG`, that tag's current digest.
///
/// # Errors
/// Registry failures, or no tag the policy allows.
pub async fn newest(
    client: &Client,
    name: &str,
    policy: &Policy,
    current_tag: Option<&str>,
) -> Result<Target, ResolveError> {
    let image = ImageRef::parse(name)?;
    let tags = client.list_tags(&image).await?;
    let chosen = policy.select(name, current_tag, &tags)?;
    Ok(match &policy.strategy {
        Strategy::Track(t) => Target::Digest(client.resolve_digest(&image, t).await?),
        _ => Target::Tag(chosen),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_of_references() {
        assert_eq!(
            Target::of("ghcr.io/acme/api:v1.2.3").unwrap(),
            Target::Tag("v1.2.3".into())
        );
        let d = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            Target::of(&format!("localhost:5000/api:dev@{d}")).unwrap(),
            Target::Digest(d.clone())
        );
        assert!(matches!(
            Target::of("localhost:5000/api"),
            Err(ResolveError::Untagged(_))
        ));
        assert!(matches!(
            Target::of("api@sha256:abc"),
            Err(ResolveError::InvalidDigest(_))
        ));
        assert_eq!(
            Target::Digest(d.clone()).reference("r/api"),
            format!("r/api@{d}")
        );
    }
}
