// Tests of the VS Code extension, with the engines VS Code itself uses
// (vscode-textmate and vscode-oniguruma's WebAssembly build):
//
//   - the manifest and language configuration are what VS Code expects;
//   - `firstLine` claims envspec files and leaves dotenv files alone;
//   - every spec file (editors/fixtures/all-constructs.env and examples/**/*.env)
//     tokenizes to its committed snapshot in test/snapshots/ (UPDATE_SNAPSHOTS=1
//     rewrites them), and no token other than whitespace is left with only the
//     root scope `source.envspec`;
//   - chosen tokens of the fixture carry the scopes they must;
//   - the valid inputs of the tree-sitter corpus are fully highlighted too.
//
// Usage: node test/run.js            (from editors/vscode, after `npm ci`)
//        UPDATE_SNAPSHOTS=1 node test/run.js
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');
const { check, run, fail, assert } = require('./harness');

const EXT = path.resolve(__dirname, '..');
const ROOT = path.resolve(EXT, '..', '..');
const SNAPSHOTS = path.join(__dirname, 'snapshots');
const FIXTURE = path.join(ROOT, 'editors', 'fixtures', 'all-constructs.env');
const ROOT_SCOPE = 'source.envspec';
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

const manifest = JSON.parse(fs.readFileSync(path.join(EXT, 'package.json'), 'utf8'));
const grammarPath = path.join(EXT, 'syntaxes', 'envspec.tmLanguage.json');

// ---- the spec files --------------------------------------------------------

/** Non-hidden *.env files below dir (as envspec reads a spec), skipping `out`. */
function specFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'out') found.push(...specFiles(full));
    } else if (entry.name.endsWith('.env')) {
      found.push(full);
    }
  }
  return found.sort();
}

const FILES = [FIXTURE, ...specFiles(path.join(ROOT, 'examples'))];

function snapshotPath(file) {
  const rel = path.relative(ROOT, file).split(path.sep).join('/').replace(/^editors\//, '');
  return path.join(SNAPSHOTS, `${rel}.snap`);
}

// ---- the tokenizer ---------------------------------------------------------

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== ROOT_SCOPE) return null;
      return vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath);
    },
  });
  const grammar = await registry.loadGrammar(ROOT_SCOPE);
  if (!grammar) throw new Error(`no grammar for ${ROOT_SCOPE}`);
  return grammar;
}

/** [{ line, text, tokens: [{ start, end, text, scopes }] }] */
function tokenize(grammar, source) {
  const lines = source.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let stack = vsctm.INITIAL;
  return lines.map((text, i) => {
    const result = grammar.tokenizeLine(text, stack);
    stack = result.ruleStack;
    const tokens = result.tokens
      .map((t) => ({ start: t.startIndex, end: Math.min(t.endIndex, text.length), scopes: t.scopes }))
      .filter((t) => t.end > t.start)
      .map((t) => ({ ...t, text: text.slice(t.start, t.end) }));
    return { line: i + 1, text, tokens };
  });
}

/**
 * The snapshot format: each source line prefixed by `>`, then one line per
 * token, carets under the token and its scopes without the root scope.
 * Tokens of whitespace alone are left out.
 */
function render(lines) {
  const out = [];
  for (const { text, tokens } of lines) {
    out.push(`>${text}`);
    for (const t of tokens) {
      if (/^\s*$/.test(t.text)) continue;
      const inner = t.scopes.slice(1);
      const carets = ' '.repeat(t.start) + '^'.repeat(t.end - t.start);
      out.push(`#${carets} ${inner.length ? inner.join(' ') : ROOT_SCOPE}`);
    }
  }
  return out.join('\n') + '\n';
}

/** Text that is not white space, with no scope but the root and meta.* ones. */
function unhighlighted(token) {
  return !/^\s*$/.test(token.text) && token.scopes.slice(1).every((s) => s.startsWith('meta.'));
}

function firstDifference(expected, actual) {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return `first difference at snapshot line ${i + 1}:\n  expected: ${a[i] ?? '(end)'}\n  actual:   ${b[i] ?? '(end)'}`;
    }
  }
  return 'no difference';
}

