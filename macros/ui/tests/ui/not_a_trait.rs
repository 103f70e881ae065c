#[zrpc::rpc_service]
struct Calculator;

fn main() {}
