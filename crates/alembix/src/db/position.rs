//! Positions in a primary's log: how far a session's reads must have
//! reached (read-your-writes), how far a replica has replayed, and the
//! session tokens that carry a position between requests.
//!
//! A position is of the kind the dialect gives the primary's server
//! ([`ReplicaPositions`]): PostgreSQL's WAL LSN (one number), MariaDB's
//! GTIDs (one sequence number per replication domain).

use std::collections::BTreeMap;

use alembix_schema::dialect::ReplicaPositions;

use crate::error::{Error, Result};

/// A position in the primary's log.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Position {
    /// Nothing: a session that has not written (any replica will do), or
    /// a replica not asked yet.
    #[default]
    Start,
    /// A WAL position (PostgreSQL's LSN as a number, `pg_lsn - '0/0'`).
    Lsn(u64),
    /// Per replication domain, the server id and sequence number of its
    /// last GTID (MariaDB's `domain-server-sequence`).
    Gtids(BTreeMap<u32, (u32, u64)>),
    /// A session that must read from the primary (it wrote where the
    /// position could not be read, or is not compared).
    Primary,
}

/// The token of [`Position::Primary`]: the highest LSN, which no replica
/// reaches.
const PRIMARY_TOKEN: &str = "FFFFFFFF/FFFFFFFF";

impl Position {
    /// A position as the server writes it (`write_position` and
    /// `replica_status` of the driver's `ReplicaSql`); `None` when the text
    /// is not one.
    pub(crate) fn from_server(kind: ReplicaPositions, text: &str) -> Option<Position> {
        match kind {
            ReplicaPositions::WalLsn => parse_lsn(text).map(Position::Lsn),
            ReplicaPositions::DomainGtids => parse_gtids(text).map(Position::Gtids),
            ReplicaPositions::NoReplicas | ReplicaPositions::Unmeasured => None,
        }
    }

