;;; envspec-mode.el --- Major mode for envspec spec files  -*- lexical-binding: t; -*-

;; Copyright (c) 2026 envspec contributors

;; Author: envspec contributors
;; Version: 0.1.0
;; Package-Requires: ((emacs "26.1"))
;; Keywords: languages
;; SPDX-License-Identifier: MIT

;; This file is not part of GNU Emacs.

;;; Commentary:

;; Highlighting, indentation and comments for envspec spec files: the `.env'
;; files that describe the apps, environments, promotion chain and rules of a
;; Kubernetes platform and that `envspec build' compiles to Helmsman desired
;; state.
;;
;; `.env' is also the extension of dotenv files, so loading this file claims
;; no file name.  Choose one of these in your init file:
;;
;;   ;; Files ending in .env whose content is envspec (the first line that is
;;   ;; not blank or a comment starts a declaration, or the first line is a
;;   ;; comment that names envspec):
;;   (add-to-list 'magic-mode-alist '(envspec-spec-buffer-p . envspec-mode))
;;
;;   ;; Or every .env file below a directory that holds specs:
;;   (add-to-list 'auto-mode-alist '("/deploy/spec/.*\\.env\\'" . envspec-mode))
;;
;; grammar/envspec.pest in the envspec repository is the truth; the keyword
;; lists below must match its kw_* rules (editors/check-keywords.py checks).

;;; Code:

(defgroup envspec nil
  "Major mode for envspec spec files."
  :group 'languages
  :prefix "envspec-")

(defcustom envspec-indent-offset 2
  "Number of columns per level of braces, brackets and parentheses."
  :type 'integer
  :safe #'integerp)

(defface envspec-number-face
  '((t :inherit font-lock-constant-face))
  "Face for numbers.")

(defface envspec-unit-face
  '((t :inherit font-lock-type-face))
  "Face for the unit of a number: the `Mi' of `512Mi', the `m' of `250m'.")

(defface envspec-escape-face
  '((t :inherit font-lock-constant-face))
  "Face for escapes in strings: \\\", \\\\, \\n, \\u{...}, {{ and }}.")

(defface envspec-interpolation-face
  '((t :inherit font-lock-variable-name-face))
  "Face for {env}, {app}, {namespace} and {platform} in strings.")

(defface envspec-operator-face
  '((t :inherit font-lock-builtin-face))
  "Face for the operators of rules and for `=', `@' and `->'.")

(defconst envspec-declaration-keywords
  '("platform" "helm_repo" "secret" "chart" "template" "app" "environment" "rule" "promotion")
  "Keywords that start a declaration.")

(defconst envspec-block-keywords '("deploy" "via" "in")
  "Keywords inside declarations: deployments, promotion steps, rule scopes.")

(defconst envspec-operator-keywords '("and" "or" "not" "in")
  "Operators of rules that are words.")

(defconst envspec-constant-keywords '("true" "false")
  "The boolean values.")

(defconst envspec-builtin-functions '("secret" "env_var")
  "The functions values may call.")

(defconst envspec-interpolation-variables '("env" "app" "namespace" "platform")
  "The variables strings interpolate.")

(defconst envspec--name "[A-Za-z]\\(?:[A-Za-z0-9_]\\|-+[A-Za-z0-9_]\\)*"
  "A name: letters, digits, `_' and `-', starting with a letter.")

(defconst envspec--declaration-regexp
  (concat "^[ \t]*\\(?:"
          "\\(?:platform\\|secret\\|template\\|app\\|environment\\)[ \t]+[A-Za-z][A-Za-z0-9_-]*[ \t]*\\(?:[:{]\\|$\\)"
          "\\|helm_repo[ \t]+[A-Za-z][A-Za-z0-9_-]*[ \t]*="
          "\\|chart[ \t]+[A-Za-z][A-Za-z0-9_-]*/"
          "\\|rule[ \t]+\""
          "\\|promotion[ \t]*\\(?:{\\|$\\)\\)")
  "A line that starts an envspec declaration.")

