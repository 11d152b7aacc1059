//! The kustomize-compatible renderer: kustomization directories in, manifests out.

pub mod fs;
pub mod generator;
pub mod kustomization;
pub mod resource;
pub mod yaml;
