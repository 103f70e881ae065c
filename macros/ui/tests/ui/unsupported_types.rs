#[derive(serde::Serialize, serde::Deserialize)]
struct NotDescribed {
    x: i64,
}

#[zrpc::rpc_service]
trait Calculator {
    async fn borrowed(&self, name: &str);
    async fn opaque(&self, value: impl Clone);
    async fn tuple(&self) -> (i64, i64);
}

#[zrpc::rpc_service]
trait Plain {
    async fn plain(&self, value: NotDescribed);
}

fn main() {}
