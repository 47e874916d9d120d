//! One replica's partition log: records, segments, the leader-epoch cache (KIP-101) and the
//! idempotent producers' sequence state. Pure data; the broker decides when to call what.
use super::chunked::Chunked;
use crate::vecmap::VecMap;
use std::collections::VecDeque;
use std::rc::Rc;

use super::types::{Millis, Record};

/// A log segment's bookkeeping. Retention and cleaning work a whole segment at a time
/// (TopicConfig SEGMENT_BYTES_DOC: "Retention and cleaning is always done a file at a time").
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Segment {
    pub base_offset: i64,
    pub created_ms: Millis,
    pub bytes: usize,
    pub max_timestamp_ms: i64,
}

/// One run of consecutive sequence numbers from one idempotent producer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct SeqRun {
    first_seq: i32,
    last_seq: i32,
    base_offset: i64,
}

/// What the broker keeps per producer id: the last batches, so that a retried batch is
/// recognised (ProducerStateEntry.NUM_BATCHES_TO_RETAIN = 5).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
struct ProducerState {
    runs: VecDeque<SeqRun>,
}

const NUM_BATCHES_TO_RETAIN: usize = 5;

/// Outcome of the idempotent producer's sequence check (ProducerAppendInfo.java:112-147).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum SequenceCheck {
    Accept,
    /// Already appended: answer with the original offset instead of appending again.
    Duplicate {
        base_offset: i64,
    },
    OutOfOrder,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct PartitionLog {
    records: Chunked<Rc<Record>>,
    log_start_offset: i64,
    log_end_offset: i64,
    segments: Vec<Segment>,
    /// Leader epoch cache: (epoch, start offset), ascending in both.
    epochs: Vec<(i32, i64)>,
    producers: VecMap<i64, ProducerState>,
    size_bytes: usize,
}

impl PartitionLog {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn log_start_offset(&self) -> i64 {
        self.log_start_offset
    }

    pub fn log_end_offset(&self) -> i64 {
        self.log_end_offset
    }

