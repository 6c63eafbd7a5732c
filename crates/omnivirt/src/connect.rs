//! `connect`: a `Client` for any vendor from a context.

use std::sync::Arc;

use omnivirt_core::{Backend, Client, Error, ErrorKind, Result};

use crate::config::{Context, Credentials, Vendor};

/// Connects to the platform a context describes, reading its secrets.
///
/// Fails with `Config` if the context is incomplete or its vendor is not compiled in. Vendors
/// with a login log in lazily, on the first request.
pub async fn connect(ctx: &Context) -> Result<Client> {
    let creds = ctx.credentials()?;
    connect_with_credentials(ctx, creds).await
}

/// Connects with credentials the caller already has (tests, the simulator, the CLI's ad hoc
/// flags).
pub async fn connect_with_credentials(ctx: &Context, creds: Credentials) -> Result<Client> {
    ctx.validate()?;
    if !ctx.vendor.is_compiled_in() {
        return Err(not_available(ctx.vendor));
    }
    let backend = backend_for(ctx, creds).await?;
    Ok(Client::new(backend))
}

fn not_available(vendor: Vendor) -> Error {
    Error::new(
        ErrorKind::Config,
        format!(
            "vendor {vendor} is not available: this build was compiled without the `{vendor}` \
             feature"
        ),
    )
}

/// A context's timeout as the HTTP layer's per-attempt timeout.
#[cfg(any(feature = "cloudtower", feature = "zstack", feature = "veil"))]
fn per_attempt(t: std::time::Duration) -> omnivirt_http::Timeouts {
    omnivirt_http::Timeouts::new().per_attempt(t)
}

#[cfg_attr(
    not(any(
        feature = "ovirt",
        feature = "cloudtower",
        feature = "zstack",
        feature = "veil"
    )),
    allow(dead_code)
)]
fn need_login(vendor: Vendor, creds: &Credentials) -> Result<()> {
    let has_password = creds.user.is_some() && creds.password.is_some();
    if has_password || creds.token.is_some() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Config,
            format!(
                "the {vendor} context needs a user with password-env/password-file, or \
                 token-env/token-file"
            ),
        ))
    }
}

#[cfg_attr(
    not(any(
        feature = "ovirt",
        feature = "cloudtower",
        feature = "zstack",
        feature = "veil"
    )),
    allow(unused_variables)
)]
async fn backend_for(ctx: &Context, creds: Credentials) -> Result<Arc<dyn Backend>> {
    /// Builds a vendor config from what every context carries, the same way for each vendor:
    /// `$login` is the config's user+password setter, `$set_timeout` its timeout setter, fed
    /// the context's per-request timeout through `$convert`.
    #[cfg(any(
        feature = "ovirt",
        feature = "cloudtower",
        feature = "zstack",
        feature = "veil"
    ))]
    macro_rules! vendor_config {
        ($new:expr, $login:ident, $set_timeout:ident($convert:path)) => {{
            need_login(ctx.vendor, &creds)?;
            let mut cfg = $new(ctx.url.clone()).insecure(ctx.insecure);
            if let (Some(user), Some(pw)) = (creds.user.clone(), creds.password.clone()) {
                cfg = cfg.$login(user, pw);
            }
            if let Some(token) = creds.token.clone() {
                cfg = cfg.token(token);
            }
            if let Some(ca) = &ctx.ca_file {
                cfg = cfg.ca_file(ca.clone());
            }
            if let Some(t) = ctx.timeout() {
                cfg = cfg.$set_timeout($convert(t));
            }
            cfg
        }};
    }

    match ctx.vendor {
        #[cfg(feature = "ovirt")]
        Vendor::Ovirt => {
            let cfg = vendor_config!(
                omnivirt_ovirt::OvirtConfig::new,
                credentials,
                timeout(std::convert::identity)
            );
            Ok(Arc::new(omnivirt_ovirt::connect(&cfg).await?))
        }
        #[cfg(feature = "cloudtower")]
        Vendor::CloudTower => {
            let mut cfg = vendor_config!(
                omnivirt_cloudtower::CloudTowerConfig::new,
                user,
                timeouts(per_attempt)
            );
            cfg.source = ctx.source.clone();
            Ok(Arc::new(omnivirt_cloudtower::connect(&cfg).await?))
        }
        #[cfg(feature = "zstack")]
        Vendor::Zstack => {
            let cfg = vendor_config!(
                omnivirt_zstack::ZStackConfig::new,
                user,
                timeouts(per_attempt)
            );
            Ok(Arc::new(omnivirt_zstack::connect(&cfg).await?))
        }
        #[cfg(feature = "veil")]
        Vendor::Veil => {
            let cfg = vendor_config!(omnivirt_veil::VeilConfig::new, user, timeouts(per_attempt));
            Ok(Arc::new(omnivirt_veil::connect(&cfg).await?))
        }
        #[cfg(feature = "sim")]
        Vendor::Sim => {
            let world = Arc::new(omnivirt_sim::World::new(
                omnivirt_sim::WorldConfig::default(),
            ));
            Ok(Arc::new(omnivirt_sim::SimBackend::new(world)))
        }
        // Reached only in builds without some vendor feature.
        #[allow(unreachable_patterns)]
        other => Err(not_available(other)),
    }
}
