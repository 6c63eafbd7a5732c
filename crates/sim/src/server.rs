//! `SimServer`: the simulator as a real HTTP/1.1 server on loopback.

use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::{Method, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use omnivirt_core::{Error, ErrorKind, Result};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::skin::{Skin, serve};
use crate::world::World;

/// A loopback HTTP/1.1 server (keep-alive) that mounts several skins by path prefix.
///
/// Any HTTP client can talk to it, including the vendors' own SDKs. Unknown paths answer 404;
/// `HEAD` is answered like `GET` without a body. Stop it with [`SimServer::shutdown`]; dropping
/// it stops accepting connections too.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> omnivirt_core::Result<()> {
/// use std::sync::Arc;
/// use omnivirt_sim::{SimServer, SimSkin, World};
///
/// let world = Arc::new(World::default());
/// let server = SimServer::start(world, vec![Arc::new(SimSkin::new())], "127.0.0.1:0".parse().unwrap()).await?;
/// assert!(server.url().starts_with("http://127.0.0.1:"));
/// server.shutdown().await;
/// # Ok(())
/// # }
/// ```
pub struct SimServer {
    addr: SocketAddr,
    world: Arc<World>,
    skins: Vec<Arc<dyn Skin>>,
    stop: watch::Sender<bool>,
    accept: Option<JoinHandle<()>>,
}

impl fmt::Debug for SimServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vendors: Vec<&str> = self.skins.iter().map(|s| s.vendor()).collect();
        f.debug_struct("SimServer")
            .field("addr", &self.addr)
            .field("skins", &vendors)
            .finish_non_exhaustive()
    }
}

impl SimServer {
    /// Binds `addr` (port 0 picks a free port) and starts serving `world` through `skins`.
    /// Needs a tokio runtime. A bind failure is a `Transport` error.
    pub async fn start(
        world: Arc<World>,
        skins: Vec<Arc<dyn Skin>>,
        addr: SocketAddr,
    ) -> Result<SimServer> {
        let listener = TcpListener::bind(addr).await.map_err(|e| {
            Error::new(
                ErrorKind::Transport,
                format!("simulator cannot listen on {addr}: {e}"),
            )
            .with_source(e)
        })?;
        let addr = listener.local_addr().map_err(|e| {
            Error::new(
                ErrorKind::Transport,
                format!("simulator socket has no address: {e}"),
            )
        })?;
        let (stop, stopped) = watch::channel(false);
        let shared: Arc<[Arc<dyn Skin>]> = skins.clone().into();
        let accept = tokio::spawn(accept_loop(listener, world.clone(), shared, addr, stopped));
        tracing::debug!(%addr, "simulator listening");
        Ok(SimServer {
            addr,
            world,
            skins,
            stop,
            accept: Some(accept),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The World it serves.
    pub fn world(&self) -> &Arc<World> {
        &self.world
    }

    /// The mounted skins.
    pub fn skins(&self) -> &[Arc<dyn Skin>] {
        &self.skins
    }

    /// Stops accepting, lets requests in flight finish, and closes idle keep-alive
    /// connections.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(h) = self.accept.take() {
            let _ = h.await;
        }
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn accept_loop(
    listener: TcpListener,
    world: Arc<World>,
    skins: Arc<[Arc<dyn Skin>]>,
    addr: SocketAddr,
    mut stopped: watch::Receiver<bool>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let world = world.clone();
                let skins = skins.clone();
                let mut stop = stopped.clone();
                conns.spawn(async move {
                    let service = service_fn(move |req| {
                        let world = world.clone();
                        let skins = skins.clone();
                        async move { Ok::<_, Infallible>(answer(&world, &skins, addr, req).await) }
                    });
                    let conn = http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service);
                    let mut conn = std::pin::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = stop.changed() => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    while conns.join_next().await.is_some() {}
}

async fn answer(
    world: &World,
    skins: &[Arc<dyn Skin>],
    addr: SocketAddr,
    req: hyper::Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            return plain(
                StatusCode::BAD_REQUEST,
                format!("cannot read request body: {e}"),
            );
        }
    };
    let head = parts.method == Method::HEAD;
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let mut sreq = omnivirt_http::Request::new(
        if head {
            Method::GET
        } else {
            parts.method.clone()
        },
        format!("http://{addr}{path_and_query}"),
    )
    .body(body);
    sreq.headers = parts.headers;
    let resp = serve(world, skins, sreq).await;
    let status = resp.status;
    let headers = resp.headers;
    let bytes = match resp.body.collect().await {
        Ok(b) => b,
        Err(e) => {
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("simulator skin failed to produce a body: {e}"),
            );
        }
    };
    let mut out = hyper::Response::new(Full::new(if head { Bytes::new() } else { bytes }));
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    out
}

fn plain(status: StatusCode, text: String) -> hyper::Response<Full<Bytes>> {
    let mut out = hyper::Response::new(Full::new(Bytes::from(text)));
    *out.status_mut() = status;
    out
}
