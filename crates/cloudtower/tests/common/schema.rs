//! A small validator for the OpenAPI 3.0 schema subset the CloudTower spec uses:
//! `$ref`, `allOf`, `type`, `format` (int32/int64), `nullable`, `enum`, `properties`,
//! `required`, `additionalProperties: false`, `items`.

use serde_json::Value;

pub struct Spec {
    doc: Value,
}

impl Spec {
    pub fn load() -> Spec {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/cloudtower/openapi/requests-4.6.0.json"
        );
        let text = std::fs::read_to_string(path).expect("read the spec extract");
        Spec {
            doc: serde_json::from_str(&text).expect("parse the spec extract"),
        }
    }

    /// The request schemas of the whole model (`crates/cloudtower/model/`), JSON bodies only.
    pub fn from_model(model: &Value) -> Spec {
        let mut paths = serde_json::Map::new();
        for (path, item) in model["paths"].as_object().unwrap() {
            for op in item.as_object().unwrap().values() {
                if let Some(s) = op.pointer("/requestBody/content/application~1json/schema") {
                    paths.insert(path.clone(), s.clone());
                }
            }
        }
        Spec {
            doc: serde_json::json!({"paths": paths, "schemas": model["components"]["schemas"]}),
        }
    }

    pub fn has_path(&self, path: &str) -> bool {
        self.doc["paths"].get(path).is_some()
    }

    /// Errors of `body` against the request schema of `path` (empty when valid).
    pub fn validate(&self, path: &str, body: &Value) -> Vec<String> {
        let schema = self.doc["paths"]
            .get(path)
            .unwrap_or_else(|| panic!("no request schema for {path}"));
        let mut errs = Vec::new();
        self.check(schema, body, "$", &mut errs);
        errs
    }

    fn resolve<'a>(&'a self, mut s: &'a Value) -> &'a Value {
        // An alias may name another alias (`RemoveLabelsFromResourcesParams`).
        while let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or("");
            s = self.doc["schemas"]
                .get(name)
                .unwrap_or_else(|| panic!("unresolved {r}"));
        }
        s
    }

    fn check(&self, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
        let s = self.resolve(schema);
        if v.is_null() {
            if s.get("nullable") == Some(&Value::Bool(true)) {
                return;
            }
            // A `$ref` without `nullable` does not accept null; an allOf wrapper decides.
            if s.get("allOf").is_none() {
                errs.push(format!("{at}: null not allowed"));
                return;
            }
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            for sub in all {
                self.check(sub, v, at, errs);
            }
            if v.is_null() && s.get("nullable") != Some(&Value::Bool(true)) {
                errs.push(format!("{at}: null not allowed"));
            }
            return;
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array)
            && !e.contains(v)
        {
            errs.push(format!("{at}: {v} not in enum {e:?}"));
        }
        match s.get("type").and_then(Value::as_str) {
            Some("object") => {
                let Some(obj) = v.as_object() else {
                    errs.push(format!("{at}: expected an object, got {v}"));
                    return;
                };
                let props = s.get("properties").and_then(Value::as_object);
                if let Some(req) = s.get("required").and_then(Value::as_array) {
                    for r in req.iter().filter_map(Value::as_str) {
                        if !obj.contains_key(r) {
                            errs.push(format!("{at}: missing required `{r}`"));
                        }
                    }
                }
                for (k, val) in obj {
                    match props.and_then(|p| p.get(k)) {
                        Some(ps) => self.check(ps, val, &format!("{at}.{k}"), errs),
                        None => {
                            if s.get("additionalProperties") == Some(&Value::Bool(false)) {
                                errs.push(format!("{at}: unknown key `{k}`"));
                            }
                        }
                    }
                }
            }
            Some("array") => {
                let Some(arr) = v.as_array() else {
                    errs.push(format!("{at}: expected an array, got {v}"));
                    return;
                };
                if let Some(items) = s.get("items") {
                    for (i, x) in arr.iter().enumerate() {
                        self.check(items, x, &format!("{at}[{i}]"), errs);
                    }
                }
            }
            Some("string") if !v.is_string() => {
                errs.push(format!("{at}: expected a string, got {v}"));
            }
            Some("integer") => {
                let ok = match s.get("format").and_then(Value::as_str) {
                    Some("int32") => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
                    _ => v.is_i64() || v.is_u64(),
                };
                if !ok {
                    errs.push(format!("{at}: expected an integer, got {v}"));
                }
            }
            Some("number") if !v.is_number() => {
                errs.push(format!("{at}: expected a number, got {v}"));
            }
            Some("boolean") if !v.is_boolean() => {
                errs.push(format!("{at}: expected a boolean, got {v}"));
            }
            _ => {}
        }
    }
}
