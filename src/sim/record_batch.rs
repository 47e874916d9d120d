//! Record batches as Kafka's log format v2 keeps them (`DefaultRecordBatch`, `DefaultRecord`
//! in apache/kafka clients/.../common/record): a header that every record of the batch shares
//! (base offset, leader epoch, producer id, epoch and base sequence, the transactional and
//! control flags, the codec, the max timestamp) and the records, each with its offset delta.
//!
//! A batch is what the producer builds, what the leader appends (it only sets the base offset
//! and its leader epoch, as `LogValidator.assignOffsetsNonCompressed` does), what a follower
//! copies and what a fetch returns. Its records are shared (`Rc`) between the producer's
//! batch, the request on the wire and every replica's log: one allocation per batch, not per
//! record.
use std::rc::Rc;

use super::types::{record_size, Record};

/// Bytes of a v2 batch header: `DefaultRecordBatch.RECORD_BATCH_OVERHEAD` = 61 (base offset 8,
/// length 4, partition leader epoch 4, magic 1, CRC 4, attributes 2, last offset delta 4, base
/// timestamp 8, max timestamp 8, producer id 8, producer epoch 2, base sequence 4, record
/// count 4).
pub const RECORD_BATCH_OVERHEAD: usize = 61;

/// `RecordBatch.NO_PRODUCER_ID`, `NO_PRODUCER_EPOCH`, `NO_SEQUENCE`: a producer that is not
/// idempotent.
pub const NO_PRODUCER_ID: i64 = -1;
pub const NO_PRODUCER_EPOCH: i16 = -1;
pub const NO_SEQUENCE: i32 = -1;
/// `RecordBatch.NO_PARTITION_LEADER_EPOCH`: a batch no leader has appended yet.
pub const NO_PARTITION_LEADER_EPOCH: i32 = -1;

/// The codec in a batch's attributes (`CompressionType`). Only `None` is produced so far;
/// sizes model uncompressed batches.
#[derive(Copy, Clone, PartialEq, Eq, Debug, Default)]
pub enum CompressionType {
    #[default]
    None,
    Gzip,
    Snappy,
    Lz4,
    Zstd,
}

/// What a control batch marks (`ControlRecordType`; the KRaft types are not modelled).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ControlRecordType {
    Abort,
    Commit,
}

/// A control batch's one record (`EndTransactionMarker`): key (version, type), value
/// (version, coordinator epoch).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct EndTransactionMarker {
    pub control_type: ControlRecordType,
    pub coordinator_epoch: i32,
}

/// `EndTransactionMarker`'s key (4 bytes) and value (6 bytes) with the record overhead that
/// `record_size` gives every record.
const END_TXN_MARKER_RECORD_BYTES: usize = 10 + 4 + 6;

/// One record inside a batch (`DefaultRecord`): its offset and sequence are the batch's base
/// plus `offset_delta`. Kafka stores the timestamp as a delta from the batch's base
/// timestamp; the absolute value is kept here, which is the same information.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DefaultRecord {
    pub offset_delta: i32,
    pub timestamp_ms: i64,
    pub key: Option<Rc<str>>,
    pub value: Option<Rc<str>>,
    pub headers: Rc<[(Rc<str>, Rc<str>)]>,
}

impl DefaultRecord {
    pub fn size_bytes(&self) -> usize {
        record_size(self.key.as_deref(), self.value.as_deref(), &self.headers)
    }
}

