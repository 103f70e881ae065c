//! A set of subscription prefixes, counted like libzmq's (two subscribes need two cancels).

use std::collections::HashMap;

use bytes::Bytes;

/// Distinct prefixes one subscriber may hold; more are refused, so a peer cannot grow a
/// publisher's memory or its per-message matching cost without bound.
pub const MAX_TOPICS: usize = 1024;

#[derive(Default)]
pub(crate) struct Topics {
    counts: HashMap<Bytes, usize>,
}

impl Topics {
    /// Adds one reference to `topic`; true when it was not there before. False also when the
    /// set is full.
    pub fn add(&mut self, topic: Bytes) -> bool {
        if let Some(count) = self.counts.get_mut(&topic) {
            *count += 1;
            return false;
        }
        if self.counts.len() >= MAX_TOPICS {
            return false;
        }
        self.counts.insert(topic, 1);
        true
    }

    /// Drops one reference to `topic`; true when it is gone now.
    pub fn remove(&mut self, topic: &[u8]) -> bool {
        match self.counts.get_mut(topic) {
            Some(count) if *count > 1 => {
                *count -= 1;
                false
            }
            Some(_) => {
                self.counts.remove(topic);
                true
            }
            None => false,
        }
    }

    pub fn is_full(&self) -> bool {
        self.counts.len() >= MAX_TOPICS
    }

    /// Whether some prefix in the set starts `message`.
    pub fn matches(&self, message: &[u8]) -> bool {
        self.counts.keys().any(|t| message.starts_with(t))
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Bytes> {
        self.counts.keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_references_and_matches_prefixes() {
        let mut topics = Topics::default();
        assert!(!topics.matches(b"abc"));
        assert!(topics.add(Bytes::from_static(b"ab")));
        assert!(!topics.add(Bytes::from_static(b"ab")));
        assert!(topics.matches(b"abc"));
        assert!(!topics.matches(b"a"));
        assert!(!topics.remove(b"ab"));
        assert!(topics.remove(b"ab"));
        assert!(!topics.matches(b"abc"));
        assert!(topics.add(Bytes::new()));
        assert!(topics.matches(b""));
    }

    #[test]
    fn refuses_topics_beyond_the_limit() {
        let mut topics = Topics::default();
        for i in 0..MAX_TOPICS {
            assert!(topics.add(Bytes::from(i.to_string())));
        }
        assert!(topics.is_full());
        assert!(!topics.add(Bytes::from_static(b"one more")));
        assert_eq!(topics.len(), MAX_TOPICS);
    }
}
