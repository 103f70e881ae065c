#[derive(zrpc::Type)]
struct Generic<T> {
    value: T,
}

#[derive(zrpc::Type)]
struct Tuple(i64, i64);

#[derive(zrpc::Type)]
enum Mixed {
    Unit,
    Value(i64),
}

#[derive(zrpc::Type)]
enum Struct {
    Point { x: f64 },
}

#[derive(zrpc::Type)]
union Raw {
    a: u32,
}

#[derive(zrpc::Type)]
#[zrpc(error)]
enum NotErrors {
    A,
}

#[derive(zrpc::Type)]
#[zrpc(kind = "struct")]
struct Unknown {
    x: i64,
}

fn main() {}
