//! kustomize v5.5.0 built-in transformer field specs (default `TransformerConfig`).
//!
//! Transcribed from kustomize `api` module v0.18.0 (the one kustomize v5.5.0 and
//! `kubectl kustomize` v1.32 ship), files
//! `api/internal/konfig/builtinpluginconsts/{nameprefix,namesuffix,commonlabels,
//! metadatalabels,templatelabels,commonannotations,namespace,varreference,
//! namereference,images,replicas}.go`.
//!
//! ORDER: kustomize parses these YAML tables and then calls `sortFields()`
//! (`api/internal/plugins/builtinconfig/transformerconfig.go`), which runs Go's
//! (unstable) `sort.Sort` on every field-spec list and on the outer nameReference
//! list, comparing only the GVK (`resid.Gvk.IsLessThan`: legacy kind rank first,
//! then the string `group_version_kind` with `~G`/`~V`/`~K` for empty parts).
//! The lists below are in that effective runtime order (dumped from the real
//! code), which is what transformers iterate. The referrer lists inside each
//! nameReference entry are NOT sorted by kustomize and keep file order.
//!
//! Conventions: an empty `group`/`version`/`kind` is a wildcard. Paths use
//! kustomize's syntax: `/` separates fields, a `[]` suffix marks a list, a list met
//! without `[]` is traversed element by element anyway, and `\/` (written `\\/` in
//! Rust source) is a literal `/` inside a key. Data quirks of kustomize are kept on
//! purpose (duplicate `spec/tls/secretName` Ingress referrer of Secret; IngressClass
//! group written as `networking.k8s.io/v1`, so IngressClass renames never propagate).

/// One kustomizable field of one class of objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub path: &'static str,
    pub create: bool,
}

/// Referrers of one referenced kind (nameReference).
#[derive(Debug, Clone, Copy)]
pub struct NameRef {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub referrers: &'static [FieldSpec],
}

const fn fs(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    path: &'static str,
    create: bool,
) -> FieldSpec {
    FieldSpec {
        group,
        version,
        kind,
        path,
        create,
    }
}

/// `commonLabels` (and `labels[].includeSelectors: true`): selectors, templates and
/// `metadata/labels`. kustomize appends its metadata-label list to the selector list,
/// then sorts; runtime order below.
pub static COMMON_LABELS: &[FieldSpec] = &[
    fs("", "v1", "Service", "spec/selector", true),
    fs(
        "apps",
        "",
        "Deployment",
        "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        false,
    ),
    fs(
        "apps",
        "",
        "Deployment",
        "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        false,
    ),
    fs(
        "apps",
        "",
        "Deployment",
        "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        false,
    ),
    fs(
        "apps",
        "",
        "Deployment",
        "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        false,
    ),
    fs(
        "apps",
        "",
        "Deployment",
        "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
        false,
    ),
    fs("", "", "Deployment", "spec/template/metadata/labels", true),
    fs("", "", "Deployment", "spec/selector/matchLabels", true),
    fs("apps", "", "StatefulSet", "spec/selector/matchLabels", true),
    fs(
        "apps",
        "",
        "StatefulSet",
        "spec/volumeClaimTemplates[]/metadata/labels",
        true,
    ),
    fs(
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        false,
    ),
    fs(
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        false,
    ),
    fs(
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        false,
    ),
    fs(
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        false,
    ),
    fs(
        "apps",
        "",
        "StatefulSet",
        "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
        false,
    ),
    fs(
        "apps",
        "",
        "StatefulSet",
        "spec/template/metadata/labels",
        true,
    ),
    fs(
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/metadata/labels",
        true,
    ),
    fs(
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/metadata/labels",
        true,
    ),
    fs(
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/spec/selector/matchLabels",
        false,
    ),
    fs(
        "policy",
        "",
        "PodDisruptionBudget",
        "spec/selector/matchLabels",
        false,
    ),
    fs("batch", "", "Job", "spec/selector/matchLabels", false),
    fs("batch", "", "Job", "spec/template/metadata/labels", true),
    fs(
        "networking.k8s.io",
        "",
        "NetworkPolicy",
        "spec/egress/to/podSelector/matchLabels",
        false,
    ),
    fs(
        "networking.k8s.io",
        "",
        "NetworkPolicy",
        "spec/ingress/from/podSelector/matchLabels",
        false,
    ),
    fs(
        "networking.k8s.io",
        "",
        "NetworkPolicy",
        "spec/podSelector/matchLabels",
        false,
    ),
    fs(
        "",
        "v1",
        "ReplicationController",
        "spec/template/metadata/labels",
        true,
    ),
    fs("", "v1", "ReplicationController", "spec/selector", true),
    fs("", "", "DaemonSet", "spec/template/metadata/labels", true),
    fs("", "", "DaemonSet", "spec/selector/matchLabels", true),
    fs("", "", "ReplicaSet", "spec/template/metadata/labels", true),
    fs("", "", "ReplicaSet", "spec/selector/matchLabels", true),
    fs("", "", "", "metadata/labels", true),
];

