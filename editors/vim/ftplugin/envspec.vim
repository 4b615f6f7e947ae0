" Vim filetype plugin
" Language:    envspec
" Maintainer:  envspec contributors
" License:     MIT

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

setlocal commentstring=#\ %s
setlocal comments=:#
setlocal formatoptions-=t formatoptions+=croql
" envspec code is indented with two spaces.
setlocal expandtab shiftwidth=2 softtabstop=2
" Names such as `patient-api` are one word.
setlocal iskeyword+=-

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< expandtab< shiftwidth< softtabstop< iskeyword<'

let &cpo = s:cpo_save
unlet s:cpo_save
