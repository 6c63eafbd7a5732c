//! Typed actions: `generated/ops.rs` and `generated/ops/<group>.rs`. For every action a
//! parameters struct (required parameters as constructor arguments, a `String` parameter with
//! valid values as an enum that keeps other values), and a method on `Actions` that turns the
//! struct into pairs and calls the runtime's one non-generic send path. Query actions take the
//! runtime's `Query` builder instead of a struct.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::model::{Action, Param};
use super::table::const_name;
use super::types::Types;
use super::{Group, OUT};
use crate::GeneratedFile;
use crate::rust::{doc, field_ident, snake, str_lit, type_ident};

/// Most actions in one `ops/<group>.rs`.
pub const OPS_PER_FILE: usize = 90;

const FIELDS: &str = "crate::native::typed::arg";

/// The Rust type of a parameter (writer side). `systemTags`/`userTags` are string lists on
/// every API message even where the SDK declares a raw `List`.
pub fn param_type(name: &str, ty: &str, types: &Types<'_>) -> String {
    if ty == "List" && matches!(name, "systemTags" | "userTags") {
        return "Vec<String>".into();
    }
    let rust = types.rust(ty, false);
    rust.replace("super::", "crate::generated::types::")
}

/// The generated enum for a `String` parameter with valid values, if it gets one.
/// `{Action}{Param}`, or `{Action}{Param}Value` when an action already has that name.
pub fn enum_name(action: &Action, p: &Param, taken: &BTreeSet<String>) -> Option<String> {
    (p.ty == "String" && !p.valid.is_empty()).then(|| {
        let name = format!("{}{}", type_ident(&action.name), type_ident(&p.name));
        if taken.contains(&name) {
            format!("{name}Value")
        } else {
            name
        }
    })
}

/// Unique Rust field names for the parameters.
fn idents(params: &[Param]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    params
        .iter()
        .map(|p| {
            let base = field_ident(&p.name);
            let mut n = base.clone();
            let mut i = 2;
            while !seen.insert(n.clone()) {
                n = format!("{base}_{i}");
                i += 1;
            }
            n
        })
        .collect()
}

/// The parameters as the struct holds them: every path variable required.
fn struct_params(a: &Action) -> Vec<Param> {
    let vars = a.path_vars();
    a.params
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.required |= vars.contains(&p.name.as_str());
            p
        })
        .collect()
}

fn value_enum(name: &str, a: &Action, p: &Param) -> String {
    let variants = super::types::variant_names(&p.valid);
    let mut out = String::new();
    out.push_str(&doc(&format!(
        "The values of `{}` of `{}`; `Unrecognized` sends any other value as is.",
        p.name, a.name
    )));
    out.push_str("#[derive(Debug, Clone, PartialEq, Eq)]\n#[non_exhaustive]\n");
    let _ = writeln!(out, "pub enum {name} {{");
    for (v, var) in p.valid.iter().zip(&variants) {
        out.push_str(&doc(&format!("`{v}`.")).replace("///", "    ///"));
        let _ = writeln!(out, "    {var},");
    }
    out.push_str("    /// A value the model does not list.\n    Unrecognized(String),\n}\n\n");
    let _ = writeln!(out, "impl {name} {{");
    out.push_str(
        "    /// The value as sent.\n    pub fn as_str(&self) -> &str {\n        match self {\n",
    );
    for (v, var) in p.valid.iter().zip(&variants) {
        let _ = writeln!(out, "            Self::{var} => {},", str_lit(v));
    }
    out.push_str("            Self::Unrecognized(s) => s,\n        }\n    }\n}\n");
    out
}

