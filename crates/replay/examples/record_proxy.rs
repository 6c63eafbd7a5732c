#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Records what any client exchanges with a real endpoint, through a loopback proxy.
//!
//! ```text
//! cargo run -p omnivirt-replay --example record_proxy -- https://engine.lab:8443 ovirt out.json [CA.pem]
//! # point the client at the printed http://127.0.0.1:PORT instead of the engine, run it,
//! # then press Ctrl-C: the scrubbed cassette is written to out.json.
//! ```
//!
//! Review the result and run `cargo xtask fixtures audit` before committing it.

use std::path::Path;
use std::sync::Arc;

use omnivirt_http::{HyperTransport, TlsOptions};
use omnivirt_replay::{Cassette, Provenance, RecordingProxy, Scrubber};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: record_proxy UPSTREAM VENDOR OUT.json [CA.pem]");
        std::process::exit(2);
    }
    let mut tls = TlsOptions::builder();
    if let Some(ca) = args.get(3) {
        tls = tls.ca_file(ca);
    }
    let inner = Arc::new(HyperTransport::new(tls.build()).expect("transport"));
    let cassette = Cassette::new(
        args[1].clone(),
        Provenance::recorded_now().endpoint(format!("{} via record_proxy", args[1])),
    );
    let proxy = match RecordingProxy::start_with(&args[0], inner, cassette, Scrubber::new()).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("record_proxy: {e}");
            std::process::exit(2);
        }
    };
    println!("recording {} at {}", args[0], proxy.uri());
    println!("press Ctrl-C to stop and write {}", args[2]);
    tokio::signal::ctrl_c().await.expect("Ctrl-C handler");
    match proxy.finish(Some(Path::new(&args[2]))).await {
        Ok(c) => println!(
            "wrote {} interaction(s) to {}; add `product` and `product_version` to its provenance",
            c.interactions.len(),
            args[2]
        ),
        Err(e) => {
            eprintln!("record_proxy: {e}");
            std::process::exit(1);
        }
    }
}
