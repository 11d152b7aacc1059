//! Argo CD's config-management-plugin contract: the plugin config, the environment Argo CD gives each command, and parameters.
//!
//! Pure: the environment comes in as name/value pairs, the plugin config and
//! parameter announcements go out as data. `cmd::cmp` does the I/O.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The plugin's name as Applications select it (`source.plugin.name`).
pub const PLUGIN_NAME: &str = "kubectl-release";

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CmpError {
    #[error(
        "ARGOCD_APP_PARAMETERS is not the JSON list of parameters Argo CD sends ({0}); check the Application's source.plugin.parameters"
    )]
    Parameters(String),
    #[error(
        "parameter {name:?} must be {want} (source.plugin.parameters of the Application): {detail}"
    )]
    ParameterShape {
        name: String,
        want: &'static str,
        detail: String,
    },
    #[error(
        "unknown parameter {0:?}; this plugin takes `env` (a string) and `images` (a list of REPO:TAG or REPO@sha256:...)"
    )]
    UnknownParameter(String),
}

/// What Argo CD says about the Application being generated (`ARGOCD_APP_*`,
/// `KUBE_*`, the user's `ARGOCD_ENV_*` and the parameters).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppEnv {
    pub app_name: Option<String>,
    pub app_namespace: Option<String>,
    pub project: Option<String>,
    pub revision: Option<String>,
    pub revision_short: Option<String>,
    /// The Application's `source.path`, relative to the repository root.
    pub source_path: Option<String>,
    pub repo_url: Option<String>,
    pub target_revision: Option<String>,
    pub kube_version: Option<String>,
    /// Group/versions the destination cluster serves (`apps/v1`, `v1`, ...).
    pub kube_api_versions: Vec<String>,
    /// The Application's `source.plugin.env`, without the `ARGOCD_ENV_` prefix.
    pub user_env: BTreeMap<String, String>,
    pub parameters: Vec<Parameter>,
}

/// One parameter of `source.plugin.parameters`, as Argo CD sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub array: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<BTreeMap<String, String>>,
}

impl AppEnv {
    /// Reads Argo CD's variables from `vars` (the process environment, in practice).
    ///
    /// # Errors
    /// `ARGOCD_APP_PARAMETERS` that is not Argo CD's JSON list.
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Result<Self, CmpError> {
        let mut e = AppEnv::default();
        let mut params_json = None;
        for (k, v) in vars {
            let nonempty = || Some(v.clone()).filter(|s| !s.is_empty());
            match k.as_str() {
                "ARGOCD_APP_NAME" => e.app_name = nonempty(),
                "ARGOCD_APP_NAMESPACE" => e.app_namespace = nonempty(),
                "ARGOCD_APP_PROJECT_NAME" => e.project = nonempty(),
                "ARGOCD_APP_REVISION" => e.revision = nonempty(),
                "ARGOCD_APP_REVISION_SHORT" => e.revision_short = nonempty(),
                "ARGOCD_APP_SOURCE_PATH" => e.source_path = nonempty(),
                "ARGOCD_APP_SOURCE_REPO_URL" => e.repo_url = nonempty(),
                "ARGOCD_APP_SOURCE_TARGET_REVISION" => e.target_revision = nonempty(),
                "KUBE_VERSION" => e.kube_version = nonempty(),
                "KUBE_API_VERSIONS" => {
                    e.kube_api_versions = v
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                }
                "ARGOCD_APP_PARAMETERS" => params_json = nonempty(),
                _ => {
                    if let Some(name) = k.strip_prefix("ARGOCD_ENV_") {
                        e.user_env.insert(name.to_string(), v);
                    }
                }
            }
        }
        if let Some(j) = params_json {
            // Argo CD sends `null` for an Application without parameters.
            let list: Option<Vec<Parameter>> =
                serde_json::from_str(&j).map_err(|err| CmpError::Parameters(err.to_string()))?;
            e.parameters = list.unwrap_or_default();
        }
        Ok(e)
    }

    /// "Application NAME at REV (path P)", for messages Argo CD shows.
    /// (`ARGOCD_APP_NAMESPACE` is the destination namespace, not the Application's.)
    pub fn describe(&self) -> String {
        let mut s = match &self.app_name {
            Some(n) => format!("Application {n}"),
            None => "the Application".to_string(),
        };
        if let Some(r) = self.revision_short.as_ref().or(self.revision.as_ref()) {
            s.push_str(&format!(" at {r}"));
        }
        if let Some(p) = &self.source_path {
            s.push_str(&format!(" (path {p})"));
        }
        s
    }

