//! The auth/session layer: each vendor fills in an [`AuthHook`].

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use omnivirt_core::{Error, ErrorKind, Result};
use tokio::sync::Mutex;

use crate::secret::Secret;
use crate::transport::{Request, Response, Transport};

/// A logged-in session: the token a vendor puts on each request.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Session {
    /// Token, session id or JWT.
    pub token: Secret,
}

impl Session {
    /// A session holding `token`.
    pub fn new(token: impl Into<Secret>) -> Self {
        Session {
            token: token.into(),
        }
    }
}

/// How a vendor logs in, marks requests, notices expiry and logs out.
///
/// The [`AuthLayer`] calls [`AuthHook::login`] lazily before the first request, applies the
/// session to every request, and on a response that [`AuthHook::is_expired`] says is an expired
/// session it logs in again once and resends. The resend is safe even for a POST: the server
/// refused the first attempt without acting on it.
#[async_trait]
pub trait AuthHook: Send + Sync + fmt::Debug {
    /// Logs in, sending requests through `inner` (below this layer).
    async fn login(&self, inner: &dyn Transport) -> Result<Session>;

    /// Puts the session on a request (a header, usually; mark it sensitive).
    fn apply(&self, session: &Session, req: &mut Request) -> Result<()>;

    /// True if `resp` says the session is no longer valid. Default: HTTP 401.
    fn is_expired(&self, resp: &Response) -> bool {
        resp.status == http::StatusCode::UNAUTHORIZED
    }

    /// Logs out. Default: nothing to do.
    async fn logout(&self, _inner: &dyn Transport, _session: &Session) -> Result<()> {
        Ok(())
    }
}

/// Applies an [`AuthHook`] to every request sent through it.
pub struct AuthLayer {
    inner: Arc<dyn Transport>,
    hook: Arc<dyn AuthHook>,
    session: Mutex<Option<Session>>,
}

impl fmt::Debug for AuthLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthLayer")
            .field("hook", &self.hook)
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl AuthLayer {
    /// Wraps `inner` with `hook`.
    pub fn new(inner: Arc<dyn Transport>, hook: Arc<dyn AuthHook>) -> Self {
        AuthLayer {
            inner,
            hook,
            session: Mutex::new(None),
        }
    }

    /// Starts with a session the caller already has (a given token).
    pub fn with_session(self, session: Session) -> Self {
        AuthLayer {
            session: Mutex::new(Some(session)),
            ..self
        }
    }

    async fn current(&self, force_new: Option<&Session>) -> Result<Session> {
        let mut guard = self.session.lock().await;
        match (&*guard, force_new) {
            // Someone else already replaced the stale session: use theirs.
            (Some(s), Some(stale)) if s.token != stale.token => return Ok(s.clone()),
            (Some(s), None) => return Ok(s.clone()),
            _ => {}
        }
        let s = self.hook.login(self.inner.as_ref()).await?;
        *guard = Some(s.clone());
        Ok(s)
    }
}

#[async_trait]
impl Transport for AuthLayer {
    async fn send(&self, req: Request) -> Result<Response> {
        if req.meta.skip_auth {
            return self.inner.send(req).await;
        }
        let session = self.current(None).await?;
        let mut first = req.clone();
        self.hook.apply(&session, &mut first)?;
        let resp = self.inner.send(first).await?;
        if !self.hook.is_expired(&resp) {
            return Ok(resp);
        }
        tracing::debug!(
            vendor = req.meta.vendor,
            "session expired; logging in again"
        );
        let vendor = req.meta.vendor;
        let fresh = self.current(Some(&session)).await?;
        let mut second = req;
        self.hook.apply(&fresh, &mut second)?;
        let resp = self.inner.send(second).await?;
        if self.hook.is_expired(&resp) {
            return Err(Error::new(
                ErrorKind::Unauthenticated,
                "the server rejected a fresh session; check the credentials and permissions",
            )
            .with_vendor(vendor));
        }
        Ok(resp)
    }

    async fn close(&self) -> Result<()> {
        let session = self.session.lock().await.take();
        if let Some(s) = session {
            self.hook.logout(self.inner.as_ref(), &s).await?;
        }
        self.inner.close().await
    }
}
