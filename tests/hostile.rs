//! Hostile input never panics (a panic in wasm kills the page's database): mutated
//! requests from a seeded generator, deep nesting and huge values all answer an error
//! or a response, and a rejected request changes nothing.
//!
//! The mutation fuzz runs 20,000 requests by default; `DYNAPLAY_FUZZ_SECONDS=600 cargo
//! test --release --test hostile -- --nocapture` runs it for ten minutes instead and
//! prints how many requests it sent.

mod common;

use common::{kinesis_of, state_of, Harness};
use dynaplay::api::RequestOptions;
use std::time::{Duration, Instant};

const SEEDS: [(&str, &str); 41] = [
    (
        "CreateTable",
        r#"{"TableName":"Music","KeySchema":[{"AttributeName":"a","KeyType":"HASH"},{"AttributeName":"s","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"s","AttributeType":"N"}],"BillingMode":"PAY_PER_REQUEST","Tags":[{"Key":"k","Value":"v"}],"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}"#,
    ),
    (
        "PutItem",
        r#"{"TableName":"Music","Item":{"a":{"S":"x"},"s":{"N":"1.5e3"},"ttl":{"N":"1800000000.5"},"m":{"M":{"l":{"L":[{"NS":["1","2"]},{"B":"AAEC"},{"NULL":true}]}}}},"ReturnValues":"ALL_OLD"}"#,
    ),
    // A plain PutItem, which is read straight into its packed item.
    (
        "PutItem",
        r#"{"TableName":"Music","Item":{"z":{"M":{"y":{"N":"1.50"},"x":{"SS":["b","a"]}}},"s":{"N":"2"},"a":{"S":"p\n"},"b":{"BS":["AQ=="]}}}"#,
    ),
    ("GetItem", r#"{"TableName":"Music","Key":{"a":{"S":"x"},"s":{"N":"1500"}},"ConsistentRead":true}"#),
    (
        "TransactWriteItems",
        r##"{"ClientRequestToken":"t1","ReturnConsumedCapacity":"INDEXES","TransactItems":[{"Put":{"TableName":"Music","Item":{"a":{"S":"t"},"s":{"N":"1"},"m":{"M":{"x":{"SS":["a"]}}}},"ConditionExpression":"attribute_not_exists(a)"}},{"Update":{"TableName":"Music","Key":{"a":{"S":"u"},"s":{"N":"2"}},"UpdateExpression":"SET #c = :v ADD n :one","ExpressionAttributeNames":{"#c":"c"},"ExpressionAttributeValues":{":v":{"L":[{"N":"1"}]},":one":{"N":"1"}},"ReturnValuesOnConditionCheckFailure":"ALL_OLD"}},{"ConditionCheck":{"TableName":"Music","Key":{"a":{"S":"x"},"s":{"N":"1500"}},"ConditionExpression":"size(m) > :z","ExpressionAttributeValues":{":z":{"N":"0"}}}},{"Delete":{"TableName":"Music","Key":{"a":{"S":"d"},"s":{"N":"4"}}}}]}"##,
    ),
    (
        "TransactGetItems",
        r##"{"ReturnConsumedCapacity":"TOTAL","TransactItems":[{"Get":{"TableName":"Music","Key":{"a":{"S":"t"},"s":{"N":"1"}},"ProjectionExpression":"m.#x","ExpressionAttributeNames":{"#x":"x"}}},{"Get":{"TableName":"Music","Key":{"a":{"S":"x"},"s":{"N":"1500"}}}}]}"##,
    ),
    ("DeleteItem", r#"{"TableName":"Music","Key":{"a":{"S":"x"},"s":{"N":"1500"}},"ReturnValues":"ALL_OLD"}"#),
    (
        "UpdateTable",
        r#"{"TableName":"Music","BillingMode":"PROVISIONED","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}"#,
    ),
    (
        "TagResource",
        r#"{"ResourceArn":"arn:aws:dynamodb:us-east-1:000000000000:table/Music","Tags":[{"Key":"a","Value":"b"}]}"#,
    ),
    (
        "UpdateItem",
        r##"{"TableName":"Music","Key":{"a":{"S":"x"},"s":{"N":"1500"}},"UpdateExpression":"SET #c = if_not_exists(#c, :z) + :one, l = list_append(:l, if_not_exists(l, :l)) REMOVE m.l[0] ADD ns :ns DELETE ss :ss","ConditionExpression":"attribute_not_exists(a) OR (size(m) < :one AND NOT contains(ss, :str))","ExpressionAttributeNames":{"#c":"count"},"ExpressionAttributeValues":{":z":{"N":"0"},":one":{"N":"1"},":l":{"L":[{"S":"v"}]},":ns":{"NS":["2"]},":ss":{"SS":["q"]},":str":{"S":"q"}},"ReturnValues":"UPDATED_NEW"}"##,
    ),
    (
        "Query",
        r##"{"TableName":"Music","KeyConditionExpression":"a = :a AND s BETWEEN :lo AND :hi","FilterExpression":"m.l[1] IN (:a, :lo) OR begins_with(#n, :a)","ProjectionExpression":"a, s, m.l[0], #n","ExpressionAttributeNames":{"#n":"name"},"ExpressionAttributeValues":{":a":{"S":"x"},":lo":{"N":"0"},":hi":{"N":"9e3"}},"Limit":3,"ScanIndexForward":false}"##,
    ),
    (
        "Scan",
        r##"{"TableName":"Music","FilterExpression":"attribute_type(m, :t) AND s >= :lo","ExpressionAttributeValues":{":t":{"S":"M"},":lo":{"N":"-1"}},"Segment":0,"TotalSegments":2,"Select":"COUNT"}"##,
    ),
    (
        "BatchWriteItem",
        r##"{"RequestItems":{"Music":[{"PutRequest":{"Item":{"a":{"S":"y"},"s":{"N":"2"}}}},{"DeleteRequest":{"Key":{"a":{"S":"z"},"s":{"N":"3"}}}}]}}"##,
    ),
    (
        "Dynaplay.Configure",
        r#"{"PartitionSizeLimitBytes":4096,"AdaptiveCapacity":false,"ItemCollectionSizeLimitBytes":2048,"Throttling":true,"TtlSweepDelayMillis":0}"#,
    ),
    ("Dynaplay.SetClock", r#"{"Rate":0,"AdvanceMillis":1000}"#),
    ("Dynaplay.DescribeMetrics", r#"{"TableName":"Music"}"#),
    ("UpdateTimeToLive", r#"{"TableName":"Music","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"ttl"}}"#),
    ("DescribeTimeToLive", r#"{"TableName":"Music"}"#),
    (
        "UpdateContributorInsights",
        r#"{"TableName":"Music","ContributorInsightsAction":"ENABLE","ContributorInsightsMode":"THROTTLED_KEYS"}"#,
    ),
    ("DescribeContributorInsights", r#"{"TableName":"Music"}"#),
    ("ListContributorInsights", r#"{"TableName":"Music","MaxResults":1,"NextToken":"Music/"}"#),
    ("Dynaplay.DescribeContributorInsightsReport", r#"{"TableName":"Music","WindowMillis":60000,"MaxContributors":3}"#),
    ("Dynaplay.CreateDaxCluster", r#"{"ClusterName":"c-1","ItemTtlMillis":1000,"QueryTtlMillis":500}"#),
    ("Dynaplay.DescribeDaxClusters", r#"{"ClusterNames":["c-1"]}"#),
    ("DynamoDBStreams_20120810.ListStreams", r#"{"TableName":"Music","Limit":5}"#),
    (
        "DynamoDBStreams_20120810.DescribeStream",
        r#"{"StreamArn":"arn:aws:dynamodb:us-east-1:000000000000:table/Music/stream/2023-11-14T22:13:20.000","Limit":1}"#,
    ),
    (
        "DynamoDBStreams_20120810.GetShardIterator",
        r#"{"StreamArn":"arn:aws:dynamodb:us-east-1:000000000000:table/Music/stream/2023-11-14T22:13:20.000","ShardId":"shardId-00000001700000000000-5e9a37bb","ShardIteratorType":"AFTER_SEQUENCE_NUMBER","SequenceNumber":"170000000000000000001"}"#,
    ),
    (
        "DynamoDBStreams_20120810.GetRecords",
        r#"{"ShardIterator":"61726e3a6177733a64796e616d6f64623a75732d656173742d313a3030303030303030303030303a7461626c652f4d757369632f73747265616d2f323032332d31312d31345432323a31333a32302e3030307c736861726449642d30303030303030313730303030303030303030302d35653961333762627c317c31373030303030303030303030","Limit":2}"#,
    ),
    ("Kinesis_20131202.CreateStream", r#"{"StreamName":"K","ShardCount":2}"#),
    (
        "EnableKinesisStreamingDestination",
        r#"{"TableName":"Music","StreamArn":"arn:aws:kinesis:us-east-1:000000000000:stream/K","EnableKinesisStreamingConfiguration":{"ApproximateCreationDateTimePrecision":"MICROSECOND"}}"#,
    ),
    (
        "Kinesis_20131202.PutRecords",
        r#"{"StreamName":"K","Records":[{"PartitionKey":"a","Data":"aGk=","ExplicitHashKey":"12"},{"PartitionKey":"b","Data":""}]}"#,
    ),
    (
        "Kinesis_20131202.GetShardIterator",
        r#"{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/K","ShardId":"shardId-000000000001","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1700000000.5}"#,
    ),
    (
        "Kinesis_20131202.GetRecords",
        r#"{"ShardIterator":"61726e3a6177733a6b696e657369733a75732d656173742d313a3030303030303030303030303a73747265616d2f4b7c736861726449642d3030303030303030303030307c307c31373030303030303030303030","Limit":3}"#,
    ),
    (
        "Kinesis_20131202.RegisterStreamConsumer",
        r#"{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/K","ConsumerName":"c"}"#,
    ),
    ("Kinesis_20131202.IncreaseStreamRetentionPeriod", r#"{"StreamName":"K","RetentionPeriodHours":8760}"#),
    (
        "BatchGetItem",
        r##"{"RequestItems":{"Music":{"Keys":[{"a":{"S":"y"},"s":{"N":"2"}}],"ProjectionExpression":"a, #s","ExpressionAttributeNames":{"#s":"s"},"ConsistentRead":true}}}"##,
    ),
    (
        "ExecuteStatement",
        r##"{"Statement":"INSERT INTO Music VALUE {'a': 'p', 's': 1, 'l': [1, 'x', {'m': <<'a', 'b'>>}], 'n': NULL}"}"##,
    ),
    (
        "ExecuteStatement",
        r##"{"Statement":"UPDATE Music SET n = 1, l[0] = l[0] + ? SET ss = set_add(ss, <<'q'>>) REMOVE m.l WHERE a = 'p' AND s = 1 AND (NOT contains(l, 'y') OR n IS MISSING) RETURNING MODIFIED NEW *","Parameters":[{"N":"2"}]}"##,
    ),
    (
        "ExecuteStatement",
        r##"{"Statement":"SELECT a, l[1], \"m\".x FROM \"Music\" WHERE a = ? AND s BETWEEN 0 AND 9 AND attribute_type(n, 'N') ORDER BY s DESC","Parameters":[{"S":"p"}],"Limit":2,"ReturnConsumedCapacity":"INDEXES"}"##,
    ),
    (
        "BatchExecuteStatement",
        r##"{"Statements":[{"Statement":"DELETE FROM Music WHERE a = 'q' AND s = 2 RETURNING ALL OLD *"},{"Statement":"INSERT INTO Music VALUE {'a': ?, 's': 3}","Parameters":[{"S":"r"}]}]}"##,
    ),
    (
        "ExecuteTransaction",
        r##"{"TransactStatements":[{"Statement":"UPDATE Music SET n = 2 WHERE a = 'p' AND s = 1"},{"Statement":"EXISTS(SELECT * FROM Music WHERE a = 'y' AND s = 2 AND s > 1)"}],"ClientRequestToken":"p1"}"##,
    ),
];

/// Characters that make JSON, DynamoDB values and expressions interesting to break.
const ALPHABET: &[u8] = br#"{}[]":,.-+eE0123456789 SNBMLabc\u#()=<>"#;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut bytes = seed.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len());
        match rng.below(3) {
            0 => bytes[at] = ALPHABET[rng.below(ALPHABET.len())],
            1 => {
                bytes.remove(at);
            }
            _ => bytes.insert(at, ALPHABET[rng.below(ALPHABET.len())]),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Whether the fuzz should go on after `sent` requests: a fixed count by default, or
/// for DYNAPLAY_FUZZ_SECONDS seconds.
fn keep_going(sent: u64, started: Instant) -> bool {
    match std::env::var("DYNAPLAY_FUZZ_SECONDS").ok().and_then(|seconds| seconds.parse().ok()) {
        Some(seconds) => started.elapsed() < Duration::from_secs(seconds),
        None => sent < 20_000,
    }
}

#[test]
fn mutated_requests_never_panic_and_failures_change_nothing() {
    let mut h = Harness::new();
    for (operation, body) in SEEDS {
        h.send(operation, body).unwrap();
    }
    let mut rng = Rng(0x5EED);
    let (started, mut sent) = (Instant::now(), 0u64);
    while keep_going(sent, started) {
        sent += 1;
        let (operation, seed) = SEEDS[rng.below(SEEDS.len())];
        let before = (state_of(&h.db), kinesis_of(&h.db));
        let body = mutate(&mut rng, seed);
        if h.send(operation, &body).is_err() {
            assert_eq!((state_of(&h.db), kinesis_of(&h.db)), before, "a rejected {operation} changed the database");
        } else if sent % 100 == 0 {
            // What a request stored must open again (a stored item with an empty name would not).
            let reopened = dynaplay::storage::Database::open(&h.store.snapshot(), Box::new(h.clock.clone()));
            assert!(reopened.is_ok(), "the store no longer opens after {operation} {body}");
        }
    }
    h.assert_memory_equals_store();
    println!("fuzz: {sent} mutated requests in {:.0} s, no panic", started.elapsed().as_secs_f64());
}

/// The same mutated requests sent as a principal whose policies use every condition
/// key: authorizing them (parsing keys, projections, key conditions, PartiQL) never
/// panics, and a refused request changes nothing.
#[test]
fn mutated_requests_as_a_principal_never_panic() {
    let mut h = Harness::new();
    for (operation, body) in SEEDS {
        h.send(operation, body).unwrap();
    }
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*",
        "Condition":{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["*a*","${aws:username}"],"dynamodb:Attributes":["?*"]}}},
        {"Effect":"Deny","Action":"dynamodb:*","Resource":"*","Condition":{"StringEqualsIfExists":{"dynamodb:ReturnValues":"ALL_NEW"},
        "ForAnyValue:StringNotLike":{"dynamodb:Select":"*ATTRIBUTES"},"StringNotEquals":{"dynamodb:ReturnConsumedCapacity":"NONE"}}}]}"#;
    let principal = serde_json::json!({"Name": "fuzzer", "Policies": [{"PolicyName": "p", "PolicyDocument": policy}]});
    h.send("Dynaplay.PutPrincipal", &principal.to_string()).unwrap();
    let options = RequestOptions { principal: Some("fuzzer".into()), ..RequestOptions::default() };
    let mut rng = Rng(0xACCE55);
    for _ in 0..5_000 {
        let (operation, seed) = SEEDS[rng.below(SEEDS.len())];
        let before = (state_of(&h.db), kinesis_of(&h.db));
        let body = mutate(&mut rng, seed);
        if h.send_with(operation, &body, &options).is_err() {
            assert_eq!((state_of(&h.db), kinesis_of(&h.db)), before, "a rejected {operation} changed the database");
        }
    }
    h.assert_memory_equals_store();
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut h = Harness::new();
    h.send("CreateTable", SEEDS[0].1).unwrap();
    let depth = 100_000;
    let value = format!("{}{{\"S\":\"x\"}}{}", "{\"L\":[".repeat(depth), "]}".repeat(depth));
    let body = format!(r#"{{"TableName":"Music","Item":{{"a":{{"S":"x"}},"s":{{"N":"1"}},"deep":{value}}}}}"#);
    assert!(h.send("PutItem", &body).is_err());
}

#[test]
fn an_item_over_400_kb_is_refused() {
    let mut h = Harness::new();
    h.send("CreateTable", SEEDS[0].1).unwrap();
    let body = format!(
        r#"{{"TableName":"Music","Item":{{"a":{{"S":"x"}},"s":{{"N":"1"}},"big":{{"S":"{}"}}}}}}"#,
        "x".repeat(410_000)
    );
    let error = h.send("PutItem", &body).unwrap_err();
    assert_eq!(error.message, "Item size has exceeded the maximum allowed size");
}
