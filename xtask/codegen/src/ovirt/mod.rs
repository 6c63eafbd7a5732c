//! oVirt: `crates/ovirt/model/{types,services}.json` (the v4 API model) into the operation table
//! behind `omnivirt api`, the model-driven schema the JSON <-> XML bridge reads, typed objects
//! and typed operation methods.

use std::path::Path;

use crate::GeneratedFile;

pub mod api;
pub mod methods;
pub mod model;
pub mod ops;
pub mod schema;
pub mod types;

const TYPES: &str = "crates/ovirt/model/types.json";
const SERVICES: &str = "crates/ovirt/model/services.json";
const OUT: &str = "crates/ovirt/src/generated";

/// Reads the model under `root` and returns every generated file.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, String> {
    let read = |p: &str| {
        std::fs::read_to_string(root.join(p)).map_err(|e| format!("cannot read {p}: {e}"))
    };
    let model = model::Model::parse(&read(TYPES)?, &read(SERVICES)?)?;
    generate_from(&model)
}

/// Every generated file for a parsed model.
pub fn generate_from(model: &model::Model) -> Result<Vec<GeneratedFile>, String> {
    let ops = ops::operations(model)?;
    let mut files = vec![GeneratedFile::new(
        format!("{OUT}/mod.rs"),
        "//! Code generated from `crates/ovirt/model/` by `cargo xtask codegen ovirt`.\n\npub mod api;\nmod methods;\npub mod schema;\npub mod types;\n",
    )];
    files.extend(api::files(OUT, &ops));
    files.extend(schema::files(OUT, model));
    files.extend(types::files(OUT, model));
    files.extend(methods::files(OUT, &ops));
    Ok(files)
}

#[cfg(test)]
mod tests;
