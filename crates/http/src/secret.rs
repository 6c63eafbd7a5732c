//! Secrets that never print: the type lives in `omnivirt-core` (a console ticket is a secret
//! too) and is re-exported here, where credentials meet the wire.

pub use omnivirt_core::Secret;
