//! The ZStack model as data: `actions.tsv` and `inventories.tsv` parsed into rows. Every error
//! names the file's line.

use std::collections::BTreeSet;

/// One parameter of an action (`name:Type[!][{a|b}]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter's name as the SDK spells it.
    pub name: String,
    /// Its Java type with generics where known (`List<String>`, `Integer`).
    pub ty: String,
    /// `@Param(required = true)`.
    pub required: bool,
    /// `validValues`, in model order.
    pub valid: Vec<String>,
}

/// One action (one row of `actions.tsv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// The API name: the SDK class without `Action`.
    pub name: String,
    /// GET, POST, PUT or DELETE.
    pub method: String,
    /// The path after `/zstack/v1`, with `{variable}`s.
    pub path: String,
    /// Other paths the server serves the action on.
    pub alt_paths: Vec<String>,
    /// Whether a session is needed.
    pub needs_session: bool,
    /// Whether the server answers `202` and a job to poll.
    pub needs_poll: bool,
    /// The body wrapper key (`""` when the SDK declares none).
    pub body_key: String,
    /// Whether the action is a `QueryAction`.
    pub is_query: bool,
    /// Parameters in declaration order (credential parameters excluded).
    pub params: Vec<Param>,
    /// The result class (`""` when none).
    pub result_class: String,
    /// The result's fields `(name, type)`.
    pub result_fields: Vec<(String, String)>,
}

impl Action {
    /// The `{variable}`s of the path, in order.
    pub fn path_vars(&self) -> Vec<&str> {
        path_vars(&self.path)
    }
}

/// The `{variable}`s of a path template.
pub fn path_vars(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(v, _)| v))
        .collect()
}

/// What kind of data class a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A struct (SDK class, or a server-only element class).
    Class,
    /// A Java enum.
    Enum,
}

/// One data class (one row of `inventories.tsv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    /// The SDK simple name.
    pub name: String,
    /// Struct or enum.
    pub kind: Kind,
    /// The superclass, when it is one of the model's classes.
    pub extends: Option<String>,
    /// Declared fields `(name, type)` with server generics where known.
    pub fields: Vec<(String, String)>,
    /// Enum constants.
    pub values: Vec<String>,
}

fn list(col: &str) -> impl Iterator<Item = &str> {
    col.split(';').filter(|s| !s.is_empty() && *s != "-")
}

fn field(text: &str, n: usize) -> Result<(String, String), String> {
    let (name, ty) = text
        .split_once(':')
        .ok_or_else(|| format!("line {n}: `{text}` is not NAME:TYPE"))?;
    if name.is_empty() || ty.is_empty() {
        return Err(format!("line {n}: `{text}` is not NAME:TYPE"));
    }
    Ok((name.to_string(), ty.to_string()))
}

/// Parses one `name:Type[!][{a|b}]`.
pub fn parse_param(text: &str, n: usize) -> Result<Param, String> {
    let (name, mut rest) = field(text, n)?;
    let mut valid = Vec::new();
    if let Some((ty, values)) = rest.split_once('{') {
        let values = values
            .strip_suffix('}')
            .ok_or_else(|| format!("line {n}: `{text}` has an unclosed {{"))?;
        valid = values.split('|').map(str::to_string).collect();
        rest = ty.to_string();
    }
    let (ty, required) = match rest.strip_suffix('!') {
        Some(t) => (t.to_string(), true),
        None => (rest, false),
    };
    Ok(Param {
        name,
        ty,
        required,
        valid,
    })
}

fn yes_no(v: &str, col: &str, n: usize) -> Result<bool, String> {
    match v {
        "yes" => Ok(true),
        "no" => Ok(false),
        other => Err(format!("line {n}: {col} is `{other}`, want yes|no")),
    }
}

/// Parses `actions.tsv` (header line first).
pub fn parse_actions(text: &str) -> Result<Vec<Action>, String> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let header: Vec<&str> = lines
        .next()
        .map(|(_, l)| l.split('\t').collect())
        .unwrap_or_default();
    let col = |name: &str| -> Result<usize, String> {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| format!("line 1: no `{name}` column"))
    };
    let [
        c_action,
        c_method,
        c_path,
        c_alt,
        c_session,
        c_poll,
        c_body,
        c_query,
    ] = [
        col("action")?,
        col("http_method")?,
        col("path")?,
        col("alt_paths")?,
        col("needs_session")?,
        col("needs_poll")?,
        col("body_key")?,
        col("is_query")?,
    ];
    let [c_params, c_result, c_fields] = [
        col("params_typed")?,
        col("result_class")?,
        col("result_fields_typed")?,
    ];
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != header.len() {
            return Err(format!(
                "line {n}: {} columns, want {}",
                cols.len(),
                header.len()
            ));
        }
        let name = cols[c_action];
        if !names.insert(name.to_string()) {
            return Err(format!("line {n}: action `{name}` twice"));
        }
        let method = cols[c_method];
        if !matches!(method, "GET" | "POST" | "PUT" | "DELETE") {
            return Err(format!("line {n}: bad method `{method}`"));
        }
        let path = cols[c_path];
        if !path.starts_with('/') {
            return Err(format!("line {n}: path `{path}` must start with /"));
        }
        let params = list(cols[c_params])
            .map(|p| parse_param(p, n))
            .collect::<Result<Vec<_>, _>>()?;
        let result_fields = list(cols[c_fields])
            .map(|f| field(f, n))
            .collect::<Result<Vec<_>, _>>()?;
        out.push(Action {
            name: name.to_string(),
            method: method.to_string(),
            path: path.to_string(),
            alt_paths: list(cols[c_alt]).map(str::to_string).collect(),
            needs_session: yes_no(cols[c_session], "needs_session", n)?,
            needs_poll: yes_no(cols[c_poll], "needs_poll", n)?,
            body_key: match cols[c_body] {
                "-" => String::new(),
                k => k.to_string(),
            },
            is_query: yes_no(cols[c_query], "is_query", n)?,
            params,
            result_class: match cols[c_result] {
                "-" => String::new(),
                r => r.to_string(),
            },
            result_fields,
        });
    }
    Ok(out)
}