    /// What the Application asks the plugin to do.
    ///
    /// # Errors
    /// A parameter of the wrong shape or an unknown one.
    pub fn request(&self) -> Result<Request, CmpError> {
        let mut r = Request {
            env: self
                .user_env
                .get("RELEASE_ENV")
                .cloned()
                .filter(|s| !s.is_empty()),
            images: Vec::new(),
        };
        for p in &self.parameters {
            match p.name.as_str() {
                "env" => match (&p.string, &p.array, &p.map) {
                    (Some(s), None, None) => r.env = Some(s.clone()).filter(|s| !s.is_empty()),
                    _ => {
                        return Err(CmpError::ParameterShape {
                            name: p.name.clone(),
                            want: "a string",
                            detail: "give it as `string: ENV`".into(),
                        });
                    }
                },
                "images" => match (&p.string, &p.array, &p.map) {
                    (None, Some(a), None) => r.images = a.clone(),
                    _ => {
                        return Err(CmpError::ParameterShape {
                            name: p.name.clone(),
                            want: "a list",
                            detail: "give it as `array: [REPO:TAG, ...]`".into(),
                        });
                    }
                },
                other => return Err(CmpError::UnknownParameter(other.to_string())),
            }
        }
        Ok(r)
    }
}

/// What to generate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// Render this environment of `kubectl-release.yaml` instead of the
    /// Application's path (parameter `env`, else `ARGOCD_ENV_RELEASE_ENV`).
    pub env: Option<String>,
    /// Image overrides (`REPO:TAG` or `REPO@sha256:...`), set on every container running `REPO`.
    pub images: Vec<String>,
}

/// The `ConfigManagementPlugin` the sidecar serves (`plugin.yaml`); without
/// `spec.version`, Applications select it as `plugin: {name: kubectl-release}`.
///
/// By default it has no discovery: Argo CD then streams the repository to the
/// sidecar once per generation, and never for other Applications. With
/// `discover`, a repository with `kubectl-release.yaml` at or above an
/// Application's path is picked without a plugin name, at the price of a second
/// stream of the repository for every generation of every Application that does
/// not name a plugin or source type (Argo CD asks each discovering plugin
/// first): measured 0.5 s per generation at 2,000 resources.
pub fn plugin_config(discover: bool) -> String {
    let discovery = if discover {
        "  # Matches a repository with kubectl-release.yaml at or above the Application's path.
  discover:
    find:
      command: [kubectl-release, cmp, discover]
"
    } else {
        ""
    };
    format!(
        "apiVersion: argoproj.io/v1alpha1
kind: ConfigManagementPlugin
metadata:
  name: {PLUGIN_NAME}
spec:
  # Runs in the Application's source directory; prints only manifests; any
  # error exits non-zero with nothing on stdout, so Argo CD never prunes on it.
  generate:
    command: [kubectl-release, cmp, generate]
{discovery}  parameters:
    dynamic:
      command: [kubectl-release, cmp, parameters]
  preserveFileMode: false
"
    )
}

/// One parameter announcement for the Argo CD UI.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Announcement {
    pub name: String,
    pub title: String,
    pub tooltip: String,
    pub required: bool,
    pub item_type: String,
    pub collection_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub array: Option<Vec<String>>,
}

/// The parameters the UI shows: the environment (its default is the one whose
/// overlay is the Application's path) and image overrides.
pub fn announcements(environments: &[(String, String)], source_path: Option<&str>) -> Value {
    let here = source_path.map(|p| p.trim_matches('/'));
    let default_env = environments
        .iter()
        .find(|(_, path)| Some(path.trim_matches('/')) == here)
        .map(|(name, _)| name.clone())
        .unwrap_or_default();
    let names: Vec<&str> = environments.iter().map(|(n, _)| n.as_str()).collect();
    let list = vec![
        Announcement {
            name: "env".into(),
            title: "Environment".into(),
            tooltip: if names.is_empty() {
                "An environment of kubectl-release.yaml to render instead of the Application's path (none found)".into()
            } else {
                format!(
                    "An environment of kubectl-release.yaml to render instead of the Application's path: {}",
                    names.join(", ")
                )
            },
            required: false,
            item_type: "string".into(),
            collection_type: "string".into(),
            string: Some(default_env),
            array: None,
        },
        Announcement {
            name: "images".into(),
            title: "Image overrides".into(),
            tooltip: "REPO:TAG or REPO@sha256:..., set on every container that runs REPO".into(),
            required: false,
            item_type: "string".into(),
            collection_type: "array".into(),
            string: None,
            array: Some(Vec::new()),
        },
    ];
    serde_json::to_value(list).unwrap_or(Value::Null)
}

