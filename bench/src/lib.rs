//! `zrpc-bench`'s pieces: the workload, the peers measured on it (zrpc in both handler
//! placements and over CURVE, tarpc, tonic, raw zmtp and raw TCP floors), measurement helpers (medians,
//! per-round ratios) and the report against issue 13's targets.

pub mod peers;
pub mod raw_tcp;
pub mod raw_zmtp;
pub mod report;
pub mod tarpc_peer;
pub mod tonic_peer;
pub mod workload;
pub mod zrpc_peer;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The median of `samples` (the mean of the two middle values for an even count).
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = samples.iter().copied().filter(|s| s.is_finite()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

/// Samples per named setup, one per round.
#[derive(Default)]
pub struct Samples {
    samples: BTreeMap<String, Vec<f64>>,
}

impl Samples {
    pub fn record(&mut self, name: &str, sample: f64) {
        self.samples
            .entry(name.to_owned())
            .or_default()
            .push(sample);
    }

    pub fn get(&self, name: &str) -> &[f64] {
        self.samples.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// A markdown table of every setup: median, min, max and rounds.
    pub fn table(&self, unit: &str, decimals: usize) -> String {
        let mut out =
            format!("| setup | median {unit} | min | max | rounds |\n|---|---:|---:|---:|---:|\n");
        for (name, values) in &self.samples {
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            out.push_str(&format!(
                "| {name} | {:.decimals$} | {min:.decimals$} | {max:.decimals$} | {} |\n",
                median(values),
                values.len()
            ));
        }
        out
    }

    /// Median over rounds of the per-round ratio `numerator / denominator` (pairing within a
    /// round cancels drift between rounds).
    pub fn ratio(&self, numerator: &str, denominator: &str) -> f64 {
        let ratios: Vec<f64> = self
            .get(numerator)
            .iter()
            .zip(self.get(denominator))
            .map(|(n, d)| n / d)
            .collect();
        median(&ratios)
    }
}

/// Calls `one` until `duration` has passed, keeping `in_flight` calls running at once;
/// returns completed calls per second.
pub async fn measure_rate<F, Fut, E>(in_flight: usize, duration: Duration, one: F) -> Result<f64, E>
where
    F: Fn(u64) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
{
    use futures::stream::{FuturesUnordered, StreamExt};
    let start = Instant::now();
    let deadline = start + duration;
    let mut running = FuturesUnordered::new();
    let mut issued = 0u64;
    let mut done = 0u64;
    if in_flight <= 1 {
        // Awaited directly: a FuturesUnordered yields (wakes itself) once it has polled all
        // its futures, which with one future would add a scheduler pass to every call of
        // every peer.
        loop {
            one(issued).await?;
            issued += 1;
            done += 1;
            if Instant::now() >= deadline {
                return Ok(done as f64 / start.elapsed().as_secs_f64());
            }
        }
    }
    for _ in 0..in_flight {
        running.push(one(issued));
        issued += 1;
    }
    while let Some(result) = running.next().await {
        result?;
        done += 1;
        if Instant::now() < deadline {
            running.push(one(issued));
            issued += 1;
        }
    }
    Ok(done as f64 / start.elapsed().as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn ratios_pair_samples_by_round() {
        let mut samples = Samples::default();
        for (a, b) in [(10.0, 20.0), (30.0, 30.0), (5.0, 20.0)] {
            samples.record("a", a);
            samples.record("b", b);
        }
        assert_eq!(samples.ratio("a", "b"), 0.5);
        assert_eq!(samples.get("a"), [10.0, 30.0, 5.0]);
        assert!(samples.ratio("a", "missing").is_nan());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn pipelined_calls_are_counted() {
        let calls = std::cell::Cell::new(0u64);
        let rate = measure_rate(4, Duration::from_millis(20), |_| {
            calls.set(calls.get() + 1);
            async {
                tokio::task::yield_now().await;
                Ok::<(), ()>(())
            }
        })
        .await
        .unwrap();
        assert!(rate > 0.0 && calls.get() >= 4);
    }
}