// ---- manifest and language configuration ----------------------------------

check('package.json contributes the language `envspec` with its grammar', () => {
  const langs = manifest.contributes.languages;
  assert(Array.isArray(langs) && langs.length === 1, 'exactly one language expected');
  const lang = langs[0];
  assert(lang.id === 'envspec', `language id is ${lang.id}`);
  assert(lang.configuration === './language-configuration.json', 'configuration path');
  const grammars = manifest.contributes.grammars;
  assert(grammars.length === 1 && grammars[0].language === 'envspec', 'one grammar for envspec');
  assert(grammars[0].scopeName === ROOT_SCOPE, `scopeName ${grammars[0].scopeName}`);
  const grammar = JSON.parse(fs.readFileSync(path.join(EXT, grammars[0].path), 'utf8'));
  assert(grammar.scopeName === ROOT_SCOPE, 'the grammar file declares the same scopeName');
});

check('package.json does not claim every *.env file (dotenv uses that extension)', () => {
  const lang = manifest.contributes.languages[0];
  for (const key of ['extensions', 'filenames', 'filenamePatterns']) {
    for (const value of lang[key] || []) {
      assert(!/\.env$/i.test(value), `${key} contains ${value}, which would take dotenv files`);
    }
  }
  assert(typeof lang.firstLine === 'string', 'a firstLine regex is expected');
});

check('package.json has what `vsce package` needs and pins its dev dependencies', () => {
  for (const key of ['name', 'publisher', 'version', 'license', 'engines']) {
    assert(manifest[key], `package.json has no ${key}`);
  }
  assert(manifest.license === 'MIT', 'license is MIT');
  assert(fs.existsSync(path.join(EXT, 'LICENSE')), 'LICENSE file is missing');
  for (const [name, version] of Object.entries(manifest.devDependencies)) {
    assert(/^\d+\.\d+\.\d+$/.test(version), `${name} is not pinned: ${version}`);
  }
  const lock = JSON.parse(fs.readFileSync(path.join(EXT, 'package-lock.json'), 'utf8'));
  for (const [name, version] of Object.entries(manifest.devDependencies)) {
    const locked = lock.packages[`node_modules/${name}`];
    assert(locked && locked.version === version, `package-lock.json has ${name}@${locked && locked.version}, package.json pins ${version}`);
  }
});

