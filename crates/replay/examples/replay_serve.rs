#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Serves a cassette over HTTP on 127.0.0.1 until Ctrl-C, for clients in any language.
//!
//! ```text
//! cargo run -p omnivirt-replay --example replay_serve -- fixtures/ovirt/cassettes/list_vms.json
//! # then, in another shell:  OVIRT_URL=http://127.0.0.1:PORT/ovirt-engine/api pytest ...
//! ```
//!
//! On Ctrl-C it prints the requests that missed and the interactions never played, and exits
//! non-zero if there were any.

use omnivirt_replay::ReplayServer;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: replay_serve CASSETTE.json");
        std::process::exit(2);
    };
    let server = match ReplayServer::start_file(&path).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("replay_serve: {e}");
            std::process::exit(2);
        }
    };
    println!("serving {path} at {}", server.uri());
    println!("press Ctrl-C to stop");
    tokio::signal::ctrl_c().await.expect("Ctrl-C handler");
    match server.finish(false) {
        Ok(()) => println!("every recorded interaction was played, nothing missed"),
        Err(e) => {
            eprintln!("{}", e.message());
            std::process::exit(1);
        }
    }
}
