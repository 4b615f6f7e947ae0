" Headless tests of the Vim support. Run by editors/vim/test/run.sh:
"   vim -Es -N -u NONE -i NONE -n --cmd 'set rtp^=editors/vim' \
"       -c 'filetype plugin indent on' -c 'syntax on' -S editors/vim/test/run.vim
" Environment: ENVSPEC_ROOT (the repository), ENVSPEC_TAP (where the TAP
" lines go).

let s:root = $ENVSPEC_ROOT
let s:fixture = s:root . '/editors/fixtures/all-constructs.env'
let s:out = []
let s:n = 0
let s:failed = 0

function! s:Record(name, problems) abort
  let s:n += 1
  if empty(a:problems)
    call add(s:out, printf('ok %d - %s', s:n, a:name))
  else
    let s:failed += 1
    call add(s:out, printf('not ok %d - %s', s:n, a:name))
    for p in a:problems[:39]
      call add(s:out, '  # ' . p)
    endfor
  endif
endfunction

function! s:Rel(path) abort
  return strpart(a:path, strlen(s:root) + 1)
endfunction

function! s:SpecFiles() abort
  let files = [s:fixture]
  let found = globpath(s:root . '/examples', '**/*.env', 0, 1)
  call filter(found, {_, f -> f !~# '/out/' && fnamemodify(f, ':t') !~# '^\.'})
  return files + sort(found)
endfunction

function! s:Open(path) abort
  silent! %bwipeout!
  execute 'silent edit ' . fnameescape(a:path)
endfunction

function! s:SynName(lnum, col) abort
  return synIDattr(synID(a:lnum, a:col, 1), 'name')
endfunction

" ---- file type detection --------------------------------------------------------

for s:f in s:SpecFiles()
  call s:Open(s:f)
  call s:Record(s:Rel(s:f) . ': detected as envspec', &filetype ==# 'envspec' ? [] : ['filetype is ' . &filetype])
endfor

let s:tmp = tempname()
call mkdir(s:tmp, 'p')
let s:samples = [
      \ ['.env', ['# Database settings', 'DB_HOST=localhost', 'APP_ENV=prod'], 0],
      \ ['prod.env', ['APP=web', 'export SECRET=abc'], 0],
      \ ['header.env', ['# Supplier: Calendra.', '', 'secret=hunter2'], 0],
      \ ['spec.env', ['# Supplier: Calendra.', '', 'app booking-api : service {', '}'], 1],
      \ ['marked.env', ['# envspec: shared rules', 'APP=1'], 1],
      \ ['repo.env', ['helm_repo stable = "https://charts.example"'], 1],
      \ ]
for [s:name, s:lines, s:want] in s:samples
  call writefile(s:lines, s:tmp . '/' . s:name)
  call s:Open(s:tmp . '/' . s:name)
  let s:is = &filetype ==# 'envspec'
  call s:Record(printf('%s %s detected as envspec', s:name, s:want ? 'is' : 'is not'),
        \ s:is == s:want ? [] : ['filetype is ' . &filetype . ' for ' . string(s:lines)])
endfor

" ---- ftplugin and indent settings ------------------------------------------------

call s:Open(s:fixture)
let s:problems = []
if &commentstring !=# '# %s' | call add(s:problems, 'commentstring is ' . &commentstring) | endif
if &shiftwidth != 2 || !&expandtab | call add(s:problems, printf('shiftwidth=%d expandtab=%d', &shiftwidth, &expandtab)) | endif
if &indentexpr !=# 'GetEnvspecIndent()' | call add(s:problems, 'indentexpr is ' . &indentexpr) | endif
if get(b:, 'current_syntax', '') !=# 'envspec' | call add(s:problems, 'syntax is not loaded') | endif
call s:Record('ftplugin, indent and syntax load for envspec buffers', s:problems)

" ---- syntax groups of chosen tokens ----------------------------------------------

" [text of the line (a part of it), token, nth occurrence on the line, group]
let s:expected = [
      \ ['platform fixture {', 'platform', 0, 'envspecDeclKeyword'],
      \ ['platform fixture {', 'fixture', 0, 'envspecDeclName'],
      \ ['platform fixture {', '{', 0, 'envspecBrace'],
      \ ['helm_repo stable =', 'helm_repo', 0, 'envspecDeclKeyword'],
      \ ['helm_repo stable =', 'stable', 0, 'envspecRepoName'],
      \ ['helm_repo stable =', '=', 0, 'envspecAssign'],
      \ ['secret app-db {', 'secret', 0, 'envspecDeclKeyword'],
      \ ['secret app-db {', 'app-db', 0, 'envspecDeclName'],
      \ ['chart legacy/old-web {', 'chart', 0, 'envspecDeclKeyword'],
      \ ['chart legacy/old-web {', 'old-web', 0, 'envspecChartName'],
      \ ['chart legacy/old-web {', '/', 0, 'envspecPathSep'],
      \ ['template web : base {', 'template', 0, 'envspecDeclKeyword'],
      \ ['template web : base {', ':', 0, 'envspecParentSep'],
      \ ['template web : base {', 'base', 0, 'envspecParent'],
      \ ['app api : web {', 'app', 0, 'envspecDeclKeyword'],
      \ ['environment prod {', 'environment', 0, 'envspecDeclKeyword'],
      \ ['rule "every comparison operator" {', 'rule', 0, 'envspecDeclKeyword'],
      \ ['rule "every comparison operator" {', 'every', 0, 'envspecRuleTitle'],
      \ ['promotion {', 'promotion', 0, 'envspecDeclKeyword'],
      \ ['  org         = "fixture.example"', 'org', 0, 'envspecKey'],
      \ ['  org         = "fixture.example"', 'fixture', 0, 'envspecString'],
      \ ['"prometheus.io/scrape" = "true"', 'prometheus', 0, 'envspecQuotedKey'],
      \ ['"prometheus.io/scrape" = "true"', 'true', 0, 'envspecString'],
      \ ['deployment  = "a key', 'deployment', 0, 'envspecKey'],
      \ ['secret      = "a key named like a keyword"', 'secret', 0, 'envspecKey'],
      \ ['deploy api    @ "1.3.0" { env', 'deploy', 0, 'envspecDeploy'],
      \ ['deploy api    @ "1.3.0" { env', 'api', 0, 'envspecDeployApp'],
      \ ['deploy api    @ "1.3.0" { env', '@', 0, 'envspecAt'],
      \ ['deploy api    @ "1.3.0" { env', '1.3.0', 0, 'envspecString'],
      \ ['deploy api    @ "1.3.0" { env', 'env', 0, 'envspecKey'],
      \ ['deploy api    @ "1.3.0" { replicas = 2 }, deploy worker', 'deploy', 1, 'envspecDeploy'],
      \ ['deploy api    @ "1.3.0" { replicas = 2 }, deploy worker', ',', 0, 'envspecComma'],
      \ ['deploy api @ env_var("API_TAG")', 'env_var', 0, 'envspecBuiltin'],
      \ ['deploy api @ env_var("API_TAG")', '(', 0, 'envspecParen'],
      \ ['dev     -> staging via auto', 'dev', 0, 'envspecStepEnv'],
      \ ['dev     -> staging via auto', '->', 0, 'envspecArrow'],
      \ ['dev     -> staging via auto', 'via', 0, 'envspecVia'],
      \ ['dev     -> staging via auto', 'auto', 0, 'envspecMechanism'],
      \ ['via pull_request { from', 'from', 0, 'envspecKey'],
      \ ['in prod, staging: replicas >= 2', 'in', 0, 'envspecScopeIn'],
      \ ['in prod, staging: replicas >= 2', 'staging', 0, 'envspecScopeEnv'],
      \ ['in prod, staging: replicas >= 2', ':', 0, 'envspecScopeColon'],
      \ ['in prod, staging: replicas >= 2', 'replicas', 0, 'envspecFieldRef'],
      \ ['in prod, staging: replicas >= 2', '>=', 0, 'envspecComparison'],
      \ ['in prod, staging: replicas >= 2', 'or', 0, 'envspecLogical'],
      \ ['in prod, staging: replicas >= 2', 'in', 1, 'envspecMembership'],
      \ ['port != 22', '!=', 0, 'envspecComparison'],
      \ ['app =~ "^[a-z]', '=~', 0, 'envspecMatchOp'],
      \ ['image !~ ', '!~', 0, 'envspecMatchOp'],
      \ ['image !~ ', '\\', 0, 'envspecEscape'],
      \ ['env not in ["scratch", "tmp"]', 'not', 0, 'envspecNotIn'],
      \ ['not (wait == true and freeze == true)', 'not', 0, 'envspecLogical'],
      \ ['not (wait == true and freeze == true)', 'true', 0, 'envspecBoolean'],
      \ ['not (wait == true and freeze == true)', '(', 0, 'envspecParen'],
      \ ['Escapes: ', '\"', 0, 'envspecEscape'],
      \ ['Escapes: ', '\u{1F680}', 0, 'envspecEscape'],
      \ ['host        = "api.{env}', '{env}', 0, 'envspecInterpolation'],
      \ ['Literal braces', '{{', 0, 'envspecBraceEscape'],
      \ ['Literal braces', '{namespace}', 0, 'envspecInterpolation'],
      \ ['memory        = 256Mi', '256', 0, 'envspecNumber'],
      \ ['memory        = 256Mi', 'Mi', 0, 'envspecUnit'],
      \ ['timeout       = 1h30m', 'h30m', 0, 'envspecUnit'],
      \ ['offset  = -1', '-1', 0, 'envspecNumber'],
      \ ['wait          = false', 'false', 0, 'envspecBoolean'],
      \ ['chart         = stable/web-service', 'stable', 0, 'envspecReference'],
      \ ['chart         = stable/web-service', '/', 0, 'envspecPathSep'],
      \ ['after   = [worker]', '[', 0, 'envspecBracket'],
      \ ['after   = [worker]', 'worker', 0, 'envspecReference'],
      \ ['DB_USER     = secret("app-db", "username")', 'secret', 0, 'envspecBuiltin'],
      \ ['DB_USER     = secret("app-db", "username")', 'app-db', 0, 'envspecString'],
      \ ['tolerations = [{ key', 'key', 0, 'envspecKey'],
      \ ['# ---- declarations', 'declarations', 0, 'envspecComment'],
      \ ]

function! s:Column(line, token, nth) abort
  " The byte index of the nth whole occurrence of token (a word is found whole).
  let from = 0
  let seen = 0
  while 1
    let at = stridx(a:line, a:token, from)
    if at < 0
      return -1
    endif
    let prev = at > 0 ? a:line[at - 1] : ''
    let next = a:line[at + strlen(a:token)]
    let word = a:token =~# '^[A-Za-z_]'
    if !word || (prev !~# '[A-Za-z_-]' && (a:token !~# '[A-Za-z0-9_]$' || next !~# '[A-Za-z0-9_-]'))
      if seen == a:nth
        return at
      endif
      let seen += 1
    endif
    let from = at + 1
  endwhile
endfunction

call s:Open(s:fixture)
let s:lines = getline(1, '$')
let s:problems = []
for [s:where, s:token, s:nth, s:group] in s:expected
  let s:lnum = match(s:lines, '\V' . escape(s:where, '\')) + 1
  if s:lnum == 0
    call add(s:problems, 'no line contains ' . s:where)
    continue
  endif
  let s:col = s:Column(s:lines[s:lnum - 1], s:token, s:nth)
  if s:col < 0
    call add(s:problems, printf('line %d: no occurrence %d of %s', s:lnum, s:nth, s:token))
    continue
  endif
  for s:c in range(s:col + 1, s:col + strlen(s:token))
    let s:got = s:SynName(s:lnum, s:c)
    if s:got !=# s:group
      call add(s:problems, printf('%d:%d %s: expected %s, got %s', s:lnum, s:c, s:token, s:group, s:got ==# '' ? '(none)' : s:got))
      break
    endif
  endfor
endfor
call s:Record('fixture: chosen tokens have their syntax groups', s:problems)

" ---- every non-blank character is highlighted; indentation ---------------------

" Regions that only hold other items: a character whose innermost group is one
" of these (or none) matched nothing of its own.
let s:containers = ['', 'envspecBlock', 'envspecList', 'envspecArgs', 'envspecPromotionBody',
      \ 'envspecRuleBody', 'envspecRuleList', 'envspecGroup']

for s:f in s:SpecFiles()
  call s:Open(s:f)
  let s:problems = []
  for s:lnum in range(1, line('$'))
    let s:line = getline(s:lnum)
    for s:c in range(1, strlen(s:line))
      if s:line[s:c - 1] !~# '\s' && index(s:containers, s:SynName(s:lnum, s:c)) >= 0
        call add(s:problems, printf('%d:%d %s (%s)', s:lnum, s:c, strpart(s:line, s:c - 1, 20), s:SynName(s:lnum, s:c)))
        break
      endif
    endfor
  endfor
  call s:Record(s:Rel(s:f) . ': every non-blank character has a syntax group of its own', s:problems)

  let s:before = getline(1, '$')
  silent %s/^\s\+//e
  silent normal! gg=G
  let s:after = getline(1, '$')
  let s:problems = []
  for s:i in range(len(s:before))
    if s:before[s:i] !=# s:after[s:i]
      call add(s:problems, printf('line %d: %s -> %s', s:i + 1, string(s:before[s:i]), string(s:after[s:i])))
    endif
  endfor
  call s:Record(s:Rel(s:f) . ': indenting the flattened file restores it', s:problems)
  silent! undo 0
endfor

" ---- folding ----------------------------------------------------------------------

call s:Open(s:fixture)
setlocal foldmethod=syntax
let s:lnum = match(getline(1, '$'), '^\s*LOG_LEVEL = "info"') + 1
call s:Record('blocks fold (foldmethod=syntax)', foldlevel(s:lnum) == 2 ? [] : ['fold level of line ' . s:lnum . ' is ' . foldlevel(s:lnum)])

call add(s:out, printf('1..%d', s:n))
call add(s:out, printf('# %d passed, %d failed', s:n - s:failed, s:failed))
call writefile(s:out, $ENVSPEC_TAP)
call delete(s:tmp, 'rf')
qall!
