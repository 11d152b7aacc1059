//! Who the API server says we are: a SelfSubjectReview, as `kubectl auth whoami` does.

use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use kube::api::{Api, PostParams};

use super::{Cluster, ClusterError};

/// The user name the API server authenticated for this client (a ServiceAccount
/// shows as `system:serviceaccount:NS:NAME`). Every authenticated user may ask
/// (the built-in `system:basic-user` role), so this needs no extra RBAC.
pub async fn whoami(c: &Cluster) -> Result<String, ClusterError> {
    let api: Api<SelfSubjectReview> = Api::all(c.client.clone());
    let review = api
        .create(&PostParams::default(), &SelfSubjectReview::default())
        .await
        .map_err(|e| c.api_err("asking the API server who we are (SelfSubjectReview)", e))?;
    review
        .status
        .and_then(|s| s.user_info)
        .and_then(|u| u.username)
        .ok_or_else(|| c.api_err("SelfSubjectReview", "the answer has no user name"))
}
