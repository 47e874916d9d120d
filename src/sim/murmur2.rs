//! Kafka's default partitioner hash, bit for bit.
//!
//! Port of `Utils.murmur2` and `Utils.toPositive` (apache/kafka
//! clients/src/main/java/org/apache/kafka/common/utils/Utils.java lines 492-530 and 1187-1189),
//! with Java's wrapping 32-bit arithmetic. `BuiltInPartitioner.partitionForKey`
//! (BuiltInPartitioner.java:329-331) is `toPositive(murmur2(key)) % numPartitions`.

/// Kafka's murmur2 over the serialized key bytes, as a Java `int`.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let length = data.len();
    let mut h: u32 = SEED ^ (length as u32);
    let length4 = length / 4;
    for i in 0..length4 {
        let i4 = i * 4;
        let mut k = u32::from_le_bytes([data[i4], data[i4 + 1], data[i4 + 2], data[i4 + 3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    // Java's switch with fall-through over the 1 to 3 trailing bytes. Java sign-extends the
    // bytes before shifting ((data[i] & 0xff) in Kafka, so no sign extension).
    let tail = length & !3;
    let rest = length % 4;
    if rest >= 3 {
        h ^= (data[tail + 2] as u32) << 16;
    }
    if rest >= 2 {
        h ^= (data[tail + 1] as u32) << 8;
    }
    if rest >= 1 {
        h ^= data[tail] as u32;
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// `Utils.toPositive`: a mask, not `abs` (so i32::MIN maps to 0).
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// The partition of a keyed record: `toPositive(murmur2(keyBytes)) % numPartitions`.
/// `num_partitions` is the count of all partitions of the topic, available or not.
pub fn partition_for_key(key: &[u8], num_partitions: i32) -> i32 {
    debug_assert!(num_partitions > 0);
    to_positive(murmur2(key)) % num_partitions.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_utils_test_vectors() {
        // UtilsTest.testMurmur2 (the full set lives in tests/data/murmur2.json).
        assert_eq!(murmur2(b"21"), -973932308);
        assert_eq!(murmur2(b"foobar"), -790332482);
    }

    #[test]
    fn to_positive_is_a_mask() {
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(-1), i32::MAX);
    }
}
