//! Checks on generated output files, shared by the property tests and the
//! fuzz target: the YAML reads back (with saphyr, a YAML 1.2 parser) as the
//! document the emitter meant to write, and the file's path stays inside the
//! output directory.

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::Value;

/// Whether an output path is a plain relative path (names joined by `/`, no
/// `..`, `.`, root or empty component), so that it cannot leave OUT.
pub fn stays_inside(path: &str) -> bool {
    path.split('/')
        .all(|name| !name.is_empty() && name != "." && name != ".." && !name.contains('\\'))
}

/// The one document in `text`, as JSON; an error when the text does not
/// parse, holds other than one document, or has a key that is not a string.
pub fn read_back(text: &str) -> Result<Value, String> {
    let docs = Yaml::load_from_str(text).map_err(|e| e.to_string())?;
    match docs.as_slice() {
        [doc] => to_json(doc),
        _ => Err(format!("{} documents, expected one", docs.len())),
    }
}

fn to_json(yaml: &Yaml) -> Result<Value, String> {
    Ok(match yaml {
        Yaml::Value(Scalar::Null) => Value::Null,
        Yaml::Value(Scalar::Boolean(b)) => Value::Bool(*b),
        Yaml::Value(Scalar::Integer(i)) => Value::from(*i),
        Yaml::Value(Scalar::FloatingPoint(f)) => Value::from(f.into_inner()),
        Yaml::Value(Scalar::String(s)) => Value::String(s.to_string()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Yaml::Mapping(map) => {
            let mut object = serde_json::Map::new();
            for (key, value) in map.iter() {
                let Yaml::Value(Scalar::String(key)) = key else {
                    return Err(format!("a key that is not a string: {key:?}"));
                };
                if object.insert(key.to_string(), to_json(value)?).is_some() {
                    return Err(format!("the key `{key}` twice"));
                }
            }
            Value::Object(object)
        }
        other => return Err(format!("unexpected node {other:?}")),
    })
}
