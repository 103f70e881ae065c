//! `zrpc keygen --out PATH`: a CURVE key pair as PATH.key (the secret certificate, mode 0600,
//! in the ZeroMQ/czmq format) and PATH.pub (the Z85 public key on one line).

use crate::stdout::outln;

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use zrpc::curve::KeyPair;

/// Generates a CURVE key pair.
#[derive(clap::Args, Debug)]
pub struct KeygenArgs {
    /// Writes PATH.key (secret, mode 0600) and PATH.pub (public key); refuses to overwrite.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
}

pub fn run(args: KeygenArgs) -> ExitCode {
    match keygen(&args) {
        Ok((key, public)) => {
            outln!("{}", public.display());
            outln!("{}", key.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn with_suffix(path: &std::path::Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn keygen(args: &KeygenArgs) -> Result<(PathBuf, PathBuf), String> {
    let keys = KeyPair::generate().map_err(|e| e.to_string())?;
    let key = with_suffix(&args.out, ".key");
    let public = with_suffix(&args.out, ".pub");
    for path in [&key, &public] {
        if path.exists() {
            return Err(format!("{} exists; not overwriting it", path.display()));
        }
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let write = |path: &PathBuf, options: &OpenOptions, text: &str| {
        options
            .open(path)
            .and_then(|mut file| file.write_all(text.as_bytes()))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write(&key, &options, &keys.to_certificate())?;
    let mut public_options = OpenOptions::new();
    public_options.write(true).create_new(true);
    write(
        &public,
        &public_options,
        &format!("{}\n", keys.public_z85()),
    )?;
    Ok((key, public))
}
