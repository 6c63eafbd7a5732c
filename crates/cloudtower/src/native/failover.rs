//! Active-passive CloudTower pairs (CloudTower 4.9): send to whichever node is active.

use std::fmt;

use async_trait::async_trait;
use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{Request, Response, SharedTransport, Transport};
use tokio::sync::Mutex;

use crate::VENDOR;

/// A transport in front of the nodes of an active-passive pair.
///
/// Requests are written against the first node's root; this layer sends them to the active
/// node, found by probing `GET <root>/api/healthz` on every node (200 = active, 307 = passive;
/// exactly one must be active). The answer is cached. When a node answers 307 (it became
/// passive), the pair is probed again and the request sent once more: the passive node refused
/// it without acting. A network error forgets the cached node and is returned as is.
pub struct ActivePassive {
    inner: SharedTransport,
    roots: Vec<String>,
    active: Mutex<Option<usize>>,
}

impl fmt::Debug for ActivePassive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActivePassive")
            .field("roots", &self.roots)
            .finish_non_exhaustive()
    }
}

fn root_of(url: &str) -> String {
    let after = url.split_once("://").map_or(0, |(s, _)| s.len() + 3);
    match url[after..].find('/') {
        Some(i) => url[..after + i].to_owned(),
        None => url.to_owned(),
    }
}

impl ActivePassive {
    /// Wraps `inner` for nodes given by URL (`https://tower-a`, `https://tower-b/v2/api`...; only
    /// scheme, host and port are used). `Config` error with fewer than one node.
    pub fn new(inner: SharedTransport, nodes: &[String]) -> Result<Self> {
        let mut roots: Vec<String> = Vec::new();
        for n in nodes {
            let r = root_of(n.trim());
            if !roots.contains(&r) {
                roots.push(r);
            }
        }
        if roots.is_empty() {
            return Err(
                Error::new(ErrorKind::Config, "an active-passive pair needs its nodes")
                    .with_vendor(VENDOR),
            );
        }
        Ok(ActivePassive {
            inner,
            roots,
            active: Mutex::new(None),
        })
    }

    async fn probe(&self) -> Result<usize> {
        let mut active = Vec::new();
        let mut seen = Vec::new();
        for (i, root) in self.roots.iter().enumerate() {
            let req = Request::get(format!("{root}/api/healthz"))
                .vendor(VENDOR)
                .skip_auth();
            match self.inner.send(req).await {
                Ok(resp) if resp.status.as_u16() == 200 => active.push(i),
                Ok(resp) => seen.push(format!("{root}: HTTP {}", resp.status.as_u16())),
                Err(e) => seen.push(format!("{root}: {}", e.kind())),
            }
        }
        match active.as_slice() {
            [one] => Ok(*one),
            [] => Err(Error::new(
                ErrorKind::Transport,
                format!("no active CloudTower node ({})", seen.join("; ")),
            )
            .with_vendor(VENDOR)),
            many => Err(Error::new(
                ErrorKind::Backend,
                format!(
                    "{} CloudTower nodes claim to be active; refusing to guess",
                    many.len()
                ),
            )
            .with_vendor(VENDOR)),
        }
    }

    async fn current(&self, fresh: bool) -> Result<usize> {
        let mut g = self.active.lock().await;
        if let (Some(i), false) = (*g, fresh) {
            return Ok(i);
        }
        let i = self.probe().await?;
        *g = Some(i);
        Ok(i)
    }

    fn aim(&self, mut req: Request, node: usize) -> Request {
        let from = root_of(&req.url);
        if let Some(to) = self.roots.get(node)
            && self.roots.contains(&from)
        {
            req.url = format!("{to}{}", &req.url[from.len()..]);
        }
        req
    }
}

#[async_trait]
impl Transport for ActivePassive {
    async fn send(&self, req: Request) -> Result<Response> {
        let node = self.current(false).await?;
        let first = match self.inner.send(self.aim(req.clone(), node)).await {
            Ok(r) => r,
            Err(e) => {
                *self.active.lock().await = None;
                return Err(e);
            }
        };
        if first.status.as_u16() != 307 {
            return Ok(first);
        }
        tracing::debug!(
            vendor = VENDOR,
            "node became passive; probing the pair again"
        );
        let node = self.current(true).await?;
        self.inner.send(self.aim(req, node)).await
    }

    async fn close(&self) -> Result<()> {
        self.inner.close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots() {
        assert_eq!(root_of("https://a:8443/v2/api/get-vms"), "https://a:8443");
        assert_eq!(root_of("http://b"), "http://b");
    }
}
