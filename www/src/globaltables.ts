// The Global tables panel: the picked table's replicas in simulated Regions (UpdateTable
// ReplicaUpdates), the replication lag (Dynaplay.Configure ReplicationDelayMillis), a read of
// one item in every replica, and a conflict demo: the same item written in two Regions a
// moment apart, read in each before the lag passes (each sees its own write) and after it
// (both hold the later write: last writer wins on the write time). docs/global-tables.md.
import { h, labelled } from "./dom";
import type { AppState } from "./state";

/** The Regions the picker offers (Dynaplay simulates 25; these are the usual ones). */
export const PICKED_REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1", "ap-northeast-1", "sa-east-1"];

/** The Region requests reach unless they name another (the engine's default). */
export const HOME_REGION = "us-east-1";

interface Replica {
  RegionName: string;
  ReplicaStatus: string;
}

/** The Regions of a table's replicas, its own first, from its DescribeTable in `region`. */
export function replicaRegions(region: string, table: { Replicas?: Replica[] } | undefined): string[] {
  return [region, ...(table?.Replicas ?? []).map((replica) => replica.RegionName)];
}

/** Why a conflict ended as it did: the later write wins; within one millisecond, the greater Region name. */
export function conflictVerdict(first: { region: string; at: number }, second: { region: string; at: number }): string {
  if (first.at === second.at) {
    const winner = first.region > second.region ? first : second;
    return `Both writes carry the same time (${first.at} ms), so the one from the greater Region name, ${winner.region}, won everywhere.`;
  }
  const [earlier, later] = first.at < second.at ? [first, second] : [second, first];
  return `${later.region}'s write (at ${later.at} ms) is later than ${earlier.region}'s (at ${earlier.at} ms): last writer wins, so every replica now holds ${later.region}'s.`;
}

