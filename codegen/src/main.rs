//! Writes stripe-edge's typed models, and the TypeScript params of the API client's
//! methods, from Stripe's OpenAPI spec.
//!
//! Usage: `stripe-edge-codegen SPEC_DIR OUT_ROOT`, where `SPEC_DIR` holds the
//! `spec3.json` and `spec3.beta.sdk.json` of the pinned stripe-mock release (see
//! `scripts/stripe-spec.sh`) and `OUT_ROOT` is the repository root (or a scratch copy
//! of its layout, for the test that compares regenerated code with the committed one).
//!
//! The GA spec (`spec3.json`) decides which types and fields exist. The SDK variant of
//! the same release adds two things the GA file lacks: which fields every response
//! carries (`required`, as Stripe's SDKs read it) and which object each event type
//! carries (`x-stripeEvent`), plus the names Stripe's SDKs give resources.

mod groups;
mod model;
mod params;
mod render_rust;
mod render_ts;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec_dir, out_root] = args.as_slice() else {
        eprintln!("usage: stripe-edge-codegen SPEC_DIR OUT_ROOT");
        return ExitCode::from(2);
    };
    match run(Path::new(spec_dir), Path::new(out_root)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("stripe-edge-codegen: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(spec_dir: &Path, out_root: &Path) -> Result<(), String> {
    let spec = read_json(&spec_dir.join("spec3.json"))?;
    let sdk = read_json(&spec_dir.join("spec3.beta.sdk.json"))?;
    let model = model::Model::build(&spec, &sdk)?;
    let membership = groups::Membership::of(&model)?;

    let generated = out_root.join("src/models/generated");
    std::fs::create_dir_all(&generated).map_err(|e| format!("{}: {e}", generated.display()))?;
    let rust_files = [
        (generated.join("mod.rs"), render_rust::module(&model)),
        (
            generated.join("types.rs"),
            render_rust::types(&model, &membership),
        ),
        (
            generated.join("events.rs"),
            render_rust::events(&model, &membership),
        ),
        (
            out_root.join("src/models/api_version.rs"),
            render_rust::api_version(&model),
        ),
    ];
    for (path, text) in &rust_files {
        write(path, text)?;
    }
    let table = out_root.join("tests/models/types.rs");
    std::fs::create_dir_all(out_root.join("tests/models"))
        .map_err(|e| format!("tests/models: {e}"))?;
    write(&table, &render_rust::test_table(&model))?;
    let mut formatted: Vec<PathBuf> = rust_files.iter().map(|(path, _)| path.clone()).collect();
    formatted.push(table);
    rustfmt(formatted)?;

    let types_dir = out_root.join("pkg-templates/types");
    std::fs::create_dir_all(&types_dir).map_err(|e| format!("{}: {e}", types_dir.display()))?;
    write(
        &types_dir.join("models.d.ts"),
        &render_ts::declarations(&model),
    )?;
    write(
        &out_root.join("pkg-templates/models.mjs"),
        &render_ts::runtime(&model),
    )?;
    write(
        &types_dir.join("params.d.ts"),
        &params::declarations(&spec, &model.api_version)?,
    )?;

    if !model.untyped_events.is_empty() {
        eprintln!(
            "stripe-edge-codegen: event types without a typed object (they parse as \
             unknown events): {}",
            model.untyped_events.join(", ")
        );
    }
    for (feature, count) in membership.sizes() {
        eprintln!("stripe-edge-codegen: feature {feature} compiles {count} types");
    }
    eprintln!(
        "stripe-edge-codegen: API {}: {} structs, {} enums, {} unions, {} event types",
        model.api_version,
        model.structs.len(),
        model.enums.len(),
        model.unions.len(),
        model.events.len()
    );
    Ok(())
}

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Formats the Rust output as `cargo fmt` would, so the committed code is stable.
fn rustfmt(paths: Vec<PathBuf>) -> Result<(), String> {
    let status = Command::new("rustfmt")
        .arg("--edition")
        .arg("2021")
        .args(&paths)
        .status()
        .map_err(|e| format!("rustfmt: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("rustfmt failed: {status}"))
    }
}
