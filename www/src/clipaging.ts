// The AWS CLI's own paging, as the CLI mode runs it: for the operations botocore has a
// paginator for (Scan, Query, ListTables, ListBackups, ListTagsOfResource), a command without
// --limit or the input token (--exclusive-start-key, ...) sends request after request,
// following the output token, and prints one merged result: the result lists joined, counts
// summed. --page-size sets the limit of each request, --max-items stops after that many items
// and prints a NextToken, and --starting-token resumes from one. The tokens are botocore's:
// base64 of the JSON {"<input token>": value, "boto_truncate_amount": n}, so a NextToken the
// real CLI printed for the same data works here and the other way round.
import { CliError } from "./cli";
import type { Outcome } from "./engine";

/** How one operation pages (botocore's paginators-1.json for DynamoDB). */
export interface Paginator {
  /** The request member that starts a page where the previous one stopped. */
  inputToken: string;
  /** The response member that says where the next page starts. */
  outputToken: string;
  /** The request member that limits a page's size. */
  limitKey?: string;
  /** The response members merged across pages; the first is the list --max-items counts. */
  resultKeys: string[];
}

const KEY_PAGING: Paginator = { inputToken: "ExclusiveStartKey", outputToken: "LastEvaluatedKey", limitKey: "Limit", resultKeys: ["Items", "Count", "ScannedCount"] };

export const PAGINATORS: Readonly<Record<string, Paginator>> = {
  Scan: KEY_PAGING,
  Query: KEY_PAGING,
  ListTables: { inputToken: "ExclusiveStartTableName", outputToken: "LastEvaluatedTableName", limitKey: "Limit", resultKeys: ["TableNames"] },
  ListBackups: { inputToken: "ExclusiveStartBackupArn", outputToken: "LastEvaluatedBackupArn", limitKey: "Limit", resultKeys: ["BackupSummaries"] },
  ListTagsOfResource: { inputToken: "NextToken", outputToken: "NextToken", resultKeys: ["Tags"] },
};

/** The CLI's paging options of a command. */
export interface PagingOptions {
  maxItems?: number;
  pageSize?: number;
  startingToken?: string;
}

const TRUNCATE = "boto_truncate_amount";

/** botocore's token: base64 of the token's JSON (UTF-8). */
export function encodeToken(token: Record<string, unknown>): string {
  const bytes = new TextEncoder().encode(JSON.stringify(token));
  return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));
}

/** Where a --starting-token resumes: the input token's value and how many items of that page were already printed. */
export function decodeToken(text: string, paginator: Paginator): { start: unknown; truncate: number } {
  let token: unknown;
  try {
    const binary = atob(text.trim());
    token = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    throw new CliError("--starting-token: not a token this command printed (the NextToken of an earlier run with --max-items).");
  }
  const fields = token && typeof token === "object" && !Array.isArray(token) ? (token as Record<string, unknown>) : null;
  const truncate = fields?.[TRUNCATE] ?? 0;
  if (!fields || !(paginator.inputToken in fields) || typeof truncate !== "number" || !Number.isInteger(truncate) || truncate < 0) {
    throw new CliError(`--starting-token: this token does not hold ${paginator.inputToken} (it is not from this command).`);
  }
  return { start: fields[paginator.inputToken], truncate };
}

/** Sums two ConsumedCapacity values of the same shape (numbers added, objects merged member by member). */
export function sumCapacity(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return a.map((x, i) => sumCapacity(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) out[k] = sumCapacity(out[k], v);
    return out;
  }
  return a;
}

/** What a paged run sent and got: the merged result (as the CLI prints it) and the request count. */
export type PagedOutcome = Outcome & { requests: number };

type Send = (operation: string, request: Record<string, unknown>) => Promise<Outcome>;

/** The value a secondary result key of the first resumed page is reset to (botocore resets them). */
const emptyLike = (v: unknown) => (Array.isArray(v) ? [] : typeof v === "string" ? "" : typeof v === "number" ? 0 : null);

/**
 * Runs OPERATION's REQUEST page after page as `aws dynamodb` does by default, with
 * --page-size, --max-items and --starting-token as botocore's PageIterator reads them. The
 * first error stops the run and is the outcome. ConsumedCapacity is summed over the pages
 * (the CLI prints the first page's; the sum is the cost of the command).
 */
export async function paginate(send: Send, operation: string, request: Record<string, unknown>, options: PagingOptions): Promise<PagedOutcome> {
  const paginator = PAGINATORS[operation];
  if (!paginator) throw new CliError(`${operation} does not page.`);
  const [primary = "", ...secondary] = paginator.resultKeys;
  const start = options.startingToken ? decodeToken(options.startingToken, paginator) : { start: null, truncate: 0 };
  const base = { ...request, ...(options.pageSize && paginator.limitKey ? { [paginator.limitKey]: options.pageSize } : {}) };
  let token: Record<string, unknown> = { [paginator.inputToken]: start.start };
  const merged: Record<string, unknown> = {};
  let total = 0;
  let requests = 0;
  let ms = 0;
  for (;;) {
    const position = token[paginator.inputToken];
    const outcome = await send(operation, position === null || position === undefined ? base : { ...base, [paginator.inputToken]: position });
    requests += 1;
    ms += outcome.ms;
    if (!outcome.ok) return { ...outcome, ms, requests };
    const page: Record<string, unknown> = { ...outcome.response };
    const resumed = requests === 1 ? start.truncate : 0;
    if (requests === 1 && options.startingToken) {
      page[primary] = listOf(page[primary]).slice(start.truncate);
      for (const key of secondary) if (key in page) page[key] = emptyLike(page[key]);
    }
    const items = listOf(page[primary]);
    const over = options.maxItems === undefined ? 0 : total + items.length - options.maxItems;
    if (over > 0) {
      const keep = items.length - over;
      page[primary] = items.slice(0, keep);
      mergePage(merged, page, paginator);
      merged.NextToken = encodeToken({ ...token, [TRUNCATE]: keep + resumed });
      break;
    }
    mergePage(merged, page, paginator);
    total += items.length;
    const next = outcome.response?.[paginator.outputToken];
    if (next === undefined || next === null) break;
    token = { [paginator.inputToken]: next };
    if (options.maxItems !== undefined && total === options.maxItems) {
      merged.NextToken = encodeToken(token);
      break;
    }
  }
  return { ok: true, response: merged, ms, requests };
}

const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Adds PAGE's result keys to MERGED (lists joined, numbers summed) and its ConsumedCapacity. */
function mergePage(merged: Record<string, unknown>, page: Record<string, unknown>, paginator: Paginator) {
  for (const key of paginator.resultKeys) {
    const value = page[key];
    if (value === undefined || value === null) continue;
    const existing = merged[key];
    if (existing === undefined) merged[key] = Array.isArray(value) ? [...value] : value;
    else if (Array.isArray(existing) && Array.isArray(value)) existing.push(...value);
    else if (typeof existing === "number" && typeof value === "number") merged[key] = existing + value;
  }
  if (page.ConsumedCapacity !== undefined) merged.ConsumedCapacity = sumCapacity(merged.ConsumedCapacity, page.ConsumedCapacity);
}
