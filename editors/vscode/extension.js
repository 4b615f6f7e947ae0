// Starts the envspec language server (`envspec lsp`, over stdio) for envspec
// files. Highlighting comes from the TextMate grammar and works without it.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('envspec');
  if (!config.get('server.enabled', true)) {
    return;
  }
  const command = config.get('server.path', 'envspec');
  const server = { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient(
    'envspec',
    'envspec language server',
    { run: server, debug: server },
    {
      documentSelector: [{ language: 'envspec', scheme: 'file' }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.env') },
    },
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('envspec.server')) {
        vscode.window.showInformationMessage('Reload the window to apply the envspec server settings.');
      }
    }),
  );
  client.start().catch((error) => {
    vscode.window.showWarningMessage(
      `envspec: could not start \`${command} lsp\` (${error.message}); set envspec.server.path.`,
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