/// `labels[].includeTemplates: true` (without `includeSelectors`): pod/job templates,
/// `volumeClaimTemplates[]` and `metadata/labels`; runtime order.
pub static TEMPLATE_LABELS: &[FieldSpec] = &[
    fs("", "", "Deployment", "spec/template/metadata/labels", true),
    fs(
        "apps",
        "",
        "StatefulSet",
        "spec/template/metadata/labels",
        true,
    ),
    fs(
        "apps",
        "",
        "StatefulSet",
        "spec/volumeClaimTemplates[]/metadata/labels",
        true,
    ),
    fs(
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/metadata/labels",
        true,
    ),
    fs(
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/metadata/labels",
        true,
    ),
    fs("batch", "", "Job", "spec/template/metadata/labels", true),
    fs(
        "",
        "v1",
        "ReplicationController",
        "spec/template/metadata/labels",
        true,
    ),
    fs("", "", "DaemonSet", "spec/template/metadata/labels", true),
    fs("", "", "ReplicaSet", "spec/template/metadata/labels", true),
    fs("", "", "", "metadata/labels", true),
];

/// `commonAnnotations`; runtime order.
pub static COMMON_ANNOTATIONS: &[FieldSpec] = &[
    fs(
        "",
        "",
        "Deployment",
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        "",
        "",
        "StatefulSet",
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/metadata/annotations",
        true,
    ),
    fs(
        "batch",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/metadata/annotations",
        true,
    ),
    fs(
        "batch",
        "",
        "Job",
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        "",
        "v1",
        "ReplicationController",
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        "",
        "",
        "DaemonSet",
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        "",
        "",
        "ReplicaSet",
        "spec/template/metadata/annotations",
        true,
    ),
    fs("", "", "", "metadata/annotations", true),
];

/// `namePrefix`.
pub static NAME_PREFIX: &[FieldSpec] = &[fs("", "", "", "metadata/name", false)];

/// `nameSuffix`.
pub static NAME_SUFFIX: &[FieldSpec] = &[fs("", "", "", "metadata/name", false)];

/// `namespace`, besides the hard-coded `metadata/namespace` (namespaced kinds only)
/// and RoleBinding/ClusterRoleBinding `subjects` handling. `metadata/name` of a
/// `Namespace` is only applied when its apiVersion is exactly `v1`; runtime order.
pub static NAMESPACE: &[FieldSpec] = &[
    fs("", "", "Namespace", "metadata/name", true),
    fs(
        "apiextensions.k8s.io",
        "",
        "CustomResourceDefinition",
        "spec/conversion/webhook/clientConfig/service/namespace",
        false,
    ),
    fs(
        "apiregistration.k8s.io",
        "",
        "APIService",
        "spec/service/namespace",
        true,
    ),
];

/// `images` (applied without creating fields, despite `create: true`; a second
/// "legacy" pass also rewrites every `containers`/`initContainers` list anywhere).
pub static IMAGES: &[FieldSpec] = &[
    fs("", "", "", "spec/containers[]/image", true),
    fs("", "", "", "spec/initContainers[]/image", true),
    fs("", "", "", "spec/template/spec/containers[]/image", true),
    fs(
        "",
        "",
        "",
        "spec/template/spec/initContainers[]/image",
        true,
    ),
];

/// `replicas`; runtime order.
pub static REPLICAS: &[FieldSpec] = &[
    fs("", "", "Deployment", "spec/replicas", true),
    fs("", "", "StatefulSet", "spec/replicas", true),
    fs("", "", "ReplicaSet", "spec/replicas", true),
    fs("", "", "ReplicationController", "spec/replicas", true),
];

