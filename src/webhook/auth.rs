//! Who may call the webhook: a bearer token, Keel's basic-auth settings, GitHub's HMAC signature; compared in constant time.
//!
//! Pure: the secrets are given (the command reads them from files and the
//! environment); requests are checked by their `Authorization` header, or for
//! GitHub by `X-Hub-Signature-256` over the exact body. Every endpoint but the
//! probes is authenticated, the registry's too (Keel leaves that one open): the
//! distribution registry sends configured headers with each notification.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Why a request was refused (answered 401 with this message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error(
        "authentication required: send `Authorization: Bearer <token>` (or basic auth with Keel's BASIC_AUTH_USER/BASIC_AUTH_PASSWORD)"
    )]
    Missing,
    #[error("the credentials were not accepted")]
    Rejected,
    #[error(
        "GitHub signature missing: configure the webhook's secret in GitHub (X-Hub-Signature-256)"
    )]
    NoSignature,
    #[error(
        "GitHub signature (X-Hub-Signature-256) does not match the body and the configured secret"
    )]
    BadSignature,
}

/// A settings problem found at start-up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthConfigError {
    #[error(
        "no credentials configured: set KUBECTL_RELEASE_WEBHOOK_TOKEN (or --token-file), or BASIC_AUTH_USER and BASIC_AUTH_PASSWORD; --insecure-no-auth serves without authentication"
    )]
    None,
    #[error("{0} is empty")]
    Empty(&'static str),
    #[error("BASIC_AUTH_USER and BASIC_AUTH_PASSWORD go together; one of them is not set")]
    HalfBasic,
}

/// The configured credentials (kept as SHA-256 digests, compared in constant time).
#[derive(Clone)]
pub struct Auth {
    token: Option<[u8; 32]>,
    basic: Option<[u8; 32]>,
    basic_user: Option<String>,
    github: Option<Vec<u8>>,
    open: bool,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("token", &self.token.is_some())
            .field("basic_user", &self.basic_user)
            .field("github", &self.github.is_some())
            .field("open", &self.open)
            .finish()
    }
}

fn digest(b: &[u8]) -> [u8; 32] {
    Sha256::digest(b).into()
}

impl Auth {
    /// Credentials from their settings. `open` (`--insecure-no-auth`) accepts any
    /// request; otherwise at least a token or a basic-auth pair is needed. A GitHub
    /// secret alone authenticates only the GitHub endpoint, so it is not enough.
    ///
    /// # Errors
    /// Nothing configured without `open`; an empty secret; half a basic pair.
    pub fn new(
        token: Option<&str>,
        basic: (Option<&str>, Option<&str>),
        github_secret: Option<&str>,
        open: bool,
    ) -> Result<Self, AuthConfigError> {
        if token.is_some_and(str::is_empty) {
            return Err(AuthConfigError::Empty("the webhook token"));
        }
        if github_secret.is_some_and(str::is_empty) {
            return Err(AuthConfigError::Empty("the GitHub webhook secret"));
        }
        let basic = match basic {
            (Some(u), Some(p)) if !u.is_empty() && !p.is_empty() => Some((u, p)),
            (None, None) => None,
            (Some(_), Some(_)) => {
                return Err(AuthConfigError::Empty(
                    "BASIC_AUTH_USER or BASIC_AUTH_PASSWORD",
                ));
            }
            _ => return Err(AuthConfigError::HalfBasic),
        };
        if !open && token.is_none() && basic.is_none() {
            return Err(AuthConfigError::None);
        }
        Ok(Auth {
            token: token.map(|t| digest(t.as_bytes())),
            basic: basic.map(|(u, p)| digest(format!("{u}:{p}").as_bytes())),
            basic_user: basic.map(|(u, _)| u.to_string()),
            github: github_secret.map(|s| s.as_bytes().to_vec()),
            open,
        })
    }

    /// Whether requests need credentials at all.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Whether GitHub deliveries are checked by their signature.
    pub fn has_github_secret(&self) -> bool {
        self.github.is_some()
    }

