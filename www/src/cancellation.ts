// A cancelled transaction's CancellationReasons, matched with the actions of the request
// that was sent, so that the console can say which action failed and why: DynamoDB gives
// one reason per action, in order, with Code "None" for the actions that would have worked.

export interface CancellationReason {
  Code: string;
  Message?: string;
  /** The item as it was, for a failed condition that asked for it (ALL_OLD). */
  Item?: Record<string, unknown>;
}

/** The CancellationReasons of an error, keeping only well-formed entries. */
export function cancellationReasonsOf(value: unknown): CancellationReason[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter((r) => r && typeof r === "object" && typeof r.Code === "string")
    .map((r) => ({
      Code: r.Code,
      ...(typeof r.Message === "string" ? { Message: r.Message } : {}),
      ...(r.Item && typeof r.Item === "object" ? { Item: r.Item } : {}),
    }));
}

/** One action of a cancelled transaction and what became of it. */
export interface CancelledAction {
  /** The action's position in TransactItems, from 0. */
  index: number;
  /** Put, Update, Delete, ConditionCheck or Get, when the request says. */
  action: string | null;
  table: string | null;
  reason: CancellationReason;
}

const ACTIONS = ["Put", "Update", "Delete", "ConditionCheck", "Get"];

/** The reasons next to the actions of the request text they answer (read leniently). */
export function cancelledActions(reasons: CancellationReason[], requestText: string): CancelledAction[] {
  let items: unknown[] = [];
  try {
    const request = JSON.parse(requestText);
    if (Array.isArray(request?.TransactItems)) items = request.TransactItems;
  } catch {
    // an unreadable request still lists the reasons, without the actions
  }
  return reasons.map((reason, index) => {
    const element = items[index] as Record<string, any> | undefined;
    const action = ACTIONS.find((name) => element && typeof element[name] === "object") ?? null;
    const table = action ? element![action]?.TableName : undefined;
    return { index, action, table: typeof table === "string" ? table : null, reason };
  });
}
