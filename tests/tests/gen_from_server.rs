//! `zrpc gen --from ENDPOINT` reads the model a live zrpc server serves (`_zrpc_model`) and
//! generates the same code as from the IDL file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use zrpc::{Server, Service};
use zrpc_interop_tests::{free_endpoint, run_ok, run_with_timeout, workspace_bin, workspace_root};

fn calculator_idl() -> PathBuf {
    workspace_root().join("examples/calculator/calculator.zrpc")
}

fn out_dir(name: &str) -> PathBuf {
    let dir = workspace_root()
        .join("target/tmp")
        .join(format!("gen-from-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn read_tree(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let contents = std::fs::read_to_string(&path).unwrap();
                files.push((path.strip_prefix(dir).unwrap().to_path_buf(), contents));
            }
        }
    }
    files.sort();
    files
}

/// The shop IDL compiled by this crate's `build.rs`, exactly as a user's crate would.
#[allow(dead_code)] // only the embedded model is served here; the traits have no implementation
mod shop {
    include!(concat!(env!("OUT_DIR"), "/shop.rs"));
}

/// `zrpc gen --from` a server at `endpoint` and `zrpc gen IDL` give the same files, byte for
/// byte, in every language.
async fn assert_gen_from_matches_the_file(endpoint: &str, idl: &Path) {
    let zrpc = workspace_bin("zrpc");
    let name = idl.file_stem().unwrap().to_string_lossy().into_owned();
    for lang in ["python", "ruby", "php", "rust"] {
        let from_server = out_dir(&format!("{name}-server-{lang}"));
        let from_file = out_dir(&format!("{name}-file-{lang}"));
        let generate_from_server = {
            let (zrpc, endpoint, out) = (zrpc.clone(), endpoint.to_owned(), from_server.clone());
            tokio::task::spawn_blocking(move || {
                run_ok(
                    Command::new(zrpc)
                        .args(["gen", "--lang", lang, "--out"])
                        .arg(out)
                        .args(["--from", &endpoint]),
                    Duration::from_secs(30),
                )
            })
        };
        generate_from_server.await.unwrap();
        run_ok(
            Command::new(&zrpc)
                .args(["gen", "--lang", lang, "--out"])
                .arg(&from_file)
                .arg(idl),
            Duration::from_secs(30),
        );
        let generated = read_tree(&from_server);
        assert!(!generated.is_empty(), "{name} {lang}: nothing generated");
        assert_eq!(generated, read_tree(&from_file), "{name} {lang}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gen_from_the_calculator_server_matches_gen_from_its_idl_file() {
    // The example's real server: the IDL-generated trait's `into_service`.
    let endpoint = free_endpoint();
    let server = Server::bind(&endpoint, calculator::service())
        .await
        .unwrap();
    assert_gen_from_matches_the_file(&endpoint, &calculator_idl()).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gen_from_a_two_file_idl_server_matches_gen_from_the_file() {
    let idl = workspace_root().join("tests/idl/gen_from/shop.zrpc");
    let file = zrpc_idl::load(&idl).unwrap().schema;
    let embedded = shop::acme::shop::schema();
    // What the build embedded is the validated model of the file, plus the file's stem.
    assert_eq!(embedded.file_stem.as_deref(), Some("shop"));
    assert_eq!(
        zrpc::typed::model::Schema {
            file_stem: None,
            ..embedded.clone()
        },
        file
    );
    // Served the way `into_service` serves it.
    let service = Service::builder("Shop").model(&embedded).build();
    let endpoint = free_endpoint();
    let server = Server::bind(&endpoint, service).await.unwrap();
    assert_gen_from_matches_the_file(&endpoint, &idl).await;
    server.shutdown().await;
}

#[test]
fn gen_from_a_server_without_model_fails_clearly() {
    // Nobody listens here: the error names the endpoint instead of hanging.
    let endpoint = free_endpoint();
    let output = run_with_timeout(
        Command::new(workspace_bin("zrpc"))
            .args(["gen", "--lang", "python", "--out"])
            .arg(out_dir("nobody"))
            .args(["--from", &endpoint, "--timeout", "1"]),
        Duration::from_secs(30),
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&endpoint), "{stderr}");
}

#[test]
fn gen_reports_idl_errors_with_their_location() {
    let dir = out_dir("bad-idl");
    std::fs::create_dir_all(&dir).unwrap();
    let idl = dir.join("bad.zrpc");
    std::fs::write(&idl, "service S {\n    f(a: Strin) -> i64\n}\n").unwrap();
    let output = run_with_timeout(
        Command::new(workspace_bin("zrpc"))
            .args(["gen", "--lang", "python", "--out"])
            .arg(dir.join("out"))
            .arg(&idl),
        Duration::from_secs(30),
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.zrpc:2:"), "{stderr}");
    assert!(
        !dir.join("out").exists(),
        "nothing is written for an invalid IDL"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gen_from_a_server_with_an_invalid_model_generates_nothing() {
    // A served model's names end up in source code: a server (old, buggy or hostile) whose
    // model would not pass as an IDL file gets the same diagnostics, and nothing is written.
    let mut model = shop::acme::shop::schema();
    let first_struct = model.types.iter_mut().find_map(|def| match def {
        zrpc::typed::model::TypeDef::Struct(s) => Some(s),
        _ => None,
    });
    first_struct.expect("the shop has a struct").name = "Item\nimport os".into();
    let service = Service::builder("Shop").model(&model).build();
    let endpoint = free_endpoint();
    let server = Server::bind(&endpoint, service).await.unwrap();
    let out = out_dir("invalid-model");
    let output = {
        let (out, endpoint) = (out.clone(), endpoint.clone());
        tokio::task::spawn_blocking(move || {
            run_with_timeout(
                Command::new(workspace_bin("zrpc"))
                    .args(["gen", "--lang", "python", "--out"])
                    .arg(&out)
                    .args(["--from", &endpoint]),
                Duration::from_secs(60),
            )
        })
        .await
        .unwrap()
    };
    server.shutdown().await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("<model of {endpoint}>:")),
        "{stderr}"
    );
    assert!(stderr.contains("is not valid IDL"), "{stderr}");
    assert!(!out.exists(), "nothing is written for an invalid model");
}
