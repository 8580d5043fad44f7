// DynamoDB's reserved words (copied once from the engine's src/expr/reserved.rs; a unit test
// compares the two lists, so they stay in sync), and what the console does with them: find a
// reserved word used as a bare attribute name in an expression, which the engine refuses
// ("Attribute name is a reserved keyword; reserved keyword: X"), and rewrite the request to
// name it through an ExpressionAttributeNames placeholder instead.

/** The reserved words, upper case and sorted. */
export const RESERVED_WORDS: readonly string[] = `
  ABORT ABSOLUTE ACTION ADD AFTER AGENT AGGREGATE ALL ALLOCATE ALTER ANALYZE AND ANY ARCHIVE ARE
  ARRAY AS ASC ASCII ASENSITIVE ASSERTION ASYMMETRIC AT ATOMIC ATTACH ATTRIBUTE AUTH
  AUTHORIZATION AUTHORIZE AUTO AVG BACK BACKUP BASE BATCH BEFORE BEGIN BETWEEN BIGINT BINARY BIT
  BLOB BLOCK BOOLEAN BOTH BREADTH BUCKET BULK BY BYTE CALL CALLED CALLING CAPACITY CASCADE
  CASCADED CASE CAST CATALOG CHAR CHARACTER CHECK CLASS CLOB CLOSE CLUSTER CLUSTERED CLUSTERING
  CLUSTERS COALESCE COLLATE COLLATION COLLECTION COLUMN COLUMNS COMBINE COMMENT COMMIT COMPACT
  COMPILE COMPRESS CONDITION CONFLICT CONNECT CONNECTION CONSISTENCY CONSISTENT CONSTRAINT
  CONSTRAINTS CONSTRUCTOR CONSUMED CONTINUE CONVERT COPY CORRESPONDING COUNT COUNTER CREATE CROSS
  CUBE CURRENT CURSOR CYCLE DATA DATABASE DATE DATETIME DAY DEALLOCATE DEC DECIMAL DECLARE
  DEFAULT DEFERRABLE DEFERRED DEFINE DEFINED DEFINITION DELETE DELIMITED DEPTH DEREF DESC
  DESCRIBE DESCRIPTOR DETACH DETERMINISTIC DIAGNOSTICS DIRECTORIES DISABLE DISCONNECT DISTINCT
  DISTRIBUTE DO DOMAIN DOUBLE DROP DUMP DURATION DYNAMIC EACH ELEMENT ELSE ELSEIF EMPTY ENABLE
  END EQUAL EQUALS ERROR ESCAPE ESCAPED EVAL EVALUATE EXCEEDED EXCEPT EXCEPTION EXCEPTIONS
  EXCLUSIVE EXEC EXECUTE EXISTS EXIT EXPLAIN EXPLODE EXPORT EXPRESSION EXTENDED EXTERNAL EXTRACT
  FAIL FALSE FAMILY FETCH FIELDS FILE FILTER FILTERING FINAL FINISH FIRST FIXED FLATTERN FLOAT
  FOR FORCE FOREIGN FORMAT FORWARD FOUND FREE FROM FULL FUNCTION FUNCTIONS GENERAL GENERATE GET
  GLOB GLOBAL GO GOTO GRANT GREATER GROUP GROUPING HANDLER HASH HAVE HAVING HEAP HIDDEN HOLD HOUR
  IDENTIFIED IDENTITY IF IGNORE IMMEDIATE IMPORT IN INCLUDING INCLUSIVE INCREMENT INCREMENTAL
  INDEX INDEXED INDEXES INDICATOR INFINITE INITIALLY INLINE INNER INNTER INOUT INPUT INSENSITIVE
  INSERT INSTEAD INT INTEGER INTERSECT INTERVAL INTO INVALIDATE IS ISOLATION ITEM ITEMS ITERATE
  JOIN KEY KEYS LAG LANGUAGE LARGE LAST LATERAL LEAD LEADING LEAVE LEFT LENGTH LESS LEVEL LIKE
  LIMIT LIMITED LINES LIST LOAD LOCAL LOCALTIME LOCALTIMESTAMP LOCATION LOCATOR LOCK LOCKS LOG
  LOGED LONG LOOP LOWER MAP MATCH MATERIALIZED MAX MAXLEN MEMBER MERGE METHOD METRICS MIN MINUS
  MINUTE MISSING MOD MODE MODIFIES MODIFY MODULE MONTH MULTI MULTISET NAME NAMES NATIONAL NATURAL
  NCHAR NCLOB NEW NEXT NO NONE NOT NULL NULLIF NUMBER NUMERIC OBJECT OF OFFLINE OFFSET OLD ON
  ONLINE ONLY OPAQUE OPEN OPERATOR OPTION OR ORDER ORDINALITY OTHER OTHERS OUT OUTER OUTPUT OVER
  OVERLAPS OVERRIDE OWNER PAD PARALLEL PARAMETER PARAMETERS PARTIAL PARTITION PARTITIONED
  PARTITIONS PATH PERCENT PERCENTILE PERMISSION PERMISSIONS PIPE PIPELINED PLAN POOL POSITION
  PRECISION PREPARE PRESERVE PRIMARY PRIOR PRIVATE PRIVILEGES PROCEDURE PROCESSED PROJECT
  PROJECTION PROPERTY PROVISIONING PUBLIC PUT QUERY QUIT QUORUM RAISE RANDOM RANGE RANK RAW READ
  READS REAL REBUILD RECORD RECURSIVE REDUCE REF REFERENCE REFERENCES REFERENCING REGEXP REGION
  REINDEX RELATIVE RELEASE REMAINDER RENAME REPEAT REPLACE REQUEST RESET RESIGNAL RESOURCE
  RESPONSE RESTORE RESTRICT RESULT RETURN RETURNING RETURNS REVERSE REVOKE RIGHT ROLE ROLES
  ROLLBACK ROLLUP ROUTINE ROW ROWS RULE RULES SAMPLE SATISFIES SAVE SAVEPOINT SCAN SCHEMA SCOPE
  SCROLL SEARCH SECOND SECTION SEGMENT SEGMENTS SELECT SELF SEMI SENSITIVE SEPARATE SEQUENCE
  SERIALIZABLE SESSION SET SETS SHARD SHARE SHARED SHORT SHOW SIGNAL SIMILAR SIZE SKEWED SMALLINT
  SNAPSHOT SOME SOURCE SPACE SPACES SPARSE SPECIFIC SPECIFICTYPE SPLIT SQL SQLCODE SQLERROR
  SQLEXCEPTION SQLSTATE SQLWARNING START STATE STATIC STATUS STORAGE STORE STORED STREAM STRING
  STRUCT STYLE SUB SUBMULTISET SUBPARTITION SUBSTRING SUBTYPE SUM SUPER SYMMETRIC SYNONYM SYSTEM
  TABLE TABLESAMPLE TEMP TEMPORARY TERMINATED TEXT THAN THEN THROUGHPUT TIME TIMESTAMP TIMEZONE
  TINYINT TO TOKEN TOTAL TOUCH TRAILING TRANSACTION TRANSFORM TRANSLATE TRANSLATION TREAT TRIGGER
  TRIM TRUE TRUNCATE TTL TUPLE TYPE UNDER UNDO UNION UNIQUE UNIT UNKNOWN UNLOGGED UNNEST
  UNPROCESSED UNSIGNED UNTIL UPDATE UPPER URL USAGE USE USER USERS USING UUID VACUUM VALUE VALUED
  VALUES VARCHAR VARIABLE VARIANCE VARINT VARYING VIEW VIEWS VIRTUAL VOID WAIT WHEN WHENEVER
  WHERE WHILE WINDOW WITH WITHIN WITHOUT WORK WRAPPED WRITE YEAR ZONE
`.trim().split(/\s+/);

