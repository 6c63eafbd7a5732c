//! `omnivirt-codegen [VENDOR] [--check]`: the generator on its own, for when a broken generated
//! file stops `cargo xtask` from building. `cargo xtask codegen` runs the same code.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match omnivirt_codegen::run(&args, &omnivirt_codegen::workspace_root()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("codegen: {e}");
            ExitCode::FAILURE
        }
    }
}
