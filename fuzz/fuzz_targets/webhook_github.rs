//! Arbitrary bytes into GitHub's package event parser: the first line is the
//! X-GitHub-Event header, the rest the body. Ok or Err, never a panic; what it
//! accepts is well-formed. The signature check runs on the same body too.
#![no_main]

use kubectl_release::webhook::auth::{Auth, github_signature};
use kubectl_release::webhook::payload::{self, valid_digest, valid_name, valid_tag};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (event, body) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let event = String::from_utf8_lossy(event);
    if let Ok(p) = payload::github(&event, body) {
        for n in &p.notifications {
            assert!(valid_name(&n.name) && valid_tag(&n.tag), "{n:?}");
            assert!(n.digest.as_deref().is_none_or(valid_digest), "{n:?}");
        }
    }
    // The header as a signature: accepted exactly when it is the body's HMAC
    // (hex digits in either case, surrounding blanks ignored).
    let auth = Auth::new(Some("t"), (None, None), Some("secret"), false).unwrap();
    let ok = auth.check_github(Some(event.as_bytes()), body).is_ok();
    let expected = github_signature(b"secret", body);
    assert_eq!(ok, event.trim().eq_ignore_ascii_case(&expected) && event.trim().starts_with("sha256="));
});
