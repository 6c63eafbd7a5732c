//! The ZStack SDK face: client, sessions, jobs, queries and typed actions.

mod api;
pub(crate) mod client;
mod day2;
pub(crate) mod fields;
pub(crate) mod jobs;
pub mod query;
pub mod results;
pub(crate) mod typed;

pub use api::{CreateDataVolume, CreateVm, DeleteMode, QueryPage, StopType};
pub(crate) use api::{check_uuid, no_such};
pub use client::{ClientBuilder, Credentials, Job, JobStatus, Reply, ZStackClient, password_hash};
pub use day2::{AttachNic, CloneVm, UpdateVm};
pub use typed::Actions;
