; Blocks, lists, rule bodies and the promotion chain fold.

[
  (block)
  (list)
  (rule_declaration)
  (promotion_declaration)
] @fold
