//! One replica's partition log: record batches, segments, the leader-epoch cache (KIP-101) and the
//! idempotent producers' sequence state. Pure data; the broker decides when to call what.
use super::chunked::Chunked;
use crate::vecmap::VecMap;
use std::collections::VecDeque;
use std::rc::Rc;

use super::record_batch::RecordBatch;
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

/// One batch's sequence range and where it was appended (BatchMetadata).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct SeqRun {
    first_seq: i32,
    last_seq: i32,
    base_offset: i64,
}

/// What the broker keeps per producer id: its last batches, so that a retried batch is
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
    /// Whole batches, as Kafka's segments hold them; shared with the other replicas.
    batches: Chunked<Rc<RecordBatch>>,
    /// Records in `batches` (some of the first batch's may be below the log start).
    record_count: usize,
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

    /// Records at or above the log start.
    pub fn len(&self) -> usize {
        self.record_count - self.batches.get(0).map_or(0, |b| b.index_of(self.log_start_offset))
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn batches(&self) -> impl DoubleEndedIterator<Item = &Rc<RecordBatch>> + ExactSizeIterator {
        self.batches.iter()
    }

    /// Every record at or above the log start, oldest first, with its offset.
    pub fn records(&self) -> impl Iterator<Item = Record> + '_ {
        self.records_from(0)
    }

    /// Records from `offset` on (and at or above the log start).
    pub fn records_from(&self, offset: i64) -> impl Iterator<Item = Record> + '_ {
        let from = offset.max(self.log_start_offset);
        self.batches.iter_from(self.batch_index(from)).flat_map(move |b| (b.index_of(from)..b.record_count()).map(|i| b.record(i)))
    }

    /// The last `n` records (fewer when the log holds fewer), oldest first.
    pub fn last_records(&self, n: usize) -> Vec<Record> {
        let mut count = 0;
        let mut first = self.batches.len();
        for b in self.batches.iter().rev() {
            if count >= n {
                break;
            }
            count += b.record_count();
            first -= 1;
        }
        let mut out: Vec<Record> =
            self.batches.iter_from(first).flat_map(|b| (0..b.record_count()).map(|i| b.record(i))).filter(|r| r.offset >= self.log_start_offset).collect();
        let extra = out.len().saturating_sub(n);
        out.drain(..extra);
        out
    }

    /// The epoch of the last batch (what a follower sends as `lastFetchedEpoch`).
    pub fn last_record_epoch(&self) -> Option<i32> {
        self.batches.back().map(|b| b.partition_leader_epoch)
    }

    pub fn latest_epoch(&self) -> Option<i32> {
        self.epochs.last().map(|e| e.0)
    }

    /// The record at `offset`, if the log still holds it.
    pub fn get(&self, offset: i64) -> Option<Record> {
        if offset < self.log_start_offset {
            return None;
        }
        let b = self.batches.get(self.batch_index(offset))?;
        let i = b.index_of(offset);
        (i < b.record_count() && b.offset_of(i) == offset).then(|| b.record(i))
    }

    /// The index of the batch holding `offset`, or of the first batch after it
    /// (`FileRecords.searchForOffsetWithSize`: the first batch whose last offset is >= it).
    fn batch_index(&self, offset: i64) -> usize {
        self.batches.partition_point(|b| b.last_offset() < offset)
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

    /// The idempotence check of a leader before it appends a batch: a batch whose sequence
    /// range equals one of the producer's last five is a duplicate
    /// (ProducerStateEntry.findDuplicateBatch); otherwise it must continue the last sequence
    /// (ProducerAppendInfo.checkSequence).
    pub fn check_sequence(&self, producer_id: i64, first_seq: i32, last_seq: i32) -> SequenceCheck {
        if producer_id < 0 {
            return SequenceCheck::Accept;
        }
        let Some(state) = self.producers.get(&producer_id) else {
            // No state for this producer: any sequence is accepted (ProducerAppendInfo).
            return SequenceCheck::Accept;
        };
        if let Some(run) = state.runs.iter().find(|run| run.first_seq == first_seq && run.last_seq == last_seq) {
            return SequenceCheck::Duplicate { base_offset: run.base_offset };
        }
        let last = state.runs.back().map_or(-1, |r| r.last_seq);
        if first_seq == last.wrapping_add(1) || (last == i32::MAX && first_seq == 0) {
            SequenceCheck::Accept
        } else {
            SequenceCheck::OutOfOrder
        }
    }

    /// ProducerStateManager: the producer's last batches, on leaders and followers alike.
    fn note_producer(&mut self, b: &RecordBatch) {
        if b.producer_id < 0 || b.base_sequence < 0 {
            return;
        }
        let state = self.producers.entry(b.producer_id).or_default();
        state.runs.push_back(SeqRun { first_seq: b.base_sequence, last_seq: b.last_sequence(), base_offset: b.base_offset });
        while state.runs.len() > NUM_BATCHES_TO_RETAIN {
            state.runs.pop_front();
        }
    }

    /// Appends batches that already carry their offsets (leader or follower). Rolls a new
    /// segment when the active one is full or old, as `UnifiedLog.maybeRoll` does once per
    /// append.
    pub fn append(&mut self, batches: &[Rc<RecordBatch>], now: Millis, segment_bytes: i64, segment_ms: i64) {
        let Some(first) = batches.first() else { return };
        assert_eq!(first.base_offset, self.log_end_offset, "engine bug: non-contiguous append");
        let bytes: usize = batches.iter().map(|b| b.size_bytes()).sum();
        let max_ts = batches.iter().map(|b| b.max_timestamp_ms).max().unwrap_or(-1);
        let roll = match self.segments.last() {
            None => true,
            Some(s) => s.bytes > 0 && ((s.bytes + bytes) as i64 > segment_bytes || (now.saturating_sub(s.created_ms)) as i64 >= segment_ms),
        };
        if roll {
            self.segments.push(Segment { base_offset: first.base_offset, created_ms: now, bytes: 0, max_timestamp_ms: -1 });
        }
        let seg = self.segments.last_mut().expect("segment just ensured");
        seg.bytes += bytes;
        seg.max_timestamp_ms = seg.max_timestamp_ms.max(max_ts);
        self.size_bytes += bytes;
        for b in batches {
            assert_eq!(b.base_offset, self.log_end_offset, "engine bug: non-contiguous batches");
            self.assign_epoch(b.partition_leader_epoch, b.base_offset);
            self.note_producer(b);
            self.log_end_offset = b.next_offset();
            self.record_count += b.record_count();
            self.batches.push(b.clone());
        }
    }

    /// Whole batches from the one holding `from`, each entirely below `until` (the log end
    /// for a follower, the high watermark for a consumer: LocalLog.read stops at the position
    /// of the batch holding it), up to `max_bytes`. As in Kafka the first batch is returned
    /// whole even when it alone exceeds `max_bytes` (minOneMessage), and a consumer skips the
    /// records of the first batch below its fetch offset.
    pub fn read(&self, from: i64, until: i64, max_bytes: usize) -> Vec<Rc<RecordBatch>> {
        let mut out = Vec::new();
        let mut bytes = 0usize;
        for b in self.batches.iter_from(self.batch_index(from)) {
            if b.last_offset() >= until {
                break;
            }
            let size = b.size_bytes();
            if !out.is_empty() && bytes + size > max_bytes {
                break;
            }
            bytes += size;
            out.push(b.clone());
        }
        out
    }

    /// Removes every batch at or above `offset` and returns them (a follower truncating a
    /// divergent tail, KIP-101/279). Epoch cache, segments and producer state follow.
    ///
    /// Kafka truncates whole batches: `LogSegment.truncateTo` cuts the file at
    /// `translateOffset(offset)`, the first batch whose last offset is >= `offset`, so a batch
    /// straddling the target goes entirely (LocalLog.truncateTo then sets the log end to the
    /// target all the same). Targets are batch boundaries (epoch starts, log ends and high
    /// watermarks all are), so the engine treats a straddling target as a bug.
    pub fn truncate_to(&mut self, offset: i64) -> Vec<Rc<RecordBatch>> {
        // Epoch entries at or past the cut go even when no record does
        // (LeaderEpochFileCache.truncateFromEnd), or a follower whose cache knows an epoch
        // the leader does not would ask about it forever.
        self.epochs.retain(|&(_, start)| start < offset);
        if offset >= self.log_end_offset {
            return Vec::new();
        }
        let offset = offset.max(self.log_start_offset);
        let idx = self.batch_index(offset);
        let removed: Vec<Rc<RecordBatch>> = self.batches.iter_from(idx).cloned().collect();
        if let Some(b) = removed.first() {
            debug_assert!(
                b.base_offset == offset || offset == self.log_start_offset,
                "engine bug: truncation to {offset} inside the batch at {}",
                b.base_offset
            );
        }
        self.batches.truncate(idx);
        self.record_count -= removed.iter().map(|b| b.record_count()).sum::<usize>();
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
            let lo = self.batches.partition_point(|b| b.base_offset < seg.base_offset);
            let hi = self.batches.partition_point(|b| b.base_offset < upper);
            let in_segment = || self.batches.iter_from(lo).take(hi - lo);
            seg.bytes = in_segment().map(|b| b.size_bytes()).sum();
            seg.max_timestamp_ms = in_segment().map(|b| b.max_timestamp_ms).max().unwrap_or(-1);
        }
        self.size_bytes = self.segments.iter().map(|s| s.bytes).sum();
        // UnifiedLog.rebuildProducerState: the batches left say what each producer last wrote.
        self.producers.clear();
        let batches: Vec<Rc<RecordBatch>> = self.batches.iter().filter(|b| b.producer_id >= 0).cloned().collect();
        for b in &batches {
            self.note_producer(b);
        }
    }

    /// Removes the batches wholly below `offset`; a batch straddling it stays, its records
    /// below the log start no longer served.
    fn remove_batches_below(&mut self, offset: i64) {
        let idx = self.batches.partition_point(|b| b.next_offset() <= offset);
        self.record_count -= self.batches.iter().take(idx).map(|b| b.record_count()).sum::<usize>();
        self.batches.remove_front(idx);
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
        self.remove_batches_below(new_start);
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
        self.remove_batches_below(offset);
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
    use super::super::record_batch::{
        ControlRecordType, DefaultRecord, EndTransactionMarker, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, RECORD_BATCH_OVERHEAD,
    };
    use super::*;

    /// A batch of `n` one-byte records (11 bytes each) at `base`, appended by a leader of `epoch`.
    fn batch_of(base: i64, n: usize, epoch: i32, producer_id: i64, base_sequence: i32) -> Rc<RecordBatch> {
        let records = (0..n)
            .map(|i| DefaultRecord {
                offset_delta: i as i32,
                timestamp_ms: base + i as i64,
                key: None,
                value: Some(Rc::from("v")),
                headers: Rc::from(Vec::new()),
            })
            .collect();
        let epoch_of_producer = if producer_id >= 0 { 0 } else { NO_PRODUCER_EPOCH };
        Rc::new(RecordBatch::new(Rc::new(records), producer_id, epoch_of_producer, base_sequence, false).assigned(base, epoch))
    }

    fn plain(base: i64, n: usize, epoch: i32) -> Rc<RecordBatch> {
        batch_of(base, n, epoch, NO_PRODUCER_ID, NO_SEQUENCE)
    }

    const BIG: i64 = 1 << 30;

    #[test]
    fn end_offset_for_epoch_follows_kafka() {
        let mut log = PartitionLog::new();
        log.append(&[plain(0, 2, 0)], 0, BIG, i64::MAX);
        log.append(&[plain(2, 1, 2), plain(3, 1, 2)], 0, BIG, i64::MAX);
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
    fn batches_keep_their_offsets_sizes_and_records() {
        let mut log = PartitionLog::new();
        log.append(&[plain(0, 3, 0)], 0, BIG, i64::MAX);
        log.append(&[plain(3, 2, 1)], 0, BIG, i64::MAX);
        assert_eq!((log.len(), log.log_end_offset(), log.batches().len()), (5, 5, 2));
        assert_eq!(log.size_bytes(), 2 * RECORD_BATCH_OVERHEAD + 5 * 11, "a v2 header per batch");
        let offsets: Vec<i64> = log.records().map(|r| r.offset).collect();
        assert_eq!(offsets, [0, 1, 2, 3, 4]);
        assert_eq!(log.get(4).map(|r| r.leader_epoch), Some(1));
        assert_eq!(log.get(5), None);
        let tail: Vec<i64> = log.last_records(4).iter().map(|r| r.offset).collect();
        assert_eq!(tail, [1, 2, 3, 4]);
        assert_eq!(log.last_record_epoch(), Some(1));
    }

    /// Kafka returns whole batches: a fetch from the middle of a batch gets that batch from
    /// its base offset (the consumer skips what lies below its position), nothing that
    /// straddles the bound (the HW for consumers), and at least one batch past max_bytes.
    #[test]
    fn reads_return_whole_batches() {
        let mut log = PartitionLog::new();
        log.append(&[plain(0, 3, 0), plain(3, 3, 0), plain(6, 3, 0)], 0, BIG, i64::MAX);
        let bases = |v: Vec<Rc<RecordBatch>>| v.iter().map(|b| b.base_offset).collect::<Vec<_>>();
        assert_eq!(bases(log.read(4, 9, usize::MAX)), [3, 6], "from the middle of a batch: the whole batch");
        assert_eq!(bases(log.read(0, 6, usize::MAX)), [0, 3], "stops at the bound");
        assert_eq!(bases(log.read(0, 5, usize::MAX)), [0], "a batch straddling the bound is not returned");
        assert_eq!(bases(log.read(0, 9, 1)), [0], "the first batch even when it alone is too big");
        let two = 2 * (RECORD_BATCH_OVERHEAD + 3 * 11);
        assert_eq!(bases(log.read(0, 9, two)), [0, 3]);
        assert!(log.read(9, 9, usize::MAX).is_empty());
        let from_middle: Vec<i64> = log.records_from(4).map(|r| r.offset).collect();
        assert_eq!(from_middle, [4, 5, 6, 7, 8]);
    }

    #[test]
    fn truncation_removes_whole_batches_and_follows_with_segments_and_producers() {
        let mut log = PartitionLog::new();
        log.append(&[batch_of(0, 3, 0, 7, 0)], 0, 80, i64::MAX);
        log.append(&[batch_of(3, 3, 0, 7, 3)], 1, 80, i64::MAX);
        log.append(&[batch_of(6, 3, 1, 7, 6)], 2, 80, i64::MAX);
        assert_eq!(log.segments().len(), 3, "each batch (94 bytes) is over segment.bytes 80");
        assert_eq!(log.check_sequence(7, 6, 8), SequenceCheck::Duplicate { base_offset: 6 });
        let removed = log.truncate_to(3);
        assert_eq!(removed.iter().map(|b| b.base_offset).collect::<Vec<_>>(), [3, 6]);
        assert_eq!((log.log_end_offset(), log.len(), log.segments().len()), (3, 3, 1));
        assert_eq!(log.size_bytes(), RECORD_BATCH_OVERHEAD + 3 * 11);
        assert_eq!(log.epochs(), &[(0, 0)]);
        // The producer state is rebuilt from the batches left (UnifiedLog.rebuildProducerState).
        assert_eq!(log.check_sequence(7, 3, 5), SequenceCheck::Accept);
        assert_eq!(log.check_sequence(7, 6, 8), SequenceCheck::OutOfOrder);
        assert_eq!(log.check_sequence(7, 0, 2), SequenceCheck::Duplicate { base_offset: 0 });
    }

    /// ProducerStateEntry keeps the last five batches and a duplicate must match one exactly.
    #[test]
    fn the_last_five_batches_of_a_producer_recognise_retries() {
        let mut log = PartitionLog::new();
        for k in 0..7 {
            log.append(&[batch_of(2 * k, 2, 0, 3, 2 * k as i32)], 0, BIG, i64::MAX);
        }
        assert_eq!(log.check_sequence(3, 12, 13), SequenceCheck::Duplicate { base_offset: 12 });
        assert_eq!(log.check_sequence(3, 4, 5), SequenceCheck::Duplicate { base_offset: 4 });
        assert_eq!(log.check_sequence(3, 2, 3), SequenceCheck::OutOfOrder, "older than the last five");
        assert_eq!(log.check_sequence(3, 12, 12), SequenceCheck::OutOfOrder, "not a batch's exact range");
        assert_eq!(log.check_sequence(3, 14, 20), SequenceCheck::Accept);
        assert_eq!(log.check_sequence(4, 99, 99), SequenceCheck::Accept, "an unknown producer");
    }

    #[test]
    fn a_control_batch_takes_an_offset_in_the_log() {
        let mut log = PartitionLog::new();
        log.append(&[batch_of(0, 2, 0, 5, 0)], 0, BIG, i64::MAX);
        let marker = EndTransactionMarker { control_type: ControlRecordType::Abort, coordinator_epoch: 0 };
        let control = Rc::new(RecordBatch::end_transaction_marker(5, 0, marker, 10).assigned(2, 0));
        log.append(&[control], 0, BIG, i64::MAX);
        log.append(&[batch_of(3, 1, 0, 5, 2)], 0, BIG, i64::MAX);
        assert_eq!((log.log_end_offset(), log.len()), (4, 4));
        assert!(log.read(2, 4, usize::MAX)[0].is_control());
        assert_eq!(log.check_sequence(5, 3, 3), SequenceCheck::Accept, "the marker has no sequence");
    }

    #[test]
    fn segments_roll_and_retention_deletes_whole_segments() {
        let mut log = PartitionLog::new();
        for o in 0..10 {
            log.append(&[plain(o, 1, 0)], o as u64, 80, i64::MAX);
        }
        assert!(log.segments().len() > 1);
        let mut kept = log.clone();
        // The HW below the log end protects the active segment (UnifiedLog:1516).
        let start = kept.apply_retention(1_000, -1, 0, 9).unwrap();
        assert_eq!(kept.log_start_offset(), start);
        assert!(kept.get(start).is_some());
        assert_eq!(kept.segments().len(), 1, "only the active segment is left");
        assert_eq!(kept.len() as i64, kept.log_end_offset() - start);
        // Everything committed and expired: every segment goes, the active one too, and a new
        // empty active segment starts at the log end (UnifiedLog:1549). Offsets are not reused.
        let start = log.apply_retention(1_000, -1, 0, 10).unwrap();
        assert_eq!((start, log.log_start_offset(), log.log_end_offset()), (10, 10, 10));
        assert!(log.get(9).is_none());
        assert_eq!(log.segments().len(), 1, "a new, empty active segment");
        log.append(&[plain(10, 1, 0)], 2_000, 80, i64::MAX);
        assert_eq!(log.log_end_offset(), 11);
    }

    /// A log start inside a batch (a follower told the leader's) keeps the batch but serves
    /// none of its records below the start.
    #[test]
    fn a_log_start_inside_a_batch_hides_the_records_below_it() {
        let mut log = PartitionLog::new();
        log.append(&[plain(0, 3, 0), plain(3, 3, 0)], 0, BIG, i64::MAX);
        log.advance_log_start(4);
        assert_eq!((log.log_start_offset(), log.len(), log.batches().len()), (4, 2, 1));
        assert_eq!(log.records().map(|r| r.offset).collect::<Vec<_>>(), [4, 5]);
        assert!(log.get(3).is_none());
    }
}
