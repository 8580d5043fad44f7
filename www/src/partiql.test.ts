// Unit tests of the PartiQL mode's statement splitting, parameter hand-out and requests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { countParameters, parseParameters, PartiqlInputError, partiqlRequest, splitStatements, statementRanges } from "./partiql";

test("statements split at ; outside strings, quoted names and comments", () => {
  assert.deepEqual(splitStatements(`SELECT * FROM "a;b" WHERE x = 'it''s; here';\n-- a comment; still\nDELETE FROM t WHERE k = 1;`), [
    `SELECT * FROM "a;b" WHERE x = 'it''s; here'`,
    "-- a comment; still\nDELETE FROM t WHERE k = 1",
  ]);
  assert.deepEqual(splitStatements("  ;; \n -- only a comment\n"), []);
  assert.deepEqual(splitStatements("SELECT * FROM t /* ; */"), ["SELECT * FROM t /* ; */"]);
});

test("statement ranges point into the text, blanks left out", () => {
  const text = "  SELECT * FROM t ;\n\n DELETE FROM u WHERE k = 1  ";
  assert.deepEqual(statementRanges(text).map(({ from, to }) => [from, to, text.slice(from, to)]), [
    [2, 17, "SELECT * FROM t"],
    [22, 47, "DELETE FROM u WHERE k = 1"],
  ]);
});

test("parameters are counted outside strings and handed out in order", () => {
  assert.equal(countParameters(`SELECT * FROM t WHERE a = ? AND b = '?' AND "c?" = ?`), 2);
  const { operation, request } = partiqlRequest("INSERT INTO t VALUE {'k': ?};\nUPDATE t SET v = ? WHERE k = ?", [{ S: "1" }, { N: "2" }, { S: "1" }], "transaction");
  assert.equal(operation, "ExecuteTransaction");
  assert.deepEqual(request, {
    TransactStatements: [
      { Statement: "INSERT INTO t VALUE {'k': ?}", Parameters: [{ S: "1" }] },
      { Statement: "UPDATE t SET v = ? WHERE k = ?", Parameters: [{ N: "2" }, { S: "1" }] },
    ],
    ReturnConsumedCapacity: "TOTAL",
  });
  assert.deepEqual(partiqlRequest("SELECT * FROM t; SELECT * FROM u", undefined, "batch").request, {
    Statements: [{ Statement: "SELECT * FROM t" }, { Statement: "SELECT * FROM u" }],
    ReturnConsumedCapacity: "TOTAL",
  });
});

test("one statement runs as ExecuteStatement, with its Limit and NextToken when paging", () => {
  assert.deepEqual(partiqlRequest(`SELECT * FROM "Music";`, [{ S: "x" }], "single", { limit: 2, nextToken: "tok" }), {
    operation: "ExecuteStatement",
    request: { Statement: `SELECT * FROM "Music"`, Parameters: [{ S: "x" }], Limit: 2, NextToken: "tok", ReturnConsumedCapacity: "TOTAL" },
  });
  assert.throws(() => partiqlRequest("SELECT * FROM a; SELECT * FROM b", undefined, "single"), /2 statements/);
  assert.throws(() => partiqlRequest("  ", undefined, "single"), PartiqlInputError);
});

test("the Parameters field: empty is none, otherwise a JSON array", () => {
  assert.equal(parseParameters("  "), undefined);
  assert.deepEqual(parseParameters(`[{"S":"a"}]`), [{ S: "a" }]);
  assert.throws(() => parseParameters(`{"S":"a"}`), /JSON array/);
  assert.throws(() => parseParameters(`[`), /not valid JSON/);
});
