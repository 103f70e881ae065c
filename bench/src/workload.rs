//! The benchmark's workload: which call, how big, how many in flight.

use bytes::Bytes;

/// What one call does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `add(i, 1)`, checked to return `i + 1`.
    Add,
    /// Echo of this many bytes, checked to come back with the same length.
    Echo(usize),
}

/// One workload: a call kept `in_flight` times at once on one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    pub call: Call,
    pub in_flight: usize,
}

impl Scenario {
    /// The scenarios of issue 13: `add` at 1 and `pipelined` in flight (64 by default), echo of
    /// 1 KiB and 64 KiB at 1 and 16 in flight.
    pub fn all(pipelined: usize) -> Vec<Scenario> {
        let scenario = |call, in_flight| Scenario { call, in_flight };
        vec![
            scenario(Call::Add, 1),
            scenario(Call::Add, pipelined),
            scenario(Call::Echo(1024), 1),
            scenario(Call::Echo(1024), 16),
            scenario(Call::Echo(64 * 1024), 1),
            scenario(Call::Echo(64 * 1024), 16),
        ]
    }

    /// `add, 1 in flight`, `echo 64 KiB, 16 in flight`.
    pub fn name(&self) -> String {
        let call = match self.call {
            Call::Add => "add".to_owned(),
            Call::Echo(size) if size % 1024 == 0 => format!("echo {} KiB", size / 1024),
            Call::Echo(size) => format!("echo {size} B"),
        };
        format!("{call}, {} in flight", self.in_flight)
    }

    /// Small calls (`add`, echo under 64 KiB), where the targets against tonic are stricter.
    pub fn is_small(&self) -> bool {
        match self.call {
            Call::Add => true,
            Call::Echo(size) => size < 64 * 1024,
        }
    }

    /// The echo payload (empty for `add`).
    pub fn payload(&self) -> Bytes {
        match self.call {
            Call::Add => Bytes::new(),
            Call::Echo(size) => (0..size).map(|i| (i % 251) as u8).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sizes() {
        let all = Scenario::all(64);
        let names: Vec<String> = all.iter().map(Scenario::name).collect();
        assert_eq!(
            names,
            [
                "add, 1 in flight",
                "add, 64 in flight",
                "echo 1 KiB, 1 in flight",
                "echo 1 KiB, 16 in flight",
                "echo 64 KiB, 1 in flight",
                "echo 64 KiB, 16 in flight",
            ]
        );
        assert_eq!(all[2].payload().len(), 1024);
        assert!(all[3].is_small() && !all[4].is_small());
    }
}
