; Highlights for envspec. Each node gets at most one capture, so the result
; is the same whether an editor lets the first or the last matching pattern
; win. Capture names follow the common conventions (Neovim, Helix, Zed and the
; tree-sitter CLI fall back from `a.b` to `a`).

(comment) @comment

; ---- keywords -----------------------------------------------------------------

[
  "platform"
  "helm_repo"
  "secret"
  "chart"
  "template"
  "app"
  "environment"
  "rule"
  "promotion"
] @keyword

[
  "deploy"
  "via"
] @keyword

(scope
  "in" @keyword)

[
  "and"
  "or"
  "not"
] @keyword.operator

(comparison
  operator: [
    "in"
    "not in"
  ] @keyword.operator)

; ---- operators and punctuation -------------------------------------------------

(comparison
  operator: [
    "=="
    "!="
    "<"
    "<="
    ">"
    ">="
    "=~"
    "!~"
  ] @operator)

[
  "="
  "->"
  "@"
] @operator

; Brackets by their parent: the braces of an interpolation are not these.
(block
  [
    "{"
    "}"
  ] @punctuation.bracket)

(rule_declaration
  [
    "{"
    "}"
  ] @punctuation.bracket)

(promotion_declaration
  [
    "{"
    "}"
  ] @punctuation.bracket)

(list
  [
    "["
    "]"
  ] @punctuation.bracket)

(call
  [
    "("
    ")"
  ] @punctuation.bracket)

(parenthesized_expression
  [
    "("
    ")"
  ] @punctuation.bracket)

[
  ","
  ":"
] @punctuation.delimiter

(reference
  "/" @punctuation.delimiter)

(chart_name
  "/" @punctuation.delimiter)

; ---- names ---------------------------------------------------------------------

(platform_declaration
  name: (identifier) @type)

(helm_repo_declaration
  name: (identifier) @module)

(secret_declaration
  name: (identifier) @type)

(chart_name
  (identifier) @type)

(template_declaration
  name: (identifier) @type)

(app_declaration
  name: (identifier) @type)

(environment_declaration
  name: (identifier) @type)

(parent
  name: (identifier) @type)

(deploy
  app: (identifier) @type)

(step
  from: (identifier) @type
  to: (identifier) @type
  mechanism: (identifier) @function.builtin)

(scope
  environment: (identifier) @type)

(reference
  (identifier) @type)

(field
  key: (identifier) @property)

(quoted_key) @property

(field_ref) @property

(call
  function: (identifier) @function.builtin
  (#any-of? @function.builtin "secret" "env_var"))

(call
  function: (identifier) @function.call
  (#not-any-of? @function.call "secret" "env_var"))

; ---- literals ------------------------------------------------------------------

(rule_title) @string.special

(string) @string

(escape_sequence) @string.escape

(interpolation
  [
    "{"
    "}"
  ] @punctuation.special)

(interpolation
  name: (identifier) @variable.builtin)

(number) @number

(unit) @type.builtin

(boolean) @constant.builtin.boolean
