//! String interpolation: `{env}`, `{app}`, `{namespace}` and `{platform}`
//! inside string values; `{{` and `}}` stand for literal braces.

use crate::diag::{Code, Diagnostic, suggest};
use crate::source::Span;
use crate::syntax::ast::{BlockDecl, DeclKind};

const VARIABLES: &[&str] = &["env", "app", "namespace", "platform"];

/// What the variables stand for where a string is used. Outside an
/// environment (a template checked on its own) they stand for themselves.
pub struct Context<'c> {
    pub platform: &'c str,
    pub env: Option<&'c str>,
    pub app: Option<&'c str>,
    pub namespace: Option<&'c str>,
    /// Checked on its own although deployments check it too, with the real
    /// values: then values with variables are left to them.
    pub standalone: bool,
}

impl<'c> Context<'c> {
    /// The context of a declaration checked on its own, outside any
    /// environment; `deployed` says whether deployments check it too.
    pub fn standalone(platform: &'c str, decl: &'c BlockDecl, deployed: bool) -> Self {
        Context {
            platform,
            env: (decl.kind == DeclKind::Environment).then_some(decl.name.text.as_str()),
            app: (decl.kind == DeclKind::App).then_some(decl.name.text.as_str()),
            namespace: None,
            standalone: deployed,
        }
    }

    /// Whether a string's expanded value should be judged here: not when
    /// checked on its own and it holds variables.
    pub fn judges(&self, raw: &str) -> bool {
        !(self.standalone && raw.contains('{'))
    }

    fn lookup(&self, name: &str) -> Option<&'c str> {
        match name {
            "env" => Some(self.env.unwrap_or("env")),
            "app" => Some(self.app.unwrap_or("app")),
            "namespace" => Some(self.namespace.unwrap_or("namespace")),
            "platform" => Some(self.platform),
            _ => None,
        }
    }

    /// Expands `raw` (a string literal at `span`); None after reporting an error.
    pub fn interpolate(
        &self,
        raw: &str,
        span: Span,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        if !raw.contains(['{', '}']) {
            return Some(raw.to_string());
        }
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(i) = rest.find(['{', '}']) {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if let Some(after) = tail.strip_prefix("{{").or_else(|| tail.strip_prefix("}}")) {
                out.push_str(&tail[..1]);
                rest = after;
                continue;
            }
            if let Some(after) = tail.strip_prefix('}') {
                out.push('}');
                rest = after;
                continue;
            }
            let Some(close) = tail.find('}') else {
                diagnostics.push(
                    Diagnostic::new(Code::E0210, "unclosed `{` in a string")
                        .at(span, "this string opens `{` and never closes it")
                        .help("write `{{` for a literal brace, or close the variable: {env}"),
                );
                return None;
            };
            let name = &tail[1..close];
            match self.lookup(name) {
                Some(value) => out.push_str(value),
                None if out.ends_with('$') => {
                    diagnostics.push(
                        Diagnostic::new(Code::E0210, format!("`${{{name}}}` is not expanded by envspec"))
                            .at(span, "in this string")
                            .help(format!(
                                "for a value the CI supplies when Helmsman runs, use env_var(\"{name}\"); for the literal text, write `${{{{{name}}}}}`"
                            )),
                    );
                    return None;
                }
                None => {
                    let help = suggest::help_for(name, VARIABLES.iter().copied()).unwrap_or_else(|| {
                        "the variables are {env}, {app}, {namespace} and {platform}; write `{{` for a literal brace"
                            .to_string()
                    });
                    diagnostics.push(
                        Diagnostic::new(
                            Code::E0210,
                            format!("unknown variable `{{{name}}}` in a string"),
                        )
                        .at(span, "in this string")
                        .help(help),
                    );
                    return None;
                }
            }
            rest = &tail[close + 1..];
        }
        out.push_str(rest);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(raw: &str) -> Result<String, Vec<Diagnostic>> {
        let context = Context {
            platform: "ehealth",
            env: Some("prod"),
            app: Some("web"),
            namespace: Some("prod-ns"),
            standalone: false,
        };
        let mut diagnostics = Vec::new();
        context
            .interpolate(raw, Span::default(), &mut diagnostics)
            .ok_or(diagnostics)
    }

    #[test]
    fn expands_variables_and_escapes() {
        assert_eq!(expand("{app}.{env}.example").unwrap(), "web.prod.example");
        assert_eq!(expand("{namespace}/{platform}").unwrap(), "prod-ns/ehealth");
        assert_eq!(expand("{{literal}} }").unwrap(), "{literal} }");
        assert_eq!(expand("plain").unwrap(), "plain");
    }

    #[test]
    fn reports_unknown_and_unclosed() {
        let errors = expand("{enviroment}.x").unwrap_err();
        assert_eq!(errors[0].code, Code::E0210);
        assert_eq!(expand("{env").unwrap_err()[0].code, Code::E0210);
    }
}
