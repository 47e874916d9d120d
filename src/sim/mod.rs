//! The deterministic engine: a discrete-event simulation of a Kafka cluster at the
//! granularity of Kafka's own requests. No web, no I/O, no wall clock, no threads: virtual
//! time in milliseconds, one seeded ChaCha8 RNG, and ordered collections only.
pub mod assignor;
pub mod broker;
mod chunked;
pub mod config;
pub mod connection;
pub mod consumer;
pub mod consumer_coordinator;
pub mod controller;
pub mod coordinator;
mod delayed_fetch;
mod delayed_produce;
mod engine;
pub mod error;
mod event;
mod fault;
mod gauges;
pub mod group;
pub mod group_admin;

mod group_coordinator;
mod group_metadata_manager;
pub mod invariants;
pub mod log;
mod log_manager;
pub mod message;
mod metadata_cache;
pub mod metrics;
mod murmur2;
mod network;
mod out;
pub mod partition;
pub mod placement;
pub mod producer;
pub mod record_batch;
mod replica_fetcher;
mod replica_manager;
pub mod trace;
pub mod types;
pub mod view;

pub use engine::{Client, Sim};
pub use error::{AdminError, KafkaError};
pub use fault::Fault;
pub use murmur2::{murmur2, partition_for_key, to_positive};
pub use out::Timer;
pub use types::{BrokerId, ClientId, Millis, NodeId, ProducerRecord, Record, TopicPartition};
