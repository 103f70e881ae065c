//! Compiles proto/bench.proto for the tonic peer with the `protoc` shipped by
//! `protoc-bin-vendored` (no system protoc needed).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    tonic_prost_build::configure()
        // `bytes` fields as `bytes::Bytes`: tonic's cheapest payload type, as its users would pick.
        .bytes(".")
        .compile_with_config(config, &["proto/bench.proto"], &["proto"])?;
    Ok(())
}
