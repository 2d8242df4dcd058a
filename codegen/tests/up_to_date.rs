//! The committed models are what the generator writes from the pinned spec.
//!
//! Skipped, with a message, when the spec is not in the Go module cache: it is
//! fetched with `scripts/stripe-spec.sh` (the Go module proxy, about 20 MB), which
//! `make models` and CI run before this test.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file the generator writes, relative to the repository root.
const OUTPUTS: &[&str] = &[
    "src/models/api_version.rs",
    "src/models/generated/mod.rs",
    "src/models/generated/types.rs",
    "src/models/generated/events.rs",
    "tests/models/types.rs",
    "pkg-templates/types/models.d.ts",
    "pkg-templates/types/params.d.ts",
    "pkg-templates/models.mjs",
];

#[test]
fn committed_models_match_the_pinned_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let located = Command::new(root.join("scripts/stripe-spec.sh"))
        .arg("--offline")
        .output()
        .expect("run scripts/stripe-spec.sh");
    if !located.status.success() {
        eprintln!(
            "SKIPPED: the pinned Stripe spec is not in the Go module cache ({}); run \
             scripts/stripe-spec.sh to fetch it",
            String::from_utf8_lossy(&located.stderr).trim()
        );
        return;
    }
    let spec_dir = String::from_utf8(located.stdout).unwrap();

    let scratch = std::env::temp_dir().join(format!("stripe-edge-codegen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let status = Command::new(env!("CARGO_BIN_EXE_stripe-edge-codegen"))
        .arg(spec_dir.trim())
        .arg(&scratch)
        .status()
        .expect("run the generator");
    assert!(status.success(), "the generator failed");

    let stale: Vec<&str> = OUTPUTS
        .iter()
        .copied()
        .filter(|file| read(&root.join(file)) != read(&scratch.join(file)))
        .collect();
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        stale.is_empty(),
        "these generated files differ from what the generator writes now: {stale:?}; run \
         `make models` and commit the result"
    );
}

fn read(path: &PathBuf) -> Option<String> {
    std::fs::read_to_string(path).ok()
}
