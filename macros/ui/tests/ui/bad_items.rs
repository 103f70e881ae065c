#[zrpc::rpc_service]
trait Calculator {
    const LIMIT: u32;
    type Output;
    async fn add(&self, a: i64) -> i64 {
        a
    }
}

fn main() {}
