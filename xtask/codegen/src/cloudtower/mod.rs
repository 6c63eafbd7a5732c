//! SmartX CloudTower: `crates/cloudtower/model/cloudtower-api-4.6.0-swagger.json` (OpenAPI 3.0)
//! into the operation table behind `omnivirt api` (`generated/api.rs`), the typed model
//! (`generated/types/`) and one typed method per operation (`generated/ops/`).
//!
//! CloudTower operations are `POST /<name>` with a JSON body (two are `GET`). The body schema's
//! top-level properties become `in=body` parameters; when the body is an array (`[{...}]`, most
//! creations), the parameters are the item's properties and `api::call` sends a one-element array.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value};

use crate::GeneratedFile;
use crate::rust::{OpExpr, doc, snake, str_lit};

pub mod filters;
pub mod ops;
pub mod support;
pub mod types;

/// The model, relative to the workspace root.
pub const MODEL: &str = "crates/cloudtower/model/cloudtower-api-4.6.0-swagger.json";
const OUT: &str = "crates/cloudtower/src/generated";

/// The parts of the OpenAPI document the generator reads.
#[derive(Debug)]
pub struct Spec {
    /// `components.schemas`.
    pub schemas: Map<String, Value>,
    /// Every operation, in the document's path order.
    pub operations: Vec<Operation>,
}

/// One operation of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The path without its leading slash (`get-vms`): the name `api call` takes.
    pub name: String,
    /// `POST` or `GET`.
    pub method: String,
    /// The path (`/get-vms`).
    pub path: String,
    /// The spec's `operationId` (`GetVms`).
    pub operation_id: String,
    /// The spec's first tag (`Vm`).
    pub tag: String,
    /// The body schema as JSON, if any.
    pub body: Option<Value>,
    /// Describes the body (`GetVmsRequestBody`, `VmCreationParams[]`).
    pub body_type: String,
    /// The body is an array of the params' object.
    pub body_is_array: bool,
    /// The body is `multipart/form-data` (uploads).
    pub multipart: bool,
    /// Body fields (or query parameters for `GET`).
    pub params: Vec<Param>,
    /// The 200 answer's schema, if any.
    pub result: Option<Value>,
    /// Describes the 200 answer (`Vm[]`, `WithTask_Vm_[]`).
    pub result_type: String,
    /// Answers with `WithTask` items whose tasks can be followed.
    pub is_async: bool,
    /// Marked deprecated.
    pub deprecated: bool,
    /// Declares a 304 "Not modified" answer.
    pub not_modified: bool,
}

/// One parameter of an [`Operation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Its name on the wire.
    pub name: String,
    /// `body` or `query`.
    pub location: &'static str,
    /// Its type in model terms (`VmWhereInput`, `string`, `int32[]`).
    pub ty: String,
    /// Required by the schema.
    pub required: bool,
}

/// The last segment of a `#/components/schemas/X` reference.
pub fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// The schema a property points at: `$ref`, or a nullable `allOf` with one `$ref`.
pub fn single_ref(schema: &Value) -> Option<&str> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return Some(ref_name(r));
    }
    match schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([only]) => only.get("$ref").and_then(Value::as_str).map(ref_name),
        _ => None,
    }
}

/// Names a schema in model terms for the table: a schema name, a JSON type (`string`, `int32`,
/// `int64`, `double`, `boolean`, `object`, `any`), `T[]` for arrays.
pub fn describe(schema: &Value) -> String {
    if let Some(name) = single_ref(schema) {
        return name.to_string();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!(
            "{}[]",
            describe(schema.get("items").unwrap_or(&Value::Null))
        ),
        Some("integer") => match schema.get("format").and_then(Value::as_str) {
            Some("int64") => "int64".into(),
            _ => "int32".into(),
        },
        Some("number") => "double".into(),
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("binary") => "binary".into(),
            _ => "string".into(),
        },
        Some(other) => other.to_string(),
        None if schema.get("allOf").is_some() => "object".into(),
        None => "any".into(),
    }
}

