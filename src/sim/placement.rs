//! Replica placement without racks, as Kafka's `AdminUtils.assignReplicasToBrokersRackUnaware`
//! places replicas (core/src/main/scala/kafka/admin/AdminUtils.scala; the Java port lives in
//! server-common/src/main/java/org/apache/kafka/admin/AdminUtils.java). Leaders are spread
//! round-robin from a start index and followers are shifted so that replicas of consecutive
//! partitions do not all land on the same brokers. Kafka draws the start index and shift at
//! random; the simulator draws them from its seeded RNG.

use super::types::BrokerId;

/// Assigns `n_partitions` partitions, starting at `start_partition_id`, over `brokers` (sorted
/// ascending, as Kafka sorts the broker list). `start_index` and `replica_shift` are the two
/// random draws in Kafka (`fixedStartIndex` pins both in its tests).
pub fn assign_replicas(
    n_partitions: i32,
    replication_factor: i32,
    brokers: &[BrokerId],
    start_index: usize,
    replica_shift: usize,
    start_partition_id: i32,
) -> Vec<Vec<BrokerId>> {
    let n = brokers.len();
    if n == 0 || replication_factor < 1 || replication_factor as usize > n {
        return Vec::new();
    }
    let mut next_replica_shift = replica_shift;
    let first_partition_id = start_partition_id.max(0) as usize;
    let mut out = Vec::with_capacity(n_partitions.max(0) as usize);
    for current_partition_id in (first_partition_id..).take(n_partitions.max(0) as usize) {
        if current_partition_id > 0 && current_partition_id % n == 0 {
            next_replica_shift += 1;
        }
        let first = (current_partition_id + start_index) % n;
        let mut replicas = vec![brokers[first]];
        for j in 0..(replication_factor as usize - 1) {
            replicas.push(brokers[replica_index(first, next_replica_shift, j, n)]);
        }
        out.push(replicas);
    }
    out
}

fn replica_index(first_replica_index: usize, second_replica_shift: usize, replica_index: usize, n_brokers: usize) -> usize {
    if n_brokers == 1 {
        return first_replica_index;
    }
    let shift = 1 + (second_replica_shift + replica_index) % (n_brokers - 1);
    (first_replica_index + shift) % n_brokers
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kafka's AdminTest.testReplicaAssignment: brokers 0..4, 10 partitions, RF 3,
    /// fixedStartIndex 0.
    #[test]
    fn kafka_admin_test_vector() {
        let got = assign_replicas(10, 3, &[0, 1, 2, 3, 4], 0, 0, 0);
        let expected: Vec<Vec<i32>> = vec![
            vec![0, 1, 2],
            vec![1, 2, 3],
            vec![2, 3, 4],
            vec![3, 4, 0],
            vec![4, 0, 1],
            vec![0, 2, 3],
            vec![1, 3, 4],
            vec![2, 4, 0],
            vec![3, 0, 1],
            vec![4, 1, 2],
        ];
        assert_eq!(got, expected);
    }
}