/// nameReference: for each referenced kind, the fields of other objects that hold
/// its name. Outer list in runtime (sorted) order; referrers in file order
/// (kustomize does not sort them; duplicates kept).
pub static NAME_REFERENCE: &[NameRef] = &[
    NameRef {
        group: "storage.k8s.io",
        version: "v1",
        kind: "StorageClass",
        referrers: &[
            fs("", "", "PersistentVolume", "spec/storageClassName", false),
            fs(
                "",
                "",
                "PersistentVolumeClaim",
                "spec/storageClassName",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/volumeClaimTemplates/spec/storageClassName",
                false,
            ),
        ],
    },
    NameRef {
        group: "",
        version: "v1",
        kind: "ServiceAccount",
        referrers: &[
            fs(
                "rbac.authorization.k8s.io",
                "",
                "RoleBinding",
                "subjects",
                false,
            ),
            fs(
                "rbac.authorization.k8s.io",
                "",
                "ClusterRoleBinding",
                "subjects",
                false,
            ),
            fs("", "", "Pod", "spec/serviceAccountName", false),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/serviceAccountName",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/serviceAccountName",
                false,
            ),
            fs(
                "",
                "",
                "ReplicationController",
                "spec/template/spec/serviceAccountName",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/serviceAccountName",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/serviceAccountName",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/serviceAccountName",
                false,
            ),
        ],
    },
    NameRef {
        group: "rbac.authorization.k8s.io",
        version: "",
        kind: "Role",
        referrers: &[fs(
            "rbac.authorization.k8s.io",
            "",
            "RoleBinding",
            "roleRef/name",
            false,
        )],
    },
    NameRef {
        group: "rbac.authorization.k8s.io",
        version: "",
        kind: "ClusterRole",
        referrers: &[
            fs(
                "rbac.authorization.k8s.io",
                "",
                "RoleBinding",
                "roleRef/name",
                false,
            ),
            fs(
                "rbac.authorization.k8s.io",
                "",
                "ClusterRoleBinding",
                "roleRef/name",
                false,
            ),
        ],
    },
    NameRef {
        group: "",
        version: "v1",
        kind: "ConfigMap",
        referrers: &[
            fs("", "v1", "Pod", "spec/volumes/configMap/name", false),
            fs(
                "",
                "v1",
                "Pod",
                "spec/containers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "v1",
                "Pod",
                "spec/initContainers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "v1",
                "Pod",
                "spec/containers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "v1",
                "Pod",
                "spec/initContainers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "v1",
                "Pod",
                "spec/volumes/projected/sources/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/volumes/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/containers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/initContainers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/containers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/initContainers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/volumes/projected/sources/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/volumes/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/containers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/initContainers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/volumes/projected/sources/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/volumes/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/containers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/initContainers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/volumes/projected/sources/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/volumes/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/containers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/initContainers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/volumes/projected/sources/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/volumes/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/containers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/initContainers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/volumes/projected/sources/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/volumes/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/containers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/containers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/initContainers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/volumes/projected/sources/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/volumes/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/volumes/projected/sources/configMap/name",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/containers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/containers/envFrom/configMapRef/name",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/initContainers/envFrom/configMapRef/name",
                false,
            ),
            fs("", "", "Node", "spec/configSource/configMap", false),
            fs("", "", "Role", "rules/resourceNames", false),
            fs("", "", "ClusterRole", "rules/resourceNames", false),
            fs(
                "",
                "",
                "Ingress",
                "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap",
                false,
            ),
        ],
    },
    NameRef {
        group: "",
        version: "v1",
        kind: "Secret",
        referrers: &[
            fs("", "v1", "Pod", "spec/volumes/secret/secretName", false),
            fs(
                "",
                "v1",
                "Pod",
                "spec/containers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "v1",
                "Pod",
                "spec/initContainers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "v1",
                "Pod",
                "spec/containers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "v1",
                "Pod",
                "spec/initContainers/envFrom/secretRef/name",
                false,
            ),
            fs("", "v1", "Pod", "spec/imagePullSecrets/name", false),
            fs(
                "",
                "v1",
                "Pod",
                "spec/volumes/projected/sources/secret/name",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/volumes/secret/secretName",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/containers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/initContainers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/containers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/initContainers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/imagePullSecrets/name",
                false,
            ),
            fs(
                "",
                "",
                "PodTemplate",
                "template/spec/volumes/projected/sources/secret/name",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/volumes/secret/secretName",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/containers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/initContainers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/imagePullSecrets/name",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/volumes/projected/sources/secret/name",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/volumes/secret/secretName",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/containers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/initContainers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/imagePullSecrets/name",
                false,
            ),
            fs(
                "",
                "",
                "ReplicaSet",
                "spec/template/spec/volumes/projected/sources/secret/name",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/volumes/secret/secretName",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/containers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/initContainers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/imagePullSecrets/name",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/volumes/projected/sources/secret/name",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/volumes/secret/secretName",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/containers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/initContainers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/imagePullSecrets/name",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/volumes/projected/sources/secret/name",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/volumes/secret/secretName",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/containers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/initContainers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/imagePullSecrets/name",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/volumes/projected/sources/secret/name",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/volumes/secret/secretName",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/volumes/projected/sources/secret/name",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/containers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/initContainers/envFrom/secretRef/name",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/imagePullSecrets/name",
                false,
            ),
            fs("", "", "Ingress", "spec/tls/secretName", false),
            fs(
                "",
                "",
                "Ingress",
                "metadata/annotations/ingress.kubernetes.io\\/auth-secret",
                false,
            ),
            fs(
                "",
                "",
                "Ingress",
                "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret",
                false,
            ),
            fs(
                "",
                "",
                "Ingress",
                "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret",
                false,
            ),
            fs("", "", "Ingress", "spec/tls/secretName", false),
            fs("", "", "ServiceAccount", "imagePullSecrets/name", false),
            fs("", "", "StorageClass", "parameters/secretName", false),
            fs("", "", "StorageClass", "parameters/adminSecretName", false),
            fs("", "", "StorageClass", "parameters/userSecretName", false),
            fs("", "", "StorageClass", "parameters/secretRef", false),
            fs("", "", "Role", "rules/resourceNames", false),
            fs("", "", "ClusterRole", "rules/resourceNames", false),
            fs(
                "serving.knative.dev",
                "v1",
                "Service",
                "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
                false,
            ),
            fs(
                "",
                "",
                "PersistentVolume",
                "spec/azureFile/secretName",
                false,
            ),
        ],
    },
    NameRef {
        group: "",
        version: "v1",
        kind: "Service",
        referrers: &[
            fs("apps", "", "StatefulSet", "spec/serviceName", false),
            fs(
                "",
                "",
                "Ingress",
                "spec/rules/http/paths/backend/serviceName",
                false,
            ),
            fs("", "", "Ingress", "spec/backend/serviceName", false),
            fs(
                "",
                "",
                "Ingress",
                "spec/rules/http/paths/backend/service/name",
                false,
            ),
            fs("", "", "Ingress", "spec/defaultBackend/service/name", false),
            fs(
                "apiregistration.k8s.io",
                "",
                "APIService",
                "spec/service/name",
                false,
            ),
            fs(
                "admissionregistration.k8s.io",
                "",
                "ValidatingWebhookConfiguration",
                "webhooks/clientConfig/service",
                false,
            ),
            fs(
                "admissionregistration.k8s.io",
                "",
                "MutatingWebhookConfiguration",
                "webhooks/clientConfig/service",
                false,
            ),
        ],
    },
    NameRef {
        group: "scheduling.k8s.io",
        version: "v1",
        kind: "PriorityClass",
        referrers: &[
            fs("", "", "Pod", "spec/priorityClassName", false),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/priorityClassName",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/priorityClassName",
                false,
            ),
            fs(
                "",
                "",
                "ReplicationController",
                "spec/template/spec/priorityClassName",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/priorityClassName",
                false,
            ),
            fs("", "", "Job", "spec/template/spec/priorityClassName", false),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/priorityClassName",
                false,
            ),
        ],
    },
    NameRef {
        group: "",
        version: "v1",
        kind: "PersistentVolume",
        referrers: &[
            fs("", "", "PersistentVolumeClaim", "spec/volumeName", false),
            fs("", "", "ClusterRole", "rules/resourceNames", false),
        ],
    },
    NameRef {
        group: "",
        version: "v1",
        kind: "PersistentVolumeClaim",
        referrers: &[
            fs(
                "",
                "",
                "Pod",
                "spec/volumes/persistentVolumeClaim/claimName",
                false,
            ),
            fs(
                "",
                "",
                "StatefulSet",
                "spec/template/spec/volumes/persistentVolumeClaim/claimName",
                false,
            ),
            fs(
                "",
                "",
                "Deployment",
                "spec/template/spec/volumes/persistentVolumeClaim/claimName",
                false,
            ),
            fs(
                "",
                "",
                "ReplicationController",
                "spec/template/spec/volumes/persistentVolumeClaim/claimName",
                false,
            ),
            fs(
                "",
                "",
                "CronJob",
                "spec/jobTemplate/spec/template/spec/volumes/persistentVolumeClaim/claimName",
                false,
            ),
            fs(
                "",
                "",
                "Job",
                "spec/template/spec/volumes/persistentVolumeClaim/claimName",
                false,
            ),
            fs(
                "",
                "",
                "DaemonSet",
                "spec/template/spec/volumes/persistentVolumeClaim/claimName",
                false,
            ),
        ],
    },
    NameRef {
        group: "",
        version: "",
        kind: "Deployment",
        referrers: &[fs(
            "",
            "",
            "HorizontalPodAutoscaler",
            "spec/scaleTargetRef/name",
            false,
        )],
    },
    NameRef {
        group: "",
        version: "",
        kind: "StatefulSet",
        referrers: &[fs(
            "",
            "",
            "HorizontalPodAutoscaler",
            "spec/scaleTargetRef/name",
            false,
        )],
    },
    NameRef {
        group: "admissionregistration.k8s.io",
        version: "",
        kind: "ValidatingAdmissionPolicy",
        referrers: &[fs(
            "admissionregistration.k8s.io",
            "",
            "ValidatingAdmissionPolicyBinding",
            "spec/policyName",
            false,
        )],
    },
    NameRef {
        group: "networking.k8s.io/v1",
        version: "v1",
        kind: "IngressClass",
        referrers: &[fs("", "", "Ingress", "spec/ingressClassName", false)],
    },
    NameRef {
        group: "",
        version: "",
        kind: "ReplicaSet",
        referrers: &[fs(
            "",
            "",
            "HorizontalPodAutoscaler",
            "spec/scaleTargetRef/name",
            false,
        )],
    },
    NameRef {
        group: "",
        version: "",
        kind: "ReplicationController",
        referrers: &[fs(
            "",
            "",
            "HorizontalPodAutoscaler",
            "spec/scaleTargetRef/name",
            false,
        )],
    },
];

