#[zrpc::rpc_service]
trait Calculator {
    async fn add(&self, #[serde(default)] a: i64, #[zrpc(rename = "y")] b: i64) -> i64;
}

fn main() {}