/// Parses `inventories.tsv` (header line first).
pub fn parse_classes(text: &str) -> Result<Vec<Class>, String> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let header: Vec<&str> = lines
        .next()
        .map(|(_, l)| l.split('\t').collect())
        .unwrap_or_default();
    let col = |name: &str| -> Result<usize, String> {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| format!("line 1: no `{name}` column"))
    };
    let [c_class, c_kind, c_extends, c_values, c_fields] = [
        col("class")?,
        col("kind")?,
        col("extends")?,
        col("enum_values")?,
        col("fields_typed")?,
    ];
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != header.len() {
            return Err(format!(
                "line {n}: {} columns, want {}",
                cols.len(),
                header.len()
            ));
        }
        let name = cols[c_class];
        if !names.insert(name.to_string()) {
            return Err(format!("line {n}: class `{name}` twice"));
        }
        let kind = match cols[c_kind] {
            "class" | "server-only class" => Kind::Class,
            "enum" => Kind::Enum,
            other => return Err(format!("line {n}: kind `{other}`")),
        };
        let values: Vec<String> = cols[c_values]
            .split('|')
            .filter(|v| !v.is_empty() && *v != "-")
            .map(str::to_string)
            .collect();
        if kind == Kind::Enum && values.is_empty() {
            return Err(format!("line {n}: enum `{name}` has no values"));
        }
        out.push(Class {
            name: name.to_string(),
            kind,
            extends: match cols[c_extends] {
                "-" => None,
                e => Some(e.to_string()),
            },
            fields: list(cols[c_fields])
                .map(|f| field(f, n))
                .collect::<Result<Vec<_>, _>>()?,
            values,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIONS: &str = "action\thttp_method\tpath\talt_paths\tneeds_session\tneeds_poll\tbody_key\tis_query\tparams\tresult_class\tresult_fields\tparams_typed\tresult_fields_typed\n\
        StopVmInstance\tPUT\t/vm-instances/{uuid}/actions\t-\tyes\tyes\tstopVmInstance\tno\tx\tStopVmInstanceResult\tx\tuuid:String!;type:String{grace|cold};systemTags:List<String>\tinventory:VmInstanceInventory\n\
        LogOut\tDELETE\t/accounts/sessions/{sessionUuid}\t-\tno\tno\t-\tno\tx\t-\tx\tsessionUuid:String\t-\n";

    #[test]
    fn parses_actions() {
        let rows = parse_actions(ACTIONS).unwrap();
        assert_eq!(rows.len(), 2);
        let stop = &rows[0];
        assert_eq!(stop.body_key, "stopVmInstance");
        assert!(stop.needs_poll && stop.needs_session && !stop.is_query);
        assert_eq!(
            stop.params[1],
            Param {
                name: "type".into(),
                ty: "String".into(),
                required: false,
                valid: vec!["grace".into(), "cold".into()],
            }
        );
        assert!(stop.params[0].required);
        assert_eq!(stop.params[2].ty, "List<String>");
        assert_eq!(
            stop.result_fields,
            vec![("inventory".into(), "VmInstanceInventory".into())]
        );
        let out = &rows[1];
        assert_eq!(out.body_key, "");
        assert_eq!(out.result_class, "");
        assert_eq!(out.path_vars(), vec!["sessionUuid"]);
        assert!(!out.params[0].required);
    }

    #[test]
    fn refuses_bad_rows() {
        let dup = format!("{ACTIONS}{}", ACTIONS.lines().nth(1).unwrap());
        assert!(parse_actions(&dup).unwrap_err().contains("twice"));
        let bad = ACTIONS.replace("\tPUT\t", "\tPATCH\t");
        assert!(parse_actions(&bad).unwrap_err().contains("line 2"));
        assert!(
            parse_param("x:String{a|b", 7)
                .unwrap_err()
                .contains("line 7")
        );
        assert!(parse_param("nocolon", 3).is_err());
    }

    #[test]
    fn parses_classes() {
        let text = "class\tfields\tsdk_file\tkind\textends\tenum_values\tfields_typed\tserver_class\tserver_file\n\
            HostInventory\tx\tf\tclass\t-\t-\tuuid:String;cpuNum:Integer\t-\t-\n\
            KVMHostInventory\tx\tf\tclass\tHostInventory\t-\tsshPort:Integer\t-\t-\n\
            HwMonitorStatus\t-\tf\tenum\t-\tNormal|Warning\t-\t-\t-\n";
        let rows = parse_classes(text).unwrap();
        assert_eq!(rows[1].extends.as_deref(), Some("HostInventory"));
        assert_eq!(rows[2].kind, Kind::Enum);
        assert_eq!(rows[2].values, vec!["Normal", "Warning"]);
        assert!(rows[2].fields.is_empty());
        let bad = text.replace("\tenum\t", "\tunion\t");
        assert!(parse_classes(&bad).unwrap_err().contains("line 4"));
    }
}
