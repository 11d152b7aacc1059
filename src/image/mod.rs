//! The image side: references, the OCI registry client and tag policies.
//!
//! `registry` is the edge (HTTP to registries); references and `policy` are pure.

pub mod policy;
pub mod registry;
pub mod resolve;

pub use resolve::Target;

use serde_json::Value;

/// The repository part of an image reference: `ghcr.io/acme/api:v1@sha256:..` is
/// `ghcr.io/acme/api` (a registry port is not a tag).
pub fn name_of(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let slash = no_digest.rfind('/').map(|i| i + 1).unwrap_or(0);
    match no_digest[slash..].rfind(':') {
        Some(i) => &no_digest[..slash + i],
        None => no_digest,
    }
}

/// The tag of an image reference, if it has one.
pub fn tag_of(image: &str) -> Option<&str> {
    let no_digest = image.split('@').next().unwrap_or(image);
    let slash = no_digest.rfind('/').map(|i| i + 1).unwrap_or(0);
    no_digest[slash..].rsplit_once(':').map(|(_, t)| t)
}

/// The digest of an image reference, if it has one.
pub fn digest_of(image: &str) -> Option<&str> {
    image.split_once('@').map(|(_, d)| d)
}

/// Every container image in rendered documents (containers and init containers), sorted, once each.
pub fn rendered_images(docs: &[Value]) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    if k == "containers" || k == "initContainers" {
                        if let Value::Array(items) = child {
                            for c in items {
                                if let Some(i) = c.get("image").and_then(Value::as_str) {
                                    out.push(i.to_string());
                                }
                            }
                        }
                    } else {
                        walk(child, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    docs.iter().for_each(|d| walk(d, &mut out));
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_parts() {
        assert_eq!(name_of("ghcr.io/acme/api:v1"), "ghcr.io/acme/api");
        assert_eq!(
            name_of("localhost:5000/api@sha256:ab"),
            "localhost:5000/api"
        );
        assert_eq!(
            name_of("localhost:5000/api:dev@sha256:ab"),
            "localhost:5000/api"
        );
        assert_eq!(name_of("api"), "api");
        assert_eq!(tag_of("localhost:5000/api"), None);
        assert_eq!(tag_of("localhost:5000/api:dev@sha256:ab"), Some("dev"));
        assert_eq!(digest_of("r/api:dev@sha256:ab"), Some("sha256:ab"));
    }
}
