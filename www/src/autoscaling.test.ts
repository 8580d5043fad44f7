// Unit tests of the auto scaling box's requests (the Application Auto Scaling calls and
// their AWS CLI form) and of a cancelled transaction's reasons matched with its actions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cliCommands, policyName, resourceId, scalableDimension, targetOf, turnOffSteps, turnOnSteps } from "./autoscaling";
import { cancellationReasonsOf, cancelledActions } from "./cancellation";
import { examples } from "./ops";

const TABLE = { table: "Music", index: null, access: "Write" } as const;
const INDEX = { table: "Music", index: "ByYear", access: "Read" } as const;

test("scalable targets are named as Application Auto Scaling names them", () => {
  assert.equal(resourceId(TABLE), "table/Music");
  assert.equal(resourceId(INDEX), "table/Music/index/ByYear");
  assert.equal(scalableDimension(TABLE), "dynamodb:table:WriteCapacityUnits");
  assert.equal(scalableDimension(INDEX), "dynamodb:index:ReadCapacityUnits");
  assert.equal(policyName(TABLE), "DynamoDBWriteCapacityUtilization:table/Music");
  assert.deepEqual(targetOf("table/Music/index/ByYear", "dynamodb:index:ReadCapacityUnits"), INDEX);
  assert.deepEqual(targetOf("table/Music", "dynamodb:table:WriteCapacityUnits"), TABLE);
  assert.equal(targetOf("service/cluster/svc", "ecs:service:DesiredCount"), null);
});

test("turning target tracking on and off", () => {
  const on = turnOnSteps(TABLE, { min: 5, max: 100, targetPercent: 50 });
  assert.deepEqual(on.map((s) => s.operation), ["RegisterScalableTarget", "PutScalingPolicy"]);
  assert.deepEqual(on[0]!.request, { ServiceNamespace: "dynamodb", ResourceId: "table/Music", ScalableDimension: "dynamodb:table:WriteCapacityUnits", MinCapacity: 5, MaxCapacity: 100 });
  assert.deepEqual(on[1]!.request, {
    PolicyName: "DynamoDBWriteCapacityUtilization:table/Music",
    ServiceNamespace: "dynamodb",
    ResourceId: "table/Music",
    ScalableDimension: "dynamodb:table:WriteCapacityUnits",
    PolicyType: "TargetTrackingScaling",
    TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: "DynamoDBWriteCapacityUtilization" } },
  });
  assert.deepEqual(turnOffSteps(INDEX, "p").map((s) => s.operation), ["DeleteScalingPolicy", "DeregisterScalableTarget"]);
  assert.deepEqual(turnOffSteps(INDEX, null).map((s) => s.operation), ["DeregisterScalableTarget"], "a target without a policy is only deregistered");
});

test("the same calls as AWS CLI commands", () => {
  assert.equal(
    cliCommands(turnOnSteps(INDEX, { min: 1, max: 10, targetPercent: 70 })),
    [
      "aws application-autoscaling register-scalable-target \\",
      "    --service-namespace dynamodb \\",
      "    --resource-id table/Music/index/ByYear \\",
      "    --scalable-dimension dynamodb:index:ReadCapacityUnits \\",
      "    --min-capacity 1 \\",
      "    --max-capacity 10",
      "",
      "aws application-autoscaling put-scaling-policy \\",
      "    --policy-name DynamoDBReadCapacityUtilization:table/Music/index/ByYear \\",
      "    --service-namespace dynamodb \\",
      "    --resource-id table/Music/index/ByYear \\",
      "    --scalable-dimension dynamodb:index:ReadCapacityUnits \\",
      "    --policy-type TargetTrackingScaling \\",
      `    --target-tracking-scaling-policy-configuration '{"TargetValue":70,"PredefinedMetricSpecification":{"PredefinedMetricType":"DynamoDBReadCapacityUtilization"}}'`,
    ].join("\n"),
  );
  // A table name the shell would split is quoted.
  assert.match(cliCommands(turnOffSteps({ table: "My Table", index: null, access: "Read" }, null)), /--resource-id 'table\/My Table'/);
});

test("cancellation reasons next to the actions they answer", () => {
  const reasons = cancellationReasonsOf([{ Code: "None" }, { Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: { pk: { S: "a" } } }, { Message: "no code" }, "junk"]);
  assert.deepEqual(reasons, [{ Code: "None" }, { Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: { pk: { S: "a" } } }]);
  assert.equal(cancellationReasonsOf(undefined), undefined);
  const request = JSON.stringify({ TransactItems: [{ Put: { TableName: "A", Item: {} } }, { ConditionCheck: { TableName: "B", Key: {} } }] });
  assert.deepEqual(cancelledActions(reasons!, request).map(({ index, action, table, reason }) => [index, action, table, reason.Code]), [
    [0, "Put", "A", "None"],
    [1, "ConditionCheck", "B", "ConditionalCheckFailed"],
  ]);
  assert.deepEqual(cancelledActions([{ Code: "None" }], "not json").map((a) => [a.action, a.table]), [[null, null]], "the reasons still show without the request");
});

test("the transaction examples: two actions, and a variant whose condition fails", () => {
  const [plain, cancelled] = examples("TransactWriteItems", null) as [any, any];
  assert.deepEqual(plain.request.TransactItems.map((a: object) => Object.keys(a)[0]), ["Put", "Update"]);
  assert.notDeepEqual(plain.request.TransactItems[0].Put.Item.Artist, plain.request.TransactItems[1].Update.Key.Artist, "two items: one action per item");
  assert.equal(cancelled.request.TransactItems[0].Put.ConditionExpression, "attribute_not_exists(#pk)");
  assert.equal(examples("TransactGetItems", null).length, 1);
  assert.equal(examples("PutItem", null).length, 1);
});
