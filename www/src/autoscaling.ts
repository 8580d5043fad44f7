// The Capacity panel's auto scaling box: DynamoDB auto scaling is Application Auto Scaling's
// target tracking, which the engine answers under the prefix AnyScaleFrontendService.
// (docs/capacity.md). The box lists the picked table's (and its global indexes') scalable
// targets with their policies and the provisioned units now, the latest scaling activities,
// and has a form that turns target tracking on (RegisterScalableTarget + PutScalingPolicy)
// with the same two commands for the AWS CLI, and a button per target that turns it off
// (DeleteScalingPolicy + DeregisterScalableTarget).
import { formatUnits } from "./capacitymath";
import { toCli } from "./codegen";
import { copyButton, h, labelled, uid } from "./dom";
import type { AppState } from "./state";

const SERVICE = "AnyScaleFrontendService.";
const NAMESPACE = "dynamodb";
const MAX_ACTIVITIES_SHOWN = 5;
const NO_TARGETS_NOTE = "No auto scaling on this table: its provisioned units change only when you change them.";
const ON_DEMAND_NOTE = "This table is on-demand, which adapts to traffic by itself; auto scaling changes provisioned units. Switch the table to provisioned in the Designer to try it.";
const DEFAULT_SETTINGS: ScalingSettings = { min: 1, max: 10, targetPercent: 70 };

export type Access = "Read" | "Write";

/** One scalable dimension: the read or write units of a table or of one of its global indexes. */
export interface ScalingTarget {
  table: string;
  /** The global index, or null for the table. */
  index: string | null;
  access: Access;
}

export interface ScalingSettings {
  min: number;
  max: number;
  /** The utilisation to keep, 20 to 90 percent. */
  targetPercent: number;
}

/** An Application Auto Scaling request, named by its operation (without the target prefix). */
export interface ScalingStep {
  operation: string;
  request: Record<string, unknown>;
}

/** "table/Music" or "table/Music/index/ByYear". */
export const resourceId = (t: ScalingTarget) => (t.index === null ? `table/${t.table}` : `table/${t.table}/index/${t.index}`);

/** "dynamodb:table:WriteCapacityUnits", "dynamodb:index:ReadCapacityUnits", ... */
export const scalableDimension = (t: ScalingTarget) => `dynamodb:${t.index === null ? "table" : "index"}:${t.access}CapacityUnits`;

const metricType = (t: ScalingTarget) => `DynamoDB${t.access}CapacityUtilization`;

/** The name the AWS console gives the policy it makes: "DynamoDBWriteCapacityUtilization:table/Music". */
export const policyName = (t: ScalingTarget) => `${metricType(t)}:${resourceId(t)}`;

const targetMembers = (t: ScalingTarget) => ({ ServiceNamespace: NAMESPACE, ResourceId: resourceId(t), ScalableDimension: scalableDimension(t) });

/** Turning target tracking on: the scalable target with its limits, then the policy. */
export function turnOnSteps(t: ScalingTarget, s: ScalingSettings): ScalingStep[] {
  return [
    { operation: "RegisterScalableTarget", request: { ...targetMembers(t), MinCapacity: s.min, MaxCapacity: s.max } },
    {
      operation: "PutScalingPolicy",
      request: {
        PolicyName: policyName(t),
        ...targetMembers(t),
        PolicyType: "TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration: { TargetValue: s.targetPercent, PredefinedMetricSpecification: { PredefinedMetricType: metricType(t) } },
      },
    },
  ];
}

/** Turning it off: the policy first (a target cannot lose its last policy after it is gone). */
export function turnOffSteps(t: ScalingTarget, policy: string | null): ScalingStep[] {
  const deletePolicy = policy === null ? [] : [{ operation: "DeleteScalingPolicy", request: { PolicyName: policy, ...targetMembers(t) } }];
  return [...deletePolicy, { operation: "DeregisterScalableTarget", request: targetMembers(t) }];
}

/** The steps as AWS CLI commands, one after the other. */
export function cliCommands(steps: ScalingStep[]): string {
  return steps.map((s) => toCli(s.operation, s.request, "application-autoscaling")).join("\n\n");
}

/** The target a ResourceId and ScalableDimension name, or null for one that is not DynamoDB's. */
export function targetOf(resource: string, dimension: string): ScalingTarget | null {
  const where = /^table\/([^/]+)(?:\/index\/([^/]+))?$/.exec(resource);
  const what = /^dynamodb:(?:table|index):(Read|Write)CapacityUnits$/.exec(dimension);
  if (!where || !what) return null;
  return { table: where[1]!, index: where[2] ?? null, access: what[1] as Access };
}

