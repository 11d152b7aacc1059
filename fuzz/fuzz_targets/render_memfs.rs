//! A whole render over a small in-memory tree built from the input: it must
//! return Ok or Err, never panic or hang.
//!
//! The input is split on NUL bytes: the first part is `/kustomization.yaml`,
//! the next (up to) two are `/a.yaml` and `/b.yaml`, so a kustomization that
//! lists them as resources, patches or generator files reaches them.
#![no_main]

use std::path::Path;

use kubectl_release::render::{self, fs::MemFs};
use libfuzzer_sys::fuzz_target;

const FILES: [&str; 3] = ["kustomization.yaml", "a.yaml", "b.yaml"];

fuzz_target!(|data: &[u8]| {
    let mut fs = MemFs::new();
    for (name, part) in FILES.iter().zip(data.split(|&b| b == 0)) {
        fs.add(name, part);
    }
    let _ = render::render(&fs, Path::new("/"));
});