    /// The `WWW-Authenticate` challenge of a 401: basic when configured, so a
    /// browser asks for the status page's credentials.
    pub fn challenge(&self) -> &'static str {
        if self.basic.is_some() {
            "Basic realm=\"kubectl-release webhook\", charset=\"UTF-8\""
        } else {
            "Bearer realm=\"kubectl-release webhook\""
        }
    }

    /// Checks an `Authorization` header value.
    ///
    /// # Errors
    /// [`AuthError::Missing`] without one, [`AuthError::Rejected`] when it does not match.
    pub fn check(&self, authorization: Option<&[u8]>) -> Result<(), AuthError> {
        if self.open {
            return Ok(());
        }
        let Some(h) = authorization else {
            return Err(AuthError::Missing);
        };
        let h = std::str::from_utf8(h)
            .map_err(|_| AuthError::Rejected)?
            .trim();
        let (scheme, value) = h.split_once(' ').ok_or(AuthError::Rejected)?;
        let value = value.trim();
        let expected = if scheme.eq_ignore_ascii_case("bearer") {
            self.token
        } else if scheme.eq_ignore_ascii_case("basic") {
            // base64 of `user:password`; compared as a whole.
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(value)
                .map_err(|_| AuthError::Rejected)?;
            return match self.basic {
                Some(b) if bool::from(digest(&decoded).ct_eq(&b)) => Ok(()),
                _ => Err(AuthError::Rejected),
            };
        } else {
            None
        };
        match expected {
            Some(t) if bool::from(digest(value.as_bytes()).ct_eq(&t)) => Ok(()),
            _ => Err(AuthError::Rejected),
        }
    }

    /// Checks GitHub's `X-Hub-Signature-256: sha256=<hex>` against the body
    /// (HMAC-SHA256 with the configured secret; constant-time comparison).
    ///
    /// # Errors
    /// No secret is configured is never an error here (see [`Auth::has_github_secret`]);
    /// a missing or malformed header, or a signature that does not match.
    pub fn check_github(&self, signature: Option<&[u8]>, body: &[u8]) -> Result<(), AuthError> {
        let Some(secret) = &self.github else {
            return Ok(());
        };
        let sig = signature
            .and_then(|s| std::str::from_utf8(s).ok())
            .map(str::trim)
            .ok_or(AuthError::NoSignature)?;
        let hex = sig.strip_prefix("sha256=").ok_or(AuthError::BadSignature)?;
        let bytes = decode_hex(hex).ok_or(AuthError::BadSignature)?;
        let mut mac =
            Hmac::<Sha256>::new_from_slice(secret).map_err(|_| AuthError::BadSignature)?;
        mac.update(body);
        mac.verify_slice(&bytes)
            .map_err(|_| AuthError::BadSignature)
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// `sha256=<hex>` of `body` with `secret`, as GitHub signs a delivery.
pub fn github_signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body);
    let out = mac.finalize().into_bytes();
    format!(
        "sha256={}",
        out.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(u: &str, p: &str) -> Vec<u8> {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
        )
        .into_bytes()
    }

    #[test]
    fn bearer_and_basic() {
        let a = Auth::new(Some("s3cret"), (Some("keel"), Some("pw")), None, false).unwrap();
        assert_eq!(a.check(Some(b"Bearer s3cret")), Ok(()));
        assert_eq!(a.check(Some(b"bearer  s3cret ")), Ok(()));
        assert_eq!(a.check(Some(b"Bearer s3cre")), Err(AuthError::Rejected));
        assert_eq!(a.check(Some(b"Bearer s3cret2")), Err(AuthError::Rejected));
        assert_eq!(a.check(None), Err(AuthError::Missing));
        assert_eq!(a.check(Some(&basic("keel", "pw"))), Ok(()));
        assert_eq!(
            a.check(Some(&basic("keel", "px"))),
            Err(AuthError::Rejected)
        );
        assert_eq!(
            a.check(Some(&basic("other", "pw"))),
            Err(AuthError::Rejected)
        );
        assert_eq!(a.check(Some(b"Basic !!!")), Err(AuthError::Rejected));
        assert_eq!(a.check(Some(b"Token s3cret")), Err(AuthError::Rejected));
        assert!(a.challenge().starts_with("Basic"));
        // Token only: basic is refused.
        let t = Auth::new(Some("s3cret"), (None, None), None, false).unwrap();
        assert_eq!(
            t.check(Some(&basic("keel", "pw"))),
            Err(AuthError::Rejected)
        );
        assert!(t.challenge().starts_with("Bearer"));
    }

    #[test]
    fn settings_are_checked() {
        assert_eq!(
            Auth::new(None, (None, None), Some("gh"), false).unwrap_err(),
            AuthConfigError::None
        );
        assert_eq!(
            Auth::new(None, (Some("u"), None), None, false).unwrap_err(),
            AuthConfigError::HalfBasic
        );
        assert!(Auth::new(Some(""), (None, None), None, false).is_err());
        let open = Auth::new(None, (None, None), None, true).unwrap();
        assert_eq!(open.check(None), Ok(()));
        assert!(
            !format!(
                "{:?}",
                Auth::new(Some("zzz"), (None, None), None, false).unwrap()
            )
            .contains("zzz")
        );
    }

    #[test]
    fn github_signatures() {
        let a = Auth::new(
            Some("t"),
            (None, None),
            Some("It's a Secret to Everybody"),
            false,
        )
        .unwrap();
        // GitHub's documented example: this secret and body give this signature.
        let body = b"Hello, World!";
        let sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(github_signature(b"It's a Secret to Everybody", body), sig);
        assert_eq!(a.check_github(Some(sig.as_bytes()), body), Ok(()));
        assert_eq!(
            a.check_github(Some(sig.as_bytes()), b"Hello, World?"),
            Err(AuthError::BadSignature)
        );
        assert_eq!(a.check_github(None, body), Err(AuthError::NoSignature));
        assert_eq!(
            a.check_github(Some(b"sha1=abc"), body),
            Err(AuthError::BadSignature)
        );
        assert_eq!(
            a.check_github(Some(b"sha256=zz"), body),
            Err(AuthError::BadSignature)
        );
    }
}
