//! A transport that counts the requests passing through it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A transport that counts the requests passing through it.
#[derive(Debug)]
pub struct Counting {
    inner: omnivirt_http::SharedTransport,
    count: Arc<AtomicUsize>,
}

impl Counting {
    /// Wraps `inner`; returns the wrapper and its counter.
    pub fn wrap(inner: omnivirt_http::SharedTransport) -> (Arc<Self>, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        (
            Arc::new(Counting {
                inner,
                count: count.clone(),
            }),
            count,
        )
    }
}

#[async_trait::async_trait]
impl omnivirt_http::Transport for Counting {
    async fn send(
        &self,
        req: omnivirt_http::Request,
    ) -> omnivirt_core::Result<omnivirt_http::Response> {
        self.count.fetch_add(1, Ordering::SeqCst);
        self.inner.send(req).await
    }

    async fn close(&self) -> omnivirt_core::Result<()> {
        self.inner.close().await
    }
}
