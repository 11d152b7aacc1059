//! The notification payloads the webhook accepts, parsed into what was pushed: Keel's native JSON, the distribution registry's event envelope, GitHub's package events.
//!
//! Pure: bytes in, [`Notification`]s or a [`PayloadError`] out (a 400 with its
//! message). Content types are not checked, as Keel does not check them: `curl
//! -d` sends a form type, the registry its own events type. Unknown fields are
//! ignored; what is read is checked for form (an image name, a tag, a digest),
//! so nothing malformed reaches the registry client or the cluster.

use std::collections::BTreeMap;

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

/// The types of the fields Keel's handlers decode into (Go structs); a value of
/// another type in a declared field fails the whole body, as in Go.
#[derive(Clone, Copy)]
enum Ty {
    Str,
    Bool,
    Int,
    /// `time.Time`: an RFC 3339 string.
    Time,
    Array(&'static Ty),
    Obj(&'static [(&'static str, Ty)]),
}

/// Keel's `types.Repository`, the native payload.
const REPOSITORY: Ty = Ty::Obj(&[
    ("host", Ty::Str),
    ("name", Ty::Str),
    ("tag", Ty::Str),
    ("digest", Ty::Str),
    (
        "platforms",
        Ty::Array(&Ty::Obj(&[
            ("os", Ty::Str),
            ("architecture", Ty::Str),
            ("variant", Ty::Str),
        ])),
    ),
    ("platformVerified", Ty::Bool),
]);

/// Keel's `RegistryNotification`, the distribution registry's envelope.
const ENVELOPE: Ty = Ty::Obj(&[(
    "events",
    Ty::Array(&Ty::Obj(&[
        ("id", Ty::Str),
        ("timestamp", Ty::Time),
        ("action", Ty::Str),
        (
            "target",
            Ty::Obj(&[
                ("mediaType", Ty::Str),
                ("size", Ty::Int),
                ("digest", Ty::Str),
                ("length", Ty::Int),
                ("repository", Ty::Str),
                ("url", Ty::Str),
                ("tag", Ty::Str),
            ]),
        ),
        (
            "request",
            Ty::Obj(&[
                ("id", Ty::Str),
                ("addr", Ty::Str),
                ("host", Ty::Str),
                ("method", Ty::Str),
                ("useragent", Ty::Str),
            ]),
        ),
        ("actor", Ty::Obj(&[("name", Ty::Str)])),
        (
            "source",
            Ty::Obj(&[("addr", Ty::Str), ("instanceID", Ty::Str)]),
        ),
    ])),
)]);

