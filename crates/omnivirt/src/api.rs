//! Every operation of every vendor's API, by name: the layer under `omnivirt api`.
//!
//! Each vendor crate publishes its operation table (generated from the vendor's model) and a
//! `call` that binds arguments, sends the request through its own client (auth, retries, error
//! parsing) and follows asynchronous answers. This module picks the vendor from a [`Context`].
//!
//! ```
//! use omnivirt::Vendor;
//!
//! let ops = omnivirt::api::operations(Vendor::Veil).unwrap();
//! let start = omnivirt_core::api::find(ops, "domain.start").unwrap();
//! assert_eq!(start.method, "POST");
//! ```

use omnivirt_core::api::{ApiOperation, CallArgs};
use omnivirt_core::{Error, ErrorKind, Result};

use crate::config::{Context, Credentials, Vendor};
#[cfg(any(
    feature = "ovirt",
    feature = "cloudtower",
    feature = "zstack",
    feature = "veil"
))]
use crate::connect::login_config;

/// The operation table of `vendor`: every operation of its model.
///
/// Fails with `Unsupported` for the neutral simulator (it has no vendor API) and with `Config`
/// for a vendor this build does not include.
pub fn operations(vendor: Vendor) -> Result<&'static [ApiOperation]> {
    match vendor {
        #[cfg(feature = "ovirt")]
        Vendor::Ovirt => Ok(omnivirt_ovirt::api::OPERATIONS),
        #[cfg(feature = "cloudtower")]
        Vendor::CloudTower => Ok(omnivirt_cloudtower::api::OPERATIONS),
        #[cfg(feature = "zstack")]
        Vendor::Zstack => Ok(omnivirt_zstack::api::OPERATIONS),
        #[cfg(feature = "veil")]
        Vendor::Veil => Ok(omnivirt_veil::api::OPERATIONS),
        Vendor::Sim => Err(no_vendor_api()),
        #[allow(unreachable_patterns)]
        other => Err(crate::connect::not_available(other)),
    }
}

fn no_vendor_api() -> Error {
    Error::new(
        ErrorKind::Unsupported,
        "the neutral simulator has no vendor API; use --vendor ovirt|cloudtower|zstack|veil \
         (with `omnivirt sim serve --vendor ...` for a simulated server)",
    )
}

/// Runs operation `name` of the context's vendor with `args`, reading the context's secrets;
/// see [`call_with_credentials`].
pub async fn call(
    ctx: &Context,
    name: &str,
    args: &CallArgs,
    follow: bool,
) -> Result<serde_json::Value> {
    let creds = ctx.credentials()?;
    call_with_credentials(ctx, creds, name, args, follow).await
}

/// Runs operation `name` of the context's vendor: binds `args` (an unknown or missing parameter
/// fails `InvalidInput` before any request), logs in, sends, follows an asynchronous answer to
/// its end when `follow` is true, logs out, and returns the result as JSON with the model's own
/// field names.
#[cfg_attr(
    not(any(
        feature = "ovirt",
        feature = "cloudtower",
        feature = "zstack",
        feature = "veil"
    )),
    allow(unused_variables)
)]
pub async fn call_with_credentials(
    ctx: &Context,
    creds: Credentials,
    name: &str,
    args: &CallArgs,
    follow: bool,
) -> Result<serde_json::Value> {
    ctx.validate()?;
    // Refuse bad arguments before reading secrets or connecting.
    args.bind(omnivirt_core::api::find(operations(ctx.vendor)?, name)?)?;
    match ctx.vendor {
        #[cfg(feature = "ovirt")]
        Vendor::Ovirt => {
            let cfg = login_config(ctx, creds)?;
            omnivirt_ovirt::api::call(&cfg, name, args, follow).await
        }
        #[cfg(feature = "cloudtower")]
        Vendor::CloudTower => {
            let cfg = login_config(ctx, creds)?;
            omnivirt_cloudtower::api::call(&cfg, name, args, follow).await
        }
        #[cfg(feature = "zstack")]
        Vendor::Zstack => {
            let cfg = login_config(ctx, creds)?;
            omnivirt_zstack::api::call(&cfg, name, args, follow).await
        }
        #[cfg(feature = "veil")]
        Vendor::Veil => {
            let cfg = login_config(ctx, creds)?;
            omnivirt_veil::api::call(&cfg, name, args, follow).await
        }
        Vendor::Sim => Err(no_vendor_api()),
        #[allow(unreachable_patterns)]
        other => Err(crate::connect::not_available(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulator_has_no_vendor_api() {
        let err = operations(Vendor::Sim).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported);
    }

    #[tokio::test]
    async fn bad_arguments_fail_before_any_connection() {
        // Nothing listens on port 9: a bound call would fail with Transport, not InvalidInput.
        let ctx = Context::new(Vendor::Veil, "http://127.0.0.1:9").token_env("OMNIVIRT_NO_SUCH");
        let creds = Credentials::default();
        let args = CallArgs::parse(["nope=1"]).unwrap();
        let err = call_with_credentials(&ctx, creds.clone(), "domain.info", &args, true)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        let err = call_with_credentials(&ctx, creds, "domain.nope", &CallArgs::default(), true)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    }
}
