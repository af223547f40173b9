//! Domain types and rules. Pure: no database, no network, no clock
//! (the current instant is always a parameter).

pub mod audit;
pub mod backoff;
pub mod burst;
pub mod customer_number;
pub mod error_class;
pub mod exhibition;
pub mod hibernation;
pub mod legacy;
pub mod period;
pub mod ranking;
pub mod roles;
pub mod schedule;
pub mod time_zone;

/// Database ids. Plain integers, named for what they identify.
pub type DistributorId = i64;
pub type GroupId = i64;
pub type MemberId = i64;
pub type PdvTypeId = i64;
pub type PortalUserId = i64;
/// A Telegram chat id (negative for groups).
pub type ChatId = i64;
/// A Telegram user id.
pub type TelegramUserId = i64;