/** What the box needs of Dynaplay.DescribeMetrics: each pool's billing and units now. */
interface PoolUnits {
  BillingMode: string;
  ReadUnitsPerSecond: number;
  WriteUnitsPerSecond: number;
}
export interface UnitsNow {
  TableName: string;
  Table: PoolUnits;
  GlobalSecondaryIndexes: Record<string, PoolUnits>;
}

interface Described {
  ScalableTargets: { ResourceId: string; ScalableDimension: string; MinCapacity: number; MaxCapacity: number }[];
  ScalingPolicies: { PolicyName: string; ResourceId: string; ScalableDimension: string; TargetTrackingScalingPolicyConfiguration?: { TargetValue: number } }[];
  ScalingActivities: { ResourceId: string; ScalableDimension: string; Description: string; Cause: string; StartTime: number }[];
}

const sameTarget = (a: ScalingTarget, b: ScalingTarget) => a.table === b.table && a.index === b.index && a.access === b.access;
/** The entry of a Describe answer (target, policy) that is about `t`, or null. */
function entryFor<T extends { ResourceId: string; ScalableDimension: string }>(list: T[], t: ScalingTarget): T | null {
  return list.find((entry) => {
    const other = targetOf(entry.ResourceId, entry.ScalableDimension);
    return other !== null && sameTarget(t, other);
  }) ?? null;
}
const whereText = (t: ScalingTarget) => (t.index === null ? "table" : `GSI ${t.index}`);
const unitName = (access: Access) => (access === "Read" ? "RCU" : "WCU");

/** The provisioned units of a target's pool now, or null when it is on-demand (or gone). */
function unitsOf(metrics: UnitsNow | null, t: ScalingTarget): number | null {
  const pool = t.index === null ? metrics?.Table : metrics?.GlobalSecondaryIndexes[t.index];
  if (!pool || pool.BillingMode !== "PROVISIONED") return null;
  return t.access === "Read" ? pool.ReadUnitsPerSecond : pool.WriteUnitsPerSecond;
}

/** "Table: 5 RCU, 7 WCU. GSI ByYear: 1 RCU, 1 WCU." of the provisioned pools. */
function provisionedText(metrics: UnitsNow): string {
  const pools: [string, PoolUnits][] = [["Table", metrics.Table], ...Object.entries(metrics.GlobalSecondaryIndexes).map(([name, pool]): [string, PoolUnits] => [`GSI ${name}`, pool])];
  return pools
    .map(([where, pool]) => (pool.BillingMode === "PROVISIONED" ? `${where}: ${formatUnits(pool.ReadUnitsPerSecond)} RCU, ${formatUnits(pool.WriteUnitsPerSecond)} WCU.` : `${where}: on-demand.`))
    .join(" ");
}

export interface AutoScalingBox {
  element: HTMLElement;
  /** Shows the units a metrics poll just read; reads the targets again when they changed. */
  update(metrics: UnitsNow): void;
  /** Forgets the table shown (another table was picked). */
  reset(): void;
}

