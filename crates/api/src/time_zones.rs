//! A short-lived cache of each distributor's time zone: the review listing
//! needs it on every request to show local times, and it almost never changes.
//! Saves one database round trip per request on the hottest endpoint.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use centermind_core::domain::DistributorId;
use centermind_core::store::Db;
use chrono_tz::Tz;

/// A change made by another process (the CLI) shows within this delay.
const TTL: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct TimeZones {
    entries: RwLock<HashMap<DistributorId, (Tz, Instant)>>,
}

impl TimeZones {
    pub async fn get(&self, db: &Db, distributor: DistributorId) -> centermind_core::Result<Tz> {
        let now = Instant::now();
        if let Some((tz, at)) = self.entries.read().unwrap_or_else(|p| p.into_inner()).get(&distributor)
            && now.duration_since(*at) < TTL
        {
            return Ok(*tz);
        }
        let tz = db.distributor(distributor).await?.time_zone;
        self.entries
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(distributor, (tz, now));
        Ok(tz)
    }

    /// Forget a distributor's zone after this process changed its settings.
    pub fn invalidate(&self, distributor: DistributorId) {
        self.entries
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&distributor);
    }
}
