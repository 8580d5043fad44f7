import { test } from "node:test";
import assert from "node:assert/strict";
import { decisionLines, statementName } from "./principals";

test("a statement is named by its Sid and position, and its policy", () => {
  assert.equal(statementName({ SourcePolicyId: "read", SourcePolicyType: "IAM Policy", StatementIndex: 0, Sid: null, Effect: "Allow" }), "Allow statement #1 of policy read");
  assert.equal(
    statementName({ SourcePolicyId: "ResourcePolicy", SourcePolicyType: "Resource Policy", StatementIndex: 1, Sid: "NoDeletes", Effect: "Deny" }),
    "Deny statement NoDeletes (#2) of the table's resource policy",
  );
});

test("each action's decision is a line; a default deny names no statement", () => {
  const table = "arn:aws:dynamodb:us-east-1:000000000000:table/Music";
  const lines = decisionLines([
    { EvalActionName: "dynamodb:GetItem", EvalResourceName: table, EvalDecision: "allowed", DecidingStatement: { SourcePolicyId: "read", SourcePolicyType: "IAM Policy", StatementIndex: 0, Sid: "Read", Effect: "Allow" } },
    { EvalActionName: "dynamodb:PutItem", EvalResourceName: table, EvalDecision: "implicitDeny", DecidingStatement: null },
  ]);
  assert.deepEqual(lines, [
    `Allowed dynamodb:GetItem on ${table}: Allow statement Read (#1) of policy read`,
    `Denied by default dynamodb:PutItem on ${table}: no statement allows it`,
  ]);
});
