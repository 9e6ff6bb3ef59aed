//! Checks requests and responses against the Etsy Open API v3 specification in `../shared`
//! (OpenAPI 3.0.2), so the sync tests prove that what the connector sends and what the sandbox
//! answers are what Etsy documents. OpenAPI 3.0 schemas are JSON Schema with a few differences;
//! `to_json_schema` turns them into plain JSON Schema (draft 2020-12) for `jsonschema`.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::{Map, Value, json};

/// The specification, with every operation's response schemas compiled.
pub struct Spec {
    doc: Value,
    /// operationId → (method, path template)
    operations: HashMap<String, (String, String)>,
}

/// Where the shared specification lives: `../shared` beside the repository.
pub fn spec_path() -> PathBuf {
    super::repo().join("../shared/marketplaces/etsy-openapi-v3.json")
}

impl Spec {
    pub fn load() -> Self {
        let text = std::fs::read_to_string(spec_path())
            .expect("../shared/marketplaces/etsy-openapi-v3.json");
        let mut doc: Value = serde_json::from_str(&text).expect("the OpenAPI file is JSON");
        to_json_schema(&mut doc);
        let mut operations = HashMap::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    operations.insert(id.to_owned(), (method.clone(), path.clone()));
                }
            }
        }
        Self { doc, operations }
    }

    fn operation(&self, id: &str) -> &Value {
        let (method, path) = self
            .operations
            .get(id)
            .unwrap_or_else(|| panic!("no operation {id} in the specification"));
        &self.doc["paths"][path][method]
    }

    /// The method and path template of an operation.
    pub fn route(&self, id: &str) -> (&str, &str) {
        let (m, p) = &self.operations[id];
        (m, p)
    }

    /// Checks a response body against the schema the specification gives for `status`.
    pub fn check_response(&self, id: &str, status: u16, body: &Value) -> Result<(), Vec<String>> {
        let responses = &self.operation(id)["responses"];
        let response = responses
            .get(status.to_string())
            .or_else(|| responses.get("default"))
            .ok_or_else(|| vec![format!("{id} documents no {status} response")])?;
        let Some(schema) = response.pointer("/content/application~1json/schema") else {
            return Ok(());
        };
        self.check(schema, body)
    }

    /// Checks a request's query parameters: every required one present, none unknown, each
    /// value of its documented type.
    pub fn check_query(&self, id: &str, query: &[(String, String)]) -> Result<(), Vec<String>> {
        let params: Vec<&Value> = self.operation(id)["parameters"]
            .as_array()
            .map(|a| a.iter().filter(|p| p["in"] == "query").collect())
            .unwrap_or_default();
        let mut errors = Vec::new();
        for p in &params {
            let name = p["name"].as_str().unwrap_or_default();
            if p["required"] == true && !query.iter().any(|(k, _)| k == name) {
                errors.push(format!("{id}: query parameter {name} is required"));
            }
        }
        for (k, v) in query {
            match params.iter().find(|p| p["name"] == k.as_str()) {
                None => errors.push(format!("{id}: query parameter {k} is not documented")),
                Some(p) => {
                    let schema = &p["schema"];
                    // After the nullable conversion a type may be ["boolean", "null"].
                    let kind = match &schema["type"] {
                        Value::String(t) => Some(t.as_str()),
                        Value::Array(ts) => {
                            ts.iter().filter_map(Value::as_str).find(|t| *t != "null")
                        }
                        _ => None,
                    };
                    let value = match kind {
                        Some("integer") => v
                            .parse::<i64>()
                            .map(Value::from)
                            .unwrap_or(Value::from(v.as_str())),
                        Some("number") => v
                            .parse::<f64>()
                            .map(Value::from)
                            .unwrap_or(Value::from(v.as_str())),
                        Some("boolean") => v
                            .parse::<bool>()
                            .map(Value::from)
                            .unwrap_or(Value::from(v.as_str())),
                        // A form-style array comes as the key repeated: each is one item.
                        Some("array") => Value::from(vec![Value::from(v.as_str())]),
                        _ => Value::from(v.as_str()),
                    };
                    if let Err(e) = self.check(schema, &value) {
                        errors.extend(e.into_iter().map(|e| format!("{id}: query {k}={v}: {e}")));
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Checks a request body (JSON or form fields as a JSON object) against the schema for
    /// `content_type`.
    pub fn check_body(
        &self,
        id: &str,
        content_type: &str,
        body: &Value,
    ) -> Result<(), Vec<String>> {
        let pointer = format!(
            "/requestBody/content/{}/schema",
            content_type.replace('/', "~1")
        );
        let schema = self
            .operation(id)
            .pointer(&pointer)
            .ok_or_else(|| vec![format!("{id} takes no {content_type} body")])?;
        self.check(schema, body)
    }

    fn check(&self, schema: &Value, value: &Value) -> Result<(), Vec<String>> {
        // The schema with the document's components beside it, so `#/components/…` resolves.
        let mut root = Map::new();
        root.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        root.insert("components".into(), self.doc["components"].clone());
        root.insert("allOf".into(), json!([schema]));
        let validator = jsonschema::validator_for(&Value::Object(root))
            .map_err(|e| vec![format!("the schema does not compile: {e}")])?;
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a `null` alternative, and `example`
/// (not a JSON Schema keyword with the same meaning) is dropped.
pub fn to_json_schema(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for child in map.values_mut() {
                to_json_schema(child);
            }
            map.remove("example");
            if map.remove("nullable") == Some(Value::Bool(true)) {
                match map.get("type").cloned() {
                    Some(Value::String(t)) => {
                        map.insert("type".into(), json!([t, "null"]));
                        if let Some(Value::Array(e)) = map.get_mut("enum") {
                            e.push(Value::Null);
                        }
                    }
                    _ => {
                        let inner = Value::Object(std::mem::take(map));
                        map.insert("anyOf".into(), json!([inner, {"type": "null"}]));
                    }
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_json_schema),
        _ => {}
    }
}
