//! Shared measurement helpers for the benchmark binaries: repeated runs, medians, ratio tables,
//! and the raw ZMTP DEALER/ROUTER echo (zrpc's own engine, `zrpc-zmtp`) that serves as the
//! floor zrpc is measured against.

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

/// Rates per named setup, one sample per round, in insertion order of the names.
#[derive(Default)]
pub struct Samples {
    order: Vec<String>,
    rates: BTreeMap<String, Vec<f64>>,
}

impl Samples {
    pub fn record(&mut self, name: &str, rate: f64) {
        if !self.rates.contains_key(name) {
            self.order.push(name.to_owned());
        }
        self.rates.entry(name.to_owned()).or_default().push(rate);
    }

    pub fn get(&self, name: &str) -> &[f64] {
        self.rates.get(name).map(Vec::as_slice).unwrap_or(&[])
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

    /// A Markdown table: setup, median, min, max (in `unit`, with `decimals` digits), rounds.
    pub fn table(&self, unit: &str, decimals: usize) -> String {
        let mut out =
            format!("| setup | median {unit} | min | max | rounds |\n|---|---:|---:|---:|---:|\n");
        for name in &self.order {
            let values = self.get(name);
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

/// Raw ZeroMQ round trips on zrpc's transport engine: what zrpc costs on top of it.
pub mod raw {
    use std::time::{Duration, Instant};

    use bytes::Bytes;
    use zrpc_zmtp::{Dealer, Options, Router};

    /// The bytes of a zerorpc `add(1, 2)` request, so raw frames are as big as zrpc's.
    pub const REQUEST: &[u8] = b"\x93\x82\xaamessage_id\xc4\x2000001001012345678\
9abcdef01234567\xa1v\x03\xa3add\x92\x01\x02";

    /// Binds a ROUTER on `endpoint` that echoes every message back to its sender, forever.
    /// Returns the bound endpoint (with the real port when `endpoint` asked for port 0).
    pub async fn spawn_echo_router(endpoint: &str) -> anyhow::Result<String> {
        let mut router = Router::new(Options::default());
        let bound = router.bind(endpoint).await?;
        tokio::spawn(async move {
            let sender = router.sender();
            while let Some(message) = router.recv().await {
                let mut frames = Vec::with_capacity(1 + message.frames.len());
                frames.push(message.peer.id.clone());
                frames.extend(message.frames);
                // A full queue drops, as libzmq's ROUTER does; the bench never fills it.
                let _ = sender.send(frames);
            }
        });
        Ok(bound)
    }

    /// Round trips per second from one DEALER keeping `in_flight` requests outstanding.
    pub async fn round_trips(
        endpoint: &str,
        in_flight: usize,
        duration: Duration,
    ) -> anyhow::Result<f64> {
        let mut dealer = Dealer::connect(endpoint, Options::default())?;
        let request = || vec![Bytes::new(), Bytes::from_static(REQUEST)];
        let closed = || anyhow::anyhow!("the echo router went away");
        // Warm up the connection (and the peer's routing table) first.
        dealer.send(request()).await?;
        dealer.recv().await.ok_or_else(closed)?;
        let start = Instant::now();
        let deadline = start + duration;
        let mut outstanding = 0usize;
        let mut done = 0u64;
        for _ in 0..in_flight {
            dealer.send(request()).await?;
            outstanding += 1;
        }
        while outstanding > 0 {
            dealer.recv().await.ok_or_else(closed)?;
            outstanding -= 1;
            done += 1;
            if Instant::now() < deadline {
                dealer.send(request()).await?;
                outstanding += 1;
            }
        }
        Ok(done as f64 / start.elapsed().as_secs_f64())
    }
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
        assert!(samples
            .table("calls/s", 0)
            .contains("| a | 10 | 5 | 30 | 3 |"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn raw_echo_round_trips_over_loopback() {
        let endpoint = raw::spawn_echo_router("tcp://127.0.0.1:0").await.unwrap();
        let rate = raw::round_trips(&endpoint, 4, Duration::from_millis(100))
            .await
            .unwrap();
        assert!(rate > 0.0);
    }
}