/// The parameters struct of a non-query action, its enums and its constructor.
pub fn params_struct(a: &Action, types: &Types<'_>, taken: &BTreeSet<String>) -> String {
    let name = type_ident(&a.name);
    let params = struct_params(a);
    let ids = idents(&params);
    let mut out = String::new();
    for p in &params {
        if let Some(e) = enum_name(a, p, taken) {
            out.push_str(&value_enum(&e, a, p));
            out.push('\n');
        }
    }
    let body = if a.body_key.is_empty() || matches!(a.method.as_str(), "GET" | "DELETE") {
        String::new()
    } else {
        format!(" (body key `{}`)", a.body_key)
    };
    out.push_str(&doc(&format!(
        "Parameters of `{}`: `{} /zstack/v1{}`{body}{}.",
        a.name,
        a.method,
        a.path,
        if a.needs_poll { ", asynchronous" } else { "" }
    )));
    let any_required = params.iter().any(|p| p.required);
    // Default only when nothing is required (a required enum has no default).
    out.push_str(if any_required {
        "#[derive(Debug, Clone)]\n"
    } else {
        "#[derive(Debug, Clone, Default)]\n"
    });
    out.push_str("#[non_exhaustive]\npub struct ");
    out.push_str(&name);
    out.push_str(" {\n");
    let vars = a.path_vars();
    for (p, id) in params.iter().zip(&ids) {
        let ty = match enum_name(a, p, taken) {
            Some(e) => e,
            None => param_type(&p.name, &p.ty, types),
        };
        let place = if vars.contains(&p.name.as_str()) {
            "path"
        } else if matches!(a.method.as_str(), "GET" | "DELETE") {
            "query"
        } else {
            "body"
        };
        let mut line = format!(
            "`{}` ({place}, {}): `{}`",
            p.name,
            if p.required { "required" } else { "optional" },
            p.ty
        );
        if !p.valid.is_empty() {
            let _ = write!(line, "; one of {}", p.valid.join(", "));
        }
        line.push('.');
        out.push_str(&doc(&line).replace("///", "    ///"));
        if p.required {
            let _ = writeln!(out, "    pub {id}: {ty},");
        } else {
            let _ = writeln!(out, "    pub {id}: Option<{ty}>,");
        }
    }
    out.push_str("}\n\n");
    let _ = writeln!(out, "impl {name} {{");
    let required: Vec<(&Param, &String)> = params
        .iter()
        .zip(&ids)
        .filter(|(p, _)| p.required)
        .collect();
    out.push_str(
        "    /// The parameters with every required one given; set the optional fields after.\n",
    );
    let args: Vec<String> = required
        .iter()
        .map(|(p, id)| match enum_name(a, p, taken) {
            Some(e) => format!("{id}: {e}"),
            None if p.ty == "String" => format!("{id}: impl Into<String>"),
            None => format!("{id}: {}", param_type(&p.name, &p.ty, types)),
        })
        .collect();
    if args.len() > 7 {
        out.push_str("    #[allow(clippy::too_many_arguments)]\n");
    }
    let _ = writeln!(out, "    pub fn new({}) -> Self {{", args.join(", "));
    out.push_str("        Self {\n");
    for (p, id) in params.iter().zip(&ids) {
        if !p.required {
            let _ = writeln!(out, "            {id}: None,");
        } else if p.ty == "String" && enum_name(a, p, taken).is_none() {
            let _ = writeln!(out, "            {id}: {id}.into(),");
        } else {
            let _ = writeln!(out, "            {id},");
        }
    }
    out.push_str("        }\n    }\n\n");
    out.push_str(
        "    /// The parameters as `NAME=VALUE` pairs, model names, unset ones left out.\n",
    );
    out.push_str("    pub fn pairs(&self) -> Vec<(String, serde_json::Value)> {\n");
    let _ = writeln!(
        out,
        "        let mut out = Vec::with_capacity({});",
        params.len()
    );
    for (p, id) in params.iter().zip(&ids) {
        let value = match (enum_name(a, p, taken).is_some(), p.required) {
            (true, true) => format!("Some(self.{id}.as_str())"),
            (true, false) => format!("self.{id}.as_ref().map(|v| v.as_str())"),
            (false, true) => format!("Some(&self.{id})"),
            (false, false) => format!("self.{id}.as_ref()"),
        };
        let _ = writeln!(
            out,
            "        {FIELDS}(&mut out, {}, {value});",
            str_lit(&p.name)
        );
    }
    out.push_str("        out\n    }\n}\n");
    out
}

