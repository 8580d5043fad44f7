// The designer's Streams and Time to live fields, shared by the create and edit forms: a
// stream (enabled, view type) becomes CreateTable's or UpdateTable's StreamSpecification;
// time to live (enabled, attribute name) becomes an UpdateTimeToLive request, which DynamoDB
// keeps apart from CreateTable and UpdateTable.
import { checkbox, h, labelled, uid } from "./dom";
import { viewTypeSelect } from "./streams";

export interface StreamSetting {
  enabled: boolean;
  viewType: string;
}

export interface StreamFields {
  element: HTMLElement;
  value(): StreamSetting;
  set(setting: StreamSetting): void;
}

/** The stream checkbox and its view type (shown while the box is ticked). */
export function createStreamFields(prefix: string): StreamFields {
  const enabled = h("input", { type: "checkbox", id: uid(`${prefix}-stream`), "data-testid": `${prefix}-stream-enabled` });
  const viewType = viewTypeSelect(`${prefix}-stream-view-type`);
  const viewField = labelled("View type", viewType);
  const sync = () => (viewField.hidden = !enabled.checked);
  enabled.addEventListener("change", sync);
  sync();
  const element = h("fieldset", { class: "field", "data-testid": `${prefix}-stream` },
    h("legend", {}, "DynamoDB Streams"),
    checkbox(enabled, "Record every change in a stream (24 h retention)"),
    viewField);
  return {
    element,
    value: () => ({ enabled: enabled.checked, viewType: viewType.value }),
    set(setting) {
      enabled.checked = setting.enabled;
      viewType.value = setting.viewType;
      sync();
    },
  };
}

/**
 * The StreamSpecifications, one per UpdateTable, that turn the stream from BEFORE to AFTER:
 * none when nothing changes; enable with the view type; disable without one. A new view type
 * on an enabled stream takes two: DynamoDB refuses to change it in place ("Table already has
 * an enabled stream"), so the stream is disabled, then enabled with the new type.
 */
export function streamSteps(before: StreamSetting, after: StreamSetting): Record<string, unknown>[] {
  const enable = { StreamEnabled: true, StreamViewType: after.viewType };
  if (after.enabled && !before.enabled) return [enable];
  if (after.enabled && before.viewType !== after.viewType) return [{ StreamEnabled: false }, enable];
  if (!after.enabled && before.enabled) return [{ StreamEnabled: false }];
  return [];
}

/** The stream setting a DescribeTable answer shows. */
export function describedStream(table: any): StreamSetting {
  const spec = table?.StreamSpecification;
  return { enabled: Boolean(spec?.StreamEnabled), viewType: String(spec?.StreamViewType ?? "NEW_AND_OLD_IMAGES") };
}

export interface TtlSetting {
  enabled: boolean;
  attribute: string;
}

export interface TtlFields {
  element: HTMLElement;
  attributeInput: HTMLInputElement;
  value(): TtlSetting;
  set(setting: TtlSetting): void;
}

/** The time to live checkbox and its attribute name. */
export function createTtlFields(prefix: string): TtlFields {
  const enabled = h("input", { type: "checkbox", id: uid(`${prefix}-ttl`), "data-testid": `${prefix}-ttl-enabled` });
  const attribute = h("input", { type: "text", autocomplete: "off", spellcheck: "false", value: "expiresAt", "data-testid": `${prefix}-ttl-attribute` });
  const element = h("fieldset", { class: "field", "data-testid": `${prefix}-ttl` },
    h("legend", {}, "Time to live"),
    checkbox(enabled, "Delete items once their time to live has passed"),
    labelled("Attribute (a Number of epoch seconds)", attribute));
  return {
    element,
    attributeInput: attribute,
    value: () => ({ enabled: enabled.checked, attribute: attribute.value }),
    set(setting) {
      enabled.checked = setting.enabled;
      attribute.value = setting.attribute;
    },
  };
}

/** The UpdateTimeToLive request for TABLE. */
export function timeToLiveRequest(table: string, setting: TtlSetting): Record<string, unknown> {
  return { TableName: table, TimeToLiveSpecification: { Enabled: setting.enabled, AttributeName: setting.attribute } };
}
