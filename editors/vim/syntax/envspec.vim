" Vim syntax file
" Language:    envspec (spec files of apps, environments, promotion and rules)
" Maintainer:  envspec contributors
" License:     MIT
"
" grammar/envspec.pest in the envspec repository is the truth. The keyword
" lists below must match its kw_* rules (editors/check-keywords.py checks).

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
" Blocks nest and files are small: always parse from the top.
syn sync fromstart

" A name: letters, digits, `_` and `-`, starting with a letter; a run of `-`
" is followed by a letter or digit, so `a->b` reads `a`, `->`, `b`.
let s:id = '[A-Za-z]\%([A-Za-z0-9_]\|-\+[A-Za-z0-9_]\)*'
" Keywords are whole words: not preceded or followed by a name character.
let s:nb = '\%([A-Za-z0-9_-]\)\@1<!'
let s:ne = '\%([A-Za-z0-9_-]\)\@!'

function! s:Match(group, pattern, ...) abort
  execute 'syn match ' . a:group . ' /' . a:pattern . '/ ' . join(a:000, ' ')
endfunction

" ---- names (defined first: the more specific items below win over them) ----

call s:Match('envspecReference', s:nb . s:id . '\%(\/' . s:id . '\)*', 'contained contains=envspecPathSep')
call s:Match('envspecFieldRef', s:nb . s:id, 'contained')
call s:Match('envspecStepEnv', s:nb . s:id, 'contained')
syn match envspecPathSep +/+ contained

call s:Match('envspecDeclName', s:id, 'contained nextgroup=envspecParentSep skipwhite')
syn match envspecParentSep /:/ contained nextgroup=envspecParent skipwhite
call s:Match('envspecParent', s:id, 'contained')
call s:Match('envspecRepoName', s:id, 'contained')
call s:Match('envspecChartName', s:id . '\%(\/' . s:id . '\)*', 'contained contains=envspecPathSep')

" ---- comments ----

syn keyword envspecTodo contained TODO FIXME XXX NOTE
syn match envspecComment /#.*$/ contains=envspecTodo,@Spell

" ---- declarations (only at the top level: blocks do not contain them) ----

call s:Match('envspecDeclKeyword', s:nb . '\%(platform\|secret\|template\|app\|environment\)' . s:ne, 'nextgroup=envspecDeclName skipwhite')
call s:Match('envspecDeclKeyword', s:nb . 'helm_repo' . s:ne, 'nextgroup=envspecRepoName skipwhite')
call s:Match('envspecDeclKeyword', s:nb . 'chart' . s:ne, 'nextgroup=envspecChartName skipwhite')
call s:Match('envspecDeclKeyword', s:nb . 'rule' . s:ne, 'nextgroup=envspecRuleTitle skipwhite skipnl skipempty')
call s:Match('envspecDeclKeyword', s:nb . 'promotion' . s:ne, 'nextgroup=envspecPromotionBody skipwhite skipnl skipempty')

" ---- values ----

call s:Match('envspecNumber', s:nb . '-\?\d\+\%(\.\d\+\)\?\%([A-Za-z][A-Za-z0-9]*\)\?' . s:ne, 'contains=envspecUnit')
syn match envspecUnit /[A-Za-z][A-Za-z0-9]*/ contained
call s:Match('envspecBoolean', s:nb . '\%(true\|false\)' . s:ne)
call s:Match('envspecFunction', s:nb . s:id . '\ze\s*(', 'contained nextgroup=envspecArgs skipwhite')
call s:Match('envspecBuiltin', s:nb . '\%(secret\|env_var\)\ze\s*(', 'contained nextgroup=envspecArgs skipwhite')
syn region envspecArgs matchgroup=envspecParen start=/(/ end=/)/ contained contains=envspecComment,envspecComma,@envspecValue

