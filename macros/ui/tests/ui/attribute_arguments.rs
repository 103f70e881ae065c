#[zrpc::rpc_service(name = "Calc")]
trait Calculator {
    #[zrpc(wire = "x")]
    async fn add(&self);
}

fn main() {}
