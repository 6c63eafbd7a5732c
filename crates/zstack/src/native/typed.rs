//! The runtime behind the generated typed actions ([`crate::generated::ops`]): every generated
//! method turns its parameters into `NAME=VALUE` pairs and calls one of the two non-generic
//! send paths here, which bind them to the operation's table entry (the same binding as
//! `omnivirt api`) and send on the client's one send path.

use omnivirt_core::api::{ApiOperation, CallArgs};
use omnivirt_core::{Op, Result};
use serde::Serialize;
use serde_json::Value;

use super::client::{Reply, ZStackClient};
use crate::VENDOR;
use crate::api::bind;

/// Every action of the ZStack API as a typed method (generated from the model), borrowed from
/// a client: `zs.actions().stop_vm_instance(&StopVmInstance::new(uuid))`. Each method returns
/// the [`Reply`]: the result of a synchronous API, or the job of an asynchronous one to follow
/// with [`ZStackClient::wait`].
///
/// ```no_run
/// # async fn demo(zs: omnivirt_zstack::ZStackClient) -> omnivirt_core::Result<()> {
/// use omnivirt_zstack::ZStackClient;
/// use omnivirt_zstack::generated::ops::{StopVmInstance, StopVmInstanceType};
/// use omnivirt_zstack::query::{Condition, Query};
///
/// let running = zs
///     .actions()
///     .query_vm_instance(&Query::new().filter(Condition::eq("state", "Running")))
///     .await?;
/// let mut stop = StopVmInstance::new("vm-uuid");
/// stop.r#type = Some(StopVmInstanceType::Cold);
/// let reply = zs.actions().stop_vm_instance(&stop).await?;
/// let done = zs.wait(&reply, ZStackClient::default_wait()).await?;
/// # let _ = (running, done);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Actions<'a> {
    client: &'a ZStackClient,
    op: Option<Op>,
}

impl ZStackClient {
    /// The typed methods of every ZStack action.
    pub fn actions(&self) -> Actions<'_> {
        Actions {
            client: self,
            op: None,
        }
    }
}

impl<'a> Actions<'a> {
    /// The client the methods send on.
    pub fn client(self) -> &'a ZStackClient {
        self.client
    }

    /// The same methods, their errors naming the neutral `op` (the hand-written conveniences
    /// and the uniform backend send through the generated methods this way).
    pub(crate) fn for_op(self, op: Op) -> Self {
        Actions {
            op: Some(op),
            ..self
        }
    }

    /// Binds `pairs` to `op` and sends: the one path of every non-query typed method.
    pub(crate) async fn send(
        self,
        op: &'static ApiOperation,
        pairs: Vec<(String, Value)>,
    ) -> Result<Reply> {
        let mut args = CallArgs::default();
        args.pairs = pairs;
        let req = bind(op, &args).map_err(|e| self.tag(e))?;
        self.client
            .send(
                req.method,
                &req.path,
                &req.query,
                req.body.as_ref(),
                self.op,
                req.with_session,
            )
            .await
    }

    fn tag(self, e: omnivirt_core::Error) -> omnivirt_core::Error {
        match self.op {
            Some(op) => e.with_op(op),
            None => e,
        }
    }

    /// Fills the path variables of a query API, appends the query's pairs and sends: the one
    /// path of every typed query method.
    pub(crate) async fn send_query(
        self,
        op: &'static ApiOperation,
        path_vars: Vec<(String, Value)>,
        query: Result<Vec<(String, String)>>,
    ) -> Result<Reply> {
        let query = query?;
        let mut args = CallArgs::default();
        args.pairs = path_vars;
        let mut req = bind(op, &args).map_err(|e| self.tag(e))?;
        req.query.extend(query);
        self.client
            .send(
                req.method,
                &req.path,
                &req.query,
                None,
                self.op,
                req.with_session,
            )
            .await
    }
}

/// Appends `name=value` when `value` is set (generated `pairs()` use it for every field).
pub(crate) fn arg<T: Serialize + ?Sized>(
    out: &mut Vec<(String, Value)>,
    name: &str,
    value: Option<&T>,
) {
    if let Some(v) = value {
        match serde_json::to_value(v) {
            Ok(v) => out.push((name.to_string(), v)),
            Err(e) => {
                // Only a map with non-string keys fails here, which no generated type has;
                // the parameter is left out and the server's validation names it.
                tracing::warn!(vendor = VENDOR, param = name, error = %e, "parameter not encodable");
            }
        }
    }
}
