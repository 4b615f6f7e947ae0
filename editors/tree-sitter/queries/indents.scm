; Indentation (Neovim conventions): the contents of braces, brackets and
; parentheses are indented one level; the closing delimiter is not.

[
  (block)
  (list)
  (call)
  (rule_declaration)
  (promotion_declaration)
  (parenthesized_expression)
] @indent.begin

[
  "}"
  "]"
  ")"
] @indent.branch @indent.end

(comment) @indent.auto

(string) @indent.ignore
