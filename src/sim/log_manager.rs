//! Retention (Kafka: `LogManager.cleanupLogs`, run every log.retention.check.interval.ms, which
//! calls `UnifiedLog.deleteOldSegments` on every log; the segment arithmetic itself is
//! `PartitionLog::apply_retention` in log.rs).
use crate::vecmap::VecMap;

use super::out::Ctx;
use super::partition::Partition;
use super::trace::TraceEvent;
use super::types::{BrokerId, Millis, TopicPartition};

/// log.retention.check.interval.ms is 300000 in Kafka; a simulated minute keeps scenes short.
pub(crate) const RETENTION_CHECK_INTERVAL_MS: Millis = 60_000;

/// Deletes the segments retention no longer keeps, on the partitions this broker leads.
pub(crate) fn cleanup_logs(ctx: &mut Ctx, me: BrokerId, partitions: &mut VecMap<TopicPartition, Partition>) {
    let now = ctx.now;
    for (tp, replica) in partitions.iter_mut() {
        // Time and size retention delete segments only when cleanup.policy includes
        // `delete` (UnifiedLog.deleteOldSegments: `if (config.delete) ... else 0`); a
        // compact-only topic such as __consumer_offsets keeps every segment.
        if !replica.is_leader() || !replica.settings.cleanup_policy_delete {
            continue;
        }
        let (rms, rbytes) = (replica.settings.retention_ms, replica.settings.retention_bytes);
        if let Some(start) = replica.log.apply_retention(now, rms, rbytes, replica.high_watermark) {
            ctx.trace(TraceEvent::LogStartAdvanced { tp: tp.clone(), broker: me, log_start_offset: start });
        }
    }
}
