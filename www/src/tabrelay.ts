// The cross-tab relay: a database opens in one tab only (a Web Lock), and another tab of the
// same origin reaches it through this relay. The tab that holds the database serves the
// requests posted on a BroadcastChannel named after it (`serveRelay`); the other tab's
// `RelaySession` posts each request there and waits for the outcome. Both windows then talk to
// one engine, the owning tab's: one can show Region eu-west-1 while the other shows us-east-1
// and watch a global table replicate between them (docs/global-tables.md, docs/playground.md).
import { type ApiError, type Outcome, type SendOptions, toApiError } from "./engine";

/** The BroadcastChannel of the database `name`'s relay. */
export const relayChannelName = (name: string) => `dynaplay-relay:${name}`;

/** How long a relayed request waits for the owning tab's answer before it fails. */
export const RELAY_TIMEOUT_MS = 10_000;

/** What one relayed request came to: the response, or the error's fields as `toApiError` reads them. */
type RelayOutcome = { ok: true; response: unknown } | { ok: false; error: Record<string, unknown> };

/** The messages on a relay's channel; each names its database, and only that database's owner or client acts on it. */
export type RelayMessage =
  /** A client's request number `id`, to run in the owning tab. */
  | { kind: "request"; database: string; client: string; id: number; operation: string; request: string | object; options?: SendOptions }
  /** The owning tab's answer to request `id` of `client`. */
  | { kind: "reply"; database: string; client: string; id: number; outcome: RelayOutcome }
  /** The owning tab stopped serving the database (it closed, or opened another database). */
  | { kind: "closed"; database: string };

/** What the owning tab runs relayed requests with: its Session. */
export interface RelayTarget {
  send(operation: string, request: string | object, options?: SendOptions): Promise<Outcome>;
}

/** The fields of a failed request's error, as the engine throws them, for `toApiError` on the other side. */
export function errorFields(error: ApiError): Record<string, unknown> {
  return { name: error.name, __type: error.type, message: error.message, Item: error.item, ThrottlingReasons: error.throttlingReasons, CancellationReasons: error.cancellationReasons };
}

/** The owner side: answers the relayed requests for the database `name` with `target` (whose
 *  "sent" listeners see them as their own). Stop it (telling the clients) when the tab lets
 *  the database go. */
export function serveRelay(name: string, target: RelayTarget): { stop(): void } {
  const channel = new BroadcastChannel(relayChannelName(name));
  channel.onmessage = async (event: MessageEvent<RelayMessage>) => {
    const message = event.data;
    if (message?.kind !== "request" || message.database !== name) return;
    const outcome = await target.send(message.operation, message.request, message.options);
    const reply: RelayOutcome = outcome.ok ? { ok: true, response: outcome.response } : { ok: false, error: errorFields(outcome.error) };
    const post = (answer: RelayOutcome) => channel.postMessage({ kind: "reply", database: name, client: message.client, id: message.id, outcome: answer } satisfies RelayMessage);
    try {
      post(reply);
    } catch (err) {
      // A response the channel cannot copy still gets an answer, rather than the client's timeout.
      post({ ok: false, error: uncopyable(err) });
    }
  };
  return {
    stop() {
      channel.postMessage({ kind: "closed", database: name } satisfies RelayMessage);
      channel.close();
    },
  };
}

/** The error for a message a BroadcastChannel cannot copy (a DataCloneError). */
function uncopyable(err: unknown): Record<string, unknown> {
  return { name: "RelayDataCloneError", message: `The relay cannot pass this between tabs: ${toApiError(err).message}` };
}

interface Pending {
  resolve(outcome: RelayOutcome): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The client side: a session of the database `name` that another tab holds. Its `send` runs
 * the request in that tab and dispatches "sent" as a Session does; once that tab stops serving,
 * `ended` is set, "ended" is dispatched, and every request fails with RelayClosedError.
 */
export class RelaySession extends EventTarget {
  /** Set once the owning tab stopped serving the database. */
  ended = false;
  private readonly channel: BroadcastChannel;
  private readonly client = crypto.randomUUID();
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(
    readonly name: string,
    private readonly timeoutMillis = RELAY_TIMEOUT_MS,
  ) {
    super();
    this.channel = new BroadcastChannel(relayChannelName(name));
    this.channel.onmessage = (event: MessageEvent<RelayMessage>) => this.receive(event.data);
  }

  async send<T = any>(operation: string, request: string | object, options?: SendOptions): Promise<Outcome<T>> {
    const started = performance.now();
    const relayed = this.ended ? this.closedError() : await this.relay({ operation, request, options });
    const ms = performance.now() - started;
    const outcome: Outcome<T> = relayed.ok ? { ok: true, response: relayed.response as T, ms } : { ok: false, error: toApiError(relayed.error), ms };
    this.dispatchEvent(new CustomEvent("sent", { detail: { operation, request, outcome } }));
    return outcome;
  }

  /** Stops using the relay (the owning tab keeps the database). */
  async close(): Promise<void> {
    this.end();
    this.channel.close();
  }

  private relay(call: { operation: string; request: string | object; options?: SendOptions }): Promise<RelayOutcome> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, { ok: false, error: { name: "RelayTimeoutError", message: `No tab answered for database "${this.name}" within ${this.timeoutMillis / 1000} s: the tab that had it open may be gone. Reload this page to open the database here.` } }), this.timeoutMillis);
      this.pending.set(id, { resolve, timer });
      try {
        this.channel.postMessage({ kind: "request", database: this.name, client: this.client, id, ...call } satisfies RelayMessage);
      } catch (err) {
        this.settle(id, { ok: false, error: uncopyable(err) });
      }
    });
  }

  private receive(message: RelayMessage) {
    if (message?.database !== this.name) return;
    if (message.kind === "closed") this.end();
    if (message.kind === "reply" && message.client === this.client) this.settle(message.id, message.outcome);
  }

  /** Answers request `id`, if it still waits. */
  private settle(id: number, outcome: RelayOutcome) {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    clearTimeout(waiting.timer);
    waiting.resolve(outcome);
  }

  private closedError(): RelayOutcome {
    return { ok: false, error: { name: "RelayClosedError", message: `The tab that had database "${this.name}" open closed it. Reload this page to open the database here.` } };
  }

  /** Fails what is still waiting and every later request. */
  private end() {
    if (this.ended) return;
    this.ended = true;
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.resolve(this.closedError());
    }
    this.pending.clear();
    this.dispatchEvent(new Event("ended"));
  }
}
