// The AWS SDK for JavaScript v3 against the in-page (or in-process) engine, with no network:
//
//   const client = new DynamoDBClient({ region, credentials, requestHandler: dynaplayHandler(db) });
//
// The SDK builds its HTTP request as for DynamoDB (POST /, X-Amz-Target, a JSON body) and hands
// it to the request handler; this one runs the operation on a Dynaplay `Database` and answers
// what DynamoDB's HTTP JSON protocol answers: 200 and the response body, or an error status
// with the `__type`/`message` body, so the SDK's own exception classes, `$metadata` and the
// DocumentClient work unchanged. `answerRequest` is the same mapping without the SDK's types:
// `dynaplay serve` (bin/dynaplay.mjs) answers real HTTP requests with it. The request runs in
// the Region the client was configured with (`regionOf`), so two clients with different
// regions see a global table's two replicas.
//
// `dynaplayHandler(db, { dax: "cluster" })` sends every request through a DAX cluster made with
// `Dynaplay.CreateDaxCluster` (docs/dax.md), as a DAX client would; without it, to the table.
import { crc32 } from "./zip";

/** What the handler needs of a database: `Database` from the wasm package has it. */
export interface DynaplayDatabase {
  send(operation: string, request: string | object, options?: SendOptions): Promise<unknown>;
}

/** What one request runs with: the handler's options, and the access key and Region of its signature. */
export type SendOptions = HandlerOptions & { accessKeyId?: string; region?: string };

/** Where the handler sends requests: `dax` names a DAX cluster to go through. */
export interface HandlerOptions {
  dax?: string;
}

/** The parts of the SDK's HttpRequest (@smithy) that the handler reads. */
export interface SdkHttpRequest {
  method: string;
  hostname?: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** An HttpResponse as the SDK's deserializers read it (headers in lower case). */
export interface SdkHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The SDK's `requestHandler` contract (@smithy HttpHandler). */
export interface DynaplayRequestHandler {
  readonly metadata: { handlerProtocol: string };
  handle(request: SdkHttpRequest, options?: { abortSignal?: { aborted: boolean } }): Promise<{ response: SdkHttpResponse }>;
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

/** One answer of DynamoDB's HTTP JSON protocol. */
export interface ProtocolAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The X-Amz-Target prefix of DynamoDB's own operations, which the engine names bare. */
const DYNAMODB_PREFIX = "DynamoDB_20120810.";

export const CONTENT_TYPE = "application/x-amz-json-1.0";

/** A handler for `new DynamoDBClient({ requestHandler })` (and the DynamoDB Streams client). */
export function dynaplayHandler(db: DynaplayDatabase, sendOptions: HandlerOptions = {}): DynaplayRequestHandler {
  return {
    metadata: { handlerProtocol: "dynaplay" },
    async handle(request, options) {
      if (options?.abortSignal?.aborted) throw abortError();
      const target = headerOf(request.headers, "x-amz-target") ?? "";
      const authorization = headerOf(request.headers, "authorization");
      const signed = { accessKeyId: accessKeyIdOf(authorization), region: regionOf(request.hostname, authorization) };
      const answer = await answerRequest(db, target, bodyText(request.body), { ...sendOptions, ...signed });
      const body = new TextEncoder().encode(answer.body);
      return { response: { statusCode: answer.status, headers: { ...answer.headers, "content-length": String(body.length) }, body } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

/** Runs the request that `target` (the X-Amz-Target header) names and answers as DynamoDB does.
 *  `options.accessKeyId` (the signature's credentials) runs it as the principal that has that
 *  access key, if one does (docs/access-control.md); `options.region` is the Region it reaches
 *  (the database's home Region when undefined); `options.dax` sends it through a DAX cluster
 *  (docs/dax.md). */
export async function answerRequest(db: DynaplayDatabase, target: string, body: string, options: SendOptions = {}): Promise<ProtocolAnswer> {
  let status = 200;
  let text: string;
  try {
    text = JSON.stringify(await db.send(operationOf(target), body.trim() === "" ? "{}" : body, options));
  } catch (err) {
    ({ status, text } = errorAnswer(err));
  }
  const headers: Record<string, string> = {
    "content-type": CONTENT_TYPE,
    "x-amzn-requestid": requestId(),
    "x-amz-crc32": String(crc32(new TextEncoder().encode(text))),
    date: new Date().toUTCString(),
  };
  if (status !== 200) headers["x-amzn-errortype"] = errorName(text);
  return { status, headers, body: text };
}

/** The Region a signed request addresses: the one in its endpoint's host name
 *  (`dynamodb.eu-west-1.amazonaws.com`, `streams.dynamodb.eu-west-1.amazonaws.com`), else the
 *  one in its signature's credential scope (`Credential=AKID/20261124/eu-west-1/dynamodb/...`),
 *  which a client with a custom endpoint such as `dynaplay serve` still signs with. */
export function regionOf(hostname: string | undefined, authorization: string | undefined): string | undefined {
  const host = /^(?:streams\.)?dynamodb\.([a-z0-9-]+)\.amazonaws\.com$/.exec(hostname ?? "");
  if (host) return host[1];
  return /Credential=[^/,]+\/\d{8}\/([a-z0-9-]+)\//.exec(authorization ?? "")?.[1];
}

/** The engine's name for the operation a target names: DynamoDB's without their prefix;
 *  DynamoDB Streams' (`DynamoDBStreams_20120810.`) and any other target whole, which the
 *  engine runs or answers with UnknownOperationException. */
export function operationOf(target: string): string {
  return target.startsWith(DYNAMODB_PREFIX) ? target.slice(DYNAMODB_PREFIX.length) : target;
}

/** The access key id of a Signature Version 4 Authorization header (`... Credential=AKID/date/...`). */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? "")?.[1];
}

/** An engine error as DynamoDB's error answer: its body comes from the engine (`responseBody`);
 *  anything else (the database closed, the engine stopped) is an InternalServerError. */
function errorAnswer(err: unknown): { status: number; text: string } {
  const fields = (err ?? {}) as { responseBody?: unknown; message?: unknown };
  if (typeof fields.responseBody === "string") {
    return { status: fields.responseBody.includes("#InternalServerError") ? 500 : 400, text: fields.responseBody };
  }
  const message = typeof fields.message === "string" ? fields.message : String(err);
  return { status: 500, text: JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message }) };
}

/** The short exception name of an error body, for the x-amzn-ErrorType header. */
function errorName(body: string): string {
  const type = (JSON.parse(body) as { __type?: string }).__type ?? "";
  return type.slice(type.indexOf("#") + 1);
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** The SDK sends JSON protocol bodies as strings; bytes are accepted too. */
function bodyText(body: unknown): string {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  return "";
}

function abortError(): Error {
  const error = new Error("Request aborted");
  error.name = "AbortError";
  return error;
}

/** A request id shaped like DynamoDB's: 52 upper-case letters and digits. */
function requestId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(52));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

