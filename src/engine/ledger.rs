//! What the engine remembers about transactions between requests: the items a transaction
//! still holds while it is "in flight" (the `transaction_duration_millis` knob), and the
//! ClientRequestTokens of the last ten minutes, for TransactWriteItems' idempotency.
//!
//! Both live in memory only: a reopened database forgets them (docs/differences.md).

use crate::error::{Error, ErrorKind, Result};
use crate::model::KeyCode;
use std::collections::HashMap;

/// How long DynamoDB honours a ClientRequestToken after its transaction completed.
pub const TOKEN_LIFETIME_MILLIS: u64 = 10 * 60 * 1000;

/// One item a transaction touched: its table and key.
pub type ItemRef = (String, KeyCode);

/// Transactions in flight and recent client tokens.
#[derive(Debug, Default)]
pub struct TransactionLedger {
    in_flight: Vec<InFlight>,
    tokens: HashMap<String, TokenRecord>,
}

/// A committed transaction that, by the knob, is still completing until `until`.
#[derive(Debug)]
struct InFlight {
    until: u64,
    items: Vec<ItemRef>,
}

/// A successful TransactWriteItems with a ClientRequestToken.
#[derive(Debug)]
struct TokenRecord {
    /// The request's parameters, to tell a retry from a different request.
    fingerprint: String,
    /// When the transaction completed (its in-flight time included).
    completed_at: u64,
}

/// What an earlier use of a ClientRequestToken means for a request carrying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// Not used in the last ten minutes: run the transaction.
    Fresh,
    /// The same request already succeeded: answer without writing again.
    Replay,
}

impl TransactionLedger {
    /// Whether a transaction still in flight at `now` holds the item.
    pub fn holds(&self, item: &ItemRef, now: u64) -> bool {
        self.in_flight.iter().any(|transaction| transaction.until > now && transaction.items.contains(item))
    }

    /// Decides what a request with `token` and `fingerprint` is at `now`.
    pub fn token_use(&self, token: &str, fingerprint: &str, now: u64) -> Result<TokenUse> {
        let Some(record) = self.tokens.get(token).filter(|record| now < record.completed_at + TOKEN_LIFETIME_MILLIS)
        else {
            return Ok(TokenUse::Fresh);
        };
        if record.fingerprint != fingerprint {
            return Err(Error::new(ErrorKind::IdempotentParameterMismatch, "Idempotent parameter mismatch"));
        }
        if now < record.completed_at {
            return Err(Error::new(
                ErrorKind::TransactionInProgress,
                "Transaction from previous request is still in progress",
            ));
        }
        Ok(TokenUse::Replay)
    }

    /// Records a transaction committed at `now` that stays in flight for `duration`
    /// milliseconds, and its token if it had one; forgets what has expired.
    pub fn record(&mut self, items: Vec<ItemRef>, token: Option<(String, String)>, now: u64, duration: u64) {
        self.in_flight.retain(|transaction| transaction.until > now);
        self.tokens.retain(|_, record| now < record.completed_at + TOKEN_LIFETIME_MILLIS);
        let completed_at = now + duration;
        if duration > 0 {
            self.in_flight.push(InFlight { until: completed_at, items });
        }
        if let Some((token, fingerprint)) = token {
            self.tokens.insert(token, TokenRecord { fingerprint, completed_at });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: u8) -> ItemRef {
        ("t".to_string(), KeyCode::from_hex(&format!("{id:02x}")).unwrap_or_else(|| panic!("a key code")))
    }

    #[test]
    fn a_token_is_honoured_for_ten_minutes_after_completion() {
        let mut ledger = TransactionLedger::default();
        ledger.record(vec![item(1)], Some(("tok".into(), "request".into())), 1000, 0);
        assert_eq!(ledger.token_use("tok", "request", 1000), Ok(TokenUse::Replay));
        assert_eq!(ledger.token_use("tok", "request", 1000 + TOKEN_LIFETIME_MILLIS - 1), Ok(TokenUse::Replay));
        assert_eq!(ledger.token_use("tok", "request", 1000 + TOKEN_LIFETIME_MILLIS), Ok(TokenUse::Fresh));
        let mismatch = ledger.token_use("tok", "other", 2000).unwrap_err();
        assert_eq!(mismatch.kind, ErrorKind::IdempotentParameterMismatch);
        assert_eq!(ledger.token_use("other", "request", 2000), Ok(TokenUse::Fresh));
    }

    #[test]
    fn a_transaction_in_flight_holds_its_items_and_its_token() {
        let mut ledger = TransactionLedger::default();
        ledger.record(vec![item(1)], Some(("tok".into(), "request".into())), 1000, 500);
        assert!(ledger.holds(&item(1), 1499));
        assert!(!ledger.holds(&item(2), 1499));
        assert!(!ledger.holds(&item(1), 1500));
        let in_progress = ledger.token_use("tok", "request", 1499).unwrap_err();
        assert_eq!(in_progress.kind, ErrorKind::TransactionInProgress);
        assert_eq!(ledger.token_use("tok", "request", 1500), Ok(TokenUse::Replay));
        // The ten minutes start when the transaction completes.
        assert_eq!(ledger.token_use("tok", "request", 1500 + TOKEN_LIFETIME_MILLIS - 1), Ok(TokenUse::Replay));
    }
}