(defun envspec-spec-buffer-p ()
  "Return non-nil if the buffer visits a `.env' file whose content is envspec.
For `magic-mode-alist'.  The file is envspec if its first line is a comment
that names envspec, or if its first line that is neither blank nor a
comment starts a declaration.  A dotenv file never does."
  (and buffer-file-name
       (string-match-p "\\.env\\'" buffer-file-name)
       (save-excursion
         (save-restriction
           (widen)
           (goto-char (point-min))
           (or (looking-at-p "[ \t]*#.*\\_<envspec\\_>")
               (progn
                 (while (and (not (eobp)) (looking-at-p "[ \t]*\\(?:#.*\\)?$"))
                   (forward-line 1))
                 (looking-at-p envspec--declaration-regexp)))))))

;;;; Syntax

(defvar envspec-mode-syntax-table
  (let ((table (make-syntax-table)))
    (modify-syntax-entry ?# "<" table)
    (modify-syntax-entry ?\n ">" table)
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?\\ "\\" table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?- "_" table)
    (modify-syntax-entry ?{ "(}" table)
    (modify-syntax-entry ?} "){" table)
    (modify-syntax-entry ?\[ "(]" table)
    (modify-syntax-entry ?\] ")[" table)
    (modify-syntax-entry ?\( "()" table)
    (modify-syntax-entry ?\) ")(" table)
    (dolist (c '(?= ?< ?> ?! ?~ ?@ ?: ?, ?/ ?.))
      (modify-syntax-entry c "." table))
    table)
  "Syntax table of `envspec-mode'.")

;;;; Font lock

(defun envspec--in-string-p (pos)
  "Return non-nil if POS is inside a string."
  (nth 3 (syntax-ppss pos)))

(defun envspec--in-code-p (pos)
  "Return non-nil if POS is neither in a string nor in a comment."
  (let ((state (syntax-ppss pos)))
    (not (or (nth 3 state) (nth 4 state)))))

(defun envspec--matcher (regexp predicate &optional group)
  "Return a font-lock matcher for REGEXP, limited to where PREDICATE is true.
PREDICATE is called with the start of the match of GROUP (default 0);
it may move point and change the match data, as `syntax-ppss' does."
  (lambda (limit)
    (let (found)
      (while (and (not found) (re-search-forward regexp limit t))
        (when (save-excursion
                (save-match-data
                  (funcall predicate (match-beginning (or group 0)))))
          (setq found t)))
      found)))

(defun envspec--top-level-p (pos)
  "Return non-nil if POS is code outside every brace, bracket and parenthesis."
  (let ((state (syntax-ppss pos)))
    (and (= (car state) 0) (not (nth 3 state)) (not (nth 4 state)))))

(defun envspec--in-rule-p (pos)
  "Return non-nil if POS is in the body of a `rule' declaration."
  (let ((open (car (nth 9 (syntax-ppss pos)))))
    (and open
         (save-excursion
           (goto-char open)
           (skip-chars-backward " \t\n")
           (when (eq (char-before) ?\")
             (let ((start (nth 8 (syntax-ppss (1- (point))))))
               (and start
                    (progn (goto-char start)
                           (skip-chars-backward " \t\n")
                           (looking-back "\\_<rule" (line-beginning-position))))))))))

(defconst envspec-font-lock-keywords
  (let ((name envspec--name)
        (named (delete "rule" (delete "promotion" (copy-sequence envspec-declaration-keywords)))))
    `(
      ;; Declarations and their names, at the top level only:
      ;; KEYWORD NAME [: PARENT], chart REPO/NAME, rule "TITLE", promotion.
      (,(envspec--matcher (concat "\\_<" (regexp-opt named t) "\\_>[ \t]+\\(" name "\\(?:/" name "\\)*\\)"
                                  "\\(?:[ \t]*:[ \t]*\\(" name "\\)\\)?")
                          #'envspec--top-level-p)
       (1 font-lock-keyword-face) (2 font-lock-type-face) (3 font-lock-type-face nil t))
      (,(envspec--matcher "\\_<\\(rule\\)[ \t]+\\(\"\\(?:[^\"\\\n]\\|\\\\.\\)*\"\\)"
                          #'envspec--top-level-p)
       (1 font-lock-keyword-face) (2 font-lock-function-name-face t))
      (,(envspec--matcher "\\_<\\(promotion\\)\\_>" #'envspec--top-level-p)
       (1 font-lock-keyword-face))
      ;; deploy APP
      (,(envspec--matcher (concat "\\_<\\(deploy\\)[ \t]+\\(" name "\\)") #'envspec--in-code-p)
       (1 font-lock-keyword-face) (2 font-lock-type-face))
      ;; FROM -> TO via HOW
      (,(envspec--matcher (concat "\\(" name "\\)[ \t]*\\(->\\)[ \t]*\\(" name "\\)"
                                  "\\(?:[ \t]+\\(via\\)\\_>\\(?:[ \t]+\\(" name "\\)\\)?\\)?")
                          #'envspec--in-code-p)
       (1 font-lock-type-face) (2 'envspec-operator-face) (3 font-lock-type-face)
       (4 font-lock-keyword-face nil t) (5 font-lock-builtin-face nil t))
      ;; in ENV, ...:
      (,(envspec--matcher (concat "\\_<\\(in\\)[ \t]+\\(" name "\\(?:[ \t]*,[ \t]*" name "\\)*\\)[ \t]*:")
                          #'envspec--in-code-p)
       (1 font-lock-keyword-face) (2 font-lock-type-face))
      ;; Rule operators.
      (,(envspec--matcher (concat "\\_<\\(?:not[ \t\n]+in\\|" (regexp-opt envspec-operator-keywords) "\\)\\_>")
                          #'envspec--in-rule-p)
       (0 'envspec-operator-face))
      (,(envspec--matcher "==\\|!=\\|<=\\|>=\\|=~\\|!~\\|[<>]" #'envspec--in-code-p)
       (0 'envspec-operator-face))
      ;; Keys: NAME = and NAME {, outside rules.
      (,(envspec--matcher (concat "\\(?:^\\|[{,]\\)[ \t]*\\(" name "\\)[ \t]*\\(?:=[^=~]\\|=$\\|{\\)")
                          (lambda (pos) (and (envspec--in-code-p pos) (not (envspec--in-rule-p pos))))
                          1)
       (1 font-lock-variable-name-face))
      (,(envspec--matcher "\\(?:^\\|[{,]\\)[ \t]*\\(\"\\(?:[^\"\\\n]\\|\\\\.\\)*\"\\)[ \t]*\\(?:=[^=~]\\|{\\)"
                          #'envspec--in-code-p 1)
       (1 font-lock-variable-name-face t))
      ;; Other keywords (`deploy' before its name is typed, ...).
      (,(envspec--matcher (concat "\\_<" (regexp-opt envspec-block-keywords) "\\_>") #'envspec--in-code-p)
       (0 font-lock-keyword-face))
      (,(envspec--matcher "=\\|@" #'envspec--in-code-p) (0 'envspec-operator-face))
      ;; Calls.
      (,(concat "\\_<\\(" (regexp-opt envspec-builtin-functions) "\\)[ \t]*(")
       (1 font-lock-builtin-face))
      (,(concat "\\_<\\(" name "\\)[ \t]*(") (1 font-lock-function-name-face))
      ;; Literals.
      (,(envspec--matcher (concat "\\_<" (regexp-opt envspec-constant-keywords) "\\_>") #'envspec--in-code-p)
       (0 font-lock-constant-face))
      (,(envspec--matcher "\\(?:^\\|[^A-Za-z0-9_.-]\\)\\(-?[0-9]+\\(?:\\.[0-9]+\\)?\\)\\([A-Za-z][A-Za-z0-9]*\\)?"
                          #'envspec--in-code-p 1)
       (1 'envspec-number-face) (2 'envspec-unit-face nil t))
      ;; Inside strings.
      (,(envspec--matcher "\\\\\\(?:[\"\\\\ntr]\\|u{[0-9A-Fa-f]+}\\)\\|{{\\|}}" #'envspec--in-string-p)
       (0 'envspec-escape-face t))
      (,(envspec--matcher (concat "{" (regexp-opt envspec-interpolation-variables) "}") #'envspec--in-string-p)
       (0 'envspec-interpolation-face t))))
  "Font-lock keywords of `envspec-mode'.")

;;;; Indentation

(defun envspec-indent-line ()
  "Indent the current line by the depth of braces, brackets and parentheses."
  (interactive)
  (let* ((ppss (save-excursion (syntax-ppss (line-beginning-position))))
         (depth (car ppss))
         (in-string (nth 3 ppss))
         (offset (- (point-max) (point))))
    (unless in-string
      (save-excursion
        (back-to-indentation)
        ;; Each closing delimiter at the start of the line takes a level back.
        (while (looking-at "[]})]")
          (setq depth (1- depth))
          (forward-char 1)
          (skip-chars-forward " \t")))
      (indent-line-to (* envspec-indent-offset (max depth 0)))
      (when (> (- (point-max) offset) (point))
        (goto-char (- (point-max) offset))))))

;;;; Imenu

(defconst envspec-imenu-generic-expression
  `(("Apps" ,(concat "^app[ \t]+\\(" envspec--name "\\)") 1)
    ("Templates" ,(concat "^template[ \t]+\\(" envspec--name "\\)") 1)
    ("Environments" ,(concat "^environment[ \t]+\\(" envspec--name "\\)") 1)
    ("Secrets" ,(concat "^secret[ \t]+\\(" envspec--name "\\)") 1)
    ("Rules" "^rule[ \t]+\"\\([^\"]*\\)\"" 1))
  "Imenu entries: declarations by kind.")

;;;; The mode

;;;###autoload
(define-derived-mode envspec-mode prog-mode "envspec"
  "Major mode for envspec spec files.

\\{envspec-mode-map}"
  :syntax-table envspec-mode-syntax-table
  (setq-local comment-start "# ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "#+[ \t]*")
  (setq-local font-lock-defaults '(envspec-font-lock-keywords))
  (setq-local indent-line-function #'envspec-indent-line)
  (setq-local indent-tabs-mode nil)
  (setq-local tab-width envspec-indent-offset)
  (setq-local electric-indent-chars (append '(?\} ?\] ?\)) electric-indent-chars))
  (setq-local imenu-generic-expression envspec-imenu-generic-expression))

(provide 'envspec-mode)

;;; envspec-mode.el ends here
