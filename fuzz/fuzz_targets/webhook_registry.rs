//! Arbitrary bytes into the distribution registry's envelope parser: Ok or Err,
//! never a panic; every notification it yields is well-formed.
#![no_main]

use kubectl_release::webhook::payload::{self, valid_digest, valid_name, valid_tag};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = payload::registry(data) {
        for n in &p.notifications {
            assert!(valid_name(&n.name) && valid_tag(&n.tag), "{n:?}");
            assert!(n.digest.as_deref().is_none_or(valid_digest), "{n:?}");
        }
    }
});
