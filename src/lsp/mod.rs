//! The language server: `envspec lsp`, LSP over stdin and stdout.
//!
//! Input: the editor's JSON-RPC messages (open documents and their unsaved
//! text, requests at positions). Output: diagnostics for every file of the
//! spec a document belongs to (`workspace` says which files that is), hovers,
//! definitions, references, renames, completions and formatting.
//!
//! On every change the spec is loaded from disk, overlaid with the open
//! documents, and run through `envspec::compile` (diagnostics, model) and
//! `syntax::parse_file` (the trees that names are looked up in): the same
//! stages the command line runs, and no other parser. Completion alone reads
//! the text before the cursor with a small scanner, because what is being
//! typed rarely parses; formatting calls `crate::fmt::format`.
//!
//! Invariant: only this module knows LSP types; it reuses every stage
//! unchanged, and converts byte offsets to LSP positions (UTF-16) in one
//! place, `position::LineIndex`.

mod analysis;
mod completion;
mod diagnostics;
mod hover;
mod index;
mod navigation;
mod position;
mod workspace;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CompletionOptions, CompletionResponse, GotoDefinitionResponse, Hover, HoverContents,
    HoverProviderCapability, InitializeParams, MarkupContent, MarkupKind, OneOf,
    PrepareRenameResponse, PublishDiagnosticsParams, RenameOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, Url, WorkDoneProgressOptions,
};

use analysis::Analysis;

/// Runs the server until the client says `exit`; returns the exit code
/// (0 after a `shutdown` request, 1 otherwise, as LSP asks).
pub fn run() -> u8 {
    let (connection, io_threads) = Connection::stdio();
    let code = match serve(&connection) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("envspec lsp: {error}");
            return 1;
        }
    };
    drop(connection);
    if let Err(error) = io_threads.join() {
        eprintln!("envspec lsp: {error}");
    }
    code
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(
                [" ", ":", "/", "\"", "[", ",", "="]
                    .map(String::from)
                    .to_vec(),
            ),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