/// The method of an action on `Actions`.
pub fn method(a: &Action, group: &str, types: &Types<'_>) -> String {
    let mut out = String::new();
    let op = format!("crate::generated::api::{group}::{}", const_name(&a.name));
    let what = if a.needs_poll {
        "An asynchronous API: the reply is a job to follow with `ZStackClient::wait`."
    } else {
        "A synchronous API: the reply is its result."
    };
    let mut text = format!("`{}`: `{} /zstack/v1{}`. {what}", a.name, a.method, a.path);
    if !a.result_fields.is_empty() {
        let fields: Vec<String> = a
            .result_fields
            .iter()
            .map(|(n, t)| format!("`{n}`: `{t}`"))
            .collect();
        let _ = write!(
            text,
            "\nThe result (`{}`) has {}",
            a.result_class,
            fields.join(", ")
        );
        match super::results::alias(a, types) {
            Some(alias) => {
                let _ = write!(text, "; it decodes as `results::{alias}`.");
            }
            None => text.push_str("; decode its fields with `generated::types`."),
        }
    }
    out.push_str(&doc(&text).replace("///", "    ///"));
    let fname = field_ident(&snake(&a.name));
    if a.is_query {
        let vars = a.path_vars();
        let mut args: Vec<String> = vars
            .iter()
            .map(|v| format!("{}: &str", field_ident(v)))
            .collect();
        args.push("query: &crate::native::query::Query".into());
        let _ = writeln!(
            out,
            "    pub fn {fname}(self, {}) -> impl Future<Output = Result<crate::native::Reply>> + use<'a> {{",
            args.join(", ")
        );
        let pairs: Vec<String> = vars
            .iter()
            .map(|v| {
                format!(
                    "({}.to_string(), serde_json::Value::from({}))",
                    str_lit(v),
                    field_ident(v)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "        self.send_query(&{op}, vec![{}], query.to_pairs())\n    }}",
            pairs.join(", ")
        );
    } else {
        let _ = writeln!(
            out,
            "    pub fn {fname}(self, params: &{}) -> impl Future<Output = Result<crate::native::Reply>> + use<'a> {{",
            type_ident(&a.name)
        );
        let _ = writeln!(out, "        self.send(&{op}, params.pairs())\n    }}");
    }
    out
}

/// One ops file: the structs of its actions and an `impl Actions` with their methods.
pub fn ops_file(
    actions: &[&Action],
    api_group: &[String],
    types: &Types<'_>,
    taken: &BTreeSet<String>,
) -> String {
    let mut out = String::from("//! Typed ZStack actions: parameters and methods.\n\n");
    out.push_str("use omnivirt_core::Result;\n\nuse crate::native::Actions;\n");
    for a in actions.iter().filter(|a| !a.is_query) {
        out.push('\n');
        out.push_str(&params_struct(a, types, taken));
    }
    out.push_str("\nimpl<'a> Actions<'a> {\n");
    for (a, g) in actions.iter().zip(api_group) {
        out.push_str(&method(a, g, types));
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

/// Actions in path order (prefix, then name) cut into files of at most `per_file`, each named
/// by its first and last prefix (`hybrid`, `hybrid_2`, `accounts_to_baremetal`).
pub fn chunk(actions: &[Action], per_file: usize) -> (Vec<Group>, Vec<usize>) {
    let mut order: Vec<usize> = (0..actions.len()).collect();
    order.sort_by_key(|&i| {
        let p = super::prefix(&actions[i].path);
        (p.to_ascii_lowercase(), actions[i].name.clone())
    });
    let ident = |i: usize| {
        field_ident(super::prefix(&actions[i].path))
            .trim_start_matches("r#")
            .to_string()
    };
    let mut groups: Vec<Group> = Vec::new();
    let mut of = vec![0; actions.len()];
    let mut used = BTreeSet::new();
    for part in order.chunks(per_file.max(1)) {
        let (first, last) = (ident(part[0]), ident(part[part.len() - 1]));
        let base = if first == last {
            first
        } else {
            format!("{first}_to_{last}")
        };
        let mut module = base.clone();
        let mut n = 2;
        while !used.insert(module.clone()) {
            module = format!("{base}_{n}");
            n += 1;
        }
        for &i in part {
            of[i] = groups.len();
        }
        let mut prefixes: Vec<String> = part
            .iter()
            .map(|&i| super::prefix(&actions[i].path).to_string())
            .collect();
        prefixes.dedup();
        groups.push(Group { module, prefixes });
    }
    (groups, of)
}

/// `ops.rs` and its files.
pub fn files(
    actions: &[Action],
    api_groups: &[Group],
    api_group_of: &[usize],
    types: &Types<'_>,
) -> Result<Vec<GeneratedFile>, String> {
    let taken: BTreeSet<String> = actions
        .iter()
        .filter(|a| !a.is_query)
        .map(|a| type_ident(&a.name))
        .collect();
    let mut names: Vec<String> = taken.iter().cloned().collect();
    for a in actions.iter().filter(|a| !a.is_query) {
        names.extend(a.params.iter().filter_map(|p| enum_name(a, p, &taken)));
    }
    super::check_unique(names.into_iter(), "ops type")?;
    super::check_unique(
        actions.iter().map(|a| field_ident(&snake(&a.name))),
        "ops method",
    )?;
    let (groups, of) = chunk(actions, OPS_PER_FILE);
    let mut root = String::from(
        "//! Every ZStack action as a typed method on `Actions` (`ZStackClient::actions`), with \
         a parameters struct per action (queries take `query::Query`).\n\n",
    );
    for g in &groups {
        let _ = writeln!(root, "mod {};", g.module);
    }
    root.push('\n');
    for g in &groups {
        let _ = writeln!(root, "pub use {}::*;", g.module);
    }
    let mut files = vec![GeneratedFile::new(format!("{OUT}/ops.rs"), &root)];
    for (i, g) in groups.iter().enumerate() {
        let members: Vec<(&Action, String)> = actions
            .iter()
            .zip(&of)
            .zip(api_group_of)
            .filter(|((_, gi), _)| **gi == i)
            .map(|((a, _), ag)| (a, api_groups[*ag].module.clone()))
            .collect();
        let (acts, mods): (Vec<&Action>, Vec<String>) = members.into_iter().unzip();
        files.push(GeneratedFile::new(
            format!("{OUT}/ops/{}.rs", g.module),
            &ops_file(&acts, &mods, types, &taken),
        ));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::super::model::{Class, parse_param};
    use super::*;

    fn stop() -> Action {
        Action {
            name: "StopVmInstance".into(),
            method: "PUT".into(),
            path: "/vm-instances/{uuid}/actions".into(),
            alt_paths: vec![],
            needs_session: true,
            needs_poll: true,
            body_key: "stopVmInstance".into(),
            is_query: false,
            params: [
                "uuid:String",
                "type:String{grace|cold}",
                "systemTags:List<String>",
                "size:long!",
            ]
            .iter()
            .map(|p| parse_param(p, 1).unwrap())
            .collect(),
            result_class: String::new(),
            result_fields: vec![],
        }
    }

    #[test]
    fn structs_with_required_constructor_and_value_enums() {
        let classes: Vec<Class> = vec![];
        let types = Types::new(&classes);
        let s = params_struct(&stop(), &types, &BTreeSet::new());
        let taken = BTreeSet::from(["StopVmInstanceType".to_string()]);
        assert!(
            params_struct(&stop(), &types, &taken).contains("pub enum StopVmInstanceTypeValue {")
        );
        assert!(s.contains("pub enum StopVmInstanceType {"), "{s}");
        assert!(s.contains("            Self::Grace => \"grace\","), "{s}");
        // A path variable is required even where the SDK says optional.
        assert!(s.contains("    pub uuid: String,"), "{s}");
        assert!(
            s.contains("    pub r#type: Option<StopVmInstanceType>,"),
            "{s}"
        );
        assert!(
            s.contains("    pub system_tags: Option<Vec<String>>,"),
            "{s}"
        );
        assert!(
            s.contains("    pub fn new(uuid: impl Into<String>, size: i64) -> Self {"),
            "{s}"
        );
        assert!(s.contains("            r#type: None,"), "{s}");
        assert!(
            s.contains("#[derive(Debug, Clone)]\n#[non_exhaustive]\npub struct StopVmInstance"),
            "{s}"
        );
        assert!(s.contains(
            "crate::native::typed::arg(&mut out, \"type\", self.r#type.as_ref().map(|v| v.as_str()));"
        ), "{s}");
        assert!(
            s.contains("crate::native::typed::arg(&mut out, \"uuid\", Some(&self.uuid));"),
            "{s}"
        );
    }

    #[test]
    fn methods_call_the_one_send_path() {
        let mut a = stop();
        a.result_class = "StopVmInstanceResult".into();
        a.result_fields = vec![("inventory".into(), "VmInstanceInventory".into())];
        let classes: Vec<Class> = vec![];
        let types = Types::new(&classes);
        let m = method(&a, "vm_instances", &types);
        assert!(m.contains("    /// The result (`StopVmInstanceResult`) has `inventory`: `VmInstanceInventory`; it decodes as `results::StopVmInstanceResult`."), "{m}");
        assert!(
            m.contains("pub fn stop_vm_instance(self, params: &StopVmInstance)"),
            "{m}"
        );
        assert!(
            m.contains(
                "self.send(&crate::generated::api::vm_instances::STOP_VM_INSTANCE, params.pairs())"
            ),
            "{m}"
        );
        let mut q = stop();
        q.is_query = true;
        q.name = "QueryVmNicRef".into();
        q.path = "/vm-instances/{vmInstanceUuid}/nics".into();
        let m = method(&q, "vm", &types);
        assert!(m.contains("pub fn query_vm_nic_ref(self, vm_instance_uuid: &str, query: &crate::native::query::Query)"), "{m}");
        assert!(
            m.contains(
                "vec![(\"vmInstanceUuid\".to_string(), serde_json::Value::from(vm_instance_uuid))]"
            ),
            "{m}"
        );
    }
}
