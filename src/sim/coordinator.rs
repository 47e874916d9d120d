//! Which broker coordinates a consumer group: the leader of partition
//! `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions` of `__consumer_offsets`
//! (GroupCoordinator.partitionFor / GroupMetadataManager.partitionFor).

pub const OFFSETS_TOPIC: &str = "__consumer_offsets";
/// offsets.topic.num.partitions (GroupCoordinatorConfig default).
pub const OFFSETS_TOPIC_NUM_PARTITIONS: i32 = 50;

/// Java's `String.hashCode`.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32))
}

/// `Utils.abs`: Math.abs, except Integer.MIN_VALUE maps to 0.
pub fn java_abs(n: i32) -> i32 {
    if n == i32::MIN {
        0
    } else {
        n.abs()
    }
}

pub fn coordinator_partition(group_id: &str, num_partitions: i32) -> i32 {
    java_abs(java_string_hash(group_id)) % num_partitions.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_semantics() {
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        // "polygenelubricants".hashCode() == Integer.MIN_VALUE, a well-known Java fact.
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
        assert_eq!(coordinator_partition("polygenelubricants", 50), 0);
        assert_eq!(coordinator_partition("my-group", 50), java_abs(java_string_hash("my-group")) % 50);
    }
}
