//! `zrpc-broker-bench` refuses what it cannot run with its usage or the faulty option, and a
//! status of 2. (Its runs are exercised by the interop tests' broker store scenario.)

use std::process::Command;

fn run(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_zrpc-broker-bench"))
        .args(args)
        .output()
        .expect("run zrpc-broker-bench");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn without_a_command_it_prints_its_usage() {
    let (code, stderr) = run(&[]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("usage: zrpc-broker-bench bench"),
        "{stderr}"
    );
    assert!(
        stderr.contains("zrpc-broker-bench worker --backend"),
        "{stderr}"
    );
}

#[test]
fn a_count_that_is_not_a_number_is_named() {
    let (code, stderr) = run(&["bench", "--calls", "many"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--calls wants a number, got \"many\""),
        "{stderr}"
    );
}
