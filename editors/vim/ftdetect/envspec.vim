" envspec spec files end in .env, and so do dotenv files (and Vim reads
" *.env as shell). A *.env file is taken for envspec only when its content
" says so:
"   - its first line that is neither blank nor a comment starts a declaration
"     (`platform NAME {`, `app NAME : TEMPLATE {`, `helm_repo NAME =`,
"     `rule "..."`, `promotion {`, ...), or
"   - its first line is a comment that names envspec (`# envspec: ...`).
" A modeline (`# vim: set ft=envspec:`) works too, for any file name.
autocmd BufNewFile,BufRead *.env call s:EnvspecDetect()

function! s:EnvspecDetect() abort
  let first = getline(1)
  if first =~? '^\s*#.*\<envspec\>'
    setlocal filetype=envspec
    return
  endif
  let last = min([line('$'), 200])
  let n = 1
  while n <= last
    let line = getline(n)
    if line !~# '^\s*\%(#.*\)\=$'
      if line =~# '^\s*\%(\%(platform\|secret\|template\|app\|environment\)\s\+[A-Za-z][A-Za-z0-9_-]*\s*\%([:{]\|$\)\|helm_repo\s\+[A-Za-z][A-Za-z0-9_-]*\s*=\|chart\s\+[A-Za-z][A-Za-z0-9_-]*\/\|rule\s\+"\|promotion\s*\%({\|$\)\)'
        setlocal filetype=envspec
      endif
      return
    endif
    let n += 1
  endwhile
endfunction
