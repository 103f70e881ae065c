//! Generates the `Telemetry` trait and its typed `TelemetryPublisher`, `TelemetryPusher`,
//! `TelemetrySubscriber` and `TelemetryPuller` from the IDL.

fn main() -> Result<(), zrpc_codegen::CompileError> {
    zrpc_codegen::compile("telemetry.zrpc")?;
    Ok(())
}
