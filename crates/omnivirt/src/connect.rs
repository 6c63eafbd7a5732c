//! `connect`: a `Client` for any vendor from a context.

use std::sync::Arc;

use omnivirt_core::{Backend, Capabilities, Client, Error, ErrorKind, Result};

use crate::config::{Context, Credentials, Vendor};

/// Connects to the platform a context describes, reading its secrets.
///
/// Fails with `Config` if the context is incomplete or its vendor is not compiled in.
pub async fn connect(ctx: &Context) -> Result<Client> {
    let creds = ctx.credentials()?;
    connect_with_credentials(ctx, creds).await
}

/// Connects with credentials the caller already has (tests, the simulator, the CLI's ad hoc
/// flags).
pub async fn connect_with_credentials(ctx: &Context, creds: Credentials) -> Result<Client> {
    ctx.validate()?;
    let backend = backend_for(ctx, creds).await?;
    Ok(Client::new(backend))
}

/// The capabilities a vendor's adapter declares, without connecting (for docs and the matrix).
pub fn capabilities_of(vendor: Vendor) -> Option<Capabilities> {
    match vendor {
        _ if !vendor.is_compiled_in() => None,
        _ => None,
    }
}

fn not_available(vendor: Vendor) -> Error {
    let why = match vendor {
        Vendor::Zstack | Vendor::Veil => "its adapter has not been written yet",
        _ => "this build was compiled without that feature",
    };
    Error::new(
        ErrorKind::Config,
        format!("vendor {vendor} is not available: {why}"),
    )
}

async fn backend_for(ctx: &Context, _creds: Credentials) -> Result<Arc<dyn Backend>> {
    Err(not_available(ctx.vendor))
}
