//! Reads the chart schemas a model names from disk: each `schema = "..."`
//! path, relative to the file that declares the chart, is a JSON schema file
//! or an unpacked chart directory holding `values.schema.json`.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::Value;

use crate::diag::{Code, Diagnostic};
use crate::model::{ChartSchemaRef, Model};
use crate::spec_files::io_reason;

/// The file a chart directory holds its schema in, as Helm names it.
const SCHEMA_FILE: &str = "values.schema.json";
/// The file a chart directory holds its default values in.
const DEFAULTS_FILE: &str = "values.yaml";

/// One chart's schema, ready to validate with.
pub struct ChartSchema {
    /// Where the spec names it.
    pub reference: ChartSchemaRef,
    pub(super) validator: jsonschema::Validator,
    /// The schema as JSON, for what errors do not say: the properties an
    /// object takes, what a missing object requires in turn.
    pub(super) document: Value,
    /// The chart's default values, when `schema` names a chart directory with
    /// a `values.yaml`: Helm validates them merged with the release's.
    pub(super) defaults: Option<Value>,
}

/// The schemas that could be read, by chart (`repo/name`).
pub type ChartSchemas = IndexMap<String, ChartSchema>;

/// Reads every chart schema of `model`, for the spec in `spec_dir`. A schema
/// that cannot be read or is not valid is reported at its `schema` value and
/// left out.
pub fn read(spec_dir: &Path, model: &Model) -> (ChartSchemas, Vec<Diagnostic>) {
    let mut schemas = ChartSchemas::new();
    let mut diagnostics = Vec::new();
    for reference in &model.chart_schemas {
        match read_one(spec_dir, reference) {
            Ok((validator, document, defaults)) => {
                schemas.insert(
                    reference.chart.clone(),
                    ChartSchema {
                        reference: reference.clone(),
                        validator,
                        document,
                        defaults,
                    },
                );
            }
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    (schemas, diagnostics)
}

/// Where a `schema` value points: relative to the declaring file's directory.
fn schema_path(spec_dir: &Path, reference: &ChartSchemaRef) -> PathBuf {
    let declaring_dir = Path::new(&reference.declared_in)
        .parent()
        .unwrap_or(Path::new(""));
    spec_dir.join(declaring_dir).join(&reference.path)
}

/// Every file [`read`] would read for `model`, whether it exists or not: the
/// files the checked output depends on besides the spec's own.
pub fn input_files(spec_dir: &Path, model: &Model) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for reference in &model.chart_schemas {
        let path = schema_path(spec_dir, reference);
        if path.is_dir() {
            files.push(path.join(SCHEMA_FILE));
            files.push(path.join(DEFAULTS_FILE));
        } else {
            files.push(path);
        }
    }
    files
}

fn read_one(
    spec_dir: &Path,
    reference: &ChartSchemaRef,
) -> Result<(jsonschema::Validator, Value, Option<Value>), Diagnostic> {
    let path = schema_path(spec_dir, reference);
    let written = &reference.path;
    let not_found = |message: String, label: &str, help: String| {
        Diagnostic::new(Code::E0318, message)
            .at(reference.span, label.to_string())
            .help(help)
    };
    let relative_help = || {
        format!(
            "the path is relative to the directory of `{}`; name the chart's `{SCHEMA_FILE}` or the unpacked chart directory holding it",
            reference.declared_in
        )
    };
    let metadata = std::fs::metadata(&path).map_err(|e| {
        not_found(
            format!(
                "cannot read the schema of chart `{}`: `{written}`: {}",
                reference.chart,
                io_reason(&e)
            ),
            "not found",
            relative_help(),
        )
    })?;
    let (file, shown, defaults_file) = if metadata.is_dir() {
        let file = path.join(SCHEMA_FILE);
        if !file.is_file() {
            return Err(not_found(
                format!("chart directory `{written}` holds no `{SCHEMA_FILE}`"),
                "no schema in this directory",
                format!(
                    "the chart ships no schema: remove `schema`, or name a `{SCHEMA_FILE}` written for it"
                ),
            ));
        }
        let shown = format!("{}/{SCHEMA_FILE}", written.trim_end_matches('/'));
        (file, shown, Some(path.join(DEFAULTS_FILE)))
    } else {
        (path, written.clone(), None)
    };
    let bytes = std::fs::read(&file).map_err(|e| {
        not_found(
            format!("cannot read `{shown}`: {}", io_reason(&e)),
            "cannot be read",
            relative_help(),
        )
    })?;
    let invalid = |message: String, label: &str, help: &str| {
        Diagnostic::new(Code::E0319, message)
            .at(reference.span, label.to_string())
            .help(help.to_string())
    };
    let schema: Value = serde_json::from_slice(&bytes).map_err(|e| {
        let help = if shown.ends_with(".yaml") || shown.ends_with(".yml") {
            "this looks like a values file; name the chart's `values.schema.json`, or the chart directory holding it"
        } else {
            "a chart schema is a JSON Schema document, such as a chart's `values.schema.json`"
        };
        invalid(
            format!("`{shown}` is not JSON: {e}"),
            "not a JSON file",
            help,
        )
    })?;
    let validator = jsonschema::validator_for(&schema).map_err(|e| {
        let at = e.instance_path().as_str();
        let place = if at.is_empty() {
            String::new()
        } else {
            format!(" at `{at}`")
        };
        invalid(
            format!("`{shown}` is not a valid JSON Schema{place}: {e}"),
            "not a valid JSON Schema",
            "fix the schema, or name the `values.schema.json` the chart ships",
        )
    })?;
    let defaults = match defaults_file {
        Some(file) => read_defaults(&file).map_err(|reason| {
            invalid(
                format!(
                    "the default values of chart directory `{written}` cannot be read: {reason}"
                ),
                "chart directory",
                "Helm validates values merged with the chart's `values.yaml`; fix that file, or name the chart's `values.schema.json` alone",
            )
        })?,
        None => None,
    };
    Ok((validator, schema, defaults))
}

/// A chart's `values.yaml` as JSON; None when the chart has none.
fn read_defaults(file: &PathBuf) -> Result<Option<Value>, String> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("`{DEFAULTS_FILE}`: {}", io_reason(&e))),
    };
    let node = crate::import::yaml::parse(&text).map_err(|e| format!("`{DEFAULTS_FILE}`: {e}"))?;
    Ok(Some(crate::import::yaml::to_json(&node)))
}