/// `vars` substitution targets (`$(VAR)`); runtime order.
pub static VAR_REFERENCE: &[FieldSpec] = &[
    fs("", "", "Service", "spec/ports/port", false),
    fs("", "", "Service", "spec/ports/targetPort", false),
    fs("", "", "PersistentVolume", "spec/nfs/server", false),
    fs(
        "",
        "",
        "Deployment",
        "spec/template/spec/initContainers/volumeMounts/mountPath",
        false,
    ),
    fs(
        "",
        "",
        "Deployment",
        "spec/template/spec/initContainers/env/value",
        false,
    ),
    fs(
        "",
        "",
        "Deployment",
        "spec/template/spec/initContainers/command",
        false,
    ),
    fs(
        "",
        "",
        "Deployment",
        "spec/template/spec/initContainers/args",
        false,
    ),
    fs(
        "",
        "",
        "Deployment",
        "spec/template/spec/containers/volumeMounts/mountPath",
        false,
    ),
    fs(
        "",
        "",
        "Deployment",
        "spec/template/spec/containers/env/value",
        false,
    ),
    fs(
        "",
        "",
        "Deployment",
        "spec/template/spec/volumes/nfs/server",
        false,
    ),
    fs(
        "",
        "",
        "Deployment",
        "spec/template/metadata/annotations",
        false,
    ),
    fs(
        "",
        "",
        "Deployment",
        "spec/template/spec/containers/command",
        false,
    ),
    fs(
        "",
        "",
        "Deployment",
        "spec/template/spec/containers/args",
        false,
    ),
    fs(
        "",
        "",
        "StatefulSet",
        "spec/template/spec/containers/volumeMounts/mountPath",
        false,
    ),
    fs(
        "",
        "",
        "StatefulSet",
        "spec/template/spec/containers/env/value",
        false,
    ),
    fs(
        "",
        "",
        "StatefulSet",
        "spec/template/spec/initContainers/args",
        false,
    ),
    fs(
        "",
        "",
        "StatefulSet",
        "spec/volumeClaimTemplates/spec/nfs/server",
        false,
    ),
    fs(
        "",
        "",
        "StatefulSet",
        "spec/template/spec/initContainers/command",
        false,
    ),
    fs(
        "",
        "",
        "StatefulSet",
        "spec/template/spec/containers/command",
        false,
    ),
    fs(
        "",
        "",
        "StatefulSet",
        "spec/template/spec/containers/args",
        false,
    ),
    fs(
        "",
        "",
        "StatefulSet",
        "spec/template/spec/initContainers/volumeMounts/mountPath",
        false,
    ),
    fs(
        "",
        "",
        "StatefulSet",
        "spec/template/spec/initContainers/env/value",
        false,
    ),
    fs(
        "",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/spec/initContainers/env/value",
        false,
    ),
    fs(
        "",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/spec/initContainers/command",
        false,
    ),
    fs(
        "",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/spec/initContainers/args",
        false,
    ),
    fs(
        "",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/spec/containers/volumeMounts/mountPath",
        false,
    ),
    fs(
        "",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/spec/containers/env/value",
        false,
    ),
    fs(
        "",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/spec/containers/command",
        false,
    ),
    fs(
        "",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/spec/initContainers/volumeMounts/mountPath",
        false,
    ),
    fs(
        "",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/volumes/nfs/server",
        false,
    ),
    fs(
        "",
        "",
        "CronJob",
        "spec/jobTemplate/spec/template/spec/containers/args",
        false,
    ),
    fs(
        "",
        "",
        "DaemonSet",
        "spec/template/spec/containers/command",
        false,
    ),
    fs(
        "",
        "",
        "DaemonSet",
        "spec/template/spec/volumes/nfs/server",
        false,
    ),
    fs(
        "",
        "",
        "DaemonSet",
        "spec/template/spec/initContainers/volumeMounts/mountPath",
        false,
    ),
    fs(
        "",
        "",
        "DaemonSet",
        "spec/template/spec/initContainers/env/value",
        false,
    ),
    fs(
        "",
        "",
        "DaemonSet",
        "spec/template/spec/initContainers/command",
        false,
    ),
    fs(
        "",
        "",
        "DaemonSet",
        "spec/template/spec/initContainers/args",
        false,
    ),
    fs(
        "",
        "",
        "DaemonSet",
        "spec/template/spec/containers/volumeMounts/mountPath",
        false,
    ),
    fs(
        "",
        "",
        "DaemonSet",
        "spec/template/spec/containers/env/value",
        false,
    ),
    fs(
        "",
        "",
        "DaemonSet",
        "spec/template/spec/containers/args",
        false,
    ),
    fs("", "", "Ingress", "spec/tls/secretName", false),
    fs("", "", "Ingress", "spec/tls/hosts", false),
    fs("", "", "Ingress", "spec/rules/host", false),
    fs(
        "",
        "",
        "Job",
        "spec/template/spec/initContainers/command",
        false,
    ),
    fs(
        "",
        "",
        "Job",
        "spec/template/spec/volumes/nfs/server",
        false,
    ),
    fs("", "", "Job", "spec/template/spec/containers/args", false),
    fs(
        "",
        "",
        "Job",
        "spec/template/spec/containers/command",
        false,
    ),
    fs(
        "",
        "",
        "Job",
        "spec/template/spec/containers/env/value",
        false,
    ),
    fs(
        "",
        "",
        "Job",
        "spec/template/spec/containers/volumeMounts/mountPath",
        false,
    ),
    fs(
        "",
        "",
        "Job",
        "spec/template/spec/initContainers/args",
        false,
    ),
    fs(
        "",
        "",
        "Job",
        "spec/template/spec/initContainers/env/value",
        false,
    ),
    fs(
        "",
        "",
        "Job",
        "spec/template/spec/initContainers/volumeMounts/mountPath",
        false,
    ),
    fs(
        "",
        "",
        "Pod",
        "spec/containers/volumeMounts/mountPath",
        false,
    ),
    fs("", "", "Pod", "spec/containers/args", false),
    fs("", "", "Pod", "spec/initContainers/command", false),
    fs("", "", "Pod", "spec/initContainers/env/value", false),
    fs(
        "",
        "",
        "Pod",
        "spec/initContainers/volumeMounts/mountPath",
        false,
    ),
    fs("", "", "Pod", "spec/volumes/nfs/server", false),
    fs("", "", "Pod", "spec/initContainers/args", false),
    fs("", "", "Pod", "spec/containers/env/value", false),
    fs("", "", "Pod", "spec/containers/command", false),
    fs(
        "",
        "",
        "ReplicaSet",
        "spec/template/spec/volumes/nfs/server",
        false,
    ),
    fs(
        "",
        "",
        "ReplicaSet",
        "spec/template/spec/containers/volumeMounts/mountPath",
        false,
    ),
    fs(
        "",
        "",
        "ReplicaSet",
        "spec/template/spec/containers/env/value",
        false,
    ),
    fs(
        "",
        "",
        "ReplicaSet",
        "spec/template/spec/containers/command",
        false,
    ),
    fs(
        "",
        "",
        "ReplicaSet",
        "spec/template/spec/containers/args",
        false,
    ),
    fs(
        "",
        "",
        "ReplicaSet",
        "spec/template/spec/initContainers/args",
        false,
    ),
    fs(
        "",
        "",
        "ReplicaSet",
        "spec/template/spec/initContainers/volumeMounts/mountPath",
        false,
    ),
    fs(
        "",
        "",
        "ReplicaSet",
        "spec/template/spec/initContainers/env/value",
        false,
    ),
    fs(
        "",
        "",
        "ReplicaSet",
        "spec/template/spec/initContainers/command",
        false,
    ),
    fs("", "", "", "metadata/labels", false),
    fs("", "", "", "metadata/annotations", false),
];
#[cfg(test)]
mod tests {
    use super::*;