const RESERVED = new Set(RESERVED_WORDS);

/** Whether WORD is reserved (case-insensitively, as DynamoDB checks). */
export const isReserved = (word: string) => RESERVED.has(word.toUpperCase());

/** The request members that hold expressions. */
export const EXPRESSION_MEMBERS = ["ConditionExpression", "FilterExpression", "KeyConditionExpression", "ProjectionExpression", "UpdateExpression"] as const;

/** Words of the expression grammar itself: reserved, but not names where they stand. */
const GRAMMAR = new Set(["AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE"]);

export interface BareName {
  word: string;
  from: number;
  to: number;
}

/** The reserved words EXPRESSION uses as bare attribute names (path elements included). */
export function bareReservedNames(expression: string): BareName[] {
  const found: BareName[] = [];
  for (const match of expression.matchAll(/[#:]?[A-Za-z_][A-Za-z0-9_]*/g)) {
    const word = match[0];
    const from = match.index;
    // Placeholders are fine; a word followed by "(" is a function (size, contains, ...).
    if (word.startsWith("#") || word.startsWith(":")) continue;
    if (/^\s*\(/.test(expression.slice(from + word.length))) continue;
    if (GRAMMAR.has(word.toUpperCase()) || !isReserved(word)) continue;
    found.push({ word, from, to: from + word.length });
  }
  return found;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The placeholder for WORD in NAMES: the one already naming it, else a free `#word`. */
function placeholderFor(word: string, names: Json): string {
  const existing = Object.entries(names).find(([, v]) => v === word)?.[0];
  if (existing) return existing;
  let name = `#${word}`;
  for (let n = 1; name in names; n++) name = `#${word}_${n}`;
  return name;
}

/** One request object (or nested action) with its bare reserved names replaced. */
function rewriteObject(object: Json): Json {
  const names: Json = isObject(object.ExpressionAttributeNames) ? { ...object.ExpressionAttributeNames } : {};
  const out: Json = { ...object };
  let changed = false;
  for (const member of EXPRESSION_MEMBERS) {
    const expression = object[member];
    if (typeof expression !== "string") continue;
    let text = expression;
    // From the end, so earlier offsets stay valid.
    for (const bare of bareReservedNames(expression).reverse()) {
      const placeholder = placeholderFor(bare.word, names);
      names[placeholder] = bare.word;
      text = text.slice(0, bare.from) + placeholder + text.slice(bare.to);
      changed = true;
    }
    out[member] = text;
  }
  if (changed) out.ExpressionAttributeNames = names;
  return out;
}

/** REQUEST with every bare reserved name in its expressions (at any depth, as in
 *  TransactItems) named through an ExpressionAttributeNames placeholder. */
export function withPlaceholders(request: unknown): unknown {
  if (Array.isArray(request)) return request.map(withPlaceholders);
  if (!isObject(request)) return request;
  const nested = Object.fromEntries(Object.entries(request).map(([k, v]) => [k, k === "ExpressionAttributeNames" || k === "ExpressionAttributeValues" || k === "Item" || k === "Key" ? v : withPlaceholders(v)]));
  return rewriteObject(nested);
}
