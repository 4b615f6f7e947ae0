/**
 * @file Tree-sitter grammar for envspec spec files.
 * @license MIT
 *
 * grammar/envspec.pest in the envspec repository is the truth; this grammar
 * follows it rule by rule (names in comments) and accepts the same files. The
 * keywords below must match its kw_* rules: editors/check-keywords.py checks.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// pest: identifier. A run of `-` must be followed by a letter or digit, so
// `a->b` reads `a`, `->`, `b`.
const IDENTIFIER = /[A-Za-z]([A-Za-z0-9_]|-+[A-Za-z0-9_])*/;

/**
 * @param {RuleOrLiteral} rule
 * @returns {SeqRule}
 */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}

const PREC = {
  or: 1,
  and: 2,
  not: 3,
  comparison: 4,
};

module.exports = grammar({
  name: 'envspec',

  // pest: WHITESPACE (a byte-order mark counts as space) and COMMENT.
  extras: ($) => [/[\s\uFEFF]/, $.comment],

  word: ($) => $.identifier,

  // `a in b` against a clause `a` followed by a scope `in ENV:`: see comparison.
  conflicts: ($) => [[$._expression, $.comparison]],

  rules: {
    // pest: file
    source_file: ($) => repeat($._declaration),

    _declaration: ($) =>
      choice(
        $.platform_declaration,
        $.helm_repo_declaration,
        $.secret_declaration,
        $.chart_declaration,
        $.template_declaration,
        $.app_declaration,
        $.environment_declaration,
        $.rule_declaration,
        $.promotion_declaration,
      ),

    // pest: platform
    platform_declaration: ($) => seq('platform', field('name', $.identifier), field('body', $.block)),

    // pest: helm_repo
    helm_repo_declaration: ($) =>
      seq('helm_repo', field('name', $.identifier), '=', field('value', $._value)),

    // pest: secret_decl
    secret_declaration: ($) => seq('secret', field('name', $.identifier), field('body', $.block)),

    // pest: chart_decl
    chart_declaration: ($) =>
      seq('chart', field('name', alias($.reference, $.chart_name)), field('body', $.block)),

    // pest: template
    template_declaration: ($) =>
      seq('template', field('name', $.identifier), optional($.parent), field('body', $.block)),

    // pest: app
    app_declaration: ($) =>
      seq('app', field('name', $.identifier), optional($.parent), field('body', $.block)),

    // pest: environment
    environment_declaration: ($) =>
      seq('environment', field('name', $.identifier), field('body', $.block)),

    // pest: rule_decl
    rule_declaration: ($) =>
      seq('rule', field('title', alias($.string, $.rule_title)), '{', repeat($.rule_clause), '}'),

    // pest: promotion
    promotion_declaration: ($) => seq('promotion', '{', repeat($.step), '}'),

    // pest: step
    step: ($) =>
      seq(
        field('from', $.identifier),
        '->',
        field('to', $.identifier),
        'via',
        field('mechanism', $.identifier),
        optional(field('settings', $.block)),
      ),

    // pest: parent
    parent: ($) => seq(':', field('name', $.identifier)),

    // pest: block
    block: ($) => seq('{', repeat(seq($._entry, optional(','))), '}'),

    _entry: ($) => choice($.deploy, $.field),

    // pest: field. `deploy = ...` is a field named `deploy`.
    field: ($) =>
      seq(
        field('key', choice($.identifier, alias('deploy', $.identifier), alias($.string, $.quoted_key))),
        choice(seq('=', field('value', $._value)), field('value', $.block)),
      ),

    // pest: deploy
    deploy: ($) =>
      seq('deploy', field('app', $.identifier), optional($.version), optional(field('overrides', $.block))),

    // pest: version
    version: ($) => seq('@', $._value),

    // pest: value
    _value: ($) => choice($.string, $.boolean, $.number, $.list, $.block, $.call, $.reference),

    // pest: list
    list: ($) => seq('[', optional(seq(commaSep1($._value), optional(','))), ']'),

    // pest: call
    call: ($) =>
      seq(
        field('function', $.identifier),
        '(',
        optional(seq(commaSep1(field('argument', $._value)), optional(','))),
        ')',
      ),

    // pest: boolean
    boolean: (_) => choice('true', 'false'),

    // pest: number. One token in pest; here the unit is a node of its own.
    number: ($) =>
      seq(
        field('magnitude', alias(/-?[0-9]+(\.[0-9]+)?/, $.magnitude)),
        optional(field('unit', alias(token.immediate(prec(1, /[A-Za-z][A-Za-z0-9]*/)), $.unit))),
      ),

    // pest: reference (`stable/web-service`, `patient-api`)
    reference: ($) =>
      seq($.identifier, repeat(seq(token.immediate('/'), alias(token.immediate(IDENTIFIER), $.identifier)))),

    // pest: name, identifier
    identifier: (_) => IDENTIFIER,

    // pest: string, string_inner. `{env}` interpolates and `{{`, `}}` are
    // literal braces; envspec itself decides which strings interpolate.
    string: ($) =>
      seq(
        '"',
        repeat(choice($.string_content, $.escape_sequence, $.interpolation)),
        token.immediate('"'),
      ),

    string_content: (_) => choice(token.immediate(prec(1, /[^"\\{}\n]+/)), token.immediate(/[{}]/)),

    escape_sequence: (_) =>
      token.immediate(choice(/\\u\{[0-9A-Fa-f]*\}/, /\\[^\n]/, '{{', '}}')),

    interpolation: ($) =>
      seq(
        token.immediate('{'),
        field('name', alias(token.immediate(/[A-Za-z_][A-Za-z0-9_]*/), $.identifier)),
        token.immediate('}'),
      ),

    // pest: COMMENT
    comment: (_) => token(seq('#', /[^\n]*/)),

    // ---- rules ----

    // pest: rule_clause
    rule_clause: ($) => seq(optional($.scope), $._expression),

    // pest: scope
    scope: ($) => seq('in', commaSep1(field('environment', $.identifier)), ':'),

    // pest: expr, conjunction, negation, comparison
    _expression: ($) =>
      choice($.or_expression, $.and_expression, $.not_expression, $.comparison, $._operand),

    or_expression: ($) =>
      prec.left(PREC.or, seq(field('left', $._expression), 'or', field('right', $._expression))),

    and_expression: ($) =>
      prec.left(PREC.and, seq(field('left', $._expression), 'and', field('right', $._expression))),

    not_expression: ($) => prec(PREC.not, seq('not', field('operand', $._expression))),

    // pest: comparison = operand (!scope compare_op operand)?. After an
    // operand, `in` is a membership test unless `in ENV, ...:` follows, which
    // starts the next clause: one token of look-ahead cannot tell, so both
    // readings are tried (see `conflicts`) and the one that fails is dropped.
    comparison: ($) =>
      choice(
        prec(
          PREC.comparison,
          seq(
            field('left', $._operand),
            field(
              'operator',
              choice('==', '!=', '<=', '>=', '<', '>', '=~', '!~', alias(token(seq('not', /[\s\uFEFF]+/, 'in')), 'not in')),
            ),
            field('right', $._operand),
          ),
        ),
        seq(field('left', $._operand), field('operator', 'in'), field('right', $._operand)),
      ),

    // pest: operand
    _operand: ($) =>
      choice($.parenthesized_expression, $.string, $.boolean, $.number, $.list, $.field_ref),

    parenthesized_expression: ($) => seq('(', $._expression, ')'),

    // pest: field_ref
    field_ref: ($) => $.identifier,
  },
});
