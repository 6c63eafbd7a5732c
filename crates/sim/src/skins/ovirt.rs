//! The oVirt skin.