/// `DefaultRecordBatch.incrementSequence`: sequences wrap from `i32::MAX` to 0.
pub fn increment_sequence(sequence: i32, increment: i32) -> i32 {
    if sequence > i32::MAX - increment {
        increment - (i32::MAX - sequence) - 1
    } else {
        sequence + increment
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RecordBatch {
    pub base_offset: i64,
    /// The epoch of the leader that appended the batch (KIP-101); followers keep it.
    pub partition_leader_epoch: i32,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub is_transactional: bool,
    /// Set on a control batch: the transaction marker its one record carries.
    pub control: Option<EndTransactionMarker>,
    pub compression: CompressionType,
    pub last_offset_delta: i32,
    pub max_timestamp_ms: i64,
    size_bytes: usize,
    records: Rc<Vec<DefaultRecord>>,
}

impl RecordBatch {
    /// A data batch as a producer closes it (`MemoryRecordsBuilder.close`): offsets not yet
    /// assigned, no leader epoch. `records` must not be empty.
    pub fn new(records: Rc<Vec<DefaultRecord>>, producer_id: i64, producer_epoch: i16, base_sequence: i32, is_transactional: bool) -> Self {
        let last = records.last().expect("engine bug: an empty record batch");
        let last_offset_delta = last.offset_delta;
        let max_timestamp_ms = records.iter().map(|r| r.timestamp_ms).max().unwrap_or(-1);
        let size_bytes = RECORD_BATCH_OVERHEAD + records.iter().map(DefaultRecord::size_bytes).sum::<usize>();
        RecordBatch {
            base_offset: 0,
            partition_leader_epoch: NO_PARTITION_LEADER_EPOCH,
            producer_id,
            producer_epoch,
            base_sequence,
            is_transactional,
            control: None,
            compression: CompressionType::None,
            last_offset_delta,
            max_timestamp_ms,
            size_bytes,
            records,
        }
    }

    /// A control batch carrying one COMMIT or ABORT marker (`MemoryRecords.withEndTransactionMarker`):
    /// transactional, of the producer whose transaction it ends, with one record that takes
    /// an offset but that consumers never return.
    pub fn end_transaction_marker(producer_id: i64, producer_epoch: i16, marker: EndTransactionMarker, timestamp_ms: i64) -> Self {
        let record = DefaultRecord { offset_delta: 0, timestamp_ms, key: None, value: None, headers: Rc::from(Vec::new()) };
        RecordBatch {
            base_offset: 0,
            partition_leader_epoch: NO_PARTITION_LEADER_EPOCH,
            producer_id,
            producer_epoch,
            base_sequence: NO_SEQUENCE,
            is_transactional: true,
            control: Some(marker),
            compression: CompressionType::None,
            last_offset_delta: 0,
            max_timestamp_ms: timestamp_ms,
            size_bytes: RECORD_BATCH_OVERHEAD + END_TXN_MARKER_RECORD_BYTES,
            records: Rc::new(vec![record]),
        }
    }

    /// The batch as the leader appends it: its offsets start at `base_offset` and it carries
    /// the leader's epoch (`LogValidator.assignOffsetsNonCompressed`). The records are shared.
    pub fn assigned(&self, base_offset: i64, partition_leader_epoch: i32) -> Self {
        RecordBatch { base_offset, partition_leader_epoch, ..self.clone() }
    }

    pub fn is_control(&self) -> bool {
        self.control.is_some()
    }

    pub fn last_offset(&self) -> i64 {
        self.base_offset + self.last_offset_delta as i64
    }

    /// The offset after the batch (`RecordBatch.nextOffset`).
    pub fn next_offset(&self) -> i64 {
        self.last_offset() + 1
    }

    /// The sequence of the last record (`DefaultRecordBatch.lastSequence`), with Kafka's wrap
    /// past `i32::MAX`.
    pub fn last_sequence(&self) -> i32 {
        if self.base_sequence == NO_SEQUENCE {
            NO_SEQUENCE
        } else {
            increment_sequence(self.base_sequence, self.last_offset_delta)
        }
    }

    pub fn record_count(&self) -> usize {
        self.records.len()
    }

    /// Bytes on the wire and on disk: the v2 header plus each record's approximate size.
    pub fn size_bytes(&self) -> usize {
        self.size_bytes
    }

    pub fn records(&self) -> &[DefaultRecord] {
        &self.records
    }

    /// The offset of record `i`.
    pub fn offset_of(&self, i: usize) -> i64 {
        self.base_offset + self.records[i].offset_delta as i64
    }

    /// The index of the first record at or above `offset`.
    pub fn index_of(&self, offset: i64) -> usize {
        let delta = offset - self.base_offset;
        self.records.partition_point(|r| (r.offset_delta as i64) < delta)
    }

    /// Record `i` with its offset, epoch and sequence, as a consumer or a check sees it.
    pub fn record(&self, i: usize) -> Record {
        let r = &self.records[i];
        Record {
            offset: self.base_offset + r.offset_delta as i64,
            leader_epoch: self.partition_leader_epoch,
            timestamp_ms: r.timestamp_ms,
            key: r.key.clone(),
            value: r.value.clone(),
            headers: r.headers.clone(),
            producer_id: self.producer_id,
            sequence: if self.base_sequence == NO_SEQUENCE { NO_SEQUENCE } else { increment_sequence(self.base_sequence, r.offset_delta) },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(values: &[&str], first_ts: i64) -> Rc<Vec<DefaultRecord>> {
        Rc::new(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| DefaultRecord {
                    offset_delta: i as i32,
                    timestamp_ms: first_ts + i as i64,
                    key: None,
                    value: Some(Rc::from(*v)),
                    headers: Rc::from(Vec::new()),
                })
                .collect(),
        )
    }

    #[test]
    fn a_batch_built_by_a_producer_gets_its_offsets_and_epoch_from_the_leader() {
        let b = RecordBatch::new(records(&["a", "bb", "ccc"], 100), 7, 0, 40, false);
        assert_eq!((b.base_offset, b.partition_leader_epoch, b.last_offset_delta, b.max_timestamp_ms), (0, NO_PARTITION_LEADER_EPOCH, 2, 102));
        assert_eq!(b.size_bytes(), RECORD_BATCH_OVERHEAD + 11 + 12 + 13);
        assert_eq!(b.last_sequence(), 42);
        let at = b.assigned(500, 3);
        assert!(Rc::ptr_eq(&at.records, &b.records), "the leader shares the producer's records");
        assert_eq!((at.base_offset, at.last_offset(), at.next_offset(), at.record_count()), (500, 502, 503, 3));
        let r = at.record(1);
        assert_eq!((r.offset, r.leader_epoch, r.timestamp_ms, r.producer_id, r.sequence), (501, 3, 101, 7, 41));
        assert_eq!(r.value.as_deref(), Some("bb"));
        assert_eq!((at.index_of(500), at.index_of(502), at.index_of(503)), (0, 2, 3));
    }

    #[test]
    fn sequences_wrap_past_i32_max_and_plain_producers_have_none() {
        let b = RecordBatch::new(records(&["a", "b", "c"], 0), 7, 0, i32::MAX - 1, false);
        assert_eq!(b.last_sequence(), 0, "DefaultRecordBatch.incrementSequence wraps to 0");
        let plain = RecordBatch::new(records(&["a", "b"], 0), NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_SEQUENCE, false);
        assert_eq!((plain.last_sequence(), plain.record(1).sequence), (NO_SEQUENCE, NO_SEQUENCE));
    }

    #[test]
    fn a_control_batch_holds_one_marker_record_that_takes_an_offset() {
        let marker = EndTransactionMarker { control_type: ControlRecordType::Commit, coordinator_epoch: 2 };
        let b = RecordBatch::end_transaction_marker(9, 1, marker, 1_000).assigned(42, 5);
        assert!(b.is_control() && b.is_transactional);
        assert_eq!(b.control.map(|m| m.control_type), Some(ControlRecordType::Commit));
        assert_eq!((b.base_offset, b.last_offset(), b.next_offset(), b.record_count()), (42, 42, 43, 1));
        assert_eq!(b.size_bytes(), RECORD_BATCH_OVERHEAD + END_TXN_MARKER_RECORD_BYTES);
    }
}
