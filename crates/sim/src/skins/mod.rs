//! Vendor skins: each translates one vendor's wire format to and from the World.

#[cfg(feature = "cloudtower")]
pub mod cloudtower;
#[cfg(feature = "ovirt")]
pub mod ovirt;
pub mod sim;
