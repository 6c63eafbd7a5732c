//! DRF paging (`limit`/`offset`, the `{count, next, previous, results}` envelope), `fields`,
//! and the query and body parameters the handlers read.

use http::StatusCode;
use omnivirt_http::{Request, Response};
use serde_json::{Map, Value, json};

use super::DEFAULT_LIMIT;
use crate::query::{NameMatch, Paging, SortBy};
use crate::skin;

/// One page's worth of request parameters.
pub(super) struct Page {
    pub(super) offset: usize,
    pub(super) limit: usize,
    pub(super) paging: Paging,
}

pub(super) fn page_of(req: &Request) -> Result<Page, String> {
    let num = |name: &str, default: usize| -> Result<usize, String> {
        match skin::query_param(req, name) {
            None => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .map_err(|_| format!("{name} must be a non-negative integer, not `{v}`")),
        }
    };
    let offset = num("offset", 0)?;
    let limit = num("limit", DEFAULT_LIMIT)?;
    if limit == 0 {
        return Err("limit must be at least 1".into());
    }
    let mut paging = Paging::new(offset, limit);
    if let Some(o) = skin::query_param(req, "ordering") {
        let (field, desc) = match o.strip_prefix('-') {
            Some(f) => (f.to_owned(), true),
            None => (o.clone(), false),
        };
        // DRF ignores an ordering field it does not know; so does the skin.
        let by = match field.as_str() {
            "verbose_name" | "name" => Some(SortBy::Name),
            "id" => Some(SortBy::Id),
            "created" => Some(SortBy::Created),
            _ => None,
        };
        if let Some(by) = by {
            paging = paging.sort(by, desc);
        }
    }
    Ok(Page {
        offset,
        limit,
        paging,
    })
}

/// The request URL with another offset (absolute, as DRF answers `next`/`previous`).
pub(super) fn page_url(req: &Request, offset: usize, limit: usize) -> Value {
    let Ok(mut u) = url::Url::parse(&req.url) else {
        return Value::Null;
    };
    let keep: Vec<(String, String)> = skin::query_pairs(req)
        .into_iter()
        .filter(|(k, _)| k != "offset" && k != "limit")
        .collect();
    {
        let mut q = u.query_pairs_mut();
        q.clear();
        for (k, v) in &keep {
            q.append_pair(k, v);
        }
        q.append_pair("limit", &limit.to_string());
        q.append_pair("offset", &offset.to_string());
    }
    json!(u.to_string())
}

pub(super) fn envelope(req: &Request, page: &Page, total: usize, results: Vec<Value>) -> Response {
    let end = page.offset + results.len();
    let next = if end < total {
        page_url(req, end, page.limit)
    } else {
        Value::Null
    };
    let previous = if page.offset > 0 {
        page_url(req, page.offset.saturating_sub(page.limit), page.limit)
    } else {
        Value::Null
    };
    // `results` is moved in, not copied value by value as `json!` would.
    let mut body = json!({"count": total, "next": next, "previous": previous, "results": null});
    body["results"] = Value::Array(results);
    skin::json_response(StatusCode::OK, &body)
}

/// `fields=a,b` keeps those keys of the detail form; `all_content=1` keeps everything.
pub(super) fn shape(req: &Request, list_form: Value, detail_form: impl FnOnce() -> Value) -> Value {
    if skin::query_param(req, "all_content").is_some_and(|v| v == "1") {
        return detail_form();
    }
    match skin::query_param(req, "fields") {
        Some(f) if !f.is_empty() => {
            let wanted: Vec<&str> = f.split(',').map(str::trim).collect();
            if wanted.contains(&"__all__") {
                return detail_form();
            }
            let full = detail_form();
            let mut out = Map::new();
            if let Value::Object(m) = full {
                for (k, v) in m {
                    if wanted.contains(&k.as_str()) {
                        out.insert(k, v);
                    }
                }
            }
            Value::Object(out)
        }
        _ => list_form,
    }
}

pub(super) fn name_filter(req: &Request) -> Option<NameMatch> {
    skin::query_param(req, "name")
        .filter(|n| !n.is_empty())
        .map(NameMatch::Contains)
}

pub(super) fn uuid_param(req: &Request, name: &str) -> Option<String> {
    skin::query_param(req, name).filter(|v| !v.is_empty())
}

pub(super) fn body_object(req: &Request) -> Result<Map<String, Value>, String> {
    if req.body.is_empty() {
        return Ok(Map::new());
    }
    match skin::json_body::<Value>(req) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err("the request body must be a JSON object".into()),
        Err(e) => Err(e),
    }
}

pub(super) fn str_field<'a>(body: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    body.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}
