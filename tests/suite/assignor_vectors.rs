//! Every assignor case transcribed from Kafka's own unit tests (tests/data/assignors.json,
//! copied from ../shared/kafka-reference), compared the way each Java test compares.
use kafka_flightsim::vecmap::{VecMap, VecSet};

use kafka_flightsim::sim::assignor::{assign, Assignment, Assignor, Member, UserData};
use kafka_flightsim::sim::TopicPartition;
use serde_json::Value;

fn parse_tp(s: &str) -> TopicPartition {
    let (t, p) = s.rsplit_once('-').expect("topic-partition");
    TopicPartition::new(t, p.parse().expect("partition number"))
}

/// A member's previous assignment goes where each Java test puts it: in the subscription's
/// ownedPartitions and generationId, and for the sticky assignor also in the userData
/// (StickyAssignorTest.buildSubscriptionV2Above serialises MemberData(partitions, generation)).
fn members(case: &Value) -> Vec<Member> {
    let mut v: Vec<Member> = case["members"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, m)| {
            let owned: Vec<TopicPartition> =
                m.get("owned").and_then(Value::as_array).map(|a| a.iter().map(|x| parse_tp(x.as_str().unwrap())).collect()).unwrap_or_default();
            let generation = m.get("generation").and_then(Value::as_i64).map(|g| g as i32);
            Member {
                member_id: id.clone(),
                group_instance_id: m["group_instance_id"].as_str().map(String::from),
                topics: m["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect(),
                user_data: (!owned.is_empty() || generation.is_some()).then(|| UserData { partitions: owned.clone(), generation }),
                owned,
                generation,
            }
        })
        .collect();
    // The Java tests put members into their maps in the order the test lists them.
    v.sort_by_key(|m| case["members"].as_object().unwrap().keys().position(|k| *k == m.member_id));
    v
}

/// The member rejoining after `generation` with `partitions`, in both places a subscription
/// carries them.
fn with_previous(m: &Member, partitions: &[TopicPartition], generation: i32) -> Member {
    Member {
        owned: partitions.to_vec(),
        generation: Some(generation),
        user_data: Some(UserData { partitions: partitions.to_vec(), generation: Some(generation) }),
        ..m.clone()
    }
}

fn partitions(case: &Value) -> VecMap<String, i32> {
    case["partitions_per_topic"].as_object().unwrap().iter().map(|(t, n)| (t.clone(), n.as_i64().unwrap() as i32)).collect()
}

fn strings(a: &Assignment, member: &str) -> Vec<String> {
    a.by_member.get(member).map(|l| l.iter().map(|p| p.to_string()).collect()).unwrap_or_default()
}

fn check(case: &Value, assignor: Assignor, got: &Assignment) -> Result<(), String> {
    let name = case["test"].as_str().unwrap();
    for (member, exp) in case["expected"].as_object().unwrap() {
        let exp: Vec<String> = exp.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
        let mine = strings(got, member);
        let same = match case["compare"].as_str().unwrap() {
            "set" => exp.iter().collect::<VecSet<_>>() == mine.iter().collect::<VecSet<_>>(),
            _ => exp == mine,
        };
        if !same {
            return Err(format!("{} / {name}: {member} got {mine:?}, expected {exp:?}", assignor.name()));
        }
    }
    Ok(())
}

fn run_kind(kind: &str, assignors: &dyn Fn(&Value) -> Vec<Assignor>) -> usize {
    let data: Value = serde_json::from_str(include_str!("../data/assignors.json")).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in data[kind].as_array().unwrap() {
        let ppt = partitions(case);
        for assignor in assignors(case) {
            let ms = members(case);
            let mut got = assign(assignor, &ppt, &ms);
            let first = got.clone();
            let final_state = case["assert_point"].as_str().is_some_and(|p| p.starts_with("after verifyValidityAndBalance"));
            if assignor.is_cooperative() && final_state {
                // verifyValidityAndBalance: rerun with owned = last result (generation 1) until
                // nothing is withheld any more.
                for _ in 0..5 {
                    if got.transferring.is_empty() {
                        break;
                    }
                    let next: Vec<Member> = ms.iter().map(|m| with_previous(m, &got.by_member[&m.member_id], 1)).collect();
                    got = assign(assignor, &ppt, &next);
                }
            }
            checked += 1;
            if let Err(e) = check(case, assignor, &got) {
                failures.push(e);
            }
            if let Some(exp) = case.get("expected_partitions_transferring_ownership").and_then(Value::as_object) {
                if !(assignor.is_cooperative() && final_state) {
                    let exp: VecMap<String, String> = exp.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).collect();
                    let mine: VecMap<String, String> = first.transferring.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
                    if exp != mine {
                        failures.push(format!("{} / {}: transferring {mine:?}, expected {exp:?}", assignor.name(), case["test"]));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} cases failed:\n{}", failures.len(), failures.join("\n"));
    checked
}

#[test]
fn range_cases() {
    assert!(run_kind("range", &|_| vec![Assignor::Range]) >= 10);
}

#[test]
fn roundrobin_cases() {
    assert!(run_kind("roundrobin", &|_| vec![Assignor::RoundRobin]) >= 8);
}

#[test]
fn sticky_and_cooperative_sticky_cases() {
    let n = run_kind("sticky", &|case| {
        case["applies_to"].as_array().unwrap().iter().map(|a| Assignor::parse(a.as_str().unwrap()).expect("known assignor")).collect()
    });
    assert!(n >= 20);
}