    pub fn size_bytes(&self) -> usize {
        self.size_bytes
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    pub fn epochs(&self) -> &[(i32, i64)] {
        &self.epochs
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn records(&self) -> impl DoubleEndedIterator<Item = &Rc<Record>> + ExactSizeIterator {
        self.records.iter()
    }

    /// The epoch of the last record (what a follower sends as `lastFetchedEpoch`).
    pub fn last_record_epoch(&self) -> Option<i32> {
        self.records.back().map(|r| r.leader_epoch)
    }

    pub fn latest_epoch(&self) -> Option<i32> {
        self.epochs.last().map(|e| e.0)
    }

    /// The record at `offset`, if the log still holds it.
    pub fn get(&self, offset: i64) -> Option<&Rc<Record>> {
        let i = self.index_of(offset);
        self.records.get(i).filter(|r| r.offset == offset)
    }

    fn index_of(&self, offset: i64) -> usize {
        self.records.partition_point(|r| r.offset < offset)
    }

    /// Records a new leader epoch starting at the current end of the log, as a broker does on
    /// becoming leader (LeaderEpochFileCache.assign), so that followers can find divergence
    /// even before the new leader appends anything.
    pub fn assign_epoch(&mut self, epoch: i32, start_offset: i64) {
        match self.epochs.last() {
            Some(&(e, _)) if e >= epoch => {}
            _ => self.epochs.push((epoch, start_offset)),
        }
    }

    /// `LeaderEpochFileCache.endOffsetFor` (apache/kafka storage/.../epoch/
    /// LeaderEpochFileCache.java): for the latest epoch, the log end; for an epoch older than
    /// every known one, that epoch and the start of the first known epoch; otherwise the
    /// largest known epoch <= `epoch` and the start of the next one. `(-1, -1)` (undefined)
    /// when `epoch` is newer than every known epoch or the cache is empty.
    pub fn end_offset_for_epoch(&self, epoch: i32) -> (i32, i64) {
        if epoch < 0 {
            return (-1, -1);
        }
        if self.latest_epoch() == Some(epoch) {
            return (epoch, self.log_end_offset);
        }
        let higher = self.epochs.partition_point(|&(e, _)| e <= epoch);
        let Some(&(_, higher_start)) = self.epochs.get(higher) else {
            return (-1, -1);
        };
        match higher.checked_sub(1).map(|i| self.epochs[i]) {
            None => (epoch, higher_start),
            Some((floor, _)) => (floor, higher_start),
        }
    }

    /// The idempotence check of a leader before it appends a batch.
    pub fn check_sequence(&self, producer_id: i64, first_seq: i32, last_seq: i32) -> SequenceCheck {
        if producer_id < 0 {
            return SequenceCheck::Accept;
        }
        let Some(state) = self.producers.get(&producer_id) else {
            // No state for this producer: any sequence is accepted (ProducerAppendInfo).
            return SequenceCheck::Accept;
        };
        for run in &state.runs {
            if first_seq >= run.first_seq && last_seq <= run.last_seq {
                return SequenceCheck::Duplicate { base_offset: run.base_offset + (first_seq - run.first_seq) as i64 };
            }
        }
        let last = state.runs.back().map_or(-1, |r| r.last_seq);
        if first_seq == last.wrapping_add(1) || (last == i32::MAX && first_seq == 0) {
            SequenceCheck::Accept
        } else {
            SequenceCheck::OutOfOrder
        }
    }

    fn note_producer(&mut self, producer_id: i64, first_seq: i32, last_seq: i32, base_offset: i64) {
        if producer_id < 0 {
            return;
        }
        let state = self.producers.entry(producer_id).or_default();
        match state.runs.back_mut() {
            Some(run) if run.last_seq.wrapping_add(1) == first_seq && run.base_offset + (run.last_seq - run.first_seq) as i64 + 1 == base_offset => {
                // Consecutive batches of one producer: a follower cannot tell them apart, and
                // neither needs to; keep one run per contiguous range.
                run.last_seq = last_seq;
            }
            _ => {
                state.runs.push_back(SeqRun { first_seq, last_seq, base_offset });
                while state.runs.len() > NUM_BATCHES_TO_RETAIN {
                    state.runs.pop_front();
                }
            }
        }
    }

    /// Appends records that already carry their offsets (leader or follower). Rolls a new
    /// segment when the active one is full or old, as `UnifiedLog.maybeRoll` does.
    pub fn append(&mut self, batch: &[Rc<Record>], now: Millis, segment_bytes: i64, segment_ms: i64) {
        let Some(first) = batch.first() else { return };
        assert_eq!(first.offset, self.log_end_offset, "engine bug: non-contiguous append");
        let bytes: usize = batch.iter().map(|r| r.size_bytes()).sum();
        let max_ts = batch.iter().map(|r| r.timestamp_ms).max().unwrap_or(0);
        let roll = match self.segments.last() {
            None => true,
            Some(s) => s.bytes > 0 && ((s.bytes + bytes) as i64 > segment_bytes || (now.saturating_sub(s.created_ms)) as i64 >= segment_ms),
        };
        if roll {
            self.segments.push(Segment { base_offset: first.offset, created_ms: now, bytes: 0, max_timestamp_ms: -1 });
        }
        let seg = self.segments.last_mut().expect("segment just ensured");
        seg.bytes += bytes;
        seg.max_timestamp_ms = seg.max_timestamp_ms.max(max_ts);
        self.size_bytes += bytes;
        // Epoch cache and producer state follow the records, on leaders and followers alike.
        let mut i = 0;
        while i < batch.len() {
            let r = &batch[i];
            self.assign_epoch(r.leader_epoch, r.offset);
            let mut j = i + 1;
            while j < batch.len()
                && batch[j].producer_id == r.producer_id
                && batch[j].leader_epoch == r.leader_epoch
                && (r.producer_id < 0 || batch[j].sequence == batch[j - 1].sequence.wrapping_add(1))
            {
                j += 1;
            }
            if r.producer_id >= 0 {
                self.note_producer(r.producer_id, r.sequence, batch[j - 1].sequence, r.offset);
            }
            i = j;
        }
        self.log_end_offset = batch.last().map(|r| r.offset + 1).unwrap_or(self.log_end_offset);
        self.records.extend(batch.iter().cloned());
    }

    /// Up to `max_bytes` of records from `from` below `until` (exclusive). Like Kafka, at least
    /// one record is returned when any is available, even if it alone exceeds `max_bytes`.
    pub fn read(&self, from: i64, until: i64, max_bytes: usize) -> Vec<Rc<Record>> {
        let mut out = Vec::new();
        let mut bytes = 0usize;
        let start = self.index_of(from);
        for r in self.records.iter_from(start) {
            if r.offset >= until {
                break;
            }
            let size = r.size_bytes();
            if !out.is_empty() && bytes + size > max_bytes {
                break;
            }
            bytes += size;
            out.push(r.clone());
        }
        out
    }

    /// Removes every record at or above `offset` and returns them (a follower truncating a
    /// divergent tail, KIP-101/279). Epoch cache, segments and producer state follow.
    pub fn truncate_to(&mut self, offset: i64) -> Vec<Rc<Record>> {
        // Epoch entries at or past the cut go even when no record does
        // (LeaderEpochFileCache.truncateFromEnd), or a follower whose cache knows an epoch
        // the leader does not would ask about it forever.
        self.epochs.retain(|&(_, start)| start < offset);
        if offset >= self.log_end_offset {
            return Vec::new();
        }
        let offset = offset.max(self.log_start_offset);
        let idx = self.index_of(offset);
        let removed: Vec<Rc<Record>> = self.records.iter_from(idx).cloned().collect();
        self.records.truncate(idx);
        self.log_end_offset = offset;
        self.epochs.retain(|&(_, start)| start < offset);
        self.recompute_segments_and_producers();
        removed
    }

    fn recompute_segments_and_producers(&mut self) {
        let end = self.log_end_offset;
        self.segments.retain(|s| s.base_offset < end || s.base_offset == 0 && end == 0);
        if let Some(last) = self.segments.last() {
            if last.base_offset >= end {
                self.segments.pop();
            }
        }
        let bounds: Vec<i64> = self.segments.iter().map(|s| s.base_offset).collect();
        for (k, seg) in self.segments.iter_mut().enumerate() {
            let upper = bounds.get(k + 1).copied().unwrap_or(end);
            let lo = self.records.partition_point(|r| r.offset < seg.base_offset);
            let hi = self.records.partition_point(|r| r.offset < upper);
            seg.bytes = self.records.iter_from(lo).take(hi - lo).map(|r| r.size_bytes()).sum();
            seg.max_timestamp_ms = self.records.iter_from(lo).take(hi - lo).map(|r| r.timestamp_ms).max().unwrap_or(-1);
        }
        self.size_bytes = self.segments.iter().map(|s| s.bytes).sum();
        self.producers.clear();
        let records: Vec<Rc<Record>> = self.records.iter().filter(|r| r.producer_id >= 0).cloned().collect();
        let mut i = 0;
        while i < records.len() {
            let r = &records[i];
            let mut j = i + 1;
            while j < records.len()
                && records[j].producer_id == r.producer_id
                && records[j].offset == records[j - 1].offset + 1
                && records[j].sequence == records[j - 1].sequence.wrapping_add(1)
            {
                j += 1;
            }
            self.note_producer(r.producer_id, r.sequence, records[j - 1].sequence, r.offset);
            i = j;
        }
    }

    /// Deletes whole segments, oldest first, by `retention.ms` and `retention.bytes`
    /// (UnifiedLog.scala:1516-1615): stops at the first segment that does not qualify, never
    /// deletes a segment whose upper bound is above the high watermark, and never the active
    /// segment while it is the only one. Returns the new log start offset if it moved.
    pub fn apply_retention(&mut self, now: Millis, retention_ms: i64, retention_bytes: i64, high_watermark: i64) -> Option<i64> {
        let mut deleted = 0usize;
        let mut size = self.size_bytes as i64;
        for (k, seg) in self.segments.iter().enumerate() {
            // Never a segment with records above the HW (UnifiedLog:1516); the active segment
            // is no exception once every record in it has expired.
            let upper = self.segments.get(k + 1).map_or(self.log_end_offset, |s| s.base_offset);
            if upper > high_watermark {
                break;
            }
            let by_time = retention_ms >= 0 && seg.max_timestamp_ms >= 0 && (super::types::wall_clock_ms(now) - seg.max_timestamp_ms) > retention_ms;
            let by_size = retention_bytes >= 0 && size - retention_bytes - seg.bytes as i64 >= 0;
            if !(by_time || by_size) {
                break;
            }
            size -= seg.bytes as i64;
            deleted += 1;
        }
        if deleted == 0 {
            return None;
        }
        // Every segment goes: Kafka rolls a new, empty active segment first (UnifiedLog:1549),
        // so the log starts again at its end offset.
        if deleted == self.segments.len() {
            self.segments.push(Segment { base_offset: self.log_end_offset, created_ms: now, bytes: 0, max_timestamp_ms: -1 });
        }
        let new_start = self.segments[deleted].base_offset;
        self.segments.drain(..deleted);
        let idx = self.index_of(new_start);
        self.records.remove_front(idx);
        self.log_start_offset = new_start;
        self.size_bytes = size.max(0) as usize;
        Some(new_start)
    }

    /// Moves the log start forward (a follower learning the leader's log start offset).
    pub fn advance_log_start(&mut self, offset: i64) {
        if offset <= self.log_start_offset {
            return;
        }
        let offset = offset.min(self.log_end_offset);
        let idx = self.index_of(offset);
        self.records.remove_front(idx);
        self.log_start_offset = offset;
        self.segments.retain(|s| s.base_offset >= offset);
        if self.segments.first().is_none_or(|s| s.base_offset > offset) && offset < self.log_end_offset {
            self.segments.insert(0, Segment { base_offset: offset, created_ms: 0, bytes: 0, max_timestamp_ms: -1 });
        }
        self.recompute_segments_and_producers();
    }

    /// A follower that starts from scratch at the leader's log start offset.
    pub fn reset_to(&mut self, offset: i64) {
        *self = PartitionLog { log_start_offset: offset, log_end_offset: offset, ..Default::default() };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(offset: i64, epoch: i32) -> Rc<Record> {
        Rc::new(Record {
            offset,
            leader_epoch: epoch,
            timestamp_ms: offset,
            key: None,
            value: Some(Rc::from("v")),
            headers: Rc::from(Vec::new()),
            producer_id: -1,
            sequence: -1,
        })
    }

    #[test]
    fn end_offset_for_epoch_follows_kafka() {
        let mut log = PartitionLog::new();
        log.append(&[rec(0, 0), rec(1, 0)], 0, 1 << 30, i64::MAX);
        log.append(&[rec(2, 2), rec(3, 2)], 0, 1 << 30, i64::MAX);
        assert_eq!(log.end_offset_for_epoch(0), (0, 2));
        assert_eq!(log.end_offset_for_epoch(1), (0, 2));
        assert_eq!(log.end_offset_for_epoch(2), (2, 4));
        assert_eq!(log.end_offset_for_epoch(7), (-1, -1), "newer than every known epoch");
        let removed = log.truncate_to(3);
        assert_eq!(removed.len(), 1);
        assert_eq!(log.log_end_offset(), 3);
        assert_eq!(log.end_offset_for_epoch(2), (2, 3));
        let mut newer = PartitionLog::new();
        newer.assign_epoch(5, 0);
        assert_eq!(newer.end_offset_for_epoch(0), (0, 0), "older than every known epoch");
    }

    #[test]
    fn segments_roll_and_retention_deletes_whole_segments() {
        let mut log = PartitionLog::new();
        for o in 0..10 {
            log.append(&[rec(o, 0)], o as u64, 25, i64::MAX);
        }
        assert!(log.segments().len() > 1);
        let mut kept = log.clone();
        // The HW below the log end protects the active segment (UnifiedLog:1516).
        let start = kept.apply_retention(1_000, -1, 0, 9).unwrap();
        assert_eq!(kept.log_start_offset(), start);
        assert!(kept.get(start).is_some());
        assert_eq!(kept.segments().len(), 1, "only the active segment is left");
        // Everything committed and expired: every segment goes, the active one too, and a new
        // empty active segment starts at the log end (UnifiedLog:1549). Offsets are not reused.
        let start = log.apply_retention(1_000, -1, 0, 10).unwrap();
        assert_eq!((start, log.log_start_offset(), log.log_end_offset()), (10, 10, 10));
        assert!(log.get(9).is_none());
        assert_eq!(log.segments().len(), 1, "a new, empty active segment");
        log.append(&[rec(10, 0)], 2_000, 25, i64::MAX);
        assert_eq!(log.log_end_offset(), 11);
    }
}
