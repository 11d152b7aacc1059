//! Arbitrary bytes into the kustomization parser: it must return Ok or Err, never panic.
#![no_main]

use kubectl_release::render::kustomization::Kustomization;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = Kustomization::parse(&text, "kustomization.yaml");
});
