//! Starting, answering what it does not know, and stopping.

use serde_json::json;

use crate::client::Client;

#[test]
fn shutdown_then_exit_ends_with_status_zero() {
    let client = Client::start();
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn exit_without_shutdown_ends_with_status_one() {
    let mut client = Client::start();
    client.notify("exit", json!(null));
    client.close_input();
    assert_eq!(client.wait().code(), Some(1));
}

#[test]
fn unknown_requests_get_method_not_found() {
    let mut client = Client::start();
    let response = client.request("workspace/symbol", json!({"query": "x"}));
    assert_eq!(response["error"]["code"], -32601, "{response}");
}

#[test]
fn capabilities_announce_every_feature() {
    let client = Client::start();
    let capabilities = &client.initialized["result"]["capabilities"];
    assert_eq!(
        capabilities["textDocumentSync"], 1,
        "full sync: {capabilities}"
    );
    for feature in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentFormattingProvider",
    ] {
        assert_eq!(capabilities[feature], true, "{feature}: {capabilities}");
    }
    assert_eq!(capabilities["renameProvider"]["prepareProvider"], true);
    assert!(capabilities["completionProvider"]["triggerCharacters"].is_array());
}

#[test]
fn the_server_asks_to_watch_spec_files() {
    let mut client = Client::start();
    client.sync();
    let registration = client
        .server_requests
        .iter()
        .find(|r| r["method"] == "client/registerCapability")
        .expect("a registration");
    let registration = &registration["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.env"
    );
}
