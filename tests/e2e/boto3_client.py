"""boto3 against `dynaplay serve` (run by serve.test.mjs): python3 boto3_client.py ENDPOINT.

Creates table Boto and checks items, typed exceptions, transaction cancellation reasons and
the resource API's marshalling. botocore verifies each response's x-amz-crc32."""
import sys

import boto3
from boto3.dynamodb.conditions import Key

endpoint = sys.argv[1]
client = boto3.client("dynamodb", endpoint_url=endpoint)
client.create_table(
    TableName="Boto",
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
    BillingMode="PAY_PER_REQUEST",
)
client.put_item(TableName="Boto", Item={"pk": {"S": "a"}, "sk": {"N": "1"}})
assert client.get_item(TableName="Boto", Key={"pk": {"S": "a"}, "sk": {"N": "1"}})["Item"] == {"pk": {"S": "a"}, "sk": {"N": "1"}}

try:
    client.put_item(TableName="Boto", Item={"pk": {"S": "a"}, "sk": {"N": "1"}}, ConditionExpression="attribute_not_exists(pk)")
    raise AssertionError("the conditional put should have failed")
except client.exceptions.ConditionalCheckFailedException as error:
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error.response["Error"]["Message"] == "The conditional request failed"

try:
    client.transact_write_items(
        TransactItems=[{"Put": {"TableName": "Boto", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ConditionExpression": "attribute_not_exists(pk)"}}]
    )
    raise AssertionError("the transaction should have been cancelled")
except client.exceptions.TransactionCanceledException as error:
    assert [reason["Code"] for reason in error.response["CancellationReasons"]] == ["ConditionalCheckFailed"]

table = boto3.resource("dynamodb", endpoint_url=endpoint).Table("Boto")
table.put_item(Item={"pk": "b", "sk": 2, "tags": {"x", "y"}, "doc": {"n": 3}})
items = table.query(KeyConditionExpression=Key("pk").eq("b"))["Items"]
assert items == [{"pk": "b", "sk": 2, "tags": {"x", "y"}, "doc": {"n": 3}}], items
print("boto3: all checks passed")
