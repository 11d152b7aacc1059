//! The notification payloads the webhook accepts, parsed into what was pushed: Keel's native JSON, the distribution registry's event envelope, GitHub's package events.
//!
//! Pure: bytes in, [`Notification`]s or a [`PayloadError`] out (a 400 with its
//! message). Content types are not checked, as Keel does not check them: `curl
//! -d` sends a form type, the registry its own events type. Unknown fields are
//! ignored; what is read is checked for form (an image name, a tag, a digest),
//! so nothing malformed reaches the registry client or the cluster.

use serde::Deserialize;
use serde_json::Value;

/// One pushed image: a repository name, the tag pushed, and its digest when the sender knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Repository name as the sender spells it (`ghcr.io/acme/api`, `127.0.0.1:5000/api`).
    pub name: String,
    pub tag: String,
    /// `sha256:<64 hex>`, when the payload carries it.
    pub digest: Option<String>,
}

/// What a payload said, beyond the notifications in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    pub notifications: Vec<Notification>,
    /// Why events in the payload were skipped (a blob push, a pull, a GitHub ping), for the answer.
    pub skipped: Vec<String>,
}

/// A payload that cannot be used: answered 400 with this message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("{kind} payload is not valid JSON: {message}")]
    Json { kind: &'static str, message: String },
    #[error("{kind} payload: {message}")]
    Invalid { kind: &'static str, message: String },
}

fn invalid(kind: &'static str, message: impl Into<String>) -> PayloadError {
    PayloadError::Invalid {
        kind,
        message: message.into(),
    }
}

fn json<'a, T: Deserialize<'a>>(kind: &'static str, body: &'a [u8]) -> Result<T, PayloadError> {
    serde_json::from_slice(body).map_err(|e| PayloadError::Json {
        kind,
        message: e.to_string(),
    })
}

/// A repository name as image references spell it: `[host[:port]/]path`, lower case path components.
pub fn valid_name(name: &str) -> bool {
    if name.is_empty() || name.len() > 255 || name.contains(['@', ' ']) {
        return false;
    }
    let (host, path) = match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    if let Some(h) = host {
        let (hostname, port) = h.split_once(':').unwrap_or((h, "1"));
        if hostname.is_empty()
            || !hostname
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            || port.is_empty()
            || !port.chars().all(|c| c.is_ascii_digit())
            || port.len() > 5
        {
            return false;
        }
    }
    !path.is_empty()
        && path.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
                && part.starts_with(|c: char| c.is_ascii_alphanumeric())
        })
}

/// A tag: letters, digits, `_`, `.`, `-`, at most 128, not starting with `.` or `-`.
pub fn valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 128
        && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// A sha256 digest: `sha256:` and 64 lower-case hex digits.