    fn has(t: &[FieldSpec], g: &str, v: &str, k: &str, p: &str, c: bool) -> bool {
        t.iter()
            .any(|f| f.group == g && f.version == v && f.kind == k && f.path == p && f.create == c)
    }

    fn nameref(kind: &str) -> &'static NameRef {
        NAME_REFERENCE
            .iter()
            .find(|n| n.kind == kind)
            .expect("kind present")
    }

    // kustomize's resid.Gvk.IsLessThan, used by sortFields().
    fn rank(kind: &str) -> i32 {
        const FIRST: &[&str] = &[
            "Namespace",
            "ResourceQuota",
            "StorageClass",
            "CustomResourceDefinition",
            "ServiceAccount",
            "PodSecurityPolicy",
            "Role",
            "ClusterRole",
            "RoleBinding",
            "ClusterRoleBinding",
            "ConfigMap",
            "Secret",
            "Endpoints",
            "Service",
            "LimitRange",
            "PriorityClass",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "Deployment",
            "StatefulSet",
            "CronJob",
            "PodDisruptionBudget",
        ];
        const LAST: &[&str] = &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ];
        if let Some(i) = FIRST.iter().position(|k| *k == kind) {
            return i as i32 - FIRST.len() as i32;
        }
        if let Some(i) = LAST.iter().position(|k| *k == kind) {
            return i as i32 + 1;
        }
        0
    }

    fn key(g: &str, v: &str, k: &str) -> (i32, String) {
        let or = |s: &str, d: &str| {
            if s.is_empty() {
                d.to_string()
            } else {
                s.to_string()
            }
        };
        (
            rank(k),
            format!("{}_{}_{}", or(g, "~G"), or(v, "~V"), or(k, "~K")),
        )
    }

    #[test]
    fn table_sizes() {
        assert_eq!(COMMON_LABELS.len(), 32);
        assert_eq!(TEMPLATE_LABELS.len(), 10);
        assert_eq!(COMMON_ANNOTATIONS.len(), 9);
        assert_eq!(NAME_PREFIX.len(), 1);
        assert_eq!(NAME_SUFFIX.len(), 1);
        assert_eq!(NAMESPACE.len(), 3);
        assert_eq!(IMAGES.len(), 4);
        assert_eq!(REPLICAS.len(), 4);
        assert_eq!(VAR_REFERENCE.len(), 72);
        assert_eq!(NAME_REFERENCE.len(), 16);
        assert_eq!(nameref("ConfigMap").referrers.len(), 52);
        assert_eq!(nameref("Secret").referrers.len(), 70);
    }

    #[test]
    fn well_known_entries() {
        assert_eq!(NAME_PREFIX[0], fs("", "", "", "metadata/name", false));
        assert_eq!(
            COMMON_LABELS[0],
            fs("", "v1", "Service", "spec/selector", true)
        );
        assert!(has(
            COMMON_LABELS,
            "",
            "",
            "Deployment",
            "spec/selector/matchLabels",
            true
        ));
        assert!(has(
            COMMON_LABELS,
            "batch",
            "",
            "Job",
            "spec/selector/matchLabels",
            false
        ));
        assert!(has(
            COMMON_LABELS,
            "apps",
            "",
            "StatefulSet",
            "spec/volumeClaimTemplates[]/metadata/labels",
            true
        ));
        assert_eq!(
            *COMMON_LABELS.last().unwrap(),
            fs("", "", "", "metadata/labels", true)
        );
        assert!(has(
            TEMPLATE_LABELS,
            "batch",
            "",
            "CronJob",
            "spec/jobTemplate/spec/template/metadata/labels",
            true
        ));
        assert!(TEMPLATE_LABELS.iter().all(|f| !f.path.contains("selector")));
        assert!(TEMPLATE_LABELS.iter().all(|f| COMMON_LABELS.contains(f)));
        assert_eq!(
            *COMMON_ANNOTATIONS.last().unwrap(),
            fs("", "", "", "metadata/annotations", true)
        );
        assert_eq!(NAMESPACE[0], fs("", "", "Namespace", "metadata/name", true));
        assert!(has(
            NAMESPACE,
            "apiregistration.k8s.io",
            "",
            "APIService",
            "spec/service/namespace",
            true
        ));
        assert_eq!(IMAGES[0], fs("", "", "", "spec/containers[]/image", true));
        assert!(has(
            IMAGES,
            "",
            "",
            "",
            "spec/template/spec/initContainers[]/image",
            true
        ));
        assert!(has(REPLICAS, "", "", "StatefulSet", "spec/replicas", true));
        assert_eq!(
            VAR_REFERENCE[VAR_REFERENCE.len() - 2].path,
            "metadata/labels"
        );
        assert!(has(
            VAR_REFERENCE,
            "",
            "",
            "Ingress",
            "spec/tls/secretName",
            false
        ));

        let first = &NAME_REFERENCE[0];
        assert_eq!(
            (first.group, first.version, first.kind),
            ("storage.k8s.io", "v1", "StorageClass")
        );
        let cm = nameref("ConfigMap");
        assert_eq!((cm.group, cm.version), ("", "v1"));
        assert_eq!(
            cm.referrers[0],
            fs("", "v1", "Pod", "spec/volumes/configMap/name", false)
        );
        assert!(has(
            cm.referrers,
            "",
            "",
            "Ingress",
            "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap",
            false
        ));
        let secret = nameref("Secret");
        assert_eq!(
            secret
                .referrers
                .iter()
                .filter(|f| f.kind == "Ingress" && f.path == "spec/tls/secretName")
                .count(),
            2
        );
        let sa = nameref("ServiceAccount");
        assert!(has(
            sa.referrers,
            "rbac.authorization.k8s.io",
            "",
            "RoleBinding",
            "subjects",
            false
        ));
        assert!(has(
            nameref("ClusterRole").referrers,
            "rbac.authorization.k8s.io",
            "",
            "ClusterRoleBinding",
            "roleRef/name",
            false
        ));
        assert!(has(
            nameref("Deployment").referrers,
            "",
            "",
            "HorizontalPodAutoscaler",
            "spec/scaleTargetRef/name",
            false
        ));
        assert_eq!(nameref("IngressClass").group, "networking.k8s.io/v1");
    }

    #[test]
    fn lists_are_in_kustomize_sorted_order() {
        for t in [
            COMMON_LABELS,
            TEMPLATE_LABELS,
            COMMON_ANNOTATIONS,
            NAME_PREFIX,
            NAME_SUFFIX,
            NAMESPACE,
            IMAGES,
            REPLICAS,
            VAR_REFERENCE,
        ] {
            for w in t.windows(2) {
                assert!(
                    key(w[0].group, w[0].version, w[0].kind)
                        <= key(w[1].group, w[1].version, w[1].kind),
                    "{:?} before {:?}",
                    w[0],
                    w[1]
                );
            }
        }
        for w in NAME_REFERENCE.windows(2) {
            assert!(
                key(w[0].group, w[0].version, w[0].kind) < key(w[1].group, w[1].version, w[1].kind)
            );
        }
    }

    #[test]
    fn paths_are_well_formed() {
        let all = [
            COMMON_LABELS,
            TEMPLATE_LABELS,
            COMMON_ANNOTATIONS,
            NAME_PREFIX,
            NAME_SUFFIX,
            NAMESPACE,
            IMAGES,
            REPLICAS,
            VAR_REFERENCE,
        ];
        let refs = NAME_REFERENCE.iter().map(|n| n.referrers);
        for t in all.into_iter().chain(refs) {
            for f in t {
                assert!(
                    !f.path.is_empty() && !f.path.starts_with('/') && !f.path.ends_with('/'),
                    "{f:?}"
                );
                assert!(!f.path.contains("//"), "{f:?}");
            }
        }
    }
}
