//! The oVirt model (`types.json`, `services.json`) read into plain structs, every field the
//! generator uses checked on the way in so that a malformed model fails with its location.

use serde_json::Value;

/// What a struct attribute, parameter or output holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `string`.
    String,
    /// `boolean`.
    Boolean,
    /// `integer` (64-bit on the wire).
    Integer,
    /// `decimal`.
    Decimal,
    /// `date` (XML Schema dateTime).
    Date,
    /// `enum:Name`.
    Enum(String),
    /// `struct:Name`.
    Struct(String),
    /// `list:X`, with the item kind.
    List(Box<Kind>),
}

impl Kind {
    /// Parses `string`, `enum:X`, `struct:X`; `list:X` needs the item kind (`item`), because the
    /// model names only the item type there.
    pub fn parse(text: &str, item: Option<&str>, ctx: &str) -> Result<Kind, String> {
        Ok(match text {
            "string" => Kind::String,
            "boolean" => Kind::Boolean,
            "integer" => Kind::Integer,
            "decimal" => Kind::Decimal,
            "date" => Kind::Date,
            other => match other.split_once(':') {
                Some(("enum", n)) if !n.is_empty() => Kind::Enum(n.into()),
                Some(("struct", n)) if !n.is_empty() => Kind::Struct(n.into()),
                Some(("list", n)) if !n.is_empty() => {
                    let inner = match item {
                        Some(i) => Kind::parse(i, None, ctx)?,
                        None => Kind::guess_item(n),
                    };
                    Kind::List(Box::new(inner))
                }
                _ => return Err(format!("{ctx}: unknown kind `{other}`")),
            },
        })
    }

    /// A list parameter names only the item type: primitives by their kind name, else a
    /// struct (enums are resolved by [`Model::fix_kinds`]).
    fn guess_item(name: &str) -> Kind {
        match name {
            "string" | "String" => Kind::String,
            "boolean" | "Boolean" => Kind::Boolean,
            "integer" | "Integer" => Kind::Integer,
            "decimal" | "Decimal" => Kind::Decimal,
            "date" | "Date" => Kind::Date,
            n => Kind::Struct(n.into()),
        }
    }

    /// The type as `omnivirt api describe` shows it: `String`, `Boolean`, `Vm`, `Nic[]`.
    pub fn display(&self) -> String {
        match self {
            Kind::String => "String".into(),
            Kind::Boolean => "Boolean".into(),
            Kind::Integer => "Integer".into(),
            Kind::Decimal => "Decimal".into(),
            Kind::Date => "Date".into(),
            Kind::Enum(n) | Kind::Struct(n) => n.clone(),
            Kind::List(inner) => format!("{}[]", inner.display()),
        }
    }
}

/// One struct attribute (inherited ones included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Model name (`snake_case`).
    pub name: String,
    /// What it holds.
    pub kind: Kind,
    /// Element tag (or XML attribute name).
    pub xml_tag: String,
    /// Whether it is an XML attribute (`id`).
    pub xml_attribute: bool,
    /// Item element tag of a list.
    pub item_tag: Option<String>,
    /// `<link rel>` the engine serves it as, when not inlined.
    pub link_rel: Option<String>,
    /// The order the SDK writes attributes in.
    pub write_order: i64,
    /// A secret (a password, a cloud-init script, a console ticket): held as a `Secret`, never
    /// shown by `Debug` or in the JSON form.
    pub secret: bool,
}

/// Text fields that hold secrets: by field name anywhere, or `(struct, field)`.
const SECRET_NAMES: &[&str] = &[
    "custom_script",
    "password",
    "root_password",
    "windows_license_key",
];
const SECRET_FIELDS: &[(&str, &str)] = &[("ProxyTicket", "value"), ("Ticket", "value")];

/// Keys masked anywhere in the JSON form: the secret names, and the fields that hold a ticket.
pub const JSON_SECRET_KEYS: &[&str] = &[
    "custom_script",
    "password",
    "proxy_ticket",
    "root_password",
    "ticket",
    "windows_license_key",
];

/// Whether the text field `field` of struct `st` holds a secret.
pub fn is_secret(st: &str, field: &str) -> bool {
    SECRET_NAMES.contains(&field) || SECRET_FIELDS.contains(&(st, field))
}

/// One struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Struct {
    /// `PascalCase` name.
    pub name: String,
    /// Element tag of one object.
    pub xml_element: String,
    /// Element tag of a collection.
    pub xml_collection: String,
    /// Every attribute, inherited ones included, sorted by name.
    pub attrs: Vec<Attr>,
}

/// One enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enum {
    /// `PascalCase` name.
    pub name: String,
    /// Wire values.
    pub values: Vec<String>,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loc {
    /// URL query.
    Query,
    /// Child of `<action>`.
    Action,
    /// The whole body.
    Body,
}

