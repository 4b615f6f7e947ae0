;;; envspec-mode-test.el --- Tests of envspec-mode  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run by editors/emacs/test/run.sh:
;;   ENVSPEC_ROOT=... emacs -Q --batch -L editors/emacs \
;;     -l editors/emacs/test/envspec-mode-test.el -f envspec-test-run
;; Prints TAP lines; exits 1 when a check fails.

;;; Code:

(require 'envspec-mode)
(require 'imenu)
(require 'seq)

(defvar envspec-test-root (file-name-as-directory (getenv "ENVSPEC_ROOT")))
(defvar envspec-test-fixture (expand-file-name "editors/fixtures/all-constructs.env" envspec-test-root))
(defvar envspec-test--count 0)
(defvar envspec-test--failed 0)

(defun envspec-test--record (name problems)
  "Print a TAP line for check NAME; PROBLEMS is a list of strings, nil if it passed."
  (setq envspec-test--count (1+ envspec-test--count))
  (if (null problems)
      (princ (format "ok %d - %s\n" envspec-test--count name))
    (setq envspec-test--failed (1+ envspec-test--failed))
    (princ (format "not ok %d - %s\n" envspec-test--count name))
    (dolist (p (seq-take problems 40))
      (princ (format "  # %s\n" p)))))

(defmacro envspec-test-check (name &rest body)
  "Run BODY, which returns a list of problems, as the check NAME."
  (declare (indent 1))
  `(envspec-test--record
    ,name
    (condition-case err
        (progn ,@body)
      (error (list (format "error: %S" err))))))

(defun envspec-test--spec-files ()
  "The fixture and every non-hidden *.env file below examples/, outside `out'."
  (cons envspec-test-fixture
        (sort (seq-remove (lambda (f) (or (string-match-p "/out/" f)
                                          (string-prefix-p "." (file-name-nondirectory f))))
                          (directory-files-recursively
                           (expand-file-name "examples" envspec-test-root) "\\.env\\'"))
              #'string<)))

(defun envspec-test--rel (file)
  (file-relative-name file envspec-test-root))

(defmacro envspec-test--with-file (file &rest body)
  "Run BODY in a buffer visiting a copy of FILE's text with `envspec-mode' on."
  (declare (indent 1))
  `(with-temp-buffer
     (insert-file-contents ,file)
     (setq buffer-file-name ,file)
     (unwind-protect
         (progn
           (envspec-mode)
           (font-lock-ensure)
           ,@body)
       (set-buffer-modified-p nil)
       (setq buffer-file-name nil))))

(defun envspec-test--faces-at (pos)
  (let ((face (get-text-property pos 'face)))
    (if (listp face) face (list face))))

;; [text of the line (a part of it), token, nth occurrence on the line, face]
(defconst envspec-test-expected
  '(("platform fixture {" "platform" 0 font-lock-keyword-face)
    ("platform fixture {" "fixture" 0 font-lock-type-face)
    ("helm_repo stable =" "helm_repo" 0 font-lock-keyword-face)
    ("helm_repo stable =" "stable" 0 font-lock-type-face)
    ("secret app-db {" "secret" 0 font-lock-keyword-face)
    ("secret app-db {" "app-db" 0 font-lock-type-face)
    ("chart legacy/old-web {" "chart" 0 font-lock-keyword-face)
    ("chart legacy/old-web {" "old-web" 0 font-lock-type-face)
    ("template web : base {" "template" 0 font-lock-keyword-face)
    ("template web : base {" "base" 0 font-lock-type-face)
    ("app api : web {" "app" 0 font-lock-keyword-face)
    ("environment prod {" "prod" 0 font-lock-type-face)
    ("rule \"every comparison operator\" {" "rule" 0 font-lock-keyword-face)
    ("rule \"every comparison operator\" {" "every" 0 font-lock-function-name-face)
    ("promotion {" "promotion" 0 font-lock-keyword-face)
    ("  org         = \"fixture.example\"" "org" 0 font-lock-variable-name-face)
    ("  org         = \"fixture.example\"" "=" 0 envspec-operator-face)
    ("  org         = \"fixture.example\"" "fixture" 0 font-lock-string-face)
    ("\"prometheus.io/scrape\" = \"true\"" "prometheus" 0 font-lock-variable-name-face)
    ("deployment  = \"a key" "deployment" 0 font-lock-variable-name-face)
    ("secret      = \"a key named like a keyword\"" "secret" 0 font-lock-variable-name-face)
    ("deploy api    @ \"1.3.0\" { env" "deploy" 0 font-lock-keyword-face)
    ("deploy api    @ \"1.3.0\" { env" "api" 0 font-lock-type-face)
    ("deploy api    @ \"1.3.0\" { env" "@" 0 envspec-operator-face)
    ("deploy api    @ \"1.3.0\" { env" "1.3.0" 0 font-lock-string-face)
    ("deploy api    @ \"1.3.0\" { env" "env" 0 font-lock-variable-name-face)
    ("deploy api    @ \"1.3.0\" { replicas = 2 }, deploy worker" "deploy" 1 font-lock-keyword-face)
    ("deploy api @ env_var(\"API_TAG\")" "env_var" 0 font-lock-builtin-face)
    ("dev     -> staging via auto" "dev" 0 font-lock-type-face)
    ("dev     -> staging via auto" "->" 0 envspec-operator-face)
    ("dev     -> staging via auto" "via" 0 font-lock-keyword-face)
    ("dev     -> staging via auto" "auto" 0 font-lock-builtin-face)
    ("via pull_request { from" "from" 0 font-lock-variable-name-face)
    ("in prod, staging: replicas >= 2" "in" 0 font-lock-keyword-face)
    ("in prod, staging: replicas >= 2" "staging" 0 font-lock-type-face)
    ("in prod, staging: replicas >= 2" ">=" 0 envspec-operator-face)
    ("in prod, staging: replicas >= 2" "or" 0 envspec-operator-face)
    ("in prod, staging: replicas >= 2" "in" 1 envspec-operator-face)
    ("port != 22" "!=" 0 envspec-operator-face)
    ("app =~ \"^[a-z]" "=~" 0 envspec-operator-face)
    ("image !~ " "!~" 0 envspec-operator-face)
    ("image !~ " "\\\\" 0 envspec-escape-face)
    ("env not in [\"scratch\", \"tmp\"]" "not in" 0 envspec-operator-face)
    ("not (wait == true and freeze == true)" "not" 0 envspec-operator-face)
    ("not (wait == true and freeze == true)" "true" 0 font-lock-constant-face)
    ("Escapes: " "\\\"" 0 envspec-escape-face)
    ("Escapes: " "\\u{1F680}" 0 envspec-escape-face)
    ("host        = \"api.{env}" "{env}" 0 envspec-interpolation-face)
    ("Literal braces" "{{" 0 envspec-escape-face)
    ("Literal braces" "{namespace}" 0 envspec-interpolation-face)
    ("memory        = 256Mi" "256" 0 envspec-number-face)
    ("memory        = 256Mi" "Mi" 0 envspec-unit-face)
    ("timeout       = 1h30m" "h30m" 0 envspec-unit-face)
    ("offset  = -1" "-1" 0 envspec-number-face)
    ("chart_version = \"2.4.1\"" "2.4.1" 0 font-lock-string-face)
    ("wait          = false" "false" 0 font-lock-constant-face)
    ("DB_USER     = secret(\"app-db\", \"username\")" "secret" 0 font-lock-builtin-face)
    ("DB_USER     = secret(\"app-db\", \"username\")" "DB_USER" 0 font-lock-variable-name-face)
    ("tolerations = [{ key" "key" 0 font-lock-variable-name-face)
    ("# ---- declarations" "declarations" 0 font-lock-comment-face)
    ("# A chart that does not follow" "chart" 0 font-lock-comment-face)))

(defun envspec-test--column (line token nth)
  "The index of the NTH whole occurrence of TOKEN in LINE, or nil."
  (let ((from 0) (seen 0) result)
    (while (and (not result) (string-match (regexp-quote token) line from))
      (let* ((at (match-beginning 0))
             (prev (if (> at 0) (aref line (1- at)) ?\s))
             (end (+ at (length token)))
             (next (if (< end (length line)) (aref line end) ?\s))
             (word (string-match-p "\\`[A-Za-z_]" token)))
        (when (or (not word)
                  (and (not (string-match-p "[A-Za-z_-]" (string prev)))
                       (or (not (string-match-p "[A-Za-z0-9_]\\'" token))
                           (not (string-match-p "[A-Za-z0-9_-]" (string next))))))
          (if (= seen nth) (setq result at) (setq seen (1+ seen))))
        (setq from (1+ at))))
    result))

(defun envspec-test-run ()
  "Run every check and exit."
  ;; Detection.
  (dolist (file (envspec-test--spec-files))
    (envspec-test-check (format "%s: detected as envspec" (envspec-test--rel file))
      (with-temp-buffer
        (insert-file-contents file)
        (setq buffer-file-name file)
        (prog1 (unless (envspec-spec-buffer-p) (list "envspec-spec-buffer-p is nil"))
          (setq buffer-file-name nil)))))
  (dolist (sample '((".env" "# Database settings\nDB_HOST=localhost\n" nil)
                    ("prod.env" "APP=web\nexport SECRET=abc\n" nil)
                    ("header.env" "# Supplier: Calendra.\n\nsecret=hunter2\n" nil)
                    ("spec.env" "# Supplier: Calendra.\n\napp booking-api : service {\n}\n" t)
                    ("marked.env" "# envspec: shared rules\nAPP=1\n" t)
                    ("spec.txt" "app booking-api : service {\n}\n" nil)))
    (pcase-let ((`(,name ,text ,want) sample))
      (envspec-test-check (format "%s %s detected as envspec" name (if want "is" "is not"))
        (with-temp-buffer
          (insert text)
          (setq buffer-file-name (expand-file-name name temporary-file-directory))
          (prog1 (unless (eq (and (envspec-spec-buffer-p) t) want)
                   (list (format "envspec-spec-buffer-p is %S for %S" (not want) text)))
            (setq buffer-file-name nil))))))
  ;; The mode's settings.
  (envspec-test-check "comments are # and indentation is two spaces"
    (envspec-test--with-file envspec-test-fixture
      (let (problems)
        (unless (equal comment-start "# ") (push (format "comment-start %S" comment-start) problems))
        (unless (= envspec-indent-offset 2) (push "indent offset" problems))
        (goto-char (point-min))
        (forward-line 7)
        (let ((line (buffer-substring (line-beginning-position) (line-end-position))))
          (comment-region (line-beginning-position) (line-end-position))
          (unless (equal (buffer-substring (line-beginning-position) (line-end-position)) (concat "# " line))
            (push "comment-region does not prefix `# '" problems)))
        problems)))
  ;; Faces of chosen tokens.
  (envspec-test-check "fixture: chosen tokens have their faces"
    (envspec-test--with-file envspec-test-fixture
      (let (problems)
        (pcase-dolist (`(,where ,token ,nth ,face) envspec-test-expected)
          (goto-char (point-min))
          (if (not (search-forward where nil t))
              (push (format "no line contains %S" where) problems)
            (let* ((bol (line-beginning-position))
                   (line (buffer-substring bol (line-end-position)))
                   (col (envspec-test--column line token nth)))
              (if (not col)
                  (push (format "%S: no occurrence %d of %S" where nth token) problems)
                (dotimes (i (length token))
                  (let ((faces (envspec-test--faces-at (+ bol col i))))
                    (unless (memq face faces)
                      (push (format "line %d %S: expected %s, got %S"
                                    (line-number-at-pos bol) token face faces)
                            problems))))))))
        (delete-dups (nreverse problems)))))
  ;; Indentation: every file, flattened, indents back to itself.
  (dolist (file (envspec-test--spec-files))
    (envspec-test-check (format "%s: indenting the flattened file restores it" (envspec-test--rel file))
      (envspec-test--with-file file
        (let ((before (buffer-substring-no-properties (point-min) (point-max))) problems)
          (goto-char (point-min))
          (while (re-search-forward "^[ \t]+" nil t) (replace-match ""))
          (let ((inhibit-message t)) (indent-region (point-min) (point-max)))
          (let ((a (split-string before "\n"))
                (b (split-string (buffer-substring-no-properties (point-min) (point-max)) "\n"))
                (n 1))
            (while (and a b)
              (unless (equal (car a) (car b))
                (push (format "line %d: %S -> %S" n (car a) (car b)) problems))
              (setq a (cdr a) b (cdr b) n (1+ n))))
          (nreverse problems)))))
  ;; Imenu.
  (envspec-test-check "imenu lists the declarations"
    (envspec-test--with-file envspec-test-fixture
      (let* ((index (imenu--make-index-alist t))
             (apps (mapcar #'car (cdr (assoc "Apps" index))))
             (envs (mapcar #'car (cdr (assoc "Environments" index)))))
        (append (unless (equal (sort apps #'string<) '("api" "worker")) (list (format "apps: %S" apps)))
                (unless (equal (sort envs #'string<) '("dev" "prod" "sandbox" "staging"))
                  (list (format "environments: %S" envs)))))))
  (princ (format "1..%d\n# %d passed, %d failed\n" envspec-test--count
                 (- envspec-test--count envspec-test--failed) envspec-test--failed))
  (kill-emacs (if (> envspec-test--failed 0) 1 0)))

;;; envspec-mode-test.el ends here
