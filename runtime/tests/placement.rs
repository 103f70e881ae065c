//! The default handler placement: quick handlers move onto the I/O thread (still in the server
//! runtime's context), handlers that block or wait stay on the server's runtime.

use std::time::Duration;

use zrpc::{Args, Client, MethodInfo, Reply, Server, Service};

/// `where`: the thread that polled the handler, and whether `Handle::current()` there is the
/// server's runtime. `nap`: blocks its thread for `ms`, then answers the same.
fn service(server_runtime: tokio::runtime::Id) -> Service {
    Service::builder("placement")
        .method("where", MethodInfo::unary(&[]), move |_: Args| async move {
            let thread = std::thread::current().name().unwrap_or_default().to_owned();
            let in_context = tokio::runtime::Handle::current().id() == server_runtime;
            Reply::value(&(thread, in_context))
        })
        .method("nap", MethodInfo::unary(&["ms"]), |args: Args| async move {
            let ms: u64 = args.decode(0, "ms")?;
            std::thread::sleep(Duration::from_millis(ms));
            let thread = std::thread::current().name().unwrap_or_default().to_owned();
            Reply::value(&thread)
        })
        .method("wait", MethodInfo::unary(&[]), |_: Args| async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            let thread = std::thread::current().name().unwrap_or_default().to_owned();
            Reply::value(&thread)
        })
        .build()
}

async fn serve() -> (Server, Client) {
    let id = tokio::runtime::Handle::current().id();
    let server = Server::builder(service(id))
        .bind("tcp://127.0.0.1:0")
        .start()
        .await
        .unwrap();
    let client = Client::connect(&server.endpoint()).await.unwrap();
    (server, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_handlers_move_to_the_io_thread_in_the_server_runtime_context() {
    let (server, client) = serve().await;
    let mut places = Vec::new();
    for _ in 0..20 {
        let place: (String, bool) = client.call_typed("where", &()).await.unwrap();
        places.push(place);
    }
    // Always in the server runtime's context; first on its workers, at the end inline.
    assert!(
        places.iter().all(|(_, in_context)| *in_context),
        "{places:?}"
    );
    assert_ne!(places[0].0, "zrpc-server-io", "{places:?}");
    assert_eq!(places[19].0, "zrpc-server-io", "{places:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handlers_that_block_or_wait_stay_on_the_server_runtime() {
    let (server, client) = serve().await;
    for _ in 0..12 {
        let thread: String = client.call_typed("nap", &(3u64,)).await.unwrap();
        assert_ne!(thread, "zrpc-server-io");
        // A handler that waits continues on the server runtime even once polled inline.
        let thread: String = client.call_typed("wait", &()).await.unwrap();
        assert_ne!(thread, "zrpc-server-io");
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inline_handler_that_blocks_is_moved_back() {
    let (server, client) = serve().await;
    // Quick naps until the method is polled inline, then one long nap there.
    let mut inline = false;
    for _ in 0..20 {
        let thread: String = client.call_typed("nap", &(0u64,)).await.unwrap();
        inline = thread == "zrpc-server-io";
        if inline {
            break;
        }
    }
    assert!(inline, "a quick nap never ran inline");
    let thread: String = client.call_typed("nap", &(20u64,)).await.unwrap();
    assert_eq!(thread, "zrpc-server-io");
    for _ in 0..10 {
        let thread: String = client.call_typed("nap", &(0u64,)).await.unwrap();
        assert_ne!(thread, "zrpc-server-io", "moved back for 16 quick calls");
    }
    server.shutdown().await;
}