check('language-configuration.json: # comments, brackets, auto-closing quotes, folding', () => {
  const conf = JSON.parse(fs.readFileSync(path.join(EXT, 'language-configuration.json'), 'utf8'));
  assert(conf.comments.lineComment === '#', 'line comments start with #');
  assert(conf.comments.blockComment === undefined, 'envspec has no block comments');
  const pairs = (list) => list.map((p) => (Array.isArray(p) ? p.join('') : p.open + p.close));
  for (const pair of ['{}', '[]', '()']) {
    assert(pairs(conf.brackets).includes(pair), `brackets lack ${pair}`);
    assert(pairs(conf.autoClosingPairs).includes(pair), `autoClosingPairs lack ${pair}`);
    assert(pairs(conf.surroundingPairs).includes(pair), `surroundingPairs lack ${pair}`);
  }
  assert(pairs(conf.autoClosingPairs).includes('""'), 'autoClosingPairs lack ""');
  assert(conf.folding && conf.folding.offSide === false, 'folding: blocks end with a closing brace, not by indentation');
  const increase = new RegExp(conf.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(conf.indentationRules.decreaseIndentPattern);
  assert(increase.test('app api : web {'), 'indent after an opening brace');
  assert(increase.test('  keys = [  # a comment'), 'indent after an opening bracket and a comment');
  assert(!increase.test('  env { LOG_LEVEL = "info" }'), 'no indent after a closed block');
  assert(decrease.test('  }'), 'outdent a closing brace');
});

// ---- file detection ---------------------------------------------------------

check('firstLine matches envspec first lines', () => {
  const re = new RegExp(manifest.contributes.languages[0].firstLine);
  const envspec = [
    'platform ehealth {',
    'app patient-api : service {',
    'app patient-api',
    'template worker : service {',
    'environment prod {',
    'secret patient-db {',
    'secret patient-db { keys = ["username", "password"] }',
    'helm_repo stable = "https://charts.example/stable"',
    'chart stable/old-web {',
    'rule "production runs at least two replicas" {',
    'promotion {',
    '# envspec: the platform rules',
    '# An envspec spec of the eHealth platform',
    fs.readFileSync(FIXTURE, 'utf8').split('\n')[0],
  ];
  for (const line of envspec) assert(re.test(line), `firstLine does not match: ${line}`);
});

check('firstLine leaves dotenv and shell files alone', () => {
  const re = new RegExp(manifest.contributes.languages[0].firstLine);
  const others = [
    '# Database settings',
    '# Supplier: Calendra. Appointment booking.',
    'APP_ENV=production',
    'app=web',
    'app = web',
    'secret=hunter2',
    'SECRET_KEY="abc"',
    'export PLATFORM=ehealth',
    'platform=linux',
    'template="default"',
    'environment="prod"',
    'promotion=true',
    '#!/bin/sh',
    'rule=strict',
    '',
  ];
  for (const line of others) assert(!re.test(line), `firstLine matches a non-envspec line: ${line}`);
});

// ---- tokenization -----------------------------------------------------------

let grammarPromise;
const tokenized = new Map();

async function tokens(file) {
  if (!tokenized.has(file)) {
    grammarPromise = grammarPromise || loadGrammar();
    tokenized.set(file, tokenize(await grammarPromise, fs.readFileSync(file, 'utf8')));
  }
  return tokenized.get(file);
}

check('the grammar loads in vscode-textmate with the oniguruma WebAssembly engine', async () => {
  grammarPromise = grammarPromise || loadGrammar();
  await grammarPromise;
});

for (const file of FILES) {
  const rel = path.relative(ROOT, file);

  check(`${rel}: tokens match the snapshot`, async () => {
    const actual = render(await tokens(file));
    const snap = snapshotPath(file);
    if (UPDATE) {
      fs.mkdirSync(path.dirname(snap), { recursive: true });
      fs.writeFileSync(snap, actual);
      return;
    }
    if (!fs.existsSync(snap)) {
      fail(`no snapshot ${path.relative(EXT, snap)}; run UPDATE_SNAPSHOTS=1 node test/run.js and review it`);
    }
    const expected = fs.readFileSync(snap, 'utf8');
    if (expected !== actual) {
      fail(`${path.relative(EXT, snap)} differs (UPDATE_SNAPSHOTS=1 rewrites it)\n${firstDifference(expected, actual)}`);
    }
  });

  check(`${rel}: no token falls to the bare root scope`, async () => {
    const bare = [];
    for (const { line, tokens: lineTokens } of await tokens(file)) {
      for (const t of lineTokens) {
        if (unhighlighted(t)) bare.push(`${line}:${t.start + 1} ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`);
      }
    }
    assert(bare.length === 0, `tokens with only ${ROOT_SCOPE} (and meta.* scopes, which no theme colours):\n${bare.join('\n')}`);
  });
}

// The tree-sitter corpus holds small inputs for every corner of the grammar;
// the valid ones must come out fully highlighted here too.
check('every valid input of the tree-sitter corpus is fully highlighted', async () => {
  const corpus = path.join(ROOT, 'editors', 'tree-sitter', 'test', 'corpus');
  const header = /^={3,}\n(.*?)\n((?::[^\n]*\n)*)={3,}\n([\s\S]*?)\n-{3,}\n/gm;
  const problems = [];
  let cases = 0;
  grammarPromise = grammarPromise || loadGrammar();
  const grammar = await grammarPromise;
  for (const name of fs.readdirSync(corpus).filter((f) => f.endsWith('.txt')).sort()) {
    const text = fs.readFileSync(path.join(corpus, name), 'utf8');
    for (const m of text.matchAll(header)) {
      if (m[2].includes(':error')) continue;
      cases += 1;
      for (const { line, tokens: lineTokens } of tokenize(grammar, m[3])) {
        for (const t of lineTokens) {
          if (unhighlighted(t)) problems.push(`${name}: ${m[1]}: line ${line}: ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`);
        }
      }
    }
  }
  assert(cases > 0, 'no corpus inputs found');
  assert(problems.length === 0, problems.join('\n'));
});

check('no stale snapshots (each belongs to an existing spec file)', () => {
  const expected = new Set(FILES.map(snapshotPath));
  const walk = (dir) =>
    fs.existsSync(dir)
      ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])
      : [];
  const stale = walk(SNAPSHOTS).filter((f) => !expected.has(f));
  if (UPDATE) {
    stale.forEach((f) => fs.unlinkSync(f));
    return;
  }
  assert(stale.length === 0, `stale snapshots: ${stale.map((f) => path.relative(EXT, f)).join(', ')}`);
});