/// A JSON value with every object member kept, repeated keys included and in
/// order: Go's decoder sees each occurrence (a bad-typed one fails the body, a
/// later `null` keeps the earlier value), which a map cannot show.
#[derive(Debug)]
enum J {
    Null,
    Bool,
    /// An integer literal within Go's int64.
    Int,
    /// Any other number (a fraction, an exponent, too large).
    Num,
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = J;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<J, E> {
                Ok(J::Null)
            }
            fn visit_bool<E>(self, _: bool) -> Result<J, E> {
                Ok(J::Bool)
            }
            fn visit_i64<E>(self, _: i64) -> Result<J, E> {
                Ok(J::Int)
            }
            fn visit_u64<E>(self, n: u64) -> Result<J, E> {
                Ok(if i64::try_from(n).is_ok() {
                    J::Int
                } else {
                    J::Num
                })
            }
            fn visit_f64<E>(self, _: f64) -> Result<J, E> {
                Ok(J::Num)
            }
            fn visit_str<E>(self, s: &str) -> Result<J, E> {
                Ok(J::Str(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<J, E> {
                Ok(J::Str(s))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<J, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(J::Arr(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<J, A::Error> {
                let mut v = Vec::new();
                while let Some(kv) = a.next_entry::<String, J>()? {
                    v.push(kv);
                }
                Ok(J::Obj(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl J {
    fn type_name(&self) -> &'static str {
        match self {
            J::Null => "null",
            J::Bool => "a boolean",
            J::Int | J::Num => "a number",
            J::Str(_) => "a string",
            J::Arr(_) => "an array",
            J::Obj(_) => "an object",
        }
    }
}

/// A body decoded as Go's `encoding/json` decodes it into Keel's structs.
#[derive(Debug, Clone, Default)]
enum Go {
    /// Absent or `null`: Go leaves the field at its zero value.
    #[default]
    Zero,
    Str(String),
    Arr(Vec<Go>),
    Obj(BTreeMap<&'static str, Go>),
    /// A number, boolean or time: checked, not read.
    Other,
}

impl Go {
    fn field(&self, name: &str) -> &Go {
        match self {
            Go::Obj(m) => m.get(name).unwrap_or(&Go::Zero),
            _ => &Go::Zero,
        }
    }

    fn str(&self) -> &str {
        match self {
            Go::Str(s) => s,
            _ => "",
        }
    }
}

/// Go's case folding of a key character (`unicode.ToLower(unicode.ToUpper(c))`, so `ſ` is `s` and `K` is `k`).
fn go_fold(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut up = c.to_uppercase();
    let u = match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    };
    let mut low = u.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => u,
    }
}

/// Whether a JSON key names a Go struct field: exactly or case-insensitively.
fn go_key_matches(key: &str, field: &str) -> bool {
    key.chars().count() == field.chars().count()
        && key
            .chars()
            .zip(field.chars())
            .all(|(k, f)| go_fold(k) == go_fold(f))
}

/// RFC 3339 as Go's `time.Time` reads it from JSON (`2018-10-11T13:53:21.859Z`).
fn rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .map(|d| d.iter().fold(0u32, |n, x| n * 10 + u32::from(x - b'0')))
    };
    let (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(sec)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19),
    ) else {
        return false;
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return false;
    }
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo)
        || d == 0
        || d > days[mo as usize - 1]
        || h > 23
        || mi > 59
        || sec > 59
    {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    rest == "Z"
        || (rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && digits(s.len() - 5..s.len() - 3).is_some_and(|h| h < 24)
            && rest.as_bytes()[3] == b':'
            && digits(s.len() - 2..s.len()).is_some_and(|m| m < 60))
}

/// Decodes `v` into a field of type `ty` that holds `prev` (Go decodes into the
/// existing value: a repeated object key merges, `null` keeps what was there).
fn go_decode(kind: &'static str, ty: Ty, prev: Go, v: &J, path: &str) -> Result<Go, PayloadError> {
    let wrong = || {
        Err(invalid(
            kind,
            format!(
                "`{path}` cannot be {} (Keel rejects the payload)",
                v.type_name()
            ),
        ))
    };
    match (ty, v) {
        (_, J::Null) => Ok(prev),
        (Ty::Str, J::Str(s)) => Ok(Go::Str(s.clone())),
        (Ty::Bool, J::Bool) | (Ty::Int, J::Int) => Ok(Go::Other),
        (Ty::Time, J::Str(s)) if rfc3339(s) => Ok(Go::Other),
        (Ty::Array(elem), J::Arr(items)) => {
            let mut old = match prev {
                Go::Arr(a) => a,
                _ => Vec::new(),
            };
            old.truncate(items.len());
            let mut out = Vec::with_capacity(items.len());
            let mut old = old.into_iter();
            for (i, item) in items.iter().enumerate() {
                let p = old.next().unwrap_or_default();
                out.push(go_decode(kind, *elem, p, item, &format!("{path}[{i}]"))?);
            }
            Ok(Go::Arr(out))
        }
        (Ty::Obj(fields), J::Obj(m)) => {
            let mut out = match prev {
                Go::Obj(o) => o,
                _ => BTreeMap::new(),
            };
            // In document order, every occurrence: the last of repeated keys wins.
            for (key, val) in m {
                let field = fields
                    .iter()
                    .find(|(f, _)| f == key)
                    .or_else(|| fields.iter().find(|(f, _)| go_key_matches(key, f)));
                if let Some((name, fty)) = field {
                    let sub = if path.is_empty() {
                        (*name).to_string()
                    } else {
                        format!("{path}.{name}")
                    };
                    let p = out.remove(name).unwrap_or_default();
                    out.insert(*name, go_decode(kind, *fty, p, val, &sub)?);
                }
            }
            Ok(Go::Obj(out))
        }
        _ => wrong(),
    }
}

/// The first JSON value of `body` decoded as Keel's handler decodes it with
/// `json.NewDecoder(body).Decode(&x)`: what follows that value is not read.
fn go_body(kind: &'static str, body: &[u8], ty: Ty) -> Result<Go, PayloadError> {
    let first = serde_json::Deserializer::from_slice(body)
        .into_iter::<J>()
        .next()
        .unwrap_or_else(|| serde_json::from_slice::<J>(b""));
    let v = first.map_err(|e| PayloadError::Json {
        kind,
        message: e.to_string(),
    })?;
    if !matches!(v, J::Obj(_) | J::Null) {
        return Err(invalid(
            kind,
            format!("expected a JSON object, got {}", v.type_name()),
        ));
    }
    go_decode(kind, ty, Go::Zero, &v, "")
}

/// Keel's name for a pushed repository: `host/name` when the payload gives a host,
/// with a leading `http://` or `https://` dropped, as Keel's image parser drops it.
fn keel_name(host: &str, name: &str) -> String {
    let full = if host.is_empty() {
        name.to_string()
    } else {
        format!("{host}/{name}")
    };
    full.strip_prefix("http://")
        .or_else(|| full.strip_prefix("https://"))
        .unwrap_or(&full)
        .to_string()
}

/// Keel's native payload: `{"name": "ghcr.io/org/app", "tag": "dev"}`, optional
/// `digest` and `host` (prefixed to the name), read as Keel's Go decoder reads it:
/// keys in any case, unknown ones ignored, the declared ones type-checked.
///
/// # Errors
/// Not JSON, `name` or `tag` missing or empty (Keel's 400s), or malformed.
pub fn native(body: &[u8]) -> Result<Parsed, PayloadError> {
    const KIND: &str = "native";
    let v = go_body(KIND, body, REPOSITORY)?;
    let (name, tag) = (v.field("name").str(), v.field("tag").str());
    if name.is_empty() {
        return Err(invalid(KIND, "repository name cannot be empty (`name`)"));
    }
    if tag.is_empty() {
        return Err(invalid(KIND, "repository tag cannot be empty (`tag`)"));
    }
    let name = keel_name(v.field("host").str(), name);
    let digest = Some(v.field("digest").str());
    Ok(Parsed {
        notifications: vec![checked(KIND, &name, tag, digest)?],
        skipped: Vec::new(),
    })
}

/// The distribution registry's notification envelope (`{"events": [...]}`): each
/// `push` of a manifest by tag is a notification named `request.host/target.repository`
/// as Keel names it (the host the pusher used). Pulls, deletes, blob pushes and
/// pushes by digest are skipped, and so is a push whose name, tag or digest is
/// malformed (with the reason), while the other events go ahead, as in Keel.
///
/// # Errors
/// Not JSON, not an envelope with `events`, or a declared field of the wrong type
/// (which makes Keel refuse the whole body).
pub fn registry(body: &[u8]) -> Result<Parsed, PayloadError> {
    const KIND: &str = "registry";
    let v = go_body(KIND, body, ENVELOPE)?;
    // Keel answers 200 and does nothing; a 400 tells the sender it is misconfigured.
    let Go::Arr(events) = v.field("events") else {
        return Err(invalid(KIND, "no `events` array (not a registry envelope)"));
    };
    let mut out = Parsed::default();
    for (i, e) in events.iter().enumerate() {
        let target = e.field("target");
        let (action, repo, tag) = (
            e.field("action").str(),
            target.field("repository").str(),
            target.field("tag").str(),
        );
        if action != "push" {
            out.skipped
                .push(format!("events[{i}]: action {action:?} is not a push"));
            continue;
        }
        if tag.is_empty() {
            let media = target.field("mediaType").str();
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
        let name = keel_name(
            "",
            &format!("{}/{repo}", e.field("request").field("host").str()),
        );
        let digest = Some(target.field("digest").str());
        match checked(KIND, &name, tag, digest) {
            Ok(n) => out.notifications.push(n),
            Err(err) => out.skipped.push(format!("events[{i}]: {err}")),
        }
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
            (br#"{"name":"a/b","tag":7}"#, "`tag` cannot be a number"),
            (
                br#"{"name":"a/b","tag":"dev","platformVerified":"yes"}"#,
                "`platformVerified` cannot be a string",
            ),
            (
                br#"{"name":"a/b","tag":true,"tag":"dev"}"#,
                "`tag` cannot be a boolean",
            ),
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
            (b"", "not valid JSON"),
        ] {
            let e = native(body).unwrap_err().to_string();
            assert!(e.contains(msg), "{}: {e}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn native_payloads_decode_as_gos_encoding_json() {
        let one = |body: &[u8]| {
            let n = native(body).unwrap().notifications;
            assert_eq!(n.len(), 1, "{}", String::from_utf8_lossy(body));
            (n[0].name.clone(), n[0].tag.clone())
        };
        let api = |tag: &str| ("ghcr.io/acme/api".to_string(), tag.to_string());
        // Keys in any case, Unicode simple folding included (the long s is an s).
        assert_eq!(
            one(br#"{"NAME":"ghcr.io/acme/api","Tag":"dev"}"#),
            api("dev")
        );
        assert_eq!(
            one("{\"name\":\"acme/api\",\"tag\":\"dev\",\"ho\u{17f}t\":\"ghcr.io\"}".as_bytes()),
            api("dev")
        );
        // The last of repeated keys wins; a later null keeps the earlier value.
        assert_eq!(
            one(br#"{"name":"ghcr.io/acme/api","tag":"a","TAG":"b"}"#),
            api("b")
        );
        assert_eq!(
            one(br#"{"name":"ghcr.io/acme/api","tag":"a","tag":null}"#),
            api("a")
        );
        // Only the first JSON value is read; what follows it is not.
        assert_eq!(
            one(br#"{"name":"ghcr.io/acme/api","tag":"dev"} trailing"#),
            api("dev")
        );
        // `host` is prefixed to the name; a scheme is dropped.
        assert_eq!(
            one(br#"{"host":"ghcr.io","name":"acme/api","tag":"dev"}"#),
            api("dev")
        );
        assert_eq!(
            one(br#"{"name":"https://ghcr.io/acme/api","tag":"dev"}"#),
            api("dev")
        );
        // Unknown fields of any type are ignored.
        assert_eq!(
            one(br#"{"name":"ghcr.io/acme/api","tag":"dev","x":[{}]}"#),
            api("dev")
        );
        assert!(
            native(b"null")
                .unwrap_err()
                .to_string()
                .contains("name cannot be empty")
        );
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
        // A push Keel cannot name is skipped with the reason; the other events go ahead.
        let p = registry(
            br#"{"events":[{"action":"push","target":{"tag":"dev"}},
                {"action":"push","target":{"repository":"acme/api","tag":"dev"},"request":{"host":"r:5000"}}]}"#,
        )
        .unwrap();
        assert_eq!(p.notifications.len(), 1);
        assert!(p.skipped[0].contains("events[0]"), "{:?}", p.skipped);
        // A declared field of the wrong type fails the body, as in Keel.
        for bad in [
            &br#"{"events":[{"timestamp":"yesterday"}]}"#[..],
            br#"{"events":[{"target":{"size":"12"}}]}"#,
            br#"{"events":[1]}"#,
            br#"{"events":{}}"#,
        ] {
            assert!(registry(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        assert!(
            registry(br#"{"events":[{"timestamp":"2018-10-11T13:53:21.859222576Z"}]}"#).is_ok()
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
