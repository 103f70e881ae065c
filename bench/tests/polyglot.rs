//! Runs `polyglot-bench --quick` (one short round of every Python, Ruby and PHP setup against
//! the Rust server) and checks that every row of its report holds numbers. Not a timed test: no
//! rate or ratio is judged, only that each worker ran and each target got a verdict.

use std::process::Command;

#[test]
fn quick_run_reports_every_setup_and_target() {
    let output = Command::new(env!("CARGO_BIN_EXE_polyglot-bench"))
        .arg("--quick")
        .output()
        .expect("polyglot-bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "polyglot-bench --quick failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("|---"))
        .map(|line| line.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    let is_number = |cell: &str| cell.parse::<f64>().is_ok_and(|n| n.is_finite() && n > 0.0);

    let setups: Vec<_> = rows
        .iter()
        .skip(1)
        .take_while(|row| row[0] != "lang")
        .collect();
    let names: Vec<&str> = setups.iter().map(|row| row[0]).collect();
    for setup in [
        "python raw pyzmq",
        "python sync client",
        "python asyncio client, 1 in flight",
        "python asyncio client, 64 in flight",
        "ruby raw ffi-rzmq",
        "ruby client",
        "php raw php-zmq",
        "php client",
    ] {
        assert!(names.contains(&setup), "no `{setup}` row:\n{stdout}");
    }
    for row in &setups {
        assert!(row[1..].iter().all(|cell| is_number(cell)), "{row:?}");
    }

    let ratios: Vec<_> = rows
        .iter()
        .skip_while(|row| row[0] != "lang")
        .skip(1)
        .collect();
    assert_eq!(ratios.len(), 5, "{stdout}");
    for row in &ratios {
        assert!(is_number(row[2]), "{row:?}");
        assert!(["met", "missed", "-"].contains(&row[4]), "{row:?}");
    }
    assert_eq!(
        ratios.iter().filter(|row| row[4] != "-").count(),
        4,
        "four targets:\n{stdout}"
    );
}
