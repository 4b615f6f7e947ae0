// Packages the extension with @vscode/vsce (the tool the Marketplace uses)
// into a temporary directory and checks what went in. Prints TAP lines.
//
// Usage: node test/package.js [OUT.vsix]   (from editors/vscode, after `npm ci`)
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { check, run, assert } = require('./harness');

const EXT = path.resolve(__dirname, '..');
const VSCE = path.join(EXT, 'node_modules', '@vscode', 'vsce', 'vsce');
const manifest = JSON.parse(fs.readFileSync(path.join(EXT, 'package.json'), 'utf8'));
const keep = process.argv[2];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envspec-vsix-'));
const vsix = keep ? path.resolve(keep) : path.join(dir, `${manifest.name}-${manifest.version}.vsix`);

// The flags the `package` script of package.json passes.
const FLAGS = (manifest.scripts.package.match(/^vsce package (.*)$/) || [])[1];

function vsce(...args) {
  return execFileSync(process.execPath, [VSCE, ...args], {
    cwd: EXT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const WANTED = [
  'package.json',
  'extension.js',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'language-configuration.json',
  'syntaxes/envspec.tmLanguage.json',
];

check('`vsce ls` lists exactly the files the extension needs', () => {
  const files = vsce('ls', ...FLAGS.split(' ').filter((f) => f !== '--allow-missing-repository'))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
  // The language client ships with the extension, with its own dependencies.
  const own = files.filter((f) => !f.startsWith('node_modules/'));
  const modules = files.filter((f) => f.startsWith('node_modules/'));
  assert(JSON.stringify(own) === JSON.stringify([...WANTED].sort()), `vsce ls: ${own.join(', ')}`);
  assert(modules.some((f) => f.startsWith('node_modules/vscode-languageclient/')), 'the language client is packaged');
  const stray = modules.filter((f) => /^node_modules\/(@vscode\/vsce|vscode-textmate|vscode-oniguruma)\//.test(f));
  assert(stray.length === 0, `test-only packages are packaged: ${stray.slice(0, 3).join(', ')}`);
});

check(`\`vsce package ${FLAGS}\` writes a .vsix`, () => {
  assert(FLAGS, 'package.json has no `package` script of the form `vsce package ...`');
  vsce('package', ...FLAGS.split(' '), '--out', vsix);
  const data = fs.readFileSync(vsix);
  assert(data.length > 1000 && data.readUInt32LE(0) === 0x04034b50, `${vsix} is not a zip file`);
  // Zip archives store their member names uncompressed.
  const text = data.toString('latin1');
  // vsce renames README.md, CHANGELOG.md and LICENSE.
  const members = [
    'extension.vsixmanifest',
    '[Content_Types].xml',
    'extension/package.json',
    'extension/extension.js',
    // The language client is a runtime dependency and ships inside.
    'extension/node_modules/vscode-languageclient/',
    'extension/readme.md',
    'extension/changelog.md',
    'extension/LICENSE.txt',
    'extension/language-configuration.json',
    'extension/syntaxes/envspec.tmLanguage.json',
  ];
  for (const name of members) {
    assert(text.includes(name), `the .vsix has no ${name}`);
  }
  for (const unwanted of [
    'extension/test/',
    'extension/node_modules/@vscode/vsce/',
    'extension/node_modules/vscode-textmate/',
    'extension/node_modules/vscode-oniguruma/',
    'extension/package-lock.json',
    'extension/.npmrc',
  ]) {
    assert(!text.includes(unwanted), `the .vsix contains ${unwanted}`);
  }
});

run().then((failed) => {
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
});
