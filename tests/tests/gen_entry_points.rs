//! The entry points the generated clients promise, for an IDL whose file name differs from its
//! namespaces: Python imports the `namespace python` package, Ruby requires `DIR/<IDL file stem>`,
//! PHP requires `DIR/autoload.php` and finds classes under the `namespace php` path.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use zrpc_interop_tests::{
    python, python_path, require_program, run_ok, runtime_dir, workspace_bin, workspace_root,
};

const IDL: &str = "tests/idl/shop_api.zrpc";
const ENDPOINT: &str = "tcp://127.0.0.1:9";

fn generate(lang: &str) -> PathBuf {
    let out = workspace_root()
        .join("target/tmp")
        .join(format!("entry-{lang}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    run_ok(
        Command::new(workspace_bin("zrpc"))
            .current_dir(workspace_root())
            .args(["gen", "--lang", lang, "--out"])
            .arg(&out)
            .arg(IDL),
        Duration::from_secs(30),
    );
    out
}

fn stdout_of(command: &mut Command) -> String {
    let output = run_ok(command, Duration::from_secs(30));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn python_package_is_the_python_namespace() {
    let Some(python) = python() else { return };
    let out = generate("python");
    let script = format!(
        "from acme.shop import StoreClient, Item\n\
         with StoreClient('{ENDPOINT}', timeout=1.0, heartbeat=1.0) as client:\n\
         \x20   print(type(client).__name__, Item(name='x').price)"
    );
    let printed = stdout_of(
        Command::new(python)
            .env("PYTHONPATH", python_path(&out))
            .args(["-c", &script]),
    );
    assert_eq!(printed, "StoreClient 0.0");
}

#[test]
fn ruby_entry_file_is_named_after_the_idl_file() {
    let Some(ruby) = require_program("ruby", "Ruby entry point") else {
        return;
    };
    let out = generate("ruby");
    let script = format!(
        "require '{}/shop_api'\n\
         client = Acme::Shop::StoreClient.new('{ENDPOINT}', timeout: 1, heartbeat: 1)\n\
         puts \"#{{client.class.name.split('::').last}} #{{Acme::Shop::Item.new(name: 'x').price}}\"\n\
         client.close",
        out.display()
    );
    let printed = stdout_of(
        Command::new(ruby)
            .arg("-I")
            .arg(runtime_dir("ruby"))
            .args(["-e", &script]),
    );
    assert_eq!(printed, "StoreClient 0.0");
}

#[test]
fn php_autoloader_maps_the_php_namespace() {
    let Some(php) = require_program("php", "PHP entry point") else {
        return;
    };
    let out = generate("php");
    let script = format!(
        "require '{}/autoload.php';\n\
         $client = new \\Acme\\Shop\\StoreClient('{ENDPOINT}', timeout: 1.0, heartbeat: 1.0);\n\
         echo (new \\ReflectionClass($client))->getShortName(), ' ', (new \\Acme\\Shop\\Item(name: 'x'))->price, \"\\n\";",
        out.display()
    );
    let printed = stdout_of(
        Command::new(php)
            .env("ZRPC_PHP_RUNTIME", runtime_dir("php"))
            .args(["-r", &script]),
    );
    assert_eq!(printed, "StoreClient 0");
}