/// One method parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Model name.
    pub name: String,
    /// Wire name (query name or action element); the model name for the body.
    pub wire: String,
    /// What it holds.
    pub kind: Kind,
    /// Where it travels.
    pub loc: Loc,
    /// Required (only the add/update body, as far as the model says).
    pub required: bool,
}

/// One method of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// Model name (`start`, `add_from_scratch`).
    pub name: String,
    /// `get`, `list`, `add`, `update`, `remove`, `action`.
    pub kind: String,
    /// HTTP verb.
    pub http: String,
    /// Path below the service (`start`), empty for the service itself.
    pub path: String,
    /// Parameters.
    pub params: Vec<Param>,
    /// Output kind.
    pub output: Option<Kind>,
    /// Output member name (the child of `<action>` holding an action's result).
    pub output_member: Option<String>,
}

/// One locator: a child service reached by a path segment or by an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locator {
    /// Model name (`vm`, `nics`).
    pub name: String,
    /// Segment (`nics`) or `{id}`.
    pub path: String,
    /// Whether the segment is an id.
    pub by_id: bool,
    /// The child service.
    pub service: String,
}

/// One service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// `VmService`.
    pub name: String,
    /// Methods, as the model sorts them (by name).
    pub methods: Vec<Method>,
    /// Locators.
    pub locators: Vec<Locator>,
}

/// The whole model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// Structs by name.
    pub structs: Vec<Struct>,
    /// Enums by name.
    pub enums: Vec<Enum>,
    /// Services in model order.
    pub services: Vec<Service>,
    /// The root service.
    pub root: String,
    /// Methods the model says it has (a check on the parse).
    pub method_count: usize,
}

fn field<'a>(v: &'a Value, key: &str, ctx: &str) -> Result<&'a Value, String> {
    v.get(key).ok_or_else(|| format!("{ctx}: no `{key}`"))
}

fn text(v: &Value, key: &str, ctx: &str) -> Result<String, String> {
    field(v, key, ctx)?
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{ctx}: `{key}` is not a string"))
}

fn opt_text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn array<'a>(v: &'a Value, key: &str, ctx: &str) -> Result<&'a Vec<Value>, String> {
    field(v, key, ctx)?
        .as_array()
        .ok_or_else(|| format!("{ctx}: `{key}` is not an array"))
}

