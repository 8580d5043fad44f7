// `dynaplay serve`: DynamoDB's HTTP JSON protocol on a local port, answered by a Dynaplay
// database in this Node process, so the AWS CLI, boto3 and every SDK can use it by endpoint
// (http://127.0.0.1:PORT). Requests are answered by `answerRequest`, the same mapping the
// in-page SDK handler uses. Signatures (SigV4 Authorization headers) are accepted and not
// checked: any access key works, as with DynamoDB Local.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { accessKeyIdOf, answerRequest, regionOf, type DynaplayDatabase } from "./sdkhandler";

export interface ServeOptions {
  /** The port to listen on; 0 lets the system pick one. Default 8000. */
  port?: number;
  /** The address to listen on. Default 127.0.0.1 (this machine only). */
  host?: string;
}

/** A listening endpoint. */
export interface Endpoint {
  /** http://HOST:PORT, the endpoint SDKs are given. */
  url: string;
  port: number;
  /** Stops listening; resolves once the requests in flight are answered and every
   *  connection is closed. */
  close(): Promise<void>;
}

/** Serves DATABASE over HTTP until `close()`. */
export function serve(database: DynaplayDatabase, options: ServeOptions = {}): Promise<Endpoint> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((request, response) => {
    answer(database, request, response).catch((err: unknown) => {
      response.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
  // SDKs keep connections alive between requests: close() ends the idle ones at once, and
  // the busy ones once their request is answered.
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeIdleConnections();
    });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8000, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://${host}:${port}`, port, close });
    });
  });
}

async function answer(database: DynaplayDatabase, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== "POST") {
    // What DynamoDB's endpoints answer to a GET: a health line (load balancers poll it).
    send(response, 200, { "content-type": "text/plain" }, "healthy: dynaplay");
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const target = request.headers["x-amz-target"];
  const authorization = typeof request.headers.authorization === "string" ? request.headers.authorization : undefined;
  const signed = { accessKeyId: accessKeyIdOf(authorization), region: regionOf(undefined, authorization) };
  const reply = await answerRequest(database, typeof target === "string" ? target : "", Buffer.concat(chunks).toString("utf8"), signed);
  send(response, reply.status, reply.headers, reply.body);
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  const bytes = Buffer.from(body, "utf8");
  response.writeHead(status, { ...headers, "content-length": String(bytes.length) });
  response.end(bytes);
}