    /// Whether nothing has been written at this position (an empty GTID
    /// list: a server without a binary log says so after a write).
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Position::Start | Position::Lsn(0) => true,
            Position::Gtids(g) => g.is_empty(),
            Position::Lsn(_) | Position::Primary => false,
        }
    }

    /// Moves this position to `other` where `other` is further: the higher
    /// LSN; per domain, the higher sequence number. Positions of two kinds
    /// cannot be compared: the result is [`Position::Primary`].
    pub(crate) fn advance(&mut self, other: Position) {
        match (&mut *self, other) {
            (_, Position::Start) | (Position::Primary, _) => {}
            (Position::Lsn(a), Position::Lsn(b)) => *a = (*a).max(b),
            (Position::Gtids(a), Position::Gtids(b)) => {
                for (domain, (server, seq)) in b {
                    let entry = a.entry(domain).or_insert((server, seq));
                    if seq > entry.1 {
                        *entry = (server, seq);
                    }
                }
            }
            (Position::Start, other) => *self = other,
            _ => *self = Position::Primary,
        }
    }

    /// Whether a replica that has replayed up to `replay` may serve a read
    /// that needs this position: at or past the LSN; for every domain of
    /// this position, at or past its sequence number.
    pub(crate) fn reached_by(&self, replay: &Position) -> bool {
        match (self, replay) {
            (Position::Start, _) => true,
            (Position::Primary, _) | (_, Position::Primary) => false,
            (Position::Lsn(need), Position::Lsn(have)) => have >= need,
            (Position::Gtids(need), Position::Gtids(have)) => need
                .iter()
                .all(|(d, (_, seq))| have.get(d).is_some_and(|(_, s)| s >= seq)),
            (need, _) => need.is_empty(),
        }
    }

    /// Whether this position may be a session's on a primary whose
    /// positions are of `kind` (a token of another backend is not).
    pub(crate) fn fits(&self, kind: ReplicaPositions) -> bool {
        match self {
            Position::Start | Position::Primary => true,
            Position::Lsn(_) => kind == ReplicaPositions::WalLsn,
            Position::Gtids(_) => kind == ReplicaPositions::DomainGtids,
        }
    }

    /// The position as a session token: an LSN (`16/B374D848`; `0/0` for
    /// [`Position::Start`], `FFFFFFFF/FFFFFFFF` for [`Position::Primary`])
    /// or a GTID list (`0-1-42,1-2-7`, domains in ascending order).
    pub(crate) fn token(&self) -> String {
        match self {
            Position::Start => "0/0".into(),
            Position::Lsn(lsn) => format!("{:X}/{:X}", lsn >> 32, lsn & 0xFFFF_FFFF),
            Position::Gtids(g) if g.is_empty() => "0/0".into(),
            Position::Gtids(g) => {
                let each: Vec<String> =
                    g.iter().map(|(d, (s, n))| format!("{d}-{s}-{n}")).collect();
                each.join(",")
            }
            Position::Primary => PRIMARY_TOKEN.into(),
        }
    }

    /// What the tokens of a primary whose positions are of `kind` look
    /// like, for messages.
    pub(crate) fn token_form(kind: ReplicaPositions) -> &'static str {
        match kind {
            ReplicaPositions::WalLsn => "LSNs (`16/B374D848`)",
            ReplicaPositions::DomainGtids => {
                "GTID lists (`0-1-42,1-2-7`), `0/0` or `FFFFFFFF/FFFFFFFF`"
            }
            ReplicaPositions::NoReplicas | ReplicaPositions::Unmeasured => {
                "`0/0` or `FFFFFFFF/FFFFFFFF`"
            }
        }
    }

    /// The position of a token made by [`Position::token`].
    pub(crate) fn from_token(token: &str) -> Result<Position> {
        let bad = || {
            Error::Usage(format!(
                "`{token}` is not a session token of Db::session_token"
            ))
        };
        let text = token.trim();
        if text.contains('/') {
            return match parse_lsn(text).ok_or_else(bad)? {
                0 => Ok(Position::Start),
                u64::MAX => Ok(Position::Primary),
                lsn => Ok(Position::Lsn(lsn)),
            };
        }
        match parse_gtids(text) {
            Some(g) if !g.is_empty() => Ok(Position::Gtids(g)),
            _ => Err(bad()),
        }
    }
}

/// An LSN as PostgreSQL writes it (`16/B374D848`).
fn parse_lsn(text: &str) -> Option<u64> {
    let (hi, lo) = text.trim().split_once('/')?;
    let hi = u32::from_str_radix(hi, 16).ok()?;
    let lo = u32::from_str_radix(lo, 16).ok()?;
    Some(((hi as u64) << 32) | lo as u64)
}

