//! What a run prints: per-setup medians, per-round ratios between peers, and issue 13's targets
//! with met/missed, all as Markdown tables.

use std::fmt::Write;

use crate::peers::Peer;
use crate::workload::Scenario;
use crate::{median, Samples};

/// The name of one measured setup, e.g. `tarpc: echo 1 KiB, 16 in flight` (what `--only` matches).
pub fn setup(peer: Peer, scenario: &Scenario) -> String {
    format!("{}: {}", peer.name(), scenario.name())
}

/// Calls/s and process CPU µs per call of every setup, one sample per round.
#[derive(Default)]
pub struct Measurements {
    pub rates: Samples,
    pub cpu: Samples,
}

impl Measurements {
    pub fn record(&mut self, setup: &str, rate: f64, cpu_us_per_call: f64) {
        self.rates.record(setup, rate);
        self.cpu.record(setup, cpu_us_per_call);
    }

    fn rate_ratio(&self, a: Peer, b: Peer, scenario: &Scenario) -> f64 {
        self.rates.ratio(&setup(a, scenario), &setup(b, scenario))
    }

    fn cpu_ratio(&self, a: Peer, b: Peer, scenario: &Scenario) -> f64 {
        self.cpu.ratio(&setup(a, scenario), &setup(b, scenario))
    }

    /// One row per measured setup: median, min and max calls/s, median CPU µs per call.
    pub fn results_table(&self, scenarios: &[Scenario], peers: &[Peer]) -> String {
        let mut out = String::from(
            "| scenario | peer | median calls/s | min | max | CPU µs/call | rounds |\n\
             |---|---|---:|---:|---:|---:|---:|\n",
        );
        for scenario in scenarios {
            for &peer in peers {
                let name = setup(peer, scenario);
                let rates = self.rates.get(&name);
                if rates.is_empty() {
                    continue;
                }
                let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
                let max = rates.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    scenario.name(),
                    peer.name(),
                    number(median(rates), 0),
                    number(min, 0),
                    number(max, 0),
                    number(median(self.cpu.get(&name)), 2),
                    rates.len()
                );
            }
        }
        out
    }

    /// Medians of per-round ratios of zrpc (default placement) against each other setup.
    pub fn ratio_table(&self, scenarios: &[Scenario]) -> String {
        let mut out = String::from(
            "| scenario | zrpc ÷ tarpc calls/s | CPU/call | zrpc ÷ tonic calls/s | CPU/call \
             | default ÷ I/O-thread placement calls/s | CPU/call | zrpc (I/O thread) ÷ tarpc \
             calls/s | zrpc ÷ raw zmtp calls/s | tarpc ÷ raw tcp calls/s | raw zmtp ÷ tonic \
             calls/s | raw tcp ÷ tonic calls/s | CURVE ÷ plain zrpc calls/s | CPU/call |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for scenario in scenarios {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                scenario.name(),
                number(self.rate_ratio(Peer::Zrpc, Peer::Tarpc, scenario), 2),
                number(self.cpu_ratio(Peer::Zrpc, Peer::Tarpc, scenario), 2),
                number(self.rate_ratio(Peer::Zrpc, Peer::Tonic, scenario), 2),
                number(self.cpu_ratio(Peer::Zrpc, Peer::Tonic, scenario), 2),
                number(self.rate_ratio(Peer::Zrpc, Peer::ZrpcIo, scenario), 2),
                number(self.cpu_ratio(Peer::Zrpc, Peer::ZrpcIo, scenario), 2),
                number(self.rate_ratio(Peer::ZrpcIo, Peer::Tarpc, scenario), 2),
                number(self.rate_ratio(Peer::Zrpc, Peer::RawZmtp, scenario), 2),
                number(self.rate_ratio(Peer::Tarpc, Peer::RawTcp, scenario), 2),
                // The floors against tonic: what the transports alone reach, without any RPC layer.
                number(self.rate_ratio(Peer::RawZmtp, Peer::Tonic, scenario), 2),
                number(self.rate_ratio(Peer::RawTcp, Peer::Tonic, scenario), 2),
                number(self.rate_ratio(Peer::ZrpcCurve, Peer::Zrpc, scenario), 2),
                number(self.cpu_ratio(Peer::ZrpcCurve, Peer::Zrpc, scenario), 2),
            );
        }
        out
    }

    /// Issue 13's targets for zrpc with its default handler placement, per scenario.
    pub fn targets(&self, scenarios: &[Scenario]) -> Vec<Target> {
        let mut targets = Vec::new();
        for scenario in scenarios {
            let name = scenario.name();
            let tonic_bound = if scenario.is_small() { 3.0 } else { 1.0 };
            targets.extend([
                Target {
                    scenario: name.clone(),
                    ratio: "zrpc ÷ tarpc, calls/s",
                    value: self.rate_ratio(Peer::Zrpc, Peer::Tarpc, scenario),
                    bound: Bound::AtLeast(1.0),
                },
                Target {
                    scenario: name.clone(),
                    ratio: "zrpc ÷ tarpc, CPU per call",
                    value: self.cpu_ratio(Peer::Zrpc, Peer::Tarpc, scenario),
                    bound: Bound::AtMost(1.0),
                },
                Target {
                    scenario: name.clone(),
                    ratio: "zrpc ÷ tonic, calls/s",
                    value: self.rate_ratio(Peer::Zrpc, Peer::Tonic, scenario),
                    bound: Bound::AtLeast(tonic_bound),
                },
                Target {
                    scenario: name,
                    ratio: "default ÷ I/O-thread placement, calls/s",
                    value: self.rate_ratio(Peer::Zrpc, Peer::ZrpcIo, scenario),
                    bound: Bound::AtLeast(0.9),
                },
            ]);
        }
        targets
    }
}

