//! The operation table behind `omnivirt api` for oVirt: every method of the v4 model, named
//! `<path template>:<method>` (see `docs/ovirt.md`).

/// Every operation of the vendor's model (re-export of the generated table).
pub use crate::generated::api::OPERATIONS;