impl Spec {
    /// Parses the document; errors name the path or schema at fault.
    pub fn parse(text: &str) -> Result<Spec, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .ok_or("no components.schemas")?;
        let paths = doc
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("no paths")?;
        let mut operations = Vec::new();
        for (path, item) in paths {
            let item = item
                .as_object()
                .ok_or_else(|| format!("{path}: not an object"))?;
            for (method, op) in item {
                operations.push(operation(&schemas, path, method, op)?);
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for op in &operations {
            if !seen.insert(op.name.as_str()) {
                return Err(format!("operation `{}` twice", op.name));
            }
        }
        Ok(Spec {
            schemas,
            operations,
        })
    }

    /// Follows `$ref`s (and aliases of aliases) to the schema itself.
    pub fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        resolve(&self.schemas, schema)
    }
}

fn resolve<'a>(schemas: &'a Map<String, Value>, mut schema: &'a Value) -> &'a Value {
    for _ in 0..8 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| schemas.get(ref_name(r)))
        {
            Some(next) => schema = next,
            None => break,
        }
    }
    schema
}

/// An object's properties in document order, and the names it requires.
pub type Fields = (Vec<(String, Value)>, Vec<String>);

/// The properties and required names of an object schema, `allOf` parts merged in order.
pub fn object_fields(schemas: &Map<String, Value>, schema: &Value) -> Option<Fields> {
    let schema = resolve(schemas, schema);
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut props: Vec<(String, Value)> = Vec::new();
        let mut required = Vec::new();
        for part in parts {
            let (p, r) = object_fields(schemas, part)?;
            for (name, s) in p {
                match props.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = s,
                    None => props.push((name, s)),
                }
            }
            required.extend(r);
        }
        return Some((props, required));
    }
    let props = schema.get("properties").and_then(Value::as_object)?;
    let required = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Some((
        props.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        required,
    ))
}

fn operation(
    schemas: &Map<String, Value>,
    path: &str,
    method: &str,
    op: &Value,
) -> Result<Operation, String> {
    let name = path
        .strip_prefix('/')
        .ok_or_else(|| format!("{path}: does not start with /"))?
        .to_string();
    let method = method.to_ascii_uppercase();
    if !matches!(method.as_str(), "GET" | "POST") {
        return Err(format!("{path}: unexpected method {method}"));
    }
    let text = |key: &str| {
        op.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let tag = op
        .pointer("/tags/0")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut params = Vec::new();
    for p in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if p.get("in").and_then(Value::as_str) == Some("query") {
            params.push(Param {
                name: p
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("{path}: query parameter without a name"))?
                    .to_string(),
                location: "query",
                ty: describe(p.get("schema").unwrap_or(&Value::Null)),
                required: p.get("required").and_then(Value::as_bool) == Some(true),
            });
        }
    }
    let content = op
        .pointer("/requestBody/content")
        .and_then(Value::as_object);
    let (body, multipart) = match content {
        None => (None, false),
        Some(c) => match (c.get("application/json"), c.get("multipart/form-data")) {
            (Some(j), _) => (j.get("schema").cloned(), false),
            (None, Some(m)) => (m.get("schema").cloned(), true),
            _ => return Err(format!("{path}: body of an unknown content type")),
        },
    };
    let mut body_type = String::new();
    let mut body_is_array = false;
    if let Some(schema) = &body {
        body_type = describe(schema);
        let mut item = resolve(schemas, schema);
        if item.get("type").and_then(Value::as_str) == Some("array") {
            body_is_array = true;
            // An alias of an array (`NodeTopoUpdationParams`) is described as the array.
            body_type = describe(item);
            item = item.get("items").unwrap_or(&Value::Null);
        }
        let (props, required) = object_fields(schemas, item)
            .ok_or_else(|| format!("{path}: body `{body_type}` is not an object or array"))?;
        for (pname, pschema) in props {
            params.push(Param {
                required: required.contains(&pname),
                ty: describe(&pschema),
                name: pname,
                location: "body",
            });
        }
    }
    let result = op
        .pointer("/responses/200/content/application~1json/schema")
        .cloned();
    let result_type = result.as_ref().map(describe).unwrap_or_default();
    Ok(Operation {
        is_async: result_type.starts_with("WithTask_"),
        deprecated: op.get("deprecated").and_then(Value::as_bool) == Some(true),
        not_modified: op.pointer("/responses/304").is_some(),
        name,
        method,
        path: path.to_string(),
        operation_id: text("operationId"),
        tag,
        body,
        body_type,
        body_is_array,
        multipart,
        params,
        result,
        result_type,
    })
}

