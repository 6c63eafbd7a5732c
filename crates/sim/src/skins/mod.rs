//! Vendor skins: each translates one vendor's wire format to and from the World.

use std::sync::Arc;

use crate::skin::Skin;

#[cfg(feature = "cloudtower")]
pub mod cloudtower;
#[cfg(any(feature = "cloudtower", feature = "zstack"))]
mod json_out;
#[cfg(feature = "ovirt")]
pub mod ovirt;
pub mod sim;
#[cfg(feature = "veil")]
pub mod veil;
#[cfg(feature = "zstack")]
pub mod zstack;

/// Every skin compiled in: the neutral `sim` skin, then oVirt and CloudTower when their
/// features are on. Their mounts do not overlap, so one [`SimServer`](crate::SimServer) can
/// serve them all.
///
/// ```
/// let vendors: Vec<&str> = omnivirt_sim::skins::all().iter().map(|s| s.vendor()).collect();
/// assert_eq!(vendors[0], "sim");
/// ```
pub fn all() -> Vec<Arc<dyn Skin>> {
    let mut v: Vec<Arc<dyn Skin>> = vec![Arc::new(sim::SimSkin::new())];
    #[cfg(feature = "ovirt")]
    v.push(Arc::new(ovirt::OvirtSkin::new()));
    #[cfg(feature = "cloudtower")]
    v.push(Arc::new(cloudtower::CloudTowerSkin::new()));
    #[cfg(feature = "zstack")]
    v.push(Arc::new(zstack::ZStackSkin::new()));
    #[cfg(feature = "veil")]
    v.push(Arc::new(veil::VeilSkin::new()));
    v
}

/// The skin of `vendor` (`sim`, `ovirt`, `cloudtower`), if compiled in.
///
/// ```
/// assert_eq!(omnivirt_sim::skins::by_vendor("sim").unwrap().mount(), "/sim/v1");
/// assert!(omnivirt_sim::skins::by_vendor("nope").is_none());
/// ```
pub fn by_vendor(vendor: &str) -> Option<Arc<dyn Skin>> {
    all().into_iter().find(|s| s.vendor() == vendor)
}