/// A GTID list as MariaDB writes it (`0-1-42,1-2-7`; empty for none): at
/// most one GTID per domain.
fn parse_gtids(text: &str) -> Option<BTreeMap<u32, (u32, u64)>> {
    let mut gtids = BTreeMap::new();
    for gtid in text.split(',').map(str::trim) {
        if gtid.is_empty() && !text.contains(',') {
            continue;
        }
        let mut parts = gtid.split('-');
        let domain = parts.next()?.parse::<u32>().ok()?;
        let server = parts.next()?.parse::<u32>().ok()?;
        let seq = parts.next()?.parse::<u64>().ok()?;
        if parts.next().is_some() || gtids.insert(domain, (server, seq)).is_some() {
            return None;
        }
    }
    Some(gtids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gtids(list: &[(u32, u32, u64)]) -> Position {
        Position::Gtids(list.iter().map(|&(d, s, n)| (d, (s, n))).collect())
    }

    #[test]
    fn tokens_round_trip() {
        for p in [
            Position::Start,
            Position::Lsn(1),
            Position::Lsn(0x16_B374_D848),
            Position::Primary,
            gtids(&[(0, 1, 42)]),
            gtids(&[(0, 1, 42), (1, 2, 7)]),
        ] {
            assert_eq!(Position::from_token(&p.token()).unwrap(), p, "{p:?}");
        }
        assert_eq!(Position::Lsn(0x16_B374_D848).token(), "16/B374D848");
        assert_eq!(gtids(&[(1, 2, 7), (0, 1, 42)]).token(), "0-1-42,1-2-7");
        assert_eq!(gtids(&[]).token(), "0/0");
        for bad in [
            "",
            "16",
            "x/1",
            "1/2/3",
            "100000000/0",
            "0-1",
            "0-1-2-3",
            "a-1-2",
            "0-1-2,",
            "0-1-2,0-2-3",
            "-1-1-1",
            " , ",
        ] {
            assert!(Position::from_token(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn server_texts() {
        let gtid = ReplicaPositions::DomainGtids;
        assert_eq!(Position::from_server(gtid, ""), Some(gtids(&[])));
        assert_eq!(
            Position::from_server(gtid, "0-1-3,2-5-9"),
            Some(gtids(&[(0, 1, 3), (2, 5, 9)]))
        );
        assert_eq!(Position::from_server(gtid, "0-1"), None);
        let lsn = ReplicaPositions::WalLsn;
        assert_eq!(
            Position::from_server(lsn, "0/3000148"),
            Some(Position::Lsn(0x300_0148))
        );
        assert_eq!(
            Position::from_server(ReplicaPositions::Unmeasured, "0-1-3"),
            None
        );
    }

    #[test]
    fn replicas_reach_positions_per_domain() {
        let need = gtids(&[(0, 1, 10), (1, 2, 5)]);
        assert!(need.reached_by(&gtids(&[(0, 1, 10), (1, 2, 5)])));
        assert!(need.reached_by(&gtids(&[(0, 3, 12), (1, 2, 6), (4, 1, 1)])));
        assert!(!need.reached_by(&gtids(&[(0, 1, 10), (1, 2, 4)])));
        assert!(!need.reached_by(&gtids(&[(0, 1, 10)])));
        assert!(!need.reached_by(&Position::Start));
        assert!(!need.reached_by(&Position::Lsn(u64::MAX)));
        assert!(Position::Start.reached_by(&Position::Start));
        assert!(gtids(&[]).reached_by(&Position::Start));
        assert!(Position::Lsn(5).reached_by(&Position::Lsn(5)));
        assert!(!Position::Lsn(6).reached_by(&Position::Lsn(5)));
        assert!(!Position::Primary.reached_by(&Position::Lsn(u64::MAX)));
    }

    #[test]
    fn positions_advance() {
        let mut p = Position::Start;
        p.advance(gtids(&[(0, 1, 10)]));
        p.advance(gtids(&[(0, 2, 9), (1, 2, 5)]));
        assert_eq!(p, gtids(&[(0, 1, 10), (1, 2, 5)]));
        p.advance(gtids(&[(0, 2, 11)]));
        assert_eq!(p, gtids(&[(0, 2, 11), (1, 2, 5)]));
        p.advance(Position::Start);
        assert_eq!(p, gtids(&[(0, 2, 11), (1, 2, 5)]));
        p.advance(Position::Lsn(1));
        assert_eq!(p, Position::Primary);
        p.advance(gtids(&[(0, 2, 12)]));
        assert_eq!(p, Position::Primary);
        let mut l = Position::Lsn(7);
        l.advance(Position::Lsn(3));
        assert_eq!(l, Position::Lsn(7));
        l.advance(Position::Primary);
        assert_eq!(l, Position::Primary);
    }

    #[test]
    fn tokens_fit_their_backend() {
        let gtid = ReplicaPositions::DomainGtids;
        assert!(gtids(&[(0, 1, 1)]).fits(gtid));
        assert!(!Position::Lsn(1).fits(gtid));
        assert!(!gtids(&[(0, 1, 1)]).fits(ReplicaPositions::WalLsn));
        assert!(Position::Start.fits(ReplicaPositions::Unmeasured));
        assert!(Position::Primary.fits(ReplicaPositions::Unmeasured));
        assert!(!gtids(&[(0, 1, 1)]).fits(ReplicaPositions::Unmeasured));
    }
}