export function createAutoScalingBox(state: AppState): AutoScalingBox {
  const provisioned = h("p", { "data-testid": "autoscaling-provisioned", "aria-live": "polite" });
  const targetRows = h("tbody", { "data-testid": "autoscaling-targets" });
  const targetTable = h("div", { class: "dp-table-scroll", hidden: true },
    h("table", { class: "dp-index-table" },
      h("thead", {}, h("tr", {}, ...["Scales", "Units now", "Min", "Max", "Target", ""].map((t) => h("th", { scope: "col" }, t)))),
      targetRows));
  const noTargets = h("p", { class: "hint", "data-testid": "autoscaling-none" });
  const where = h("select", { "data-testid": "autoscaling-resource" });
  const access = h("select", { "data-testid": "autoscaling-access" }, h("option", { value: "Write" }, "Write units"), h("option", { value: "Read" }, "Read units"));
  const min = h("input", { type: "number", min: 1, max: 40000, step: 1, value: DEFAULT_SETTINGS.min, "data-testid": "autoscaling-min" });
  const max = h("input", { type: "number", min: 1, max: 40000, step: 1, value: DEFAULT_SETTINGS.max, "data-testid": "autoscaling-max" });
  const target = h("input", { type: "number", min: 20, max: 90, step: 1, value: DEFAULT_SETTINGS.targetPercent, "data-testid": "autoscaling-target-percent" });
  const turnOn = h("button", { type: "button", class: "small", "data-testid": "autoscaling-on" }, "Turn on");
  const cli = h("pre", { class: "dp-code", tabindex: 0, "data-testid": "autoscaling-cli", "aria-label": "The same as AWS CLI commands" });
  const activities = h("ol", { class: "dp-activities", "data-testid": "autoscaling-activities", "aria-label": "Scaling activities, newest first" });
  const noActivities = h("p", { class: "hint", "data-testid": "autoscaling-no-activity" }, "No scaling activity yet.");
  const error = h("p", { class: "field-error", role: "alert", hidden: true, "data-testid": "autoscaling-error" });
  const titleId = uid("autoscaling-title");
  const element = h("section", { class: "dp-cap-box", "aria-labelledby": titleId, "data-testid": "autoscaling" },
    h("h3", { id: titleId }, "Auto scaling"),
    h("p", { class: "hint" }, "Target tracking keeps consumed units near a utilisation target: after 2 minutes above it, the units rise to what the last minute needed; after 15 minutes 20 points below it, they fall; always between min and max. It acts on the engine clock, so run the load generator and speed the clock up (or press +1 min) to watch the units change."),
    provisioned,
    noTargets,
    targetTable,
    h("h4", {}, "Turn target tracking on"),
    h("div", { class: "dp-row" }, labelled("Scale", where), labelled("Capacity", access), labelled("Min units", min), labelled("Max units", max), labelled("Target utilisation (%)", target), turnOn),
    error,
    h("div", { class: "dp-preview-head" }, h("span", { class: "label" }, "The same with the AWS CLI"), copyButton(() => cli.textContent ?? "", "autoscaling-cli-copy")),
    cli,
    h("h4", {}, "Scaling activities"),
    activities,
    noActivities,
  );

  let metrics: UnitsNow | null = null;
  let described: Described | null = null;
  /** The units last shown: a change means auto scaling (or an UpdateTable) acted. */
  let unitsSignature = "";

  const formTarget = (): ScalingTarget | null => (metrics ? { table: metrics.TableName, index: where.value || null, access: access.value as Access } : null);
  const formSettings = (): ScalingSettings => ({ min: Number(min.value), max: Number(max.value), targetPercent: Number(target.value) });

  function showCli() {
    const t = formTarget();
    cli.textContent = t ? cliCommands(turnOnSteps(t, formSettings())) : "";
  }

  /** The form's resource choices: the table and each provisioned global index. */
  function showResourceChoices(m: UnitsNow) {
    const indexes = Object.entries(m.GlobalSecondaryIndexes).filter(([, pool]) => pool.BillingMode === "PROVISIONED").map(([name]) => name);
    const values = ["", ...indexes];
    const shown = [...where.options].map((o) => o.value);
    if (shown.length === values.length && shown.every((value, i) => value === values[i])) return;
    const chosen = where.value;
    where.replaceChildren(...values.map((name) => h("option", { value: name }, name ? `GSI ${name}` : "Table")));
    where.value = values.includes(chosen) ? chosen : "";
  }

  const policyOf = (t: ScalingTarget) => entryFor(described?.ScalingPolicies ?? [], t);

  function targetRow(found: Described["ScalableTargets"][number]) {
    const t = targetOf(found.ResourceId, found.ScalableDimension);
    if (!t) return null;
    const policy = policyOf(t);
    const units = unitsOf(metrics, t);
    const off = h("button", { type: "button", class: "small secondary", "data-testid": "autoscaling-off", "aria-label": `Turn off auto scaling of the ${whereText(t)}'s ${t.access.toLowerCase()} units` }, "Turn off");
    off.addEventListener("click", () => run(turnOffSteps(t, policy?.PolicyName ?? null)));
    const percent = policy?.TargetTrackingScalingPolicyConfiguration?.TargetValue;
    return h("tr", { "data-testid": "autoscaling-target", "data-resource": found.ResourceId, "data-dimension": found.ScalableDimension },
      h("td", {}, `${whereText(t)}, ${t.access.toLowerCase()} units`),
      h("td", { class: "num", "data-testid": "autoscaling-units" }, units === null ? "–" : `${formatUnits(units)} ${unitName(t.access)}`),
      h("td", { class: "num" }, String(found.MinCapacity)),
      h("td", { class: "num" }, String(found.MaxCapacity)),
      h("td", { class: "num" }, percent === undefined ? "no policy" : `${percent}%`),
      h("td", {}, off));
  }

  function activityItem(a: Described["ScalingActivities"][number]) {
    const t = targetOf(a.ResourceId, a.ScalableDimension);
    const time = new Date(a.StartTime * 1000).toISOString().slice(11, 19);
    return h("li", { "data-testid": "autoscaling-activity" },
      h("span", { class: "dp-activity-time" }, time), " ",
      h("strong", {}, t ? `${whereText(t)} ${unitName(t.access)}` : a.ResourceId), ": ",
      a.Description, " ", h("span", { class: "hint" }, `Cause: ${a.Cause}.`));
  }

  function render() {
    if (!metrics) return;
    provisioned.textContent = `Provisioned now: ${provisionedText(metrics)}`;
    const targets = described?.ScalableTargets ?? [];
    targetRows.replaceChildren(...targets.map(targetRow).filter((row) => row !== null));
    targetTable.hidden = targets.length === 0;
    noTargets.hidden = targets.length > 0;
    const latest = (described?.ScalingActivities ?? []).slice(0, MAX_ACTIVITIES_SHOWN);
    activities.replaceChildren(...latest.map(activityItem));
    noActivities.hidden = latest.length > 0;
    const onDemand = metrics.Table.BillingMode !== "PROVISIONED";
    turnOn.disabled = onDemand;
    noTargets.textContent = onDemand ? ON_DEMAND_NOTE : NO_TARGETS_NOTE;
  }

  /**
   * Reads the table's targets, policies and activities. DescribeScalingActivities filters by
   * one ResourceId only, so all three ask for the whole namespace and keep this table's.
   */
  async function describe() {
    if (!metrics) return;
    const table = metrics.TableName;
    const ask = async <K extends keyof Described>(operation: string, member: K): Promise<Described[K]> => {
      const outcome = await state.send<Described>(SERVICE + operation, { ServiceNamespace: NAMESPACE });
      const all: Described[K] = outcome.ok ? outcome.response[member] : [];
      return all.filter((x) => targetOf(x.ResourceId, x.ScalableDimension)?.table === table) as Described[K];
    };
    const [targets, policies, activityList] = await Promise.all([
      ask("DescribeScalableTargets", "ScalableTargets"),
      ask("DescribeScalingPolicies", "ScalingPolicies"),
      ask("DescribeScalingActivities", "ScalingActivities"),
    ]);
    if (metrics?.TableName !== table) return;
    described = { ScalableTargets: targets, ScalingPolicies: policies, ScalingActivities: activityList };
    render();
  }

  /** Sends the steps in order, stopping at the first error (shown under the form). */
  async function run(steps: ScalingStep[]) {
    error.hidden = true;
    for (const step of steps) {
      const outcome = await state.send(SERVICE + step.operation, step.request);
      if (!outcome.ok) {
        error.hidden = false;
        error.textContent = `${step.operation}: ${outcome.error.name}: ${outcome.error.message}`;
        break;
      }
    }
    await describe();
  }

  function update(now: UnitsNow) {
    const first = metrics?.TableName !== now.TableName;
    metrics = now;
    showResourceChoices(now);
    if (first) showCli();
    const signature = provisionedText(now);
    const changed = signature !== unitsSignature;
    unitsSignature = signature;
    // Rebuilding the rows on every poll would take the focus off a Turn off button.
    if (!first && !changed) return;
    render();
    void describe();
  }

  function reset() {
    metrics = null;
    described = null;
    unitsSignature = "";
    error.hidden = true;
  }

  /** Picking a target that is registered fills in its limits and target, to change them. */
  function fillFromRegistered() {
    const t = formTarget();
    const found = t && entryFor(described?.ScalableTargets ?? [], t);
    if (found) {
      min.value = String(found.MinCapacity);
      max.value = String(found.MaxCapacity);
      const percent = policyOf(t)?.TargetTrackingScalingPolicyConfiguration?.TargetValue;
      if (percent !== undefined) target.value = String(percent);
    }
    showCli();
  }

  for (const control of [where, access]) control.addEventListener("change", fillFromRegistered);
  for (const control of [min, max, target]) control.addEventListener("input", showCli);
  turnOn.addEventListener("click", () => {
    const t = formTarget();
    if (t) void run(turnOnSteps(t, formSettings()));
  });
  return { element, update, reset };
}
