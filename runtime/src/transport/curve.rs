//! CURVE for servers and clients: key pairs (re-exported from the engine), the client
//! allow-list a server authorizes against, and the configurations the builders take.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

pub use zrpc_zmtp::curve::{decode_key, encode_key, KeyPair};

use crate::error::Error;

/// Client public keys a CURVE server admits: one Z85 key per line; a `#` at the start of a
/// line or after whitespace starts a comment (`#` is also a Z85 character, so a key may hold
/// one).
/// Clones share the keys, so a reload is seen by the server at once.
#[derive(Clone, Debug, Default)]
pub struct AllowList {
    keys: Arc<RwLock<HashSet<[u8; 32]>>>,
    path: Option<PathBuf>,
}

impl AllowList {
    /// An allow-list of these keys (not tied to a file).
    pub fn from_keys(keys: impl IntoIterator<Item = [u8; 32]>) -> AllowList {
        AllowList {
            keys: Arc::new(RwLock::new(keys.into_iter().collect())),
            path: None,
        }
    }

    /// Reads the file; [`AllowList::reload`] reads it again.
    pub fn load(path: impl AsRef<Path>) -> Result<AllowList, Error> {
        let path = path.as_ref().to_path_buf();
        let keys = read_keys(&path)?;
        Ok(AllowList {
            keys: Arc::new(RwLock::new(keys)),
            path: Some(path),
        })
    }

    /// Re-reads the file (e.g. on SIGHUP). On error the current keys stay in force.
    /// Returns the number of keys now allowed.
    pub fn reload(&self) -> Result<usize, Error> {
        let Some(path) = &self.path else {
            return Ok(self.len());
        };
        let keys = read_keys(path)?;
        let count = keys.len();
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = keys;
        Ok(count)
    }

    pub fn contains(&self, key: &[u8; 32]) -> bool {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(key)
    }

    pub fn len(&self) -> usize {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Parses an allow-list text; errors name the line.
pub fn parse_allow_list(text: &str) -> Result<HashSet<[u8; 32]>, String> {
    let mut keys = HashSet::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        if !rest.is_empty() && !rest.starts_with('#') {
            return Err(format!(
                "line {}: unexpected text after the key",
                number + 1
            ));
        }
        let key = decode_key(key).map_err(|e| format!("line {}: {e}", number + 1))?;
        keys.insert(key);
    }
    Ok(keys)
}

fn read_keys(path: &Path) -> Result<HashSet<[u8; 32]>, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Curve(format!("cannot read {}: {e}", path.display())))?;
    parse_allow_list(&text).map_err(|e| Error::Curve(format!("{}: {e}", path.display())))
}

/// Who may connect to a CURVE server.
#[derive(Clone)]
pub(crate) enum Admission {
    /// Every client that completes the handshake (anonymous, encrypted).
    Anyone,
    List(AllowList),
    Callback(zrpc_zmtp::curve::Authorizer),
}

/// A server's CURVE settings.
#[derive(Clone)]
pub(crate) struct ServerCurve {
    pub keys: KeyPair,
    pub admission: Admission,
}

impl ServerCurve {
    pub(crate) fn security(&self) -> zrpc_zmtp::Security {
        let mut server = zrpc_zmtp::curve::CurveServer::new(self.keys.clone());
        match &self.admission {
            Admission::Anyone => {}
            Admission::List(list) => {
                let list = list.clone();
                server = server.authorize(Arc::new(move |key: &[u8; 32]| list.contains(key)));
            }
            Admission::Callback(callback) => server = server.authorize(callback.clone()),
        }
        zrpc_zmtp::Security::CurveServer(Arc::new(server))
    }
}

/// A client's CURVE settings: the server's public key and the client's own pair.
#[derive(Clone)]
pub(crate) struct ClientCurve {
    pub server_key: [u8; 32],
    pub keys: KeyPair,
}

impl ClientCurve {
    pub(crate) fn security(&self) -> zrpc_zmtp::Security {
        zrpc_zmtp::Security::CurveClient(Arc::new(zrpc_zmtp::curve::CurveClient::new(
            self.server_key,
            self.keys.clone(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_lists_skip_comments_and_name_bad_lines() {
        let a = KeyPair::generate().unwrap();
        let b = KeyPair::generate().unwrap();
        let text = format!(
            "# operators\n{}  # alice\n\n   {}\n",
            a.public_z85(),
            b.public_z85()
        );
        let keys = parse_allow_list(&text).unwrap();
        assert!(keys.contains(a.public()) && keys.contains(b.public()));
        let hashed = KeyPair::from_secret([3; 32]);
        let with_hash = format!("{} # has a hash?\n", hashed.public_z85());
        assert!(parse_allow_list(&with_hash)
            .unwrap()
            .contains(hashed.public()));
        let err = parse_allow_list("# x\nnot-a-key\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
    }
}