// Chosen tokens of the fixture: [what the line contains, token text, nth
// occurrence of the token on that line (0-based), a scope the token must have].
const EXPECTED = [
  ['platform fixture {', 'platform', 0, 'keyword.declaration.platform.envspec'],
  ['platform fixture {', 'fixture', 0, 'entity.name.type.platform.envspec'],
  ['helm_repo stable =', 'helm_repo', 0, 'keyword.declaration.helm-repo.envspec'],
  ['helm_repo stable =', 'stable', 0, 'entity.name.type.helm-repo.envspec'],
  ['secret app-db {', 'secret', 0, 'keyword.declaration.secret.envspec'],
  ['secret app-db {', 'app-db', 0, 'entity.name.type.secret.envspec'],
  ['chart legacy/old-web {', 'chart', 0, 'keyword.declaration.chart.envspec'],
  ['chart legacy/old-web {', 'legacy', 0, 'entity.name.type.chart.envspec'],
  ['chart legacy/old-web {', '/', 0, 'punctuation.separator.path.envspec'],
  ['template web : base {', 'template', 0, 'keyword.declaration.template.envspec'],
  ['template web : base {', 'web', 0, 'entity.name.type.template.envspec'],
  ['template web : base {', ':', 0, 'punctuation.separator.inheritance.envspec'],
  ['template web : base {', 'base', 0, 'entity.other.inherited-class.envspec'],
  ['app api : web {', 'app', 0, 'keyword.declaration.app.envspec'],
  ['app api : web {', 'api', 0, 'entity.name.type.app.envspec'],
  ['environment prod {', 'environment', 0, 'keyword.declaration.environment.envspec'],
  ['environment prod {', 'prod', 0, 'entity.name.type.environment.envspec'],
  ['environment prod {', '{', 0, 'punctuation.section.block.begin.envspec'],
  ['rule "every comparison operator" {', 'rule', 0, 'keyword.declaration.rule.envspec'],
  ['rule "every comparison operator" {', 'every comparison operator', 0, 'entity.name.function.rule.envspec'],
  ['promotion {', 'promotion', 0, 'keyword.declaration.promotion.envspec'],
  // fields, blocks, deploy
  ['  org         = "fixture.example"', 'org', 0, 'variable.other.property.envspec'],
  ['  org         = "fixture.example"', '=', 0, 'keyword.operator.assignment.envspec'],
  ['  env {', 'env', 0, 'variable.other.property.envspec'],
  ['"prometheus.io/scrape" = "true"', 'prometheus.io/scrape', 0, 'variable.other.property.envspec'],
  ['deployment  = "a key', 'deployment', 0, 'variable.other.property.envspec'],
  ['secret      = "a key named like a keyword"', 'secret', 0, 'variable.other.property.envspec'],
  ['deploy api    @ "1.3.0" { env', 'deploy', 0, 'keyword.control.deploy.envspec'],
  ['deploy api    @ "1.3.0" { env', 'api', 0, 'entity.name.type.app.envspec'],
  ['deploy api    @ "1.3.0" { env', '@', 0, 'keyword.operator.version.envspec'],
  ['deploy api    @ "1.3.0" { env', '1.3.0', 0, 'string.quoted.double.envspec'],
  ['deploy api    @ "1.3.0" { env', 'LOG_LEVEL', 0, 'variable.other.property.envspec'],
  ['deploy api    @ "1.3.0" { replicas = 2 }, deploy worker', 'deploy', 1, 'keyword.control.deploy.envspec'],
  ['deploy api    @ "1.3.0" { replicas = 2 }, deploy worker', ',', 0, 'punctuation.separator.comma.envspec'],
  ['deploy worker @ "2.1.1" { replicas = 2, hotfix', 'hotfix', 0, 'variable.other.property.envspec'],
  ['deploy api @ env_var("API_TAG")', 'env_var', 0, 'support.function.builtin.envspec'],
  ['  deploy worker\n', 'worker', 0, 'entity.name.type.app.envspec'],
  // promotion steps
  ['dev     -> staging via auto', 'dev', 0, 'entity.name.type.environment.envspec'],
  ['dev     -> staging via auto', '->', 0, 'keyword.operator.arrow.envspec'],
  ['dev     -> staging via auto', 'staging', 0, 'entity.name.type.environment.envspec'],
  ['dev     -> staging via auto', 'via', 0, 'keyword.control.via.envspec'],
  ['dev     -> staging via auto', 'auto', 0, 'support.function.mechanism.envspec'],
  ['via pull_request { from', 'pull_request', 0, 'support.function.mechanism.envspec'],
  ['via pull_request { from', 'from', 0, 'variable.other.property.envspec'],
  // rules
  ['in prod, staging: replicas >= 2', 'in', 0, 'keyword.control.in.envspec'],
  ['in prod, staging: replicas >= 2', 'staging', 0, 'entity.name.type.environment.envspec'],
  ['in prod, staging: replicas >= 2', ':', 0, 'punctuation.separator.scope.envspec'],
  ['in prod, staging: replicas >= 2', 'replicas', 0, 'variable.other.property.field.envspec'],
  ['in prod, staging: replicas >= 2', '>=', 0, 'keyword.operator.comparison.envspec'],
  ['in prod, staging: replicas >= 2', 'or', 0, 'keyword.operator.logical.envspec'],
  ['in prod, staging: replicas >= 2', 'in', 1, 'keyword.operator.membership.in.envspec'],
  ['port > 1023 and port < 65536', '>', 0, 'keyword.operator.comparison.envspec'],
  ['port > 1023 and port < 65536', 'and', 0, 'keyword.operator.logical.envspec'],
  ['port > 1023 and port < 65536', '<', 0, 'keyword.operator.comparison.envspec'],
  ['port != 22', '!=', 0, 'keyword.operator.comparison.envspec'],
  ['memory_limit <= 4Gi', '<=', 0, 'keyword.operator.comparison.envspec'],
  ['memory_limit <= 4Gi', 'Gi', 0, 'keyword.other.unit.envspec'],
  ['timeout == 90s', '==', 0, 'keyword.operator.comparison.envspec'],
  ['app =~ "^[a-z]', '=~', 0, 'keyword.operator.match.envspec'],
  ['image !~ ', '!~', 0, 'keyword.operator.match.envspec'],
  ['image !~ ', '\\\\', 0, 'constant.character.escape.envspec'],
  ['env not in ["scratch", "tmp"]', 'not in', 0, 'keyword.operator.membership.not-in.envspec'],
  ['not (wait == true and freeze == true)', 'not', 0, 'keyword.operator.logical.envspec'],
  ['not (wait == true and freeze == true)', '(', 0, 'punctuation.section.parens.begin.envspec'],
  ['not (wait == true and freeze == true)', 'true', 0, 'constant.language.boolean.envspec'],
  // values
  ['Escapes: ', '\\"', 0, 'constant.character.escape.envspec'],
  ['Escapes: ', '\\u{1F680}', 0, 'constant.character.escape.envspec'],
  ['Escapes: ', '\\t', 0, 'constant.character.escape.envspec'],
  ['host        = "api.{env}', '{env}', 0, 'variable.other.interpolation.envspec'],
  ['Literal braces', '{{', 0, 'constant.character.escape.brace.envspec'],
  ['Literal braces', '}}', 0, 'constant.character.escape.brace.envspec'],
  ['Literal braces', '{namespace}', 0, 'variable.other.interpolation.envspec'],
  ['PLATFORM  = "{platform}"', '{platform}', 0, 'variable.other.interpolation.envspec'],
  ['memory        = 256Mi', '256', 0, 'constant.numeric.envspec'],
  ['memory        = 256Mi', 'Mi', 0, 'keyword.other.unit.envspec'],
  ['cpu           = 100m', 'm', 0, 'keyword.other.unit.envspec'],
  ['timeout       = 1h30m', 'h30m', 0, 'keyword.other.unit.envspec'],
  ['cpu_limit     = 0.5', '0.5', 0, 'constant.numeric.envspec'],
  ['offset  = -1', '-1', 0, 'constant.numeric.envspec'],
  ['limit   = 1e3', 'e3', 0, 'keyword.other.unit.envspec'],
  ['wait          = false', 'false', 0, 'constant.language.boolean.envspec'],
  ['chart         = stable/web-service', 'stable', 0, 'entity.name.type.reference.envspec'],
  ['chart         = stable/web-service', '/', 0, 'punctuation.separator.path.envspec'],
  ['chart         = stable/web-service', 'web-service', 0, 'entity.name.type.reference.envspec'],
  ['after   = [worker]', '[', 0, 'punctuation.section.list.begin.envspec'],
  ['after   = [worker]', 'worker', 0, 'entity.name.type.reference.envspec'],
  ['DB_USER     = secret("app-db", "username")', 'secret', 0, 'support.function.builtin.envspec'],
  ['DB_USER     = secret("app-db", "username")', '(', 0, 'punctuation.section.arguments.begin.envspec'],
  ['DB_USER     = secret("app-db", "username")', 'app-db', 0, 'string.quoted.double.envspec'],
  ['tolerations = [{ key', 'key', 0, 'variable.other.property.envspec'],
  ['# ---- declarations', '# ---- declarations ------------------------------------------------------------', 0, 'comment.line.number-sign.envspec'],
  ['"password",   # a trailing comma', '# a trailing comma is allowed', 0, 'comment.line.number-sign.envspec'],
];