fn serve(connection: &Connection) -> Result<u8, String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let result = lsp_types::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "envspec".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut server = Server::new(connection);
    if watches_files(&params) {
        server.watch_spec_files();
    }
    let mut shut_down = false;
    for message in &connection.receiver {
        match message {
            Message::Request(request) if shut_down => server.respond(
                request.id,
                Err((
                    ErrorCode::InvalidRequest,
                    "the server is shutting down".into(),
                )),
            ),
            Message::Request(request) if request.method == req::Shutdown::METHOD => {
                shut_down = true;
                server.respond(request.id, Ok(serde_json::Value::Null));
            }
            Message::Request(request) => {
                let id = request.id.clone();
                // A bug answers one request with an error, not the session.
                if catch_unwind(AssertUnwindSafe(|| server.request(request))).is_err() {
                    server.respond(
                        id,
                        Err((
                            ErrorCode::InternalError,
                            "envspec lsp failed; see its log".into(),
                        )),
                    );
                }
            }
            Message::Notification(notification) => {
                if notification.method == notif::Exit::METHOD {
                    return Ok(if shut_down { 0 } else { 1 });
                }
                if !shut_down {
                    let _ = catch_unwind(AssertUnwindSafe(|| server.notification(notification)));
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(1)
}

/// Whether the client can watch files for the server.
fn watches_files(params: &InitializeParams) -> bool {
    params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
}

/// The URI of a file path.
pub(crate) fn uri_of(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

/// An open document.
struct Document {
    text: String,
    version: i32,
    /// The spec directory it belongs to, if any.
    root: Option<PathBuf>,
}

/// A spec with an open document, as last analysed.
struct Spec {
    analysis: Analysis,
    /// What was last published for each file of the spec.
    published: HashMap<Url, Vec<lsp_types::Diagnostic>>,
}

struct Server<'c> {
    connection: &'c Connection,
    documents: HashMap<PathBuf, Document>,
    specs: HashMap<PathBuf, Spec>,
}

/// A failed request: an LSP error code and a message for people.
type Failure = (ErrorCode, String);

impl<'c> Server<'c> {
    fn new(connection: &'c Connection) -> Self {
        Server {
            connection,
            documents: HashMap::new(),
            specs: HashMap::new(),
        }
    }

    /// Asks the client to report changes to `.env` files on disk (a
    /// checkout, `envspec promote`), so that closed files are seen anew.
    fn watch_spec_files(&self) {
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String("**/*.env".into()),
                kind: None,
            }],
        };
        let params = lsp_types::RegistrationParams {
            registrations: vec![lsp_types::Registration {
                id: "envspec-watch".into(),
                method: notif::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.send(Message::Request(Request::new(
            RequestId::from("envspec-watch".to_string()),
            req::RegisterCapability::METHOD.into(),
            params,
        )));
    }

    fn send(&self, message: Message) {
        // The client has gone when this fails; the receive loop ends then.
        let _ = self.connection.sender.send(message);
    }

    fn notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                let Ok(params) = notification.extract::<lsp_types::DidOpenTextDocumentParams>(
                    notif::DidOpenTextDocument::METHOD,
                ) else {
                    return;
                };
                let document = params.text_document;
                self.open(document.uri, document.text, document.version);
            }
            notif::DidChangeTextDocument::METHOD => {
                let Ok(params) = notification.extract::<lsp_types::DidChangeTextDocumentParams>(
                    notif::DidChangeTextDocument::METHOD,
                ) else {
                    return;
                };
                // Full sync: the last change holds the whole text.
                let Some(change) = params.content_changes.into_iter().last() else {
                    return;
                };
                self.open(
                    params.text_document.uri,
                    change.text,
                    params.text_document.version,
                );
            }
            notif::DidSaveTextDocument::METHOD => {
                let Ok(params) = notification.extract::<lsp_types::DidSaveTextDocumentParams>(
                    notif::DidSaveTextDocument::METHOD,
                ) else {
                    return;
                };
                if let Some(root) = self.root_of(&params.text_document.uri) {
                    self.analyse(&root);
                }
            }
            notif::DidCloseTextDocument::METHOD => {
                let Ok(params) = notification.extract::<lsp_types::DidCloseTextDocumentParams>(
                    notif::DidCloseTextDocument::METHOD,
                ) else {
                    return;
                };
                let Ok(path) = params.text_document.uri.to_file_path() else {
                    return;
                };
                if let Some(document) = self.documents.remove(&path)
                    && let Some(root) = document.root
                {
                    self.analyse(&root);
                }
            }
            notif::DidChangeWatchedFiles::METHOD => {
                let roots: Vec<PathBuf> = self.specs.keys().cloned().collect();
                for root in roots {
                    self.analyse(&root);
                }
            }
            _ => {}
        }
    }

    fn open(&mut self, uri: Url, text: String, version: i32) {
        let Ok(path) = uri.to_file_path() else {
            return;
        };
        let root = workspace::spec_root(&path);
        self.documents.insert(
            path,
            Document {
                text,
                version,
                root: root.clone(),
            },
        );
        match root {
            Some(root) => self.analyse(&root),
            None => self.publish(uri, Vec::new(), None),
        }
    }

    /// Compiles the spec at `root` again and publishes its diagnostics.
    fn analyse(&mut self, root: &Path) {
        let open: HashMap<PathBuf, String> = self
            .documents
            .iter()
            .filter(|(_, d)| d.root.as_deref() == Some(root))
            .map(|(p, d)| (p.clone(), d.text.clone()))
            .collect();
        let previous = self.specs.remove(root);
        let analysis = Analysis::new(root, &open, previous.as_ref().map(|s| &s.analysis));
        let previous = previous.map(|s| s.published);
        let before = previous.unwrap_or_default();
        let mut published = HashMap::new();
        for (file, diagnostics) in diagnostics::by_file(&analysis) {
            let path = analysis.path(file);
            let Some(uri) = uri_of(path) else { continue };
            // The client keeps what it was sent: send only what changed.
            if before.get(&uri) != Some(&diagnostics) {
                let version = self.documents.get(path).map(|d| d.version);
                self.publish(uri.clone(), diagnostics.clone(), version);
            }
            published.insert(uri, diagnostics);
        }
        // Files gone from the spec (deleted, or closed before being saved).
        for (uri, diagnostics) in before {
            if !published.contains_key(&uri) && !diagnostics.is_empty() {
                self.publish(uri, Vec::new(), None);
            }
        }
        self.specs.insert(
            root.to_path_buf(),
            Spec {
                analysis,
                published,
            },
        );
    }

    fn publish(&self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams::new(uri, diagnostics, version);
        self.send(Message::Notification(Notification::new(
            notif::PublishDiagnostics::METHOD.into(),
            params,
        )));
    }

    /// The spec directory of a document, open or not.
    fn root_of(&self, uri: &Url) -> Option<PathBuf> {
        let path = uri.to_file_path().ok()?;
        match self.documents.get(&path) {
            Some(document) => document.root.clone(),
            None => workspace::spec_root(&path),
        }
    }

    /// The analysis of the spec a document belongs to, and the document's
    /// file in it.
    fn analysis_of(&mut self, uri: &Url) -> Option<(&Analysis, crate::source::FileId)> {
        let root = self.root_of(uri)?;
        if !self.specs.contains_key(&root) {
            self.analyse(&root);
        }
        let analysis = &self.specs.get(&root)?.analysis;
        let file = analysis.file_of(&uri.to_file_path().ok()?)?;
        Some((analysis, file))
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            req::HoverRequest::METHOD => self.hover(request),
            req::GotoDefinition::METHOD => self.definition(request),
            req::References::METHOD => self.references(request),
            req::PrepareRenameRequest::METHOD => self.prepare_rename(request),
            req::Rename::METHOD => self.rename(request),
            req::Completion::METHOD => self.completion(request),
            req::Formatting::METHOD => self.formatting(request),
            method => Err((
                ErrorCode::MethodNotFound,
                format!("envspec lsp does not handle `{method}`"),
            )),
        };
        self.respond(id, result);
    }

    fn respond(&self, id: RequestId, result: Result<serde_json::Value, Failure>) {
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(Message::Response(response));
    }

    fn hover(&mut self, request: Request) -> Result<serde_json::Value, Failure> {
        let params: lsp_types::HoverParams = params(request, req::HoverRequest::METHOD)?;
        let at = params.text_document_position_params;
        let Some((analysis, file)) = self.analysis_of(&at.text_document.uri) else {
            return to_value(None::<Hover>);
        };
        let offset = analysis.offset(file, at.position);
        let hover = hover::hover(analysis, file, offset).map(|(text, span)| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(analysis.range(span)),
        });
        to_value(hover)
    }

    fn definition(&mut self, request: Request) -> Result<serde_json::Value, Failure> {
        let params: lsp_types::GotoDefinitionParams = params(request, req::GotoDefinition::METHOD)?;
        let at = params.text_document_position_params;
        let Some((analysis, file)) = self.analysis_of(&at.text_document.uri) else {
            return to_value(None::<GotoDefinitionResponse>);
        };
        let offset = analysis.offset(file, at.position);
        let locations = navigation::definition(analysis, file, offset);
        to_value((!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations)))
    }

    fn references(&mut self, request: Request) -> Result<serde_json::Value, Failure> {
        let params: lsp_types::ReferenceParams = params(request, req::References::METHOD)?;
        let at = params.text_document_position;
        let Some((analysis, file)) = self.analysis_of(&at.text_document.uri) else {
            return to_value(None::<Vec<lsp_types::Location>>);
        };
        let offset = analysis.offset(file, at.position);
        let locations =
            navigation::references(analysis, file, offset, params.context.include_declaration);
        to_value(locations)
    }

    fn prepare_rename(&mut self, request: Request) -> Result<serde_json::Value, Failure> {
        let at: lsp_types::TextDocumentPositionParams =
            params(request, req::PrepareRenameRequest::METHOD)?;
        let Some((analysis, file)) = self.analysis_of(&at.text_document.uri) else {
            return to_value(None::<PrepareRenameResponse>);
        };
        let offset = analysis.offset(file, at.position);
        let (range, placeholder) = navigation::prepare_rename(analysis, file, offset)
            .map_err(|message| (ErrorCode::RequestFailed, message))?;
        to_value(PrepareRenameResponse::RangeWithPlaceholder { range, placeholder })
    }

    fn rename(&mut self, request: Request) -> Result<serde_json::Value, Failure> {
        let params: lsp_types::RenameParams = params(request, req::Rename::METHOD)?;
        let at = params.text_document_position;
        let Some((analysis, file)) = self.analysis_of(&at.text_document.uri) else {
            return Err((
                ErrorCode::RequestFailed,
                "this file is not part of a spec".into(),
            ));
        };
        let offset = analysis.offset(file, at.position);
        let edit = navigation::rename(analysis, file, offset, &params.new_name)?;
        to_value(edit)
    }

    fn completion(&mut self, request: Request) -> Result<serde_json::Value, Failure> {
        let params: lsp_types::CompletionParams = params(request, req::Completion::METHOD)?;
        let at = params.text_document_position;
        let Some((analysis, file)) = self.analysis_of(&at.text_document.uri) else {
            return to_value(None::<CompletionResponse>);
        };
        let offset = analysis.offset(file, at.position);
        to_value(CompletionResponse::Array(completion::complete(
            analysis, file, offset,
        )))
    }

    /// The whole file in canonical layout (`crate::fmt`), as one edit; no
    /// edit when it is already formatted or does not parse (its syntax
    /// errors are on show already).
    fn formatting(&mut self, request: Request) -> Result<serde_json::Value, Failure> {
        let params: lsp_types::DocumentFormattingParams = params(request, req::Formatting::METHOD)?;
        let Some((analysis, file)) = self.analysis_of(&params.text_document.uri) else {
            return to_value(None::<Vec<lsp_types::TextEdit>>);
        };
        let text = analysis.text(file);
        match crate::fmt::format(file, text) {
            Ok(formatted) if formatted == text => to_value(Vec::<lsp_types::TextEdit>::new()),
            Ok(formatted) => to_value(vec![lsp_types::TextEdit::new(
                analysis.range(crate::source::Span::new(file, 0, text.len())),
                formatted,
            )]),
            Err(diagnostics)
                if diagnostics
                    .iter()
                    .any(|d| d.code.as_str().starts_with("E01")) =>
            {
                to_value(None::<Vec<lsp_types::TextEdit>>)
            }
            Err(diagnostics) => Err((
                ErrorCode::RequestFailed,
                diagnostics
                    .first()
                    .map_or("the file cannot be formatted".into(), |d| d.message.clone()),
            )),
        }
    }
}

fn params<P: serde::de::DeserializeOwned>(request: Request, method: &str) -> Result<P, Failure> {
    request
        .extract(method)
        .map(|(_, params)| params)
        .map_err(|error| (ErrorCode::InvalidParams, format!("{error:?}")))
}

fn to_value(value: impl serde::Serialize) -> Result<serde_json::Value, Failure> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}
