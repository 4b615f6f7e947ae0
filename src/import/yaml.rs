//! YAML input (read with saphyr, a YAML 1.2 parser) as an ordered tree.

use saphyr::{LoadableYamlNode, Scalar, Yaml};

/// A YAML node, map keys in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as Helmsman's string fields read it (numbers and booleans coerced).
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Node::Str(s) => Some(s.clone()),
            Node::Int(i) => Some(i.to_string()),
            Node::Float(f) => Some(f.to_string()),
            Node::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// What a reader is told the node is.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Int(_) => "an integer",
            Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a map",
        }
    }
}

/// Parses one YAML document (an empty file is an empty map).
pub fn parse(text: &str) -> Result<Node, String> {
    let docs = Yaml::load_from_str(text).map_err(|e| e.to_string())?;
    match docs.len() {
        0 => Ok(Node::Map(Vec::new())),
        1 => convert(&docs[0]),
        n => Err(format!(
            "{n} YAML documents in one file; Helmsman reads one"
        )),
    }
}

fn convert(yaml: &Yaml) -> Result<Node, String> {
    Ok(match yaml {
        Yaml::Value(Scalar::Null) => Node::Null,
        Yaml::Value(Scalar::Boolean(b)) => Node::Bool(*b),
        Yaml::Value(Scalar::Integer(i)) => Node::Int(*i),
        Yaml::Value(Scalar::FloatingPoint(f)) => Node::Float(f.into_inner()),
        Yaml::Value(Scalar::String(s)) => Node::Str(s.to_string()),
        Yaml::Sequence(items) => Node::Seq(items.iter().map(convert).collect::<Result<_, _>>()?),
        Yaml::Mapping(map) => {
            let mut entries: Vec<(String, Node)> = Vec::new();
            for (k, v) in map.iter() {
                let key = match k {
                    Yaml::Value(Scalar::String(s)) => s.to_string(),
                    Yaml::Value(Scalar::Integer(i)) => i.to_string(),
                    Yaml::Value(Scalar::Boolean(b)) => b.to_string(),
                    other => return Err(format!("unsupported map key {other:?}")),
                };
                let value = convert(v)?;
                if let Some(slot) = entries.iter_mut().find(|(k, _)| *k == key) {
                    slot.1 = value;
                } else {
                    entries.push((key, value));
                }
            }
            Node::Map(entries)
        }
        other => return Err(format!("unsupported YAML node {other:?}")),
    })
}

/// Helm's merge of values files: maps merge key by key, anything else replaces.
pub fn merge(base: &mut Node, over: Node) {
    match (base, over) {
        (Node::Map(base), Node::Map(over)) => {
            for (key, value) in over {
                if let Some(slot) = base.iter_mut().find(|(k, _)| *k == key) {
                    merge(&mut slot.1, value);
                } else {
                    base.push((key, value));
                }
            }
        }
        (base, over) => *base = over,
    }
}

/// The node as JSON (for comparisons in tests and tools).
pub fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(*b),
        Node::Int(i) => Value::from(*i),
        Node::Float(f) => Value::from(*f),
        Node::Str(s) => Value::String(s.clone()),
        Node::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Node::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
    }
}
