//! The conformance corpus served live. `build.rs` compiles every file of `tests/conformance/`
//! (and `all_constructs.zrpc`) with `zrpc_codegen::compile` into one module each, with an echo
//! implementation of every service and a check calling every method through the generated Rust
//! client. The `zrpc-conformance-server STEM` binary serves one file; `tests/live.rs` calls it
//! from Rust, Python, Ruby and PHP.

use std::fmt::{Debug, Display};
use std::io::Write;

use futures::TryStreamExt;
use serde::Serialize;

include!(concat!(env!("OUT_DIR"), "/corpus.rs"));

/// Whether `a` and `b` have the same wire value, floats compared bit for bit (NaN equals NaN,
/// `-0.0` differs from `0.0`), as the equality every language's check uses.
pub fn same<T: Serialize + ?Sized>(a: &T, b: &T) -> bool {
    match (rmpv::ext::to_value(a), rmpv::ext::to_value(b)) {
        (Ok(a), Ok(b)) => same_value(&a, &b),
        _ => false,
    }
}

fn same_value(a: &rmpv::Value, b: &rmpv::Value) -> bool {
    use rmpv::Value::{Array, Map, F32, F64};
    match (a, b) {
        (F64(x), F64(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (F32(x), F32(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (Array(x), Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Map(x), Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((xk, xv), (yk, yv))| same_value(xk, yk) && same_value(xv, yv))
        }
        (a, b) => a == b,
    }
}

/// Records a `failure` unless `got` is `expected`.
pub fn expect_value<T: Serialize + Debug, E: Display>(
    failures: &mut Vec<String>,
    label: &str,
    got: Result<T, E>,
    expected: &T,
) {
    match got {
        Ok(value) if same(&value, expected) => {}
        Ok(value) => failures.push(format!("{label}: got {value:?}, expected {expected:?}")),
        Err(error) => failures.push(format!("{label}: {error}")),
    }
}

/// Records a failure unless the stream `got` yields exactly `expected`.
pub async fn expect_stream<T: Serialize + Debug, E: Display>(
    failures: &mut Vec<String>,
    label: &str,
    got: Result<zrpc::typed::ItemStream<T, E>, E>,
    expected: &[T],
) {
    let items = match got {
        Ok(stream) => stream.try_collect::<Vec<T>>().await,
        Err(error) => Err(error),
    };
    match items {
        Ok(items) if same(items.as_slice(), expected) => {}
        Ok(items) => failures.push(format!("{label}: got {items:?}, expected {expected:?}")),
        Err(error) => failures.push(format!("{label}: {error}")),
    }
}

/// Records a failure unless `got` is the declared error `expected` (compared by their debug
/// text, which tells NaN and -0.0 apart as [`same`] does: an error set is not `Serialize`).
pub fn expect_error<T, E: Debug>(
    failures: &mut Vec<String>,
    label: &str,
    got: Result<T, zrpc::typed::CallError<E>>,
    expected: E,
) {
    match got {
        Err(zrpc::typed::CallError::Service(error))
            if format!("{error:?}") == format!("{expected:?}") => {}
        Err(zrpc::typed::CallError::Service(error)) => {
            failures.push(format!("{label}: raised {error:?}, expected {expected:?}"))
        }
        Err(zrpc::typed::CallError::Rpc(error)) => {
            failures.push(format!("{label}: {error}, expected {expected:?}"))
        }
        Ok(_) => failures.push(format!("{label}: returned, expected {expected:?}")),
    }
}

/// Records a failure unless the stream `got` raises the declared error `expected`, when it is
/// opened or while it is read.
pub async fn expect_stream_error<T, E: Debug>(
    failures: &mut Vec<String>,
    label: &str,
    got: Result<zrpc::typed::ItemStream<T, zrpc::typed::CallError<E>>, zrpc::typed::CallError<E>>,
    expected: E,
) {
    let read = match got {
        Ok(stream) => stream.try_collect::<Vec<T>>().await,
        Err(error) => Err(error),
    };
    expect_error(failures, label, read, expected);
}

/// What an echo server does with a oneway call: a line `oneway Service.method` on stdout, which
/// the test counts.
pub fn record_oneway(method: &str) {
    let mut stdout = std::io::stdout().lock();
    // The test reads these lines; a closed stdout only loses the record, which it then reports.
    let _ = writeln!(stdout, "oneway {method}");
    let _ = stdout.flush();
}
