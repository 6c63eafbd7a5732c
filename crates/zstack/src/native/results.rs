//! The two shapes most results of the ZStack API take, generic over the inventory type, so the
//! generated `results` aliases (`StopVmInstanceResult = Inventory<VmInstanceInventory>`) cost no
//! code until used. Decoding is as tolerant as the generated types: a missing or mistyped field
//! is `None`/empty and kept in `extra`, and the query reply's `schema` map lands there too.

use serde::de::{Deserializer, MapAccess};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::fields::{Fields, Lenient, deserialize_struct, next, put};

/// `{"inventory": T}`: the result of most actions (create, change, attach...).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Inventory<T> {
    /// The resource as the API left it.
    pub inventory: Option<T>,
    /// Other fields of the answer, as sent.
    pub extra: Map<String, Value>,
}

/// `{"inventories": [T], "total": n}`: the result of queries and list APIs (`total` only with
/// `replyWithCount`/`count`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Inventories<T> {
    /// The inventories (empty when absent).
    pub inventories: Vec<T>,
    /// Every match ignoring `limit`/`start`, when asked for.
    pub total: Option<i64>,
    /// Other fields of the answer (`schema`...), as sent.
    pub extra: Map<String, Value>,
}

impl<T> Default for Inventory<T> {
    fn default() -> Self {
        Inventory {
            inventory: None,
            extra: Map::new(),
        }
    }
}

impl<T> Default for Inventories<T> {
    fn default() -> Self {
        Inventories {
            inventories: Vec::new(),
            total: None,
            extra: Map::new(),
        }
    }
}

impl<T: Lenient> Fields for Inventory<T> {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        match key {
            "inventory" => next(map, &mut self.inventory, &mut self.extra, key)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
    fn extra(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

impl<T: Lenient> Fields for Inventories<T> {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        match key {
            "inventories" => {
                let mut slot = None;
                next(map, &mut slot, &mut self.extra, key)?;
                self.inventories = slot.unwrap_or_default();
            }
            "total" => next(map, &mut self.total, &mut self.extra, key)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
    fn extra(&mut self) -> &mut Map<String, Value> {
        &mut self.extra
    }
}

impl<'de, T: Lenient> Deserialize<'de> for Inventory<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_struct(d)
    }
}

impl<'de, T: Lenient> Deserialize<'de> for Inventories<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_struct(d)
    }
}

impl<T: Serialize> Serialize for Inventory<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = Map::new();
        put(&mut m, "inventory", &self.inventory);
        m.extend(self.extra.clone());
        m.serialize(s)
    }
}

impl<T: Serialize> Serialize for Inventories<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = Map::new();
        put(&mut m, "inventories", &Some(&self.inventories));
        put(&mut m, "total", &self.total);
        m.extend(self.extra.clone());
        m.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_decode_tolerantly_and_round_trip() {
        let v = json!({"inventories": [{"a": 1}], "total": 7, "schema": {"x": "y"}});
        let page: Inventories<Value> = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(page.inventories.len(), 1);
        assert_eq!(page.total, Some(7));
        assert_eq!(serde_json::to_value(&page).unwrap(), v);
        let one: Inventory<i64> = serde_json::from_value(json!({"inventory": "x"})).unwrap();
        assert!(one.inventory.is_none());
        assert_eq!(one.extra["inventory"], "x");
        let empty: Inventories<i64> = serde_json::from_value(json!({})).unwrap();
        assert!(empty.inventories.is_empty() && empty.total.is_none());
    }
}
