//! `SimTransport`: the simulator as an in-process `omnivirt_http::Transport` (no sockets).

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use omnivirt_core::Result;
use omnivirt_http::{Request, Response, Transport};

use crate::skin::{Skin, serve};
use crate::world::World;

/// A [`Transport`] that answers from a [`World`] through one or more skins, in process.
///
/// The URL's scheme and host are ignored; only the path and query matter. Use
/// [`SimTransport::BASE_URL`] as the base URL of the vendor client. Fault-plan delays use
/// tokio's clock, so a paused test clock skips them.
///
/// ```
/// # futures::executor::block_on(async {
/// use std::sync::Arc;
/// use omnivirt_http::{Request, Transport};
/// use omnivirt_sim::{SimSkin, SimTransport, World};
///
/// let world = Arc::new(World::default());
/// let t = SimTransport::new(world, Arc::new(SimSkin::new()));
/// let resp = t.send(Request::get("http://sim.invalid/nowhere")).await.unwrap();
/// assert_eq!(resp.status, 404);
/// # });
/// ```
#[derive(Clone)]
pub struct SimTransport {
    world: Arc<World>,
    skins: Vec<Arc<dyn Skin>>,
}

impl fmt::Debug for SimTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vendors: Vec<&str> = self.skins.iter().map(|s| s.vendor()).collect();
        f.debug_struct("SimTransport")
            .field("skins", &vendors)
            .finish_non_exhaustive()
    }
}

impl SimTransport {
    /// A base URL to give vendor clients; any host works.
    pub const BASE_URL: &'static str = "http://sim.invalid";

    /// A transport serving `world` through `skin`.
    pub fn new(world: Arc<World>, skin: Arc<dyn Skin>) -> Self {
        SimTransport {
            world,
            skins: vec![skin],
        }
    }

    /// Adds another skin (routed by mount, longest prefix first).
    pub fn with_skin(mut self, skin: Arc<dyn Skin>) -> Self {
        self.skins.push(skin);
        self
    }

    /// The World behind it.
    pub fn world(&self) -> &Arc<World> {
        &self.world
    }
}

#[async_trait]
impl Transport for SimTransport {
    async fn send(&self, req: Request) -> Result<Response> {
        Ok(serve(&self.world, &self.skins, req).await)
    }
}