/// Reads the model and writes the whole `generated/` folder.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, String> {
    let text = std::fs::read_to_string(root.join(MODEL))
        .map_err(|e| format!("cannot read {MODEL}: {e}"))?;
    let spec = Spec::parse(&text).map_err(|e| format!("{MODEL}: {e}"))?;
    let mut files = vec![
        GeneratedFile::new(format!("{OUT}/mod.rs"), MOD_RS),
        GeneratedFile::new(format!("{OUT}/api.rs"), &api_table(&spec.operations)),
    ];
    files.extend(types::generate(&spec, &format!("{OUT}/types"))?);
    files.extend(ops::generate(&spec, &format!("{OUT}/ops"))?);
    Ok(files)
}

const MOD_RS: &str = "//! Code generated from `crates/cloudtower/model/` by `cargo xtask codegen cloudtower`.\n\
\n\
pub mod api;\n\
pub mod ops;\n\
pub mod types;\n";

/// One line for `api list`: what the spec says about the operation.
pub fn summary(op: &Operation) -> String {
    let mut s = format!("{} ({})", op.operation_id, op.tag);
    if !op.result_type.is_empty() {
        let _ = write!(s, " -> {}", op.result_type);
    }
    if op.body_is_array {
        s.push_str("; body is an array: NAME=VALUE fill one element");
    }
    if op.multipart {
        s.push_str("; multipart upload");
    }
    if op.not_modified {
        s.push_str("; 304 when nothing changes");
    }
    if op.deprecated {
        s.push_str("; deprecated");
    }
    s
}

/// `generated/api.rs`: the static table.
pub fn api_table(ops: &[Operation]) -> String {
    let mut out = String::new();
    out.push_str(
        "//! Every CloudTower operation as data: the table behind `omnivirt api` for CloudTower.\n\
         //!\n\
         //! Names are the paths without their slash (`get-vms`). Body parameters are the body\n\
         //! schema's top-level fields; for an array body (`[VmCreationParams]`) they are the\n\
         //! item's fields and `NAME=VALUE` pairs fill a one-element array (`--body` gives the whole\n\
         //! array).\n\n",
    );
    out.push_str("use omnivirt_core::api::{ApiOperation, ApiParam, ParamIn};\n\n");
    let by_tag: BTreeMap<&str, usize> = ops.iter().fold(BTreeMap::new(), |mut m, o| {
        *m.entry(o.tag.as_str()).or_default() += 1;
        m
    });
    let _ = writeln!(
        out,
        "/// Every operation of the CloudTower 4.6.0 model ({} operations in {} groups), in the model's path order.",
        ops.len(),
        by_tag.len()
    );
    out.push_str("pub static OPERATIONS: &[ApiOperation] = &[\n");
    for op in ops {
        let summary = summary(op);
        let line = OpExpr {
            name: &op.name,
            method: &op.method,
            path: &op.path,
            params: (!op.params.is_empty()).then(|| params_const(&op.name)),
            result: &op.result_type,
            body: &op.body_type,
            is_async: op.is_async,
            summary: &summary,
        }
        .render();
        let _ = writeln!(out, "    {line},");
    }
    out.push_str("];\n");
    for op in ops.iter().filter(|o| !o.params.is_empty()) {
        out.push('\n');
        out.push_str(&doc(&format!("Parameters of `{}`.", op.name)));
        let _ = writeln!(out, "const {}: &[ApiParam] = &[", params_const(&op.name));
        for p in &op.params {
            let location = if p.location == "query" {
                "Query"
            } else {
                "Body"
            };
            let mut line = format!(
                "ApiParam::new({}, ParamIn::{location}, {})",
                str_lit(&p.name),
                str_lit(&p.ty)
            );
            if p.required {
                line.push_str(".required()");
            }
            let _ = writeln!(out, "    {line},");
        }
        out.push_str("];\n");
    }
    out
}

