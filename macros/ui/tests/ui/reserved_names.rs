#[zrpc::rpc_service]
trait Calculator {
    async fn connect(&self);
    async fn into_service(&self);
    async fn schema(&self);
    async fn _zrpc_model(&self);
    async fn add(&self);
    #[zrpc(name = "add")]
    async fn plus(&self);
}

fn main() {}
