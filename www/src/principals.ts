// The console's "Run as" picker (docs/access-control.md): requests run as the account root
// or as one of the database's principals (Dynaplay.ListPrincipals), and after each request
// run as a principal the page says which statement allowed or denied each action it
// performed (Dynaplay.SimulatePrincipalPolicy on the same request).
import { h, uid } from "./dom";
import type { AppState } from "./state";

/** A statement as Dynaplay.SimulatePrincipalPolicy names it. */
export interface MatchedStatement {
  SourcePolicyId: string;
  SourcePolicyType: string;
  StatementIndex: number;
  Sid: string | null;
  Effect: string;
}

/** One action of a request, as Dynaplay.SimulatePrincipalPolicy evaluates it. */
export interface EvaluationResult {
  EvalActionName: string;
  EvalResourceName: string;
  EvalDecision: string;
  DecidingStatement: MatchedStatement | null;
}

const DECISIONS: Record<string, string> = { allowed: "Allowed", explicitDeny: "Denied", implicitDeny: "Denied by default" };

/** A line per action: the decision, the action and resource, and the statement that decided. */
export function decisionLines(results: EvaluationResult[]): string[] {
  return results.map((result) => {
    const decision = DECISIONS[result.EvalDecision] ?? result.EvalDecision;
    const by = result.DecidingStatement ? `: ${statementName(result.DecidingStatement)}` : ": no statement allows it";
    return `${decision} ${result.EvalActionName} on ${result.EvalResourceName}${by}`;
  });
}

/** "statement NoDeletes (#2) of the table's resource policy", "statement #1 of policy read". */
export function statementName(statement: MatchedStatement): string {
  const where = statement.SourcePolicyType === "Resource Policy" ? "the table's resource policy" : `policy ${statement.SourcePolicyId}`;
  const number = `#${statement.StatementIndex + 1}`;
  return `${statement.Effect} statement ${statement.Sid ? `${statement.Sid} (${number})` : number} of ${where}`;
}

/** The picker and the decision it shows; `principal()` is null for the account root. */
export interface PrincipalPicker {
  element: HTMLElement;
  decision: HTMLElement;
  principal(): string | null;
  /** Shows why the request was allowed or denied (nothing for the account root). */
  explain(operation: string, request: string): Promise<void>;
}

export function createPrincipalPicker(state: AppState): PrincipalPicker {
  const root = h("option", { value: "" }, "Account root (may do everything)");
  const select = h("select", { id: uid("principal"), "data-testid": "principal" }, root);
  const element = h("div", { class: "field" }, h("label", { for: select.id }, "Run as"), select);
  const decision = h("ul", { class: "hint", "data-testid": "access-decision", "aria-live": "polite", hidden: true });

  /** Lists the principals again, keeping the choice while it still exists. */
  async function refresh() {
    const outcome = await state.send<{ Principals?: { Name: string }[] }>("Dynaplay.ListPrincipals", {});
    if (!outcome.ok) return;
    const chosen = select.value;
    const names = (outcome.response.Principals ?? []).map((p) => p.Name);
    select.replaceChildren(root, ...names.map((name) => h("option", { value: name }, name)));
    select.value = names.includes(chosen) ? chosen : "";
  }
  select.addEventListener("focus", () => void refresh());
  select.addEventListener("pointerdown", () => void refresh());
  select.addEventListener("change", () => (decision.hidden = true));

  return {
    element,
    decision,
    principal: () => select.value || null,
    async explain(operation, request) {
      const name = select.value;
      decision.hidden = !name;
      if (!name) return;
      const outcome = await state.send<{ EvaluationResults: EvaluationResult[] }>("Dynaplay.SimulatePrincipalPolicy", { PrincipalName: name, Operation: operation, Request: request });
      const lines = outcome.ok ? decisionLines(outcome.response.EvaluationResults) : [`${outcome.error.name}: ${outcome.error.message}`];
      decision.replaceChildren(...lines.map((line) => h("li", { "data-testid": "access-decision-line" }, line)));
    },
  };
}
