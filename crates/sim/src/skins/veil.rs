//! The VeiL ECP REST API (JSON, JWT, tasks) skin.
