//! # omnivirt-zstack
//!
//! The ZStack management API (REST v1 actions, sessions, async jobs) SDK of omnivirt.
#![deny(missing_docs)]
