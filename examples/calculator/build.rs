//! Generates the calculator's Rust API (types, `Calculator` trait, `CalculatorClient`) from the IDL.

fn main() -> Result<(), zrpc_codegen::CompileError> {
    zrpc_codegen::compile("calculator.zrpc")?;
    Ok(())
}
