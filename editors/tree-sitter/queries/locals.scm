; envspec has one namespace per spec: every declaration is visible in every
; file. Declared names are definitions; parents, deployed apps and the
; environments of promotion steps and rule scopes are references to them.
; Definitions and references highlight alike (@type), so highlighting does not
; depend on whether the definition is in the same file.

(source_file) @local.scope

(platform_declaration
  name: (identifier) @local.definition)

(secret_declaration
  name: (identifier) @local.definition)

(template_declaration
  name: (identifier) @local.definition)

(app_declaration
  name: (identifier) @local.definition)

(environment_declaration
  name: (identifier) @local.definition)

(helm_repo_declaration
  name: (identifier) @local.definition)

(parent
  name: (identifier) @local.reference)

(deploy
  app: (identifier) @local.reference)

(step
  from: (identifier) @local.reference
  to: (identifier) @local.reference)

(scope
  environment: (identifier) @local.reference)
