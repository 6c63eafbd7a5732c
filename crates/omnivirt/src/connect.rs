//! `connect`: a `Client` for any vendor from a context.

use std::collections::BTreeSet;
use std::sync::Arc;

use omnivirt_core::{Backend, Client, Error, ErrorKind, Result};
#[cfg(any(
    feature = "ovirt",
    feature = "cloudtower",
    feature = "zstack",
    feature = "veil"
))]
use omnivirt_http::VendorConfig;
use omnivirt_http::{ConnectionSettings, check_keys, keys_of};

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

pub(crate) fn not_available(vendor: Vendor) -> Error {
    Error::new(
        ErrorKind::Config,
        format!(
            "vendor {vendor} is not available: this build was compiled without the `{vendor}` \
             feature"
        ),
    )
}

/// Every key the vendor's config reads; `None` when the vendor is not compiled in.
pub(crate) fn vendor_keys(vendor: Vendor) -> Option<BTreeSet<String>> {
    match vendor {
        #[cfg(feature = "ovirt")]
        Vendor::Ovirt => Some(omnivirt_ovirt::OvirtConfig::keys()),
        #[cfg(feature = "cloudtower")]
        Vendor::CloudTower => Some(omnivirt_cloudtower::CloudTowerConfig::keys()),
        #[cfg(feature = "zstack")]
        Vendor::Zstack => Some(omnivirt_zstack::ZStackConfig::keys()),
        #[cfg(feature = "veil")]
        Vendor::Veil => Some(omnivirt_veil::VeilConfig::keys()),
        // The simulator runs in process; it takes the shared settings and ignores them.
        Vendor::Sim => Some(keys_of(&ConnectionSettings::default())),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// Checks that a context's keys read as the vendor's config (types included).
pub(crate) fn check_settings(vendor: Vendor, settings: serde_json::Value) -> Result<()> {
    match vendor {
        #[cfg(feature = "ovirt")]
        Vendor::Ovirt => omnivirt_ovirt::OvirtConfig::from_value(settings).map(drop),
        #[cfg(feature = "cloudtower")]
        Vendor::CloudTower => omnivirt_cloudtower::CloudTowerConfig::from_value(settings).map(drop),
        #[cfg(feature = "zstack")]
        Vendor::Zstack => omnivirt_zstack::ZStackConfig::from_value(settings).map(drop),
        #[cfg(feature = "veil")]
        Vendor::Veil => omnivirt_veil::VeilConfig::from_value(settings).map(drop),
        Vendor::Sim => {
            if let serde_json::Value::Object(map) = &settings {
                check_keys(
                    map.keys().map(String::as_str),
                    &keys_of(&ConnectionSettings::default()),
                )?;
            }
            serde_json::from_value::<ConnectionSettings>(settings)
                .map(drop)
                .map_err(|e| Error::new(ErrorKind::Config, format!("invalid sim context: {e}")))
        }
        #[allow(unreachable_patterns)]
        _ => Ok(()),
    }
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

/// The vendor's config from the context, once the context has a login.
#[cfg(any(
    feature = "ovirt",
    feature = "cloudtower",
    feature = "zstack",
    feature = "veil"
))]
pub(crate) fn login_config<C: VendorConfig>(ctx: &Context, creds: Credentials) -> Result<C> {
    need_login(ctx.vendor, &creds)?;
    ctx.vendor_config_with(creds)
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
    match ctx.vendor {
        #[cfg(feature = "ovirt")]
        Vendor::Ovirt => {
            let cfg = login_config(ctx, creds)?;
            Ok(Arc::new(omnivirt_ovirt::connect(&cfg).await?))
        }
        #[cfg(feature = "cloudtower")]
        Vendor::CloudTower => {
            let cfg = login_config(ctx, creds)?;
            Ok(Arc::new(omnivirt_cloudtower::connect(&cfg).await?))
        }
        #[cfg(feature = "zstack")]
        Vendor::Zstack => {
            let cfg = login_config(ctx, creds)?;
            Ok(Arc::new(omnivirt_zstack::connect(&cfg).await?))
        }
        #[cfg(feature = "veil")]
        Vendor::Veil => {
            let cfg = login_config(ctx, creds)?;
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
