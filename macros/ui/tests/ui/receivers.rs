use std::sync::Arc;

#[zrpc::rpc_service]
trait Calculator {
    async fn by_mut(&mut self);
    async fn by_value(self);
    async fn by_arc(self: Arc<Self>);
    async fn without(a: i64);
}

fn main() {}
