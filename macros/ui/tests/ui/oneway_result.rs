#[zrpc::rpc_service]
trait Logger {
    #[oneway]
    async fn log(&self, line: String) -> u64;
}

fn main() {}