syn match envspecEscapeError /\\./ contained
syn match envspecEscape /\\\%(["\\ntr]\|u{\x\+}\)/ contained
syn match envspecInterpolationError /{[^{}"]*}\?/ contained
syn match envspecBraceEscape /{{\|}}/ contained
syn match envspecInterpolation /{\%(env\|app\|namespace\|platform\)}/ contained
syn region envspecString start=/"/ skip=/\\./ end=/"/ end=/$/ oneline
      \ contains=envspecEscapeError,envspecEscape,envspecInterpolationError,envspecBraceEscape,envspecInterpolation

syn cluster envspecValue contains=envspecString,envspecNumber,envspecBoolean,envspecList,envspecBlock,envspecReference,envspecFunction,envspecBuiltin

syn match envspecAssign /=/
syn match envspecComma /,/ contained
syn region envspecList matchgroup=envspecBracket start=/\[/ end=/\]/ contains=envspecComment,envspecComma,@envspecValue fold

" ---- blocks: fields and deployments ----

call s:Match('envspecKey', s:nb . s:id . '\ze\s*\%(=\|{\)', 'contained')
syn match envspecQuotedKey /"\%([^"\\]\|\\.\)*"\ze\s*\%(=\|{\)/ contained contains=envspecEscape,envspecEscapeError
call s:Match('envspecDeploy', s:nb . 'deploy' . s:ne . '\ze\s\+[A-Za-z]', 'contained nextgroup=envspecDeployApp skipwhite')
call s:Match('envspecDeployApp', s:id, 'contained nextgroup=envspecAt skipwhite')
syn match envspecAt /@/ contained nextgroup=envspecString,envspecBuiltin,envspecFunction,envspecNumber,envspecReference skipwhite

syn region envspecBlock matchgroup=envspecBrace start=/{/ end=/}/ fold
      \ contains=envspecComment,envspecDeploy,envspecAt,envspecKey,envspecQuotedKey,envspecAssign,envspecComma,@envspecValue

" ---- promotion { FROM -> TO via HOW [{ ... }] } ----

syn region envspecPromotionBody matchgroup=envspecBrace start=/{/ end=/}/ contained fold
      \ contains=envspecComment,envspecStepEnv,envspecArrow,envspecVia,envspecBlock,envspecComma
syn match envspecArrow /->/ contained
call s:Match('envspecVia', s:nb . 'via' . s:ne, 'contained nextgroup=envspecMechanism skipwhite')
call s:Match('envspecMechanism', s:id, 'contained')

" ---- rule "TITLE" { [in ENV, ...:] PREDICATE ... } ----

syn region envspecRuleTitle start=/"/ skip=/\\./ end=/"/ end=/$/ oneline contained
      \ contains=envspecEscapeError,envspecEscape nextgroup=envspecRuleBody skipwhite skipnl skipempty
syn region envspecRuleBody matchgroup=envspecBrace start=/{/ end=/}/ contained fold contains=@envspecRule
syn cluster envspecRule contains=envspecComment,envspecFieldRef,envspecLogical,envspecMembership,envspecNotIn,envspecComparison,envspecMatchOp,envspecScope,envspecRuleString,envspecNumber,envspecBoolean,envspecRuleList,envspecGroup

call s:Match('envspecLogical', s:nb . '\%(and\|or\|not\)' . s:ne, 'contained')
call s:Match('envspecMembership', s:nb . 'in' . s:ne, 'contained')
call s:Match('envspecNotIn', s:nb . 'not\_s\+in' . s:ne, 'contained')
syn match envspecComparison /==\|!=\|<=\|>=\|<\|>/ contained
syn match envspecMatchOp /=\~\|!\~/ contained
call s:Match('envspecScope', s:nb . 'in\s\+' . s:id . '\%(\s*,\s*' . s:id . '\)*\s*:', 'contained contains=envspecScopeEnv,envspecScopeIn,envspecComma,envspecScopeColon')
call s:Match('envspecScopeEnv', s:id, 'contained')
call s:Match('envspecScopeIn', s:nb . 'in' . s:ne, 'contained')
syn match envspecScopeColon /:/ contained
syn region envspecRuleString start=/"/ skip=/\\./ end=/"/ end=/$/ oneline contained contains=envspecEscapeError,envspecEscape
syn region envspecRuleList matchgroup=envspecBracket start=/\[/ end=/\]/ contained
      \ contains=envspecComment,envspecComma,envspecRuleString,envspecNumber,envspecBoolean,envspecReference
syn region envspecGroup matchgroup=envspecParen start=/(/ end=/)/ contained contains=@envspecRule

delfunction s:Match

" ---- colours ----

hi def link envspecComment            Comment
hi def link envspecTodo               Todo
hi def link envspecDeclKeyword        Keyword
hi def link envspecDeclName           Type
hi def link envspecParent             Type
hi def link envspecRepoName           Type
hi def link envspecChartName          Type
hi def link envspecParentSep          Delimiter
hi def link envspecRuleTitle          String
hi def link envspecDeploy             Statement
hi def link envspecDeployApp          Type
hi def link envspecAt                 Operator
hi def link envspecKey                Identifier
hi def link envspecQuotedKey          Identifier
hi def link envspecAssign             Operator
hi def link envspecComma              Delimiter
hi def link envspecBrace              Delimiter
hi def link envspecBracket            Delimiter
hi def link envspecParen              Delimiter
hi def link envspecPathSep            Delimiter
hi def link envspecString             String
hi def link envspecRuleString         String
hi def link envspecEscape             SpecialChar
hi def link envspecBraceEscape        SpecialChar
hi def link envspecEscapeError        Error
hi def link envspecInterpolation      Special
hi def link envspecInterpolationError Error
hi def link envspecNumber             Number
hi def link envspecUnit               Type
hi def link envspecBoolean            Boolean
hi def link envspecBuiltin            Function
hi def link envspecFunction           Function
hi def link envspecReference          Type
hi def link envspecStepEnv            Type
hi def link envspecArrow              Operator
hi def link envspecVia                Statement
hi def link envspecMechanism          Function
hi def link envspecScopeIn            Statement
hi def link envspecScopeEnv           Type
hi def link envspecScopeColon         Delimiter
hi def link envspecFieldRef           Identifier
hi def link envspecLogical            Operator
hi def link envspecMembership         Operator
hi def link envspecNotIn              Operator
hi def link envspecComparison         Operator
hi def link envspecMatchOp            Operator

let b:current_syntax = 'envspec'

let &cpo = s:cpo_save
unlet s:cpo_save
