//! The runtimes and generated clients as packages, installed the way users install them, on this
//! machine and without network: `pip install` into a fresh venv, `gem install` into a fresh
//! GEM_HOME, `composer install` from path repositories. Each installed client then calls the Rust
//! `calculator-server`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use zrpc_interop_tests::{
    free_endpoint, python, require_program, run_ok, wait_for_tcp, workspace_bin, workspace_root,
    ChildGuard,
};

fn scratch(name: &str) -> PathBuf {
    let dir = workspace_root()
        .join("target/tmp")
        .join(format!("packaging-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

fn generate(lang: &str, idl: &Path, out: &Path) {
    run_ok(
        Command::new(workspace_bin("zrpc"))
            .args(["gen", "--lang", lang, "--out"])
            .arg(out)
            .arg(idl),
        Duration::from_secs(30),
    );
}

fn calculator_idl() -> PathBuf {
    workspace_root().join("examples/calculator/calculator.zrpc")
}

fn calculator_server() -> (ChildGuard, String) {
    let endpoint = free_endpoint();
    let server = ChildGuard::spawn(Command::new(workspace_bin("calculator-server")).args([
        "--bind",
        &endpoint,
        "--heartbeat",
        "1",
    ]));
    wait_for_tcp(&endpoint, Duration::from_secs(10));
    (server, endpoint)
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// `pip install` of the runtime, the calculator client and two `acme.*` namespace packages into
/// a fresh venv. pyzmq and msgpack (and the wheel builder) come from the project venv through a
/// `.pth` file, so nothing is downloaded.
#[test]
fn python_runtime_and_clients_install_with_pip() {
    let Some(project_python) = python() else {
        return;
    };
    let dir = scratch("python");
    let site = |python: &Path| {
        stdout(&run_ok(
            Command::new(python).args(["-c", "import site; print(site.getsitepackages()[0])"]),
            Duration::from_secs(30),
        ))
    };
    let venv = dir.join("venv");
    run_ok(
        Command::new(&project_python)
            .args(["-m", "venv"])
            .arg(&venv),
        Duration::from_secs(120),
    );
    let python = venv.join("bin/python");
    std::fs::write(
        Path::new(&site(&python)).join("project-deps.pth"),
        site(&project_python) + "\n",
    )
    .expect("a .pth file");
    generate("python", &calculator_idl(), &dir.join("calculator"));
    for (part, service) in [("inventory", "Inventory"), ("billing", "Billing")] {
        let idl = dir.join(format!("{part}.zrpc"));
        std::fs::write(
            &idl,
            format!(
                "namespace python acme.{part}\n\nservice {service} {{\n    ping() -> string\n}}\n"
            ),
        )
        .expect("an IDL file");
        generate("python", &idl, &dir.join(part));
    }
    run_ok(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "-q",
                "--no-index",
                "--no-build-isolation",
            ])
            .arg("--disable-pip-version-check")
            .arg(workspace_root().join("runtimes/python"))
            .args(["calculator", "inventory", "billing"].map(|name| dir.join(name))),
        Duration::from_secs(300),
    );
    let (_server, endpoint) = calculator_server();
    let script = "import sys, calculator, zrpc, acme.billing, acme.inventory
assert calculator.RemoteError is zrpc.RemoteError
assert issubclass(calculator.DivisionByZero, zrpc.RemoteError)
assert not hasattr(acme, '__file__') or acme.__file__ is None  # a namespace package
with calculator.CalculatorClient(sys.argv[1], timeout=10, heartbeat=1) as client:
    print(client.add(1, 2), acme.billing.BillingClient.__name__, acme.inventory.InventoryClient.__name__)";
    let output = run_ok(
        Command::new(&python)
            .current_dir(&venv)
            .args(["-c", script, &endpoint]),
        Duration::from_secs(60),
    );
    assert_eq!(stdout(&output), "3 BillingClient InventoryClient");
}

/// `gem build` + `gem install --local` of the runtime and the calculator client into a fresh
/// GEM_HOME (ffi-rzmq and msgpack are the system's Debian gems).
#[test]
fn ruby_runtime_and_client_install_as_gems() {
    let Some(ruby) = require_program("ruby", "the Ruby packaging test") else {
        return;
    };
    let Some(gem) = require_program("gem", "the Ruby packaging test") else {
        return;
    };
    let dir = scratch("ruby");
    let gem_home = dir.join("gems");
    let generated = dir.join("calculator");
    generate("ruby", &calculator_idl(), &generated);
    for (source, spec, output) in [
        (
            workspace_root().join("runtimes/ruby"),
            "zrpc.gemspec",
            "zrpc.gem",
        ),
        (generated, "calculator.gemspec", "calculator.gem"),
    ] {
        run_ok(
            Command::new(&gem)
                .current_dir(&source)
                .args(["build", spec, "--output"])
                .arg(dir.join(output)),
            Duration::from_secs(60),
        );
        run_ok(
            Command::new(&gem)
                .env("GEM_HOME", &gem_home)
                .args(["install", "--local", "--no-document"])
                .arg(dir.join(output)),
            Duration::from_secs(120),
        );
    }
    let (_server, endpoint) = calculator_server();
    let output = run_ok(
        Command::new(ruby)
            .current_dir(&dir)
            .env("GEM_HOME", &gem_home)
            .args([
                "-e",
                "require 'calculator'
client = Calculator::CalculatorClient.new(ARGV[0], timeout: 10, heartbeat: 1)
raise 'typed errors are Zrpc::RemoteError' unless Calculator::DivisionByZero < Zrpc::RemoteError
puts client.add(1, 2)
client.close",
                &endpoint,
            ]),
        Duration::from_secs(60),
    );
    assert_eq!(stdout(&output), "3");
}

/// `composer install` of a project requiring the generated client, from path repositories of the
/// client and the runtime (packagist disabled).
#[test]
fn php_runtime_and_client_install_with_composer() {
    let Some(php) = require_program("php", "the PHP packaging test") else {
        return;
    };
    let Some(composer) = require_program("composer", "the PHP packaging test") else {
        return;
    };
    let dir = scratch("php");
    let generated = dir.join("calculator");
    generate("php", &calculator_idl(), &generated);
    let project = dir.join("project");
    std::fs::create_dir_all(&project).expect("a project directory");
    let repository = |path: &Path| {
        format!(
            "{{\"type\": \"path\", \"url\": \"{}\", \"options\": {{\"symlink\": false}}}}",
            path.display()
        )
    };
    std::fs::write(
        project.join("composer.json"),
        format!(
            "{{\n  \"require\": {{\"example/calculator\": \"^0.1\"}},\n  \"repositories\": [{{\"packagist.org\": false}}, {}, {}]\n}}\n",
            repository(&workspace_root().join("runtimes/php")),
            repository(&generated)
        ),
    )
    .expect("composer.json");
    run_ok(
        Command::new(composer)
            .current_dir(&project)
            .env("COMPOSER_HOME", dir.join("composer-home"))
            .args(["install", "--no-interaction", "--no-progress"]),
        Duration::from_secs(300),
    );
    let (_server, endpoint) = calculator_server();
    let output = run_ok(
        Command::new(php).current_dir(&project).args([
            "-r",
            "require 'vendor/autoload.php';
$client = new Example\\Calculator\\CalculatorClient($argv[1], 10.0, 1.0);
if (!is_subclass_of(Example\\Calculator\\DivisionByZero::class, Zrpc\\RemoteException::class)) {
    throw new RuntimeException('typed errors are Zrpc\\RemoteException');
}
echo $client->add(1, 2), PHP_EOL;",
            &endpoint,
        ]),
        Duration::from_secs(60),
    );
    assert_eq!(stdout(&output), "3");
}
