//! CURVE from the command line: `zrpc keygen`, `calculator-server --curve-key --curve-allow`
//! (SIGHUP reload), `zrpc call --curve-server-key --curve-key` with an allowed key, an unknown
//! key, a wrong server key and no CURVE, and a stock zerorpc-python client setting the libzmq
//! CURVE options.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use zrpc_interop_tests::{
    free_endpoint, python, run_with_timeout, wait_for_tcp, workspace_bin, ChildGuard,
};

fn zrpc(args: &[&str]) -> Output {
    run_with_timeout(
        Command::new(workspace_bin("zrpc")).args(args),
        Duration::from_secs(30),
    )
}

fn keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let out = dir.join(name);
    let output = zrpc(&["keygen", "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let public = std::fs::read_to_string(dir.join(format!("{name}.pub"))).unwrap();
    (dir.join(format!("{name}.key")), public.trim().to_owned())
}

fn call(endpoint: &str, curve: &[&str]) -> Output {
    let mut args = vec!["call", "--timeout", "3"];
    args.extend_from_slice(curve);
    args.extend_from_slice(&[endpoint, "add", "2", "3"]);
    zrpc(&args)
}

fn refused_within_timeout(endpoint: &str, curve: &[&str], why: &str) {
    let started = Instant::now();
    let output = call(endpoint, curve);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("cannot connect") && stderr.contains(why),
        "{stderr}"
    );
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn keygen_writes_a_private_certificate_and_a_public_key() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir("keygen");
    let (key, public) = keygen(&dir, "server");
    assert_eq!(public.len(), 40);
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&key).unwrap();
    assert!(text.contains("curve\n") && text.contains(&format!("public-key = \"{public}\"")));
    assert!(text.contains("secret-key = \""));
    // Never overwrites.
    let again = zrpc(&["keygen", "--out", dir.join("server").to_str().unwrap()]);
    assert!(!again.status.success());
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zrpc-curve-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_curve_matrix_from_the_cli_and_stock_python() {
    let dir = tempdir("matrix");
    let (server_key, server_public) = keygen(&dir, "server");
    let (alice_key, alice_public) = keygen(&dir, "alice");
    let (bob_key, bob_public) = keygen(&dir, "bob");
    let (_, impostor_public) = keygen(&dir, "impostor");
    let allowed = dir.join("allowed");
    std::fs::write(&allowed, format!("# operators\n{alice_public}  # alice\n")).unwrap();
    let endpoint = free_endpoint();
    let server = ChildGuard::spawn(Command::new(workspace_bin("calculator-server")).args([
        "--bind",
        &endpoint,
        "--curve-key",
        server_key.to_str().unwrap(),
        "--curve-allow",
        allowed.to_str().unwrap(),
    ]));
    wait_for_tcp(&endpoint, Duration::from_secs(10));
    let alice = [
        "--curve-server-key",
        &server_public,
        "--curve-key",
        alice_key.to_str().unwrap(),
    ];
    let output = call(&endpoint, &alice);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "5");

    let bob = [
        "--curve-server-key",
        &server_public,
        "--curve-key",
        bob_key.to_str().unwrap(),
    ];
    refused_within_timeout(&endpoint, &bob, "refused");
    let wrong = [
        "--curve-server-key",
        &impostor_public,
        "--curve-key",
        alice_key.to_str().unwrap(),
    ];
    refused_within_timeout(&endpoint, &wrong, "handshake");
    refused_within_timeout(&endpoint, &[], "mechanism");

    // SIGHUP reloads the allow-list: bob gets in.
    std::fs::write(&allowed, format!("{alice_public}\n{bob_public}\n")).unwrap();
    let status = Command::new("kill")
        .args(["-HUP", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(500));
    let output = call(&endpoint, &bob);
    assert!(output.status.success(), "{output:?}");

    // A stock zerorpc-python client, with the options the README shows.
    let Some(python) = python() else {
        return;
    };
    let script = format!(
        r#"
import zmq, zmq.auth, zerorpc
public, secret = zmq.auth.load_certificate({alice:?})
client = zerorpc.Client(timeout=10)
client._events.setsockopt(zmq.CURVE_SERVERKEY, {server:?}.encode())
client._events.setsockopt(zmq.CURVE_PUBLICKEY, public)
client._events.setsockopt(zmq.CURVE_SECRETKEY, secret)
client.connect({endpoint:?})
print(client.add(20, 22))
"#,
        alice = alice_key.to_str().unwrap(),
        server = server_public,
    );
    let output = run_with_timeout(
        Command::new(python).args(["-c", &script]),
        Duration::from_secs(30),
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "42");
    drop(server);
}
