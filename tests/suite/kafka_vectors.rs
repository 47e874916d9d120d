//! Kafka compatibility vectors copied from ../shared/kafka-reference into tests/data.
use kafka_flightsim::sim::{murmur2, partition_for_key, to_positive};
use serde_json::Value;

fn data() -> Value {
    serde_json::from_str(include_str!("../data/murmur2.json")).expect("murmur2.json parses")
}

fn bytes(v: &Value) -> Vec<u8> {
    v.as_array().expect("byte array").iter().map(|b| b.as_u64().expect("byte") as u8).collect()
}

#[test]
fn murmur2_matches_kafka_utils_test() {
    let d = data();
    let vectors = d["murmur2_vectors_from_kafka_tests"]["vectors"].as_array().unwrap();
    assert!(!vectors.is_empty());
    for v in vectors {
        let input = bytes(&v["input_bytes"]);
        assert_eq!(murmur2(&input) as i64, v["murmur2_signed_i32"].as_i64().unwrap(), "input {:?}", v["input_utf8"]);
    }
}

#[test]
fn partitions_match_kafka_python_java_compatibility_vectors() {
    let d = data();
    let block = &d["partition_vectors_from_kafka_python_tests"];
    let n = block["num_partitions"].as_i64().unwrap() as i32;
    for v in block["vectors"].as_array().unwrap() {
        let input = bytes(&v["input_bytes"]);
        assert_eq!(partition_for_key(&input, n) as i64, v["expected_partition"].as_i64().unwrap(), "input {:?}", v["input_utf8"]);
    }
}

#[test]
fn computed_examples_match_for_every_partition_count() {
    let d = data();
    let examples = d["computed_examples"]["examples"].as_array().unwrap();
    assert!(!examples.is_empty());
    for e in examples {
        let key = bytes(&e["key_bytes"]);
        assert_eq!(murmur2(&key) as i64, e["murmur2_signed_i32"].as_i64().unwrap());
        assert_eq!(to_positive(murmur2(&key)) as i64, e["to_positive"].as_i64().unwrap());
        for (n, p) in e["partitions"].as_object().unwrap() {
            let n: i32 = n.parse().unwrap();
            assert_eq!(partition_for_key(&key, n) as i64, p.as_i64().unwrap(), "key {:?} over {n}", e["key_utf8"]);
        }
    }
}
