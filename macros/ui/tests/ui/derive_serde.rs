#[derive(serde::Serialize, serde::Deserialize, zrpc::Type)]
#[serde(rename_all = "camelCase")]
struct Renamed {
    user_id: i64,
}

#[derive(serde::Serialize, serde::Deserialize, zrpc::Type)]
struct Flattened {
    #[serde(flatten)]
    inner: Renamed,
    #[serde(skip)]
    cache: i64,
}

#[derive(serde::Serialize, serde::Deserialize, zrpc::Type)]
#[serde(tag = "kind")]
enum Tagged {
    A(i64),
}

fn main() {}
