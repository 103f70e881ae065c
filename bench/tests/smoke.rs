//! Runs `zrpc-bench --quick` (one tiny round of every setup, the stock Python ones included)
//! and checks that every row of its report holds numbers. Not a timed test: no rate is judged.

use std::process::Command;

#[test]
fn quick_run_reports_every_setup_and_target() {
    let output = Command::new(env!("CARGO_BIN_EXE_zrpc-bench"))
        .arg("--quick")
        .output()
        .expect("zrpc-bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "zrpc-bench --quick failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("|---"))
        .map(|line| line.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    let data_rows = |first_header: &str| -> Vec<&Vec<&str>> {
        let start = rows
            .iter()
            .position(|row| row[0] == first_header)
            .unwrap_or_else(|| panic!("no table starting with `{first_header}`:\n{stdout}"));
        rows[start + 1..]
            .iter()
            .take_while(|row| row[0] != "scenario" && row[0] != "setup")
            .collect()
    };
    let is_number = |cell: &str| cell.parse::<f64>().is_ok_and(f64::is_finite);

    // 6 scenarios × 6 peers: calls/s median, min, max, CPU µs per call, rounds.
    let results = data_rows("scenario");
    assert_eq!(results.len(), 36, "{stdout}");
    for row in &results {
        assert!(row[2..].iter().all(|cell| is_number(cell)), "{row:?}");
    }
    let python = data_rows("setup");
    assert_eq!(python.len(), 2, "{stdout}");
    for row in &python {
        assert!(is_number(row[1]), "{row:?}");
    }
    let ratios: Vec<_> = rows
        .iter()
        .skip_while(|row| !row[1].starts_with("zrpc ÷ tarpc calls/s"))
        .skip(1)
        .take_while(|row| row[0] != "scenario")
        .collect();
    assert_eq!(ratios.len(), 6, "{stdout}");
    for row in &ratios {
        assert!(row[1..].iter().all(|cell| is_number(cell)), "{row:?}");
    }
    let targets: Vec<_> = rows
        .iter()
        .skip_while(|row| !row[1].starts_with("ratio (median"))
        .skip(1)
        .collect();
    // 4 targets per scenario, and the stock Python one.
    assert_eq!(targets.len(), 25, "{stdout}");
    for row in &targets {
        assert!(is_number(row[2]), "{row:?}");
        assert!(row[4] == "met" || row[4] == "missed", "{row:?}");
    }
}
