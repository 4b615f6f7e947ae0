//! A language client for the tests: runs `envspec lsp` on a copy of a spec
//! in a temporary directory and talks JSON-RPC to it over its standard input
//! and output. Every read has a timeout, so a silent server fails the test
//! instead of hanging the suite.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

const TIMEOUT: Duration = Duration::from_secs(20);

/// The fixture spec's directory.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsp/spec")
}

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: i64,
    /// The latest diagnostics published for each URI.
    diagnostics: HashMap<String, Vec<Value>>,
    /// How many times diagnostics were published for each URI.
    publications: HashMap<String, usize>,
    /// The spec directory (inside `_tempdir`).
    pub root: PathBuf,
    /// The server's answer to `initialize`.
    pub initialized: Value,
    /// The requests the server sent (each answered with `null`).
    pub server_requests: Vec<Value>,
    _tempdir: TempDir,
}

impl Client {
    /// Copies the fixture spec into a temporary directory, starts the
    /// server there and initializes it with that directory as workspace.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// The fixture spec with some files replaced or added (relative path,
    /// text); a text of `None` removes the file.
    pub fn start_with(changes: &[(&str, Option<&str>)]) -> Self {
        let tempdir = TempDir::new().expect("temporary directory");
        let root = tempdir.path().join("spec");
        copy_dir(&fixture(), &root);
        for (path, text) in changes {
            let path = root.join(path);
            match text {
                Some(text) => {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, text).unwrap();
                }
                None => std::fs::remove_file(&path).unwrap(),
            }
        }
        let workspace = root.clone();
        Self::spawn(tempdir, root, &workspace)
    }

    /// The fixture spec in `spec/` with other files around it (paths
    /// relative to the directory above the spec), the workspace folder being
    /// that directory.
    pub fn start_above(around: &[(&str, &str)]) -> Self {
        let tempdir = TempDir::new().expect("temporary directory");
        for (path, text) in around {
            let path = tempdir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        let root = tempdir.path().join("spec");
        copy_dir(&fixture(), &root);
        let workspace = tempdir.path().to_path_buf();
        Self::spawn(tempdir, root, &workspace)
    }

    fn spawn(tempdir: TempDir, root: PathBuf, workspace: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_envspec"))
            .arg("lsp")
            .current_dir(tempdir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("envspec lsp starts");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 0,
            diagnostics: HashMap::new(),
            publications: HashMap::new(),
            root,
            initialized: Value::Null,
            server_requests: Vec::new(),
            _tempdir: tempdir,
        };
        let root_uri = client.uri_of(workspace);
        let initialized = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": {
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                },
                "workspaceFolders": [{"uri": root_uri, "name": "spec"}],
            }),
        );
        assert_eq!(
            initialized["result"]["serverInfo"]["name"], "envspec",
            "{initialized}"
        );
        client.notify("initialized", json!({}));
        client.initialized = initialized;
        client
    }

    pub fn uri_of(&self, path: &Path) -> String {
        format!("file://{}", path.display())
    }

    /// The URI of a file of the spec, by relative path.
    pub fn uri(&self, relative: &str) -> String {
        self.uri_of(&self.root.join(relative))
    }

    /// The text of a spec file on disk.
    pub fn text(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root.join(relative)).unwrap()
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns the whole response (`result` or `error`);
    /// notifications read meanwhile are recorded.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message["id"] == json!(id) && message.get("method").is_none() {
                return message;
            }
        }
    }

    /// Opens a spec file with its text on disk.
    pub fn open(&mut self, relative: &str) {
        let text = self.text(relative);
        self.open_with(relative, &text);
    }

    pub fn open_with(&mut self, relative: &str, text: &str) {
        let uri = self.uri(relative);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "envspec", "version": 1, "text": text}}),
        );
    }

    /// Replaces an open document's whole text (unsaved).
    pub fn change(&mut self, relative: &str, text: &str) {
        let uri = self.uri(relative);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
        );
    }

    /// Waits until the server has handled everything sent so far (a request
    /// it answers after every earlier message).
    pub fn sync(&mut self) {
        let response = self.request("envspec/sync", json!(null));
        assert_eq!(response["error"]["code"], -32601, "{response}");
    }

    /// The diagnostics last published for a spec file, after everything
    /// sent so far was handled.
    pub fn diagnostics(&mut self, relative: &str) -> Vec<Value> {
        self.sync();
        let uri = self.uri(relative);
        self.diagnostics
            .get(&uri)
            .unwrap_or_else(|| {
                panic!(
                    "no diagnostics published for {relative}: {:?}",
                    self.diagnostics.keys()
                )
            })
            .clone()
    }

    /// How many times diagnostics were published for a URI.
    pub fn publications(&mut self, uri: &str) -> usize {
        self.sync();
        self.publications.get(uri).copied().unwrap_or(0)
    }

    /// A request at a position: the `nth` (0-based) occurrence of `needle`
    /// in a spec file's text on disk, `offset` bytes into it.
    pub fn at(
        &mut self,
        method: &str,
        relative: &str,
        needle: &str,
        nth: usize,
        offset: usize,
        extra: Value,
    ) -> Value {
        let position = position(&self.text(relative), needle, nth, offset);
        let mut params = json!({"textDocument": {"uri": self.uri(relative)}, "position": position});
        if let (Some(params), Value::Object(extra)) = (params.as_object_mut(), extra) {
            params.extend(extra);
        }
        self.request(method, params)
    }

    /// Shuts the server down and returns its exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let response = self.request("shutdown", json!(null));
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", json!(null));
        self.stdin = None;
        self.wait()
    }

    /// Waits for the server to exit, killing it after the timeout.
    pub fn wait(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes the server's input without `shutdown` and `exit`.
    pub fn close_input(&mut self) {
        self.stdin = None;
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("the server's input is open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let message = match self.messages.recv_timeout(TIMEOUT) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in {TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        };
        if message.get("id").is_some() && message.get("method").is_some() {
            let id = message["id"].clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
            self.server_requests.push(message.clone());
        }
        if message["method"] == "textDocument/publishDiagnostics" {
            let uri = message["params"]["uri"].as_str().unwrap().to_string();
            let diagnostics = message["params"]["diagnostics"].as_array().unwrap().clone();
            *self.publications.entry(uri.clone()).or_default() += 1;
            self.diagnostics.insert(uri, diagnostics);
        }
        message
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The LSP position (UTF-16) of the `nth` occurrence of `needle` in `text`,
/// `offset` bytes into it.
pub fn position(text: &str, needle: &str, nth: usize, offset: usize) -> Value {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", nth + 1))
        .0
        + offset;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..start].matches('\n').count();
    let character: usize = text[line_start..start].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
