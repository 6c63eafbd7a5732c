//! The runtime behind the generated typed operations (`client.ops().get_vms(&body)`): one
//! non-generic send path that every generated method calls, plus the small encode and decode
//! steps around it.
//!
//! ```no_run
//! # async fn demo(tower: omnivirt_cloudtower::CloudTowerClient) -> omnivirt_core::Result<()> {
//! use omnivirt_cloudtower::generated::types::{GetVmsRequestBody, VmWhereInput};
//!
//! let body = GetVmsRequestBody {
//!     r#where: Some(VmWhereInput::new().name().starts_with("web-")),
//!     first: Some(10),
//!     ..Default::default()
//! };
//! for vm in tower.ops().get_vms(&body).await? {
//!     println!("{:?} {:?}", vm.name, vm.status);
//! }
//! # Ok(()) }
//! ```

use bytes::Bytes;
use omnivirt_core::{Error, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::{Call, CloudTowerClient};
use crate::VENDOR;

/// Every operation of the model as a typed method (generated in `generated::ops`): the body
/// type in, the answer type out. Mutations answer `WithTask` items; wait for their `task_id`s
/// with [`CloudTowerClient::wait_tasks`].
#[derive(Debug, Clone, Copy)]
pub struct Ops<'a> {
    client: &'a CloudTowerClient,
}

impl CloudTowerClient {
    /// The typed operations: one method per operation of the model.
    pub fn ops(&self) -> Ops<'_> {
        Ops { client: self }
    }
}

impl Ops<'_> {
    /// Sends one operation: `POST /<name>` with `body` (or `GET` when `get`), queries retried
    /// per the policy, mutations never; answers the body bytes (empty for 304).
    pub(crate) async fn send(
        &self,
        name: &'static str,
        get: bool,
        query: &[(String, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Bytes> {
        let resp = self
            .client
            .send_raw(Call {
                method: if get {
                    http::Method::GET
                } else {
                    http::Method::POST
                },
                path: name,
                query,
                body,
                op: None,
                idempotent: get || name.starts_with("get-"),
                anonymous: name == "get-version" || name == "login",
            })
            .await?;
        resp.bytes().await
    }
}

/// The JSON body of `name`.
pub(crate) fn encode<T: Serialize + ?Sized>(name: &str, body: &T) -> Result<Option<Vec<u8>>> {
    serde_json::to_vec(body).map(Some).map_err(|e| {
        Error::invalid_input(format!("/{name}: cannot encode the body: {e}")).with_vendor(VENDOR)
    })
}

/// The answer of `name` as `T`; an empty answer (304 "Not modified") is an empty list. Read
/// with [`crate::json::from_slice`]: `serde_json`'s values, faster.
pub(crate) fn decode<T: DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<T> {
    let bytes = if bytes.is_empty() { &b"[]"[..] } else { bytes };
    crate::json::from_slice(bytes).map_err(|e| {
        Error::protocol(format!(
            "/{name}: the answer is not what the API describes: {e}"
        ))
        .with_vendor(VENDOR)
    })
}
