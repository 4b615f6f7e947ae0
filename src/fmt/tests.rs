//! Unit tests of the formatter: text in, text out.

use super::format;
use crate::source::FileId;

fn fmt(text: &str) -> String {
    match format(FileId(0), text) {
        Ok(out) => out,
        Err(diagnostics) => panic!("not formatted: {diagnostics:#?}"),
    }
}

/// Formats `input`, expects `expected`, and checks that formatting again changes nothing.
fn check(input: &str, expected: &str) {
    let out = fmt(input);
    assert_eq!(
        out, expected,
        "\n--- got:\n{out}\n--- expected:\n{expected}"
    );
    assert_eq!(fmt(&out), out, "formatting is not idempotent");
}

#[test]
fn aligns_fields_and_normalises_spacing() {
    check(
        "app a{\n\timage=\"x\"\n   replicas =  2\n\n\n\n  port=8080\n}",
        "app a {\n  image    = \"x\"\n  replicas = 2\n\n  port = 8080\n}\n",
    );
}

#[test]
fn inline_blocks_stay_inline() {
    check(
        "app a {\n  ports {http=1,metrics=2,}\n  values{}\n}\n",
        "app a {\n  ports { http = 1, metrics = 2 }\n  values { }\n}\n",
    );
}

#[test]
fn comments_stay_in_place() {
    check(
        "# head\n\n# about a\napp a { # open\n  # lead\n  x = 1 # trail\n  yy = 2\n  # end of block\n} # after\n# end of file\n",
        "# head\n\n# about a\napp a {  # open\n  # lead\n  x  = 1  # trail\n  yy = 2\n  # end of block\n}  # after\n# end of file\n",
    );
}

#[test]
fn comment_inside_a_header_goes_above_it() {
    check(
        "app a # odd\n: t {\n  x = 1\n}\n",
        "# odd\napp a : t {\n  x = 1\n}\n",
    );
}

#[test]
fn keeps_crlf_and_bom() {
    check(
        "\u{feff}app a {\r\n  x=1\r\n}\r\n",
        "\u{feff}app a {\r\n  x = 1\r\n}\r\n",
    );
    check("app a {\r\n  x=1\n}\r\n", "app a {\n  x = 1\n}\n");
}

#[test]
fn rule_parentheses_and_breaks() {
    check(
        "rule \"r\" {\n  in  a ,b :(x>=1  or y) and not (z == \"q\")\n  p    not   in [1,2]   or  # why\n     q  # q\n}\n",
        "rule \"r\" {\n  in a, b: (x >= 1 or y) and not (z == \"q\")\n  p not in [1, 2]  # why\n    or q  # q\n}\n",
    );
}

#[test]
fn empty_file() {
    check("", "");
    check("\n\n  \n", "");
    check("# only\n\n\n# comments", "# only\n\n# comments\n");
}

#[test]
fn syntax_errors_are_reported() {
    let errors = format(FileId(0), "app a { x: 1 }").unwrap_err();
    assert_eq!(errors[0].code, crate::diag::Code::E0101);
    let errors = format(FileId(0), "app a { x = 1, x = 2 }").unwrap_err();
    assert_eq!(errors[0].code, crate::diag::Code::E0103);
}
