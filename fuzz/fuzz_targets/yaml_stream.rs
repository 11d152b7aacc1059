//! Arbitrary bytes into the YAML stream loader: it must return Ok or Err, never panic.
#![no_main]

use kubectl_release::render::yaml::parse_stream;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_stream(&text, "fuzz.yaml");
});