pub fn valid_digest(d: &str) -> bool {
    d.len() == 71
        && d.starts_with("sha256:")
        && d[7..]
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

fn checked(
    kind: &'static str,
    name: &str,
    tag: &str,
    digest: Option<&str>,
) -> Result<Notification, PayloadError> {
    if !valid_name(name) {
        return Err(invalid(
            kind,
            format!("{name:?} is not an image repository name ([host[:port]/]path, lower case)"),
        ));
    }
    if !valid_tag(tag) {
        return Err(invalid(
            kind,
            format!(
                "{tag:?} is not a tag (letters, digits, '_', '.', '-'; at most 128 characters)"
            ),
        ));
    }
    let digest = match digest.filter(|d| !d.is_empty()) {
        Some(d) if valid_digest(d) => Some(d.to_string()),
        Some(d) => {
            return Err(invalid(
                kind,
                format!("{d:?} is not a digest (sha256:<64 hex digits>)"),
            ));
        }
        None => None,
    };
    Ok(Notification {
        name: name.to_string(),
        tag: tag.to_string(),
        digest,
    })
}

/// A string field of a JSON object: `Ok(None)` when absent or null, an error when another type.
fn str_field<'a>(
    kind: &'static str,
    v: &'a Value,
    path: &str,
) -> Result<Option<&'a str>, PayloadError> {
    let mut cur = v;
    for key in path.split('.') {
        match cur.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(next) => cur = next,
        }
    }
    match cur {
        Value::String(s) => Ok(Some(s.as_str())),
        other => Err(invalid(
            kind,
            format!("`{path}` must be a string, not {}", type_name(other)),
        )),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn object(kind: &'static str, body: &[u8]) -> Result<Value, PayloadError> {
    let v: Value = json(kind, body)?;
    if !v.is_object() {
        return Err(invalid(
            kind,
            format!("expected a JSON object, got {}", type_name(&v)),
        ));
    }
    Ok(v)
}

/// Keel's native payload: `{"name": "ghcr.io/org/app", "tag": "dev"}`, optional `digest`.
///
/// # Errors
/// Not JSON, `name` or `tag` missing or empty (Keel's 400s), or malformed.
pub fn native(body: &[u8]) -> Result<Parsed, PayloadError> {
    const KIND: &str = "native";
    let v = object(KIND, body)?;
    let name = str_field(KIND, &v, "name")?.unwrap_or("");
    let tag = str_field(KIND, &v, "tag")?.unwrap_or("");
    if name.is_empty() {
        return Err(invalid(KIND, "repository name cannot be empty (`name`)"));
    }
    if tag.is_empty() {
        return Err(invalid(KIND, "repository tag cannot be empty (`tag`)"));
    }
    let digest = str_field(KIND, &v, "digest")?;
    Ok(Parsed {
        notifications: vec![checked(KIND, name, tag, digest)?],
        skipped: Vec::new(),
    })
}

/// The distribution registry's notification envelope (`{"events": [...]}`): each
/// `push` of a manifest by tag is a notification named `request.host/target.repository`
/// as Keel names it (the host the pusher used). Pulls, deletes, blob pushes and
/// pushes by digest are skipped.
///
/// # Errors
/// Not JSON, no `events` array, or a push event with a malformed name, tag or digest.
pub fn registry(body: &[u8]) -> Result<Parsed, PayloadError> {
    const KIND: &str = "registry";
    let v = object(KIND, body)?;
    let events = match v.get("events") {
        Some(Value::Array(e)) => e,
        Some(other) => {
            return Err(invalid(
                KIND,
                format!("`events` must be an array, not {}", type_name(other)),
            ));
        }
        None => return Err(invalid(KIND, "no `events` array (not a registry envelope)")),
    };
    let mut out = Parsed::default();
    for (i, e) in events.iter().enumerate() {
        if !e.is_object() {
            return Err(invalid(
                KIND,
                format!("events[{i}] must be an object, not {}", type_name(e)),
            ));
        }
        let action = str_field(KIND, e, "action")?.unwrap_or("");
        let repo = str_field(KIND, e, "target.repository")?.unwrap_or("");
        let tag = str_field(KIND, e, "target.tag")?.unwrap_or("");
        let media = str_field(KIND, e, "target.mediaType")?.unwrap_or("");
        if action != "push" {
            out.skipped
                .push(format!("events[{i}]: action {action:?} is not a push"));
            continue;
        }
        if tag.is_empty() {
            out.skipped.push(format!(
                "events[{i}]: a push without a tag ({})",
                if media.is_empty() {
                    "no media type"
                } else {
                    media
                }
            ));
            continue;
        }
        let host = str_field(KIND, e, "request.host")?.unwrap_or("");
        if host.is_empty() || repo.is_empty() {
            return Err(invalid(
                KIND,
                format!("events[{i}]: a tag push needs `request.host` and `target.repository`"),
            ));
        }
        let digest = str_field(KIND, e, "target.digest")?;
        out.notifications
            .push(checked(KIND, &format!("{host}/{repo}"), tag, digest)?);
    }
    Ok(out)
}

/// GitHub's `registry_package` and `package` events (the `X-GitHub-Event`
/// header says which) for container packages: the image from the package URL
/// (else `ghcr.io/<namespace>/<name>`, else Keel's `ghcr.io/<repository>`), the
/// tag and digest from `container_metadata.tag`. `ping` and other events are
/// skipped, as are untagged versions.
///
/// # Errors
/// Not JSON, a package event that is not about a container, or malformed fields.
pub fn github(event: &str, body: &[u8]) -> Result<Parsed, PayloadError> {
    const KIND: &str = "GitHub";
    let v = object(KIND, body)?;
    let root = match event {
        "registry_package" => "registry_package",
        "package" => "package",
        "ping" => {
            return Ok(Parsed {
                notifications: Vec::new(),
                skipped: vec!["a ping event".into()],
            });
        }
        "" => {
            return Err(invalid(
                KIND,
                "no X-GitHub-Event header (expected registry_package or package)",
            ));
        }
        other => {
            return Ok(Parsed {
                notifications: Vec::new(),
                skipped: vec![format!("event {other:?} is not about packages")],
            });
        }
    };
    let Some(pkg) = v.get(root).filter(|p| p.is_object()) else {
        return Err(invalid(KIND, format!("`{root}` object is missing")));
    };
    let action = str_field(KIND, &v, "action")?.unwrap_or("");
    if !matches!(action, "published" | "updated" | "") {
        return Ok(Parsed {
            notifications: Vec::new(),
            skipped: vec![format!("action {action:?} publishes nothing")],
        });
    }
    let ptype = str_field(KIND, pkg, "package_type")?
        .or(str_field(KIND, pkg, "ecosystem")?)
        .unwrap_or("");
    if !ptype.eq_ignore_ascii_case("container") && !ptype.eq_ignore_ascii_case("docker") {
        return Err(invalid(
            KIND,
            format!("{root} type {ptype:?} is not a container package"),
        ));
    }
    let tag = str_field(KIND, pkg, "package_version.container_metadata.tag.name")?
        .filter(|t| !t.is_empty())
        .or(str_field(KIND, pkg, "package_version.version")?
            .filter(|t| !t.is_empty() && !t.starts_with("sha256:")));
    let Some(tag) = tag else {
        return Ok(Parsed {
            notifications: Vec::new(),
            skipped: vec!["an untagged package version".into()],
        });
    };
    let digest = str_field(KIND, pkg, "package_version.container_metadata.tag.digest")?;
    let from_url = str_field(KIND, pkg, "package_version.package_url")?
        .filter(|u| !u.is_empty())
        .map(|u| {
            // `ghcr.io/org/app:tag` (or `@sha256:...`): the name before tag and digest.
            let u = u.split('@').next().unwrap_or(u);
            let slash = u.rfind('/').map(|i| i + 1).unwrap_or(0);
            match u[slash..].rfind(':') {
                Some(i) => u[..slash + i].to_string(),
                None => u.to_string(),
            }
        });
    let namespaced = match (
        str_field(KIND, pkg, "namespace")?,
        str_field(KIND, pkg, "name")?,
    ) {
        (Some(ns), Some(n)) if !ns.is_empty() && !n.is_empty() => Some(format!(
            "ghcr.io/{}/{}",
            ns.to_ascii_lowercase(),
            n.to_ascii_lowercase()
        )),
        _ => None,
    };
    let keel = str_field(KIND, &v, "repository.full_name")?
        .filter(|f| !f.is_empty())
        .map(|f| format!("ghcr.io/{}", f.to_ascii_lowercase()));
    let Some(name) = from_url.or(namespaced).or(keel) else {
        return Err(invalid(
            KIND,
            format!("{root}: no package_url, namespace and name, or repository to name the image"),
        ));
    };
    Ok(Parsed {
        notifications: vec![checked(KIND, &name, tag, digest)?],
        skipped: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn native_payloads_as_keel_reads_them() {
        let p = native(br#"{"name":"ghcr.io/acme/api","tag":"dev"}"#).unwrap();
        assert_eq!(
            p.notifications,
            vec![Notification {
                name: "ghcr.io/acme/api".into(),
                tag: "dev".into(),
                digest: None
            }]
        );
        let p = native(
            format!(r#"{{"name":"r:5000/api","tag":"dev","digest":"{D}","extra":1}}"#).as_bytes(),
        )
        .unwrap();
        assert_eq!(p.notifications[0].digest.as_deref(), Some(D));
        for (body, msg) in [
            (&br#"{"tag":"dev"}"#[..], "name cannot be empty"),
            (br#"{"name":"","tag":"dev"}"#, "name cannot be empty"),
            (br#"{"name":"a/b"}"#, "tag cannot be empty"),
            (br#"{"name":"a/b","tag":7}"#, "`tag` must be a string"),
            (
                br#"{"name":"A/b","tag":"dev"}"#,
                "not an image repository name",
            ),
            (br#"{"name":"a/b","tag":"dev;rm"}"#, "not a tag"),
            (
                br#"{"name":"a/b","tag":"dev","digest":"sha256:12"}"#,
                "not a digest",
            ),
            (br#"[1]"#, "expected a JSON object"),
            (b"name=a&tag=b", "not valid JSON"),
        ] {
            let e = native(body).unwrap_err().to_string();
            assert!(e.contains(msg), "{}: {e}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn registry_envelopes_yield_tag_pushes_only() {
        let body = format!(
            r#"{{"events":[
              {{"action":"push","target":{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{D}","repository":"acme/api","tag":"dev"}},"request":{{"host":"127.0.0.1:5000"}}}},
              {{"action":"push","target":{{"mediaType":"application/octet-stream","digest":"{D}","repository":"acme/api"}},"request":{{"host":"127.0.0.1:5000"}}}},
              {{"action":"pull","target":{{"repository":"acme/api","tag":"dev"}},"request":{{"host":"127.0.0.1:5000"}}}}
            ]}}"#
        );
        let p = registry(body.as_bytes()).unwrap();
        assert_eq!(
            p.notifications,
            vec![Notification {
                name: "127.0.0.1:5000/acme/api".into(),
                tag: "dev".into(),
                digest: Some(D.into())
            }]
        );
        assert_eq!(p.skipped.len(), 2, "{:?}", p.skipped);
        assert!(
            registry(br#"{"events":[]}"#)
                .unwrap()
                .notifications
                .is_empty()
        );
        assert!(
            registry(br#"{}"#)
                .unwrap_err()
                .to_string()
                .contains("no `events`")
        );
        assert!(
            registry(br#"{"events":[{"action":"push","target":{"tag":"dev"}}]}"#)
                .unwrap_err()
                .to_string()
                .contains("request.host")
        );
    }

    #[test]
    fn github_package_events() {
        let registry_package = format!(
            r#"{{"action":"published","registry_package":{{"name":"api","namespace":"Acme","package_type":"CONTAINER",
               "package_version":{{"version":"{D}","package_url":"ghcr.io/acme/api:dev",
               "container_metadata":{{"tag":{{"name":"dev","digest":"{D}"}}}}}}}},
               "repository":{{"full_name":"acme/monorepo"}}}}"#
        );
        let p = github("registry_package", registry_package.as_bytes()).unwrap();
        assert_eq!(
            p.notifications,
            vec![Notification {
                name: "ghcr.io/acme/api".into(),
                tag: "dev".into(),
                digest: Some(D.into())
            }]
        );
        // Keel's shape: no URL, namespace and name, tag as the version.
        let keel_shaped = br#"{"action":"published","registry_package":{"name":"api","package_type":"CONTAINER","package_version":{"version":"1.2.3"}},"repository":{"full_name":"acme/api"}}"#;
        let p = github("registry_package", keel_shaped).unwrap();
        assert_eq!(p.notifications[0].name, "ghcr.io/acme/api");
        assert_eq!(p.notifications[0].tag, "1.2.3");
        let package = br#"{"action":"published","package":{"name":"api","namespace":"acme","ecosystem":"CONTAINER","package_version":{"container_metadata":{"tag":{"name":"dev","digest":""}}}}}"#;
        let p = github("package", package).unwrap();
        assert_eq!(p.notifications[0].name, "ghcr.io/acme/api");
        assert_eq!(p.notifications[0].digest, None);
        assert!(github("ping", b"{}").unwrap().notifications.is_empty());
        assert!(github("push", b"{}").unwrap().notifications.is_empty());
        assert!(github("", b"{}").is_err());
        let npm =
            br#"{"action":"published","package":{"name":"x","namespace":"a","ecosystem":"npm"}}"#;
        assert!(
            github("package", npm)
                .unwrap_err()
                .to_string()
                .contains("not a container")
        );
    }

    #[test]
    fn names_tags_and_digests() {
        for ok in [
            "api",
            "acme/api",
            "ghcr.io/acme/api",
            "127.0.0.1:5000/acme/api",
            "localhost/x",
            "a.b-c/d_e/f.g",
        ] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in [
            "",
            "Acme/api",
            "acme//api",
            "host:port/api",
            "ghcr.io/",
            "a b",
            "a@b",
            "-x",
            "ghcr.io:/x",
        ] {
            assert!(!valid_name(bad), "{bad}");
        }
        assert!(valid_tag("v1.2.3-rc.1_x"));
        assert!(!valid_tag(".x") && !valid_tag("-x") && !valid_tag(&"a".repeat(129)));
        assert!(valid_digest(D));
        assert!(!valid_digest(&D.to_uppercase()));
    }
}
