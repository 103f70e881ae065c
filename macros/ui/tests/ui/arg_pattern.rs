#[zrpc::rpc_service]
trait Calculator {
    async fn add(&self, (a, b): (i64, i64)) -> i64;
    async fn neg(&self, _: i64) -> i64;
}

fn main() {}
