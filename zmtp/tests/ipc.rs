//! ipc:// socket files: removed on close, a stale file replaced at bind, a live one refused.

use std::time::Duration;

use zrpc_zmtp::{Options, Router};

fn path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("zmtp-ipc-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("sock")
}

#[tokio::test]
async fn socket_files_are_cleaned_up_and_guarded() {
    let file = path("guard");
    let endpoint = format!("ipc://{}", file.display());
    // A stale file: a listener that went away without removing it.
    drop(std::os::unix::net::UnixListener::bind(&file).unwrap());
    assert!(file.exists());
    let mut router = Router::new(Options::default());
    router.bind(&endpoint).await.unwrap();
    // A live server holds it: refused, and its file is left alone.
    let mut second = Router::new(Options::default());
    let err = second.bind(&endpoint).await.unwrap_err();
    assert!(err.to_string().contains("another server"), "{err}");
    assert!(file.exists());
    router.close().await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!file.exists(), "the socket file is removed on close");
}

#[tokio::test]
async fn a_server_shutdown_removes_its_socket_file() {
    let file = path("server");
    let endpoint = format!("ipc://{}", file.display());
    let mut router = Router::new(Options::default());
    router.bind(&endpoint).await.unwrap();
    drop(router);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!file.exists(), "dropping the socket removes its file too");
}
