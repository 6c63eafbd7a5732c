//! `template`, `network` and `storage`: list and get.

use omnivirt::Client;
use omnivirt_core::{NetworkId, StoragePoolId, TemplateId};

use super::{CliResult, Kind, query};
use crate::args::{InventoryCmd, OutputFormat};
use crate::output;

pub async fn templates(c: &Client, cmd: InventoryCmd, fmt: OutputFormat) -> CliResult {
    match cmd {
        InventoryCmd::List(a) => {
            Ok(output::stream(fmt, c.templates().list(query(&a, Kind::Template)?)).await?)
        }
        InventoryCmd::Get { id } => Ok(output::one(
            fmt,
            &c.templates().get(&TemplateId::new(id)).await?,
        )?),
    }
}

pub async fn networks(c: &Client, cmd: InventoryCmd, fmt: OutputFormat) -> CliResult {
    match cmd {
        InventoryCmd::List(a) => {
            Ok(output::stream(fmt, c.networks().list(query(&a, Kind::Network)?)).await?)
        }
        InventoryCmd::Get { id } => Ok(output::one(
            fmt,
            &c.networks().get(&NetworkId::new(id)).await?,
        )?),
    }
}

pub async fn storage(c: &Client, cmd: InventoryCmd, fmt: OutputFormat) -> CliResult {
    match cmd {
        InventoryCmd::List(a) => {
            Ok(output::stream(fmt, c.storage_pools().list(query(&a, Kind::Storage)?)).await?)
        }
        InventoryCmd::Get { id } => Ok(output::one(
            fmt,
            &c.storage_pools().get(&StoragePoolId::new(id)).await?,
        )?),
    }
}
