//! The CURVE flags shared by every command that talks to a server.

use std::path::PathBuf;

use zrpc::curve::KeyPair;
use zrpc::ClientBuilder;

/// Encrypts the connection with CURVE (the server must run CURVE too).
#[derive(clap::Args, Debug, Clone)]
pub struct CurveFlags {
    /// The server's CURVE public key (40 Z85 characters): turns CURVE on.
    #[arg(long, value_name = "Z85", allow_hyphen_values = true)]
    pub curve_server_key: Option<String>,
    /// Our key pair, a certificate written by `zrpc keygen` (PATH.key); without it a fresh
    /// key pair is used (enough for a server that admits any key).
    #[arg(long, value_name = "PATH", requires = "curve_server_key")]
    pub curve_key: Option<PathBuf>,
}

impl CurveFlags {
    /// Applies the flags to a client builder.
    pub fn apply(&self, builder: ClientBuilder) -> Result<ClientBuilder, String> {
        let Some(server_key) = &self.curve_server_key else {
            return Ok(builder);
        };
        let keys = match &self.curve_key {
            Some(path) => KeyPair::load(path).map_err(|e| e.to_string())?,
            None => KeyPair::generate().map_err(|e| e.to_string())?,
        };
        builder
            .curve(server_key, keys)
            .map_err(|e| format!("--curve-server-key: {e}"))
    }
}