fn params_const(name: &str) -> String {
    format!("{}_PARAMS", snake(name).to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model with one query, one array-body creation, one GET with query parameters and one
    /// upload, in the shapes the real document uses.
    pub(crate) const SMALL: &str = r##"{
      "openapi": "3.0.0",
      "paths": {
        "/get-vms": {"post": {"operationId": "GetVms", "tags": ["Vm"],
          "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/GetVmsRequestBody"}}}},
          "responses": {"200": {"content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Vm"}}}}}}}},
        "/create-vm": {"post": {"operationId": "CreateVm", "tags": ["Vm"],
          "requestBody": {"content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/VmCreationParams"}}}}},
          "responses": {"200": {"content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/WithTask_Vm_"}}}}}, "304": {"description": "Not modified"}}}},
        "/resource-changes": {"get": {"operationId": "GetResourceChanges", "tags": ["ResourceChange"],
          "parameters": [{"in": "query", "name": "limit", "schema": {"type": "integer", "format": "int32"}}],
          "responses": {"200": {}}}},
        "/upload-elf-image": {"post": {"operationId": "UploadElfImage", "tags": ["ElfImage"],
          "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}, "name": {"type": "string"}}, "required": ["file"]}}}},
          "responses": {"200": {}}}}
      },
      "components": {"schemas": {
        "VmStatus": {"type": "string", "enum": ["RUNNING", "STOPPED", "NVMe_SSD"]},
        "VmWhereInput": {"type": "object", "additionalProperties": false, "properties": {
          "AND": {"type": "array", "nullable": true, "items": {"$ref": "#/components/schemas/VmWhereInput"}},
          "name_contains": {"type": "string", "nullable": true},
          "status_in": {"type": "array", "nullable": true, "items": {"$ref": "#/components/schemas/VmStatus"}},
          "cluster": {"allOf": [{"$ref": "#/components/schemas/ClusterWhereInput"}], "nullable": true}}},
        "ClusterWhereInput": {"type": "object", "properties": {
          "vms_some": {"allOf": [{"$ref": "#/components/schemas/VmWhereInput"}], "nullable": true},
          "id": {"type": "string", "nullable": true}}},
        "GetVmsRequestBody": {"type": "object", "properties": {
          "where": {"allOf": [{"$ref": "#/components/schemas/VmWhereInput"}], "nullable": true},
          "first": {"type": "integer", "format": "int32", "nullable": true}}},
        "VmCreationParams": {"type": "object", "required": ["name", "memory"], "properties": {
          "name": {"type": "string"}, "memory": {"type": "integer", "format": "int64"},
          "cpu": {"type": "object", "properties": {"cores": {"type": "integer", "format": "int32"}}, "required": ["cores"]},
          "tags": {"type": "array", "items": {"type": "string"}}}},
        "NestedCluster": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
        "Vm": {"type": "object", "required": ["id", "status"], "properties": {
          "id": {"type": "string"}, "status": {"$ref": "#/components/schemas/VmStatus"},
          "memory": {"type": "integer", "format": "int64"},
          "cluster": {"allOf": [{"$ref": "#/components/schemas/NestedCluster"}], "nullable": true},
          "usage": {"type": "number", "format": "double", "nullable": true},
          "labels": {"type": "object", "properties": {}}}},
        "WithTask_Vm_": {"type": "object", "required": ["data"], "properties": {
          "task_id": {"type": "string", "nullable": true}, "data": {"$ref": "#/components/schemas/Vm"}}}
      }}
    }"##;

    #[test]
    fn parses_operations_params_and_shapes() {
        let spec = Spec::parse(SMALL).unwrap();
        let names: Vec<&str> = spec.operations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "get-vms",
                "create-vm",
                "resource-changes",
                "upload-elf-image"
            ]
        );
        let get = &spec.operations[0];
        assert_eq!(
            (get.method.as_str(), get.path.as_str()),
            ("POST", "/get-vms")
        );
        assert_eq!(get.body_type, "GetVmsRequestBody");
        assert_eq!(get.result_type, "Vm[]");
        assert!(!get.is_async && !get.body_is_array);
        assert_eq!(
            get.params[0],
            Param {
                name: "where".into(),
                location: "body",
                ty: "VmWhereInput".into(),
                required: false
            }
        );
        assert_eq!(get.params[1].ty, "int32");
        let create = &spec.operations[1];
        assert!(create.is_async && create.body_is_array && create.not_modified);
        assert_eq!(create.body_type, "VmCreationParams[]");
        let req: Vec<(&str, bool)> = create
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.required))
            .collect();
        assert_eq!(
            req,
            [
                ("name", true),
                ("memory", true),
                ("cpu", false),
                ("tags", false)
            ]
        );
        assert_eq!(create.params[3].ty, "string[]");
        let changes = &spec.operations[2];
        assert_eq!(changes.method, "GET");
        assert_eq!(changes.params[0].location, "query");
        let upload = &spec.operations[3];
        assert!(upload.multipart);
        assert_eq!(upload.params[0].ty, "binary");
        assert!(upload.params[0].required);
    }

    #[test]
    fn refuses_bad_documents() {
        assert!(Spec::parse("{").unwrap_err().contains("not JSON"));
        assert!(
            Spec::parse("{\"paths\": {}}")
                .unwrap_err()
                .contains("schemas")
        );
        let bad = r#"{"paths": {"x": {"post": {}}}, "components": {"schemas": {}}}"#;
        assert!(
            Spec::parse(bad)
                .unwrap_err()
                .contains("does not start with /")
        );
        let bad = r#"{"paths": {"/x": {"put": {}}}, "components": {"schemas": {}}}"#;
        assert!(Spec::parse(bad).unwrap_err().contains("method"));
    }

    #[test]
    fn table_snippets() {
        let spec = Spec::parse(SMALL).unwrap();
        let table = api_table(&spec.operations);
        assert!(table.contains(
            "ApiOperation::new(\"create-vm\", \"POST\", \"/create-vm\").params(CREATE_VM_PARAMS).result(\"WithTask_Vm_[]\").body(\"VmCreationParams[]\").asynchronous()"
        ), "{table}");
        assert!(table.contains("ApiParam::new(\"name\", ParamIn::Body, \"string\").required(),"));
        assert!(table.contains("ApiParam::new(\"limit\", ParamIn::Query, \"int32\"),"));
        assert!(table.contains("(4 operations in 3 groups)"));
        crate::rustfmt(&table).unwrap();
    }

    #[test]
    fn describes_schemas() {
        let d = |s: &str| describe(&serde_json::from_str(s).unwrap());
        assert_eq!(d(r##"{"$ref": "#/components/schemas/Vm"}"##), "Vm");
        assert_eq!(
            d(r##"{"allOf": [{"$ref": "#/x/Y"}], "nullable": true}"##),
            "Y"
        );
        assert_eq!(
            d(r#"{"type": "array", "items": {"type": "integer", "format": "int64"}}"#),
            "int64[]"
        );
        assert_eq!(d(r#"{"type": "number"}"#), "double");
        assert_eq!(d("{}"), "any");
    }
}