impl Model {
    /// Reads both JSON documents.
    pub fn parse(types: &str, services: &str) -> Result<Model, String> {
        let t: Value =
            serde_json::from_str(types).map_err(|e| format!("types.json: not JSON: {e}"))?;
        let s: Value =
            serde_json::from_str(services).map_err(|e| format!("services.json: not JSON: {e}"))?;
        let mut structs = Vec::new();
        for v in array(&t, "structs", "types.json")? {
            let name = text(v, "name", "types.json struct")?;
            let ctx = format!("struct {name}");
            let mut attrs = Vec::new();
            for a in array(v, "attributes", &ctx)? {
                let aname = text(a, "name", &ctx)?;
                let actx = format!("{ctx}.{aname}");
                let kind = Kind::parse(
                    &text(a, "kind", &actx)?,
                    opt_text(a, "item_kind").as_deref(),
                    &actx,
                )?;
                attrs.push(Attr {
                    xml_tag: text(a, "xml_tag", &actx)?,
                    xml_attribute: a.get("xml_attribute").and_then(Value::as_bool) == Some(true),
                    item_tag: opt_text(a, "item_xml_tag"),
                    link_rel: opt_text(a, "link_rel"),
                    write_order: a.get("write_order").and_then(Value::as_i64).unwrap_or(0),
                    secret: matches!(kind, Kind::String) && is_secret(&name, &aname),
                    name: aname,
                    kind,
                });
            }
            attrs.sort_by(|a, b| a.name.cmp(&b.name));
            structs.push(Struct {
                xml_element: text(v, "xml_element", &ctx)?,
                xml_collection: text(v, "xml_collection", &ctx)?,
                name,
                attrs,
            });
        }
        structs.sort_by(|a, b| a.name.cmp(&b.name));
        let mut enums = Vec::new();
        for v in array(&t, "enums", "types.json")? {
            let name = text(v, "name", "types.json enum")?;
            let ctx = format!("enum {name}");
            let values = array(v, "values", &ctx)?
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("{ctx}: a value is not a string"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            enums.push(Enum { name, values });
        }
        enums.sort_by(|a, b| a.name.cmp(&b.name));
        let mut services = Vec::new();
        for v in array(&s, "services", "services.json")? {
            services.push(parse_service(v)?);
        }
        let root = text(field(&s, "root", "services.json")?, "service", "root")?;
        let method_count = field(&s, "counts", "services.json")?
            .get("methods")
            .and_then(Value::as_u64)
            .ok_or("services.json: counts.methods is missing")? as usize;
        let mut model = Model {
            structs,
            enums,
            services,
            root,
            method_count,
        };
        model.fix_kinds();
        model.check()?;
        Ok(model)
    }

    /// `struct:X` where X is an enum becomes `enum:X` (list parameters name only the type).
    fn fix_kinds(&mut self) {
        let enums: Vec<String> = self.enums.iter().map(|e| e.name.clone()).collect();
        let fix = |k: &mut Kind| {
            let mut k = k;
            while let Kind::List(inner) = k {
                k = inner;
            }
            if let Kind::Struct(n) = k
                && enums.contains(n)
            {
                *k = Kind::Enum(n.clone());
            }
        };
        for s in &mut self.structs {
            for a in &mut s.attrs {
                fix(&mut a.kind);
            }
        }
        for svc in &mut self.services {
            for m in &mut svc.methods {
                for p in &mut m.params {
                    fix(&mut p.kind);
                }
                if let Some(o) = &mut m.output {
                    fix(o);
                }
            }
        }
    }

    /// Every type named anywhere exists; the method count matches the model's own count.
    fn check(&self) -> Result<(), String> {
        let n: usize = self.services.iter().map(|s| s.methods.len()).sum();
        if n != self.method_count {
            return Err(format!(
                "services.json: {n} methods read, counts say {}",
                self.method_count
            ));
        }
        let known = |k: &Kind| -> bool {
            let mut k = k;
            while let Kind::List(inner) = k {
                k = inner;
            }
            match k {
                Kind::Struct(n) => self.strukt(n).is_some(),
                Kind::Enum(n) => self.enums.iter().any(|e| e.name == *n),
                _ => true,
            }
        };
        for s in &self.structs {
            for a in &s.attrs {
                if !known(&a.kind) {
                    return Err(format!("struct {}.{}: unknown type", s.name, a.name));
                }
            }
        }
        for svc in &self.services {
            for m in &svc.methods {
                for p in &m.params {
                    if !known(&p.kind) {
                        return Err(format!(
                            "{}.{}({}): unknown type {}",
                            svc.name,
                            m.name,
                            p.name,
                            p.kind.display()
                        ));
                    }
                }
            }
            for l in &svc.locators {
                if self.service(&l.service).is_none() {
                    return Err(format!("{}.{}: unknown service", svc.name, l.name));
                }
            }
        }
        Ok(())
    }

    /// The struct called `name`.
    pub fn strukt(&self, name: &str) -> Option<&Struct> {
        self.structs
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.structs[i])
    }

    /// The service called `name`.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }
}

fn parse_service(v: &Value) -> Result<Service, String> {
    let name = text(v, "name", "services.json service")?;
    let ctx = name.clone();
    let mut methods = Vec::new();
    for m in array(v, "methods", &ctx)? {
        let mname = text(m, "name", &ctx)?;
        let mctx = format!("{ctx}.{mname}");
        let mut params = Vec::new();
        for p in array(m, "params", &mctx)? {
            let pname = text(p, "name", &mctx)?;
            let pctx = format!("{mctx}({pname})");
            let loc = match text(p, "location", &pctx)?.as_str() {
                "query" => Loc::Query,
                "action" => Loc::Action,
                "body" => Loc::Body,
                other => return Err(format!("{pctx}: location `{other}`")),
            };
            params.push(Param {
                wire: opt_text(p, "wire_name").unwrap_or_else(|| pname.clone()),
                kind: Kind::parse(&text(p, "kind", &pctx)?, None, &pctx)?,
                loc,
                required: p.get("required").and_then(Value::as_bool) == Some(true),
                name: pname,
            });
        }
        let (output, output_member) = match m.get("output") {
            Some(o) if o.is_object() => (
                Some(Kind::parse(&text(o, "kind", &mctx)?, None, &mctx)?),
                opt_text(o, "action_member_tag").or_else(|| opt_text(o, "name")),
            ),
            _ => (None, None),
        };
        methods.push(Method {
            kind: text(m, "kind", &mctx)?,
            http: text(m, "http_method", &mctx)?,
            path: text(m, "path", &mctx)?,
            params,
            output,
            output_member,
            name: mname,
        });
    }
    let mut locators = Vec::new();
    for l in array(v, "locators", &ctx)? {
        locators.push(Locator {
            name: text(l, "name", &ctx)?,
            path: text(l, "path", &ctx)?,
            by_id: l.get("parameter").is_some_and(|p| !p.is_null()),
            service: text(l, "service", &ctx)?,
        });
    }
    locators.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Service {
        name,
        methods,
        locators,
    })
}
