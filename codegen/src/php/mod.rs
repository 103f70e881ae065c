pub fn generate(_: &zrpc_idl::model::Schema) -> Result<Vec<(std::path::PathBuf, String)>, askama::Error> { Ok(vec![]) }
