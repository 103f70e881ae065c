//! Compiles the two-file shop IDL the way a user's crate would, for `tests/gen_from_server.rs`.

fn main() -> Result<(), zrpc_codegen::CompileError> {
    zrpc_codegen::compile("idl/gen_from/shop.zrpc")?;
    Ok(())
}
