#[zrpc::rpc_service]
trait Store<T> {
    async fn get<K>(&self, key: K) -> i64;
}

fn main() {}