check('fixture: chosen tokens carry their scopes', async () => {
  const lines = await tokens(FIXTURE);
  const problems = [];
  for (const [where, text, nth, scope] of EXPECTED) {
    const wanted = where.endsWith('\n') ? (l) => l.text === where.slice(0, -1) : (l) => l.text.includes(where);
    const line = lines.find(wanted);
    if (!line) {
      problems.push(`no line contains ${JSON.stringify(where)}`);
      continue;
    }
    // Tokens are split by scope; a chosen text may be one token or a run of them.
    const candidates = [];
    let from = 0;
    // A word is found whole (`in` is not the end of `staging`), but a unit
    // may follow its digits (`Mi` in `256Mi`).
    const before = /^[A-Za-z_]/.test(text) ? /[A-Za-z_-]/ : null;
    const after = /^[A-Za-z_]/.test(text) && /[A-Za-z0-9_]$/.test(text) ? /[A-Za-z0-9_-]/ : null;
    for (;;) {
      const at = line.text.indexOf(text, from);
      if (at < 0) break;
      const prev = line.text[at - 1];
      const next = line.text[at + text.length];
      if (!(before && prev && before.test(prev)) && !(after && next && after.test(next))) candidates.push(at);
      from = at + 1;
    }
    const at = candidates[nth];
    if (at === undefined) {
      problems.push(`line ${line.line}: no occurrence ${nth} of ${JSON.stringify(text)}`);
      continue;
    }
    const covering = line.tokens.filter((t) => t.start < at + text.length && t.end > at);
    const missing = covering.filter((t) => !t.scopes.some((s) => s === scope || s.startsWith(`${scope}.`)));
    if (covering.length === 0 || missing.length > 0) {
      const got = covering.map((t) => `${JSON.stringify(t.text)}: ${t.scopes.join(' ')}`).join('; ');
      problems.push(`line ${line.line}: ${JSON.stringify(text)} lacks ${scope} (${got})`);
    }
  }
  assert(problems.length === 0, problems.join('\n'));
});

run().then((failed) => process.exit(failed ? 1 : 0));
