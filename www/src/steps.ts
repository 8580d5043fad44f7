// The Steps strip of an embed: a preset's scripted requests, which the reader runs one at a
// time. Running a step fills the Console (API mode) with its operation and request and runs
// it, so the reader sees the real request and the engine's real response, and can edit and
// run it again. Each step shows whether it ran ("done", "failed"); the next one is marked.
import type { Console } from "./console";
import { h } from "./dom";
import type { PresetStep } from "./preset";

export interface Steps {
  element: HTMLElement;
  /** Marks every step not run yet (after a Reset). */
  restart(): void;
}

export function createSteps(steps: PresetStep[], console_: Console, showConsole: () => void): Steps {
  const items = steps.map((step, index) => {
    const run = h("button", { type: "button", class: "small", "data-testid": "step-run", "aria-label": `Run step ${index + 1}: ${step.title}` }, "Run");
    const item = h("li", { class: "dp-step", "data-testid": "step", "data-state": "pending" },
      h("div", { class: "dp-step-head" }, h("strong", {}, step.title), h("code", {}, step.operation), run),
      step.note ? h("p", { class: "hint" }, step.note) : null,
    );
    run.addEventListener("click", async () => {
      showConsole();
      console_.load({ mode: "api", operation: step.operation, request: JSON.stringify(step.request, null, 2) });
      run.disabled = true;
      const ok = await console_.run();
      run.disabled = false;
      item.dataset.state = ok ? "done" : "failed";
      markNext();
    });
    return item;
  });
  const list = h("ol", { class: "dp-steps-list" }, ...items);
  const element = h("section", { class: "dp-steps", "data-testid": "steps", "aria-label": "Steps" },
    h("h2", {}, "Steps"),
    h("p", { class: "hint" }, "Run each step in order: it fills the Console with the request and runs it."),
    list,
  );

  /** aria-current on the first step not run yet. */
  function markNext() {
    const next = items.find((item) => item.dataset.state === "pending");
    for (const item of items) {
      if (item === next) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    }
  }
  markNext();
  return {
    element,
    restart() {
      for (const item of items) item.dataset.state = "pending";
      markNext();
    },
  };
}
