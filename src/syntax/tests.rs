//! Parser tests: text in, a compact dump of the tree (or the error) out.

use super::ast::*;
use super::parse_file;
use crate::source::FileId;

/// The tree as an s-expression, spans left out.
fn dump(text: &str) -> String {
    let (file, diagnostics) = parse_file(FileId(0), text);
    if let Some(d) = diagnostics.first() {
        let span = d.primary_span().unwrap();
        return format!(
            "{} at {}: {} / {}",
            d.code,
            span.start,
            d.message,
            d.help.clone().unwrap_or_default()
        );
    }
    file.declarations
        .iter()
        .map(declaration)
        .collect::<Vec<_>>()
        .join("\n")
}

fn declaration(d: &Declaration) -> String {
    match d {
        Declaration::Block(b) => {
            let parent = b
                .parent
                .as_ref()
                .map(|p| format!(" :{}", p.text))
                .unwrap_or_default();
            format!(
                "({} {}{parent} {})",
                b.kind.keyword(),
                b.name.text,
                block(&b.body)
            )
        }
        Declaration::HelmRepo(r) => format!("(helm_repo {} {})", r.name.text, value(&r.url)),
        Declaration::Rule(r) => {
            let clauses: Vec<String> = r
                .clauses
                .iter()
                .map(|c| {
                    let scope: Vec<&str> = c.scope.iter().map(|n| n.text.as_str()).collect();
                    format!("[{}] {}", scope.join(","), expr(&c.predicate))
                })
                .collect();
            format!("(rule {:?} {})", r.title, clauses.join(" "))
        }
        Declaration::Promotion(p) => {
            let steps: Vec<String> = p
                .steps
                .iter()
                .map(|s| {
                    let settings = s.settings.as_ref().map(block).unwrap_or_default();
                    format!("({}->{} {}{settings})", s.from.text, s.to.text, s.via.text)
                })
                .collect();
            format!("(promotion {})", steps.join(" "))
        }
    }
}

fn block(b: &Block) -> String {
    let mut parts: Vec<String> = b
        .fields
        .iter()
        .map(|f| format!("{}={}", f.key.text, value(&f.value)))
        .collect();
    parts.extend(b.deploys.iter().map(|d| {
        let version = d
            .version
            .as_ref()
            .map(|v| format!("@{}", value(v)))
            .unwrap_or_default();
        let overrides = d.overrides.as_ref().map(block).unwrap_or_default();
        format!("(deploy {}{version}{overrides})", d.app.text)
    }));
    format!("{{{}}}", parts.join(" "))
}

fn value(v: &Value) -> String {
    match &v.kind {
        ValueKind::Str(s) => format!("{s:?}"),
        ValueKind::Number(n) => format!("#{n}"),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::List(items) => format!(
            "[{}]",
            items.iter().map(value).collect::<Vec<_>>().join(" ")
        ),
        ValueKind::Map(b) => block(b),
        ValueKind::Call { function, args } => {
            format!(
                "{}({})",
                function.text,
                args.iter().map(value).collect::<Vec<_>>().join(" ")
            )
        }
        ValueKind::Reference(r) => format!("&{r}"),
    }
}

fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Or(a, b) => format!("(or {} {})", expr(a), expr(b)),
        ExprKind::And(a, b) => format!("(and {} {})", expr(a), expr(b)),
        ExprKind::Not(a) => format!("(not {})", expr(a)),
        ExprKind::Compare(a, op, b) => format!("({} {} {})", op.symbol(), expr(a), expr(b)),
        ExprKind::Field(f) => f.clone(),
        ExprKind::Literal(v) => value(v),
    }
}

#[test]
fn declarations_and_values() {
    assert_eq!(
        dump(
            r#"
            # a comment
            platform p { org = "o" }
            helm_repo stable = "https://x"
            template t : base { memory = 512Mi, cpu = 0.5 port = 8080 }
            app a : t {
              chart = stable/web
              env { A = secret("db", "pw"), B = true }
              after = [b, c,]
              "prometheus.io/scrape" = "yes"
            }
            environment e { deploy a @ "1.0" { replicas = 2 } deploy b }
            "#
        ),
        [
            r#"(platform p {org="o"})"#,
            r#"(helm_repo stable "https://x")"#,
            r#"(template t :base {memory=#512Mi cpu=#0.5 port=#8080})"#,
            r#"(app a :t {chart=&stable/web env={A=secret("db" "pw") B=true} after=[&b &c] prometheus.io/scrape="yes"})"#,
            r#"(environment e {(deploy a@"1.0"{replicas=#2}) (deploy b)})"#,
        ]
        .join("\n")
    );
}

#[test]
fn promotion_chain() {
    assert_eq!(
        dump("promotion {\n  a->b via auto\n  b -> prod-eu via jenkins { role = \"rm\" }\n}"),
        r#"(promotion (a->b auto) (b->prod-eu jenkins{role="rm"}))"#
    );
}

#[test]
fn spans_end_before_trailing_comments() {
    let text = "environment e {\n  deploy a @ \"1\"   # a note\n}";
    let (file, _) = parse_file(FileId(0), text);
    let Declaration::Block(env) = &file.declarations[0] else {
        panic!()
    };
    let deploy = &env.body.deploys[0];
    assert_eq!(
        &text[deploy.span.start as usize..deploy.span.end as usize],
        "deploy a @ \"1\""
    );
}

#[test]
fn keywords_are_whole_words() {
    assert_eq!(dump("app a { deployment = 1 }"), "(app a {deployment=#1})");
    assert_eq!(
        dump("environment e { deploy deployer }"),
        "(environment e {(deploy deployer)})"
    );
}

#[test]
fn string_escapes() {
    assert_eq!(
        dump(r#"platform p { a = "q\"b\\n\n\t\u{e9}" }"#),
        r#"(platform p {a="q\"b\\n\n\té"})"#
    );
    let (_, diagnostics) = parse_file(FileId(0), r#"platform p { a = "bad \q" }"#);
    assert_eq!(diagnostics[0].code, crate::diag::Code::E0104);
}

#[test]
fn rule_precedence_and_scopes() {
    assert_eq!(
        dump(
            r#"rule "r" { in prod, preprod: replicas >= 2 or not wait and app in ["a"] memory <= 1Gi }"#
        ),
        r#"(rule "r" [prod,preprod] (or (>= replicas #2) (and (not wait) (in app ["a"]))) [] (<= memory #1Gi))"#
    );
    assert_eq!(
        dump(r#"rule "r" { tag !~ "x" and app not in ["a"] }"#),
        r#"(rule "r" [] (and (!~ tag "x") (not in app ["a"])))"#
    );
}

#[test]
fn syntax_errors_name_what_was_expected_and_hint_at_fixes() {
    assert_eq!(
        dump("app a { replicas: 3 }"),
        "E0101 at 16: expected `{`, found `:` / fields are written `key = value`, not `key: value`"
    );
    assert_eq!(
        dump("app a { image = 'x' }"),
        "E0101 at 16: expected a value, found `'` / strings use double quotes: \"...\""
    );
    assert_eq!(
        dump("ap a {}"),
        "E0101 at 0: expected a declaration (`platform`, `helm_repo`, `secret`, `chart`, `template`, `app`, `environment`, `rule` or `promotion`), found `a` / "
    );
    assert_eq!(
        dump("platform p {}\nap a {}"),
        "E0101 at 14: expected `app`, `chart`, `environment`, `helm_repo`, `platform`, `promotion`, `rule`, `secret`, `template` or end of file, found `a` / "
    );
    assert!(dump("environment e { deploy a @ 1.2.3 }").starts_with("E0101"));
}