/// Sets the image overrides on rendered documents: every container and init
/// container running another tag or digest of an override's repository.
/// Returns the overrides that matched nothing, for a warning.
pub fn apply_image_overrides(docs: &mut [Value], overrides: &[String]) -> Vec<String> {
    fn walk(v: &mut Value, name: &str, image: &str, hit: &mut bool) {
        match v {
            Value::Object(m) => {
                for (k, child) in m.iter_mut() {
                    if k == "containers" || k == "initContainers" {
                        for c in child.as_array_mut().into_iter().flatten() {
                            if let Some(img) = c.get_mut("image")
                                && img
                                    .as_str()
                                    .is_some_and(|i| crate::image::name_of(i) == name)
                            {
                                *img = Value::String(image.to_string());
                                *hit = true;
                            }
                        }
                    } else {
                        walk(child, name, image, hit);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, name, image, hit)),
            _ => {}
        }
    }
    let mut unused = Vec::new();
    for o in overrides {
        let name = crate::image::name_of(o);
        let mut hit = false;
        for d in docs.iter_mut() {
            walk(d, name, o, &mut hit);
        }
        if !hit {
            unused.push(o.clone());
        }
    }
    unused
}

/// Rendered objects whose `apiVersion` the destination cluster does not serve
/// (per `KUBE_API_VERSIONS`): their sync would fail. Empty when Argo CD sent no list.
pub fn unserved(docs: &[Value], api_versions: &[String]) -> Vec<String> {
    if api_versions.is_empty() {
        return Vec::new();
    }
    docs.iter()
        .filter_map(|d| {
            let av = d.get("apiVersion")?.as_str()?;
            (!api_versions.iter().any(|v| v == av)).then(|| {
                format!(
                    "{} {} ({av})",
                    d.get("kind").and_then(Value::as_str).unwrap_or("?"),
                    d.pointer("/metadata/name")
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_argo_cds_environment() {
        let e = AppEnv::from_vars(vars(&[
            ("ARGOCD_APP_NAME", "shop-prod"),
            ("ARGOCD_APP_NAMESPACE", "argocd"),
            ("ARGOCD_APP_REVISION", "0123456789abcdef"),
            ("ARGOCD_APP_REVISION_SHORT", "0123456"),
            ("ARGOCD_APP_SOURCE_PATH", "envs/prod"),
            ("KUBE_API_VERSIONS", "v1,apps/v1"),
            ("ARGOCD_ENV_RELEASE_ENV", "prod"),
            ("PATH", "/bin"),
            (
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"images","array":["ghcr.io/acme/api:v2"]}]"#,
            ),
        ]))
        .unwrap();
        assert_eq!(
            e.describe(),
            "Application shop-prod at 0123456 (path envs/prod)"
        );
        assert_eq!(e.kube_api_versions, vec!["v1", "apps/v1"]);
        let r = e.request().unwrap();
        assert_eq!(r.env.as_deref(), Some("prod"));
        assert_eq!(r.images, vec!["ghcr.io/acme/api:v2"]);
        // A parameter wins over the plugin env.
        let e2 = AppEnv {
            parameters: vec![Parameter {
                name: "env".into(),
                string: Some("dev".into()),
                ..Default::default()
            }],
            ..e.clone()
        };
        assert_eq!(e2.request().unwrap().env.as_deref(), Some("dev"));
    }

    /// Regression, seen on Argo CD v3.2.11: an Application without parameters
    /// gets `ARGOCD_APP_PARAMETERS=null`.
    #[test]
    fn no_parameters_arrive_as_null() {
        let e = AppEnv::from_vars(vars(&[("ARGOCD_APP_PARAMETERS", "null")])).unwrap();
        assert!(e.parameters.is_empty());
        assert_eq!(e.request().unwrap(), Request::default());
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert!(matches!(
            AppEnv::from_vars(vars(&[("ARGOCD_APP_PARAMETERS", "{not json")])),
            Err(CmpError::Parameters(_))
        ));
        let e = AppEnv {
            parameters: vec![Parameter {
                name: "images".into(),
                string: Some("x".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(matches!(e.request(), Err(CmpError::ParameterShape { .. })));
        let e = AppEnv {
            parameters: vec![Parameter {
                name: "values".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(
            e.request(),
            Err(CmpError::UnknownParameter("values".into()))
        );
    }

    #[test]
    fn image_overrides_and_unserved_kinds() {
        let mut docs = vec![serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"},
            "spec": {"template": {"spec": {
                "initContainers": [{"name": "m", "image": "ghcr.io/acme/api:v1"}],
                "containers": [{"name": "api", "image": "ghcr.io/acme/api:v1"}, {"name": "p", "image": "ghcr.io/acme/proxy:v1"}]}}}
        })];
        let unused = apply_image_overrides(
            &mut docs,
            &[
                "ghcr.io/acme/api@sha256:ab".into(),
                "ghcr.io/acme/web:v3".into(),
            ],
        );
        assert_eq!(unused, vec!["ghcr.io/acme/web:v3"]);
        assert_eq!(
            crate::image::rendered_images(&docs),
            vec!["ghcr.io/acme/api@sha256:ab", "ghcr.io/acme/proxy:v1"]
        );
        assert_eq!(
            unserved(&docs, &["v1".into()]),
            vec!["Deployment api (apps/v1)"]
        );
        assert!(unserved(&docs, &[]).is_empty());
    }

    #[test]
    fn announcements_default_to_the_env_at_the_path() {
        let envs = vec![
            ("dev".to_string(), "envs/dev".to_string()),
            ("prod".to_string(), "envs/prod".to_string()),
        ];
        let a = announcements(&envs, Some("envs/prod"));
        assert_eq!(a[0]["name"], "env");
        assert_eq!(a[0]["string"], "prod");
        assert_eq!(a[1]["collectionType"], "array");
        for discover in [false, true] {
            let c = plugin_config(discover);
            assert!(c.contains("name: kubectl-release\n"));
            assert_eq!(c.contains("discover:"), discover);
        }
    }
}
