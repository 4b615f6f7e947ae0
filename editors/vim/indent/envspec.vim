" Vim indent file
" Language:    envspec
" Maintainer:  envspec contributors
" License:     MIT
"
" One level per open brace, bracket or parenthesis; a line that starts with a
" closing one goes back a level. Strings and comments do not count.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal autoindent
setlocal indentexpr=GetEnvspecIndent()
setlocal indentkeys=0{,0},0],0),!^F,o,O

let b:undo_indent = 'setlocal autoindent< indentexpr< indentkeys<'

if exists('*GetEnvspecIndent')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" The line without its strings and comment.
function! s:Code(lnum) abort
  let line = substitute(getline(a:lnum), '"\%([^"\\]\|\\.\)*"\=', '""', 'g')
  return substitute(line, '#.*$', '', '')
endfunction

function! GetEnvspecIndent() abort
  let prev = prevnonblank(v:lnum - 1)
  if prev == 0
    return 0
  endif
  let code = s:Code(prev)
  " Closers at the start of the previous line already took their level back.
  let leading = strlen(matchstr(code, '^\s*[\]})]*\s*'))
  let opens = 0
  for c in split(strpart(code, leading), '\zs')
    if c =~# '[[{(]'
      let opens += 1
    elseif c =~# '[\]})]'
      let opens -= 1
    endif
  endfor
  let ind = indent(prev) + shiftwidth() * (opens > 0 ? 1 : 0) - shiftwidth() * (opens < 0 ? -opens : 0)
  if getline(v:lnum) =~# '^\s*[\]})]'
    let ind -= shiftwidth()
  endif
  return max([ind, 0])
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