/// Which side of its bound a ratio must stay on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    AtLeast(f64),
    AtMost(f64),
}

/// One target: a median ratio in one scenario against its bound.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub scenario: String,
    pub ratio: &'static str,
    pub value: f64,
    pub bound: Bound,
}

impl Target {
    /// `met`, `missed`, or `not measured` when a side was left out of the run.
    pub fn verdict(&self) -> &'static str {
        let met = match self.bound {
            Bound::AtLeast(bound) => self.value >= bound,
            Bound::AtMost(bound) => self.value <= bound,
        };
        if self.value.is_nan() {
            "not measured"
        } else if met {
            "met"
        } else {
            "missed"
        }
    }
}

/// The targets table with a verdict per row, then a count of the met ones.
pub fn targets_table(targets: &[Target]) -> String {
    let mut out = String::from(
        "| scenario | ratio (median of per-round ratios) | measured | target | verdict |\n\
         |---|---|---:|---:|---|\n",
    );
    for target in targets {
        let bound = match target.bound {
            Bound::AtLeast(bound) => format!("≥ {bound:.1}"),
            Bound::AtMost(bound) => format!("≤ {bound:.1}"),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {bound} | {} |",
            target.scenario,
            target.ratio,
            number(target.value, 2),
            target.verdict()
        );
    }
    let met = targets.iter().filter(|t| t.verdict() == "met").count();
    let _ = writeln!(out, "\nTargets met: {met} of {}.", targets.len());
    out
}

/// `value` with `decimals` digits; `n/a` when it could not be computed.
pub fn number(value: f64, decimals: usize) -> String {
    if value.is_finite() {
        format!("{value:.decimals$}")
    } else {
        "n/a".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Call;

    fn add() -> Scenario {
        Scenario {
            call: Call::Add,
            in_flight: 1,
        }
    }

    #[test]
    fn targets_compare_per_round_ratios_with_their_bounds() {
        let mut measured = Measurements::default();
        // Two rounds: zrpc at 1.2× and 0.8× tarpc's rate, CPU 0.5× and 0.7×.
        for (zrpc, tarpc, zrpc_cpu, tarpc_cpu) in [(12.0, 10.0, 1.0, 2.0), (8.0, 10.0, 1.4, 2.0)] {
            measured.record(&setup(Peer::Zrpc, &add()), zrpc, zrpc_cpu);
            measured.record(&setup(Peer::Tarpc, &add()), tarpc, tarpc_cpu);
        }
        let targets = measured.targets(&[add()]);
        assert_eq!(targets[0].ratio, "zrpc ÷ tarpc, calls/s");
        assert!((targets[0].value - 1.0).abs() < 1e-9);
        assert_eq!(targets[0].verdict(), "met");
        assert!((targets[1].value - 0.6).abs() < 1e-9);
        assert_eq!(targets[1].verdict(), "met");
        assert_eq!(targets[2].bound, Bound::AtLeast(3.0));
        assert_eq!(targets[2].verdict(), "not measured");
        let table = targets_table(&targets);
        assert!(table.contains("| add, 1 in flight | zrpc ÷ tarpc, calls/s | 1.00 | ≥ 1.0 | met |"));
        assert!(table.contains("| zrpc ÷ tonic, calls/s | n/a | ≥ 3.0 | not measured |"));
        assert!(table.contains("Targets met: 2 of 4."));
    }

    #[test]
    fn results_rows_list_medians_min_max_and_cpu() {
        let mut measured = Measurements::default();
        for (rate, cpu) in [(100.0, 3.0), (300.0, 1.0), (200.0, 2.0)] {
            measured.record(&setup(Peer::RawTcp, &add()), rate, cpu);
        }
        let table = measured.results_table(&[add()], &Peer::ALL);
        assert!(table.contains("| add, 1 in flight | raw tcp | 200 | 100 | 300 | 2.00 | 3 |"));
        assert_eq!(
            table.lines().count(),
            3,
            "unmeasured peers get no row:\n{table}"
        );
    }

    #[test]
    fn a_missed_bound_says_so() {
        let target = Target {
            scenario: "echo 64 KiB, 16 in flight".into(),
            ratio: "zrpc ÷ tarpc, CPU per call",
            value: 1.3,
            bound: Bound::AtMost(1.0),
        };
        assert_eq!(target.verdict(), "missed");
    }
}
