// Placing an engine error next to the form field it is about.
//
// DynamoDB names the parameter in its messages in two ways: validation constraint errors
// say "Value 'x' at 'tableName' failed to satisfy constraint: ..." (the member path in
// camelCase, several of them joined by "; "), other errors name the parameter in
// PascalCase ("Invalid KeySchema: ...", "... when BillingMode is PROVISIONED").
// Each field lists the names that point to it; the first field named wins.

export type FieldMatchers = Record<string, RegExp>;

/** The designer's fields and the parameter names that point at each one, most specific first. */
export const DESIGNER_FIELDS: FieldMatchers = {
  // Before tableName: "Table already has an enabled stream: TableName: T" is about the stream.
  stream: /streamSpecification|StreamSpecification|ViewType|\bstream\b/,
  tableName: /\btableName\b|\bTableName\b|Table already exists|table name/i,
  readCapacity: /readCapacityUnits|ReadCapacityUnits/,
  writeCapacity: /writeCapacityUnits|WriteCapacityUnits/,
  sortKey: /Range Key|RANGE key|second KeySchemaElement|keySchema\.2|keySchema\.member\.2/,
  partitionKey: /Hash Key|HASH key|keySchema|KeySchema|attributeDefinitions|AttributeDefinitions|index key attribute/,
  billingMode: /billingMode|BillingMode|provisionedThroughput|ProvisionedThroughput/,
  tableClass: /tableClass|TableClass/,
  deletionProtection: /deletionProtection|DeletionProtection|protected against deletion/,
  tags: /\btags\b|\bTags\b|\btag key\b|\btag value\b/i,
};

/** Splits a "N validation errors detected: A; B" message into its single errors. */
export function splitMessages(message: string): string[] {
  const m = /^\d+ validation errors? detected: (.*)$/s.exec(message);
  if (!m) return [message];
  return m[1]!.split(/; (?=Value )/).map((s) => s.trim()).filter(Boolean);
}

/** Which field each part of the message belongs to; parts that name none go under "". */
export function mapErrorToFields(message: string, fields: FieldMatchers = DESIGNER_FIELDS): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of splitMessages(message)) {
    // Constraint errors name their member in quotes after "at": match on that first.
    const at = /at '([^']+)'/.exec(part)?.[1];
    let field = "";
    for (const [name, re] of Object.entries(fields)) {
      if ((at && re.test(at)) || (!at && re.test(part))) {
        field = name;
        break;
      }
    }
    if (!field && at) field = Object.entries(fields).find(([, re]) => re.test(part))?.[0] ?? "";
    out.set(field, [...(out.get(field) ?? []), part]);
  }
  return out;
}