export function createGlobalTables(state: AppState): HTMLElement {
  const region = h("select", { "data-testid": "gt-region" }, ...PICKED_REGIONS.filter((r) => r !== HOME_REGION).map((r) => h("option", { value: r }, r)));
  const lag = h("input", { type: "number", min: "0", max: "86400000", step: "100", value: "1000", "data-testid": "gt-lag" });
  const key = h("input", { type: "text", value: "demo", "data-testid": "gt-key", spellcheck: "false" });
  const replicas = h("ul", { "data-testid": "gt-replicas" });
  const output = h("pre", { class: "dp-output", "data-testid": "gt-output", "aria-live": "polite" });
  const show = (text: string) => (output.textContent = text);

  const send = async (operation: string, request: object, where = HOME_REGION): Promise<any> => {
    const outcome = await state.send(operation, request, { region: where });
    if (!outcome.ok) throw new Error(`${outcome.error.name}: ${outcome.error.message}`);
    return outcome.response;
  };
  const guarded = (work: () => Promise<void>) => () => work().catch((err: Error) => show(err.message));
  const tableName = () => {
    if (!state.selected) throw new Error("Pick a table in the sidebar first.");
    return state.selected;
  };

  /** The key of the picked table for the demo item: its key attributes, each the text in the key field. */
  const itemKey = (description: any) => {
    const key_: Record<string, unknown> = {};
    for (const element of description.KeySchema as { AttributeName: string }[]) {
      const type = (description.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]).find((d) => d.AttributeName === element.AttributeName)?.AttributeType ?? "S";
      key_[element.AttributeName] = type === "N" ? { N: String(key.value.length) } : type === "B" ? { B: btoa(key.value) } : { S: key.value };
    }
    return key_;
  };

  async function describe(): Promise<any> {
    const { Table } = await send("DescribeTable", { TableName: tableName() });
    const regions = replicaRegions(HOME_REGION, Table);
    replicas.replaceChildren(...regions.map((r, at) => h("li", { "data-testid": "gt-replica" }, r, at === 0 ? " (this table)" : ` ${Table.Replicas[at - 1].ReplicaStatus}`)));
    return Table;
  }

  async function readEverywhere(table: any): Promise<string> {
    const lines: string[] = [];
    for (const where of replicaRegions(HOME_REGION, table)) {
      const { Item } = await send("GetItem", { TableName: table.TableName, Key: itemKey(table), ConsistentRead: true }, where);
      lines.push(`  ${where.padEnd(15)} ${Item?.writer ? `written in ${Item.writer.S}` : "(no item)"}`);
    }
    return lines.join("\n");
  }

  const addReplica = h("button", { type: "button", "data-testid": "gt-add" }, "Add replica");
  addReplica.addEventListener("click", guarded(async () => {
    await send("UpdateTable", { TableName: tableName(), ReplicaUpdates: [{ Create: { RegionName: region.value } }] });
    await describe();
    show(`Replica added in ${region.value}: the table, its items and a stream of both images were created there.`);
  }));
  const removeReplica = h("button", { type: "button", class: "secondary", "data-testid": "gt-remove" }, "Remove replica");
  removeReplica.addEventListener("click", guarded(async () => {
    await send("UpdateTable", { TableName: tableName(), ReplicaUpdates: [{ Delete: { RegionName: region.value } }] });
    await describe();
    show(`Replica in ${region.value} removed.`);
  }));
  const setLag = h("button", { type: "button", class: "secondary", "data-testid": "gt-set-lag" }, "Set lag");
  setLag.addEventListener("click", guarded(async () => {
    await send("Dynaplay.Configure", { ReplicationDelayMillis: Number(lag.value) });
    show(`Writes now reach the other replicas ${Number(lag.value)} ms (engine clock) after they are made.`);
  }));

  const conflict = h("button", { type: "button", "data-testid": "gt-conflict" }, "Run the conflict demo");
  conflict.addEventListener("click", guarded(async () => {
    const table = await describe();
    const [first, second] = replicaRegions(HOME_REGION, table);
    if (!second) throw new Error("Add a replica first: the demo writes in two Regions.");
    const delay = Number(lag.value);
    await send("Dynaplay.Configure", { ReplicationDelayMillis: delay });
    await send("Dynaplay.SetClock", { Rate: 0 });
    // Times relative to the first write, on the paused engine clock.
    const writes = [{ region: first!, at: 0 }, { region: second, at: 100 }];
    await send("PutItem", { TableName: table.TableName, Item: { ...itemKey(table), writer: { S: first } } }, first);
    await send("Dynaplay.SetClock", { AdvanceMillis: 100 });
    await send("PutItem", { TableName: table.TableName, Item: { ...itemKey(table), writer: { S: second } } }, second);
    const before = await readEverywhere(table);
    await send("Dynaplay.SetClock", { AdvanceMillis: delay + 1, Rate: 1 });
    const after = await readEverywhere(table);
    show([
      `${first} wrote the item, then ${second} wrote it 100 ms later (engine clock, paused meanwhile).`,
      `Before the ${delay} ms lag passed, each replica held its own write:`,
      before,
      `After the lag:`,
      after,
      conflictVerdict(writes[0]!, writes[1]!),
    ].join("\n"));
  }));

  state.addEventListener("selected", () => {
    if (state.selected) describe().catch((err: Error) => show(err.message));
  });

  return h("div", { class: "dp-globaltables" },
    h("p", {}, "Replicas of the picked table in other simulated Regions. Every replica is writable; a write reaches the others after the replication lag, and conflicting writes resolve by last writer wins."),
    h("div", { class: "dp-row" }, labelled("Region", region), addReplica, removeReplica),
    h("div", { class: "dp-row" }, labelled("Replication lag (ms)", lag), setLag),
    h("h3", {}, "Replicas"),
    replicas,
    h("h3", {}, "Conflict demo"),
    h("div", { class: "dp-row" }, labelled("Item key", key), conflict),
    output,
  );
}
