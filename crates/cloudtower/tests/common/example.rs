//! Example JSON built from the model's schemas: every field at the top levels, only required
//! ones deeper (so recursive filters stay small), first enum value, one array element.

use serde_json::{Map, Value, json};

/// The whole model (`crates/cloudtower/model/`).
pub fn model() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/model/cloudtower-api-4.6.0-swagger.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("read the model"))
        .expect("parse the model")
}

pub struct Examples<'a> {
    schemas: &'a Map<String, Value>,
    /// Objects deeper than this get only their required fields.
    pub full_depth: usize,
}

impl<'a> Examples<'a> {
    pub fn new(model: &'a Value) -> Self {
        Examples {
            schemas: model["components"]["schemas"].as_object().unwrap(),
            full_depth: 1,
        }
    }

    pub fn schema(&self, name: &str) -> &'a Value {
        &self.schemas[name]
    }

    pub fn of(&self, schema: &Value, depth: usize) -> Value {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap();
            return self.of(&self.schemas[name], depth);
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            if parts.len() == 1 {
                return self.of(&parts[0], depth);
            }
            let mut out = Map::new();
            for p in parts {
                if let Value::Object(m) = self.of(p, depth) {
                    out.extend(m);
                }
            }
            return Value::Object(out);
        }
        if let Some(e) = schema.get("enum").and_then(Value::as_array) {
            return e[0].clone();
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") | None if schema.get("properties").is_some() => {
                let props = schema["properties"].as_object().unwrap();
                let required: Vec<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let mut out = Map::new();
                for (k, s) in props {
                    if depth <= self.full_depth || required.contains(&k.as_str()) {
                        out.insert(k.clone(), self.of(s, depth + 1));
                    }
                }
                Value::Object(out)
            }
            Some("object") => json!({}),
            Some("array") => json!([self.of(&schema["items"], depth + 1)]),
            Some("string") => json!("x"),
            Some("integer") => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1)),
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            _ => json!({}),
        }
    }
}
