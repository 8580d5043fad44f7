// A tiny DOM builder. Text goes in with textContent, never as HTML: there is no innerHTML
// anywhere in the page, so an item value like "<img onerror=...>" can only ever show as text.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener> & {
  on?: never;
};

/**
 * h("button", { class: "x", type: "button", onclick: fn, "aria-label": "Run" }, "Run")
 * Attributes set to false/null/undefined are left out; true sets an empty attribute;
 * functions under "on..." names become event listeners.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(parent: Element, ...children: Child[]) {
  parent.replaceChildren();
  append(parent, ...children);
}

let nextId = 0;
/** A page-unique id for label/aria wiring. */
export const uid = (prefix: string) => `${prefix}-${++nextId}`;

type Control = HTMLInputElement | HTMLSelectElement;

/** A form field: the label above its control (which gets an id if it has none). */
export function labelled(label: string, control: Control): HTMLElement {
  control.id ||= uid("field");
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control);
}

/** A checkbox with its label after it. */
export function checkbox(input: HTMLInputElement, label: string): HTMLElement {
  input.id ||= uid("check");
  return h("span", { class: "dp-check" }, input, h("label", { for: input.id }, label));
}

/** Copies text to the clipboard; resolves to whether it worked. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** A Copy button and the line that says whether copying `text()` worked. */
export function copyButton(text: () => string, testId?: string): HTMLElement {
  const button = h("button", { type: "button", class: "small secondary", "data-testid": testId }, "Copy");
  const copied = h("span", { class: "hint", role: "status" });
  button.addEventListener("click", async () => {
    copied.textContent = (await copyText(text())) ? "Copied." : "Copying is blocked here: select the text and copy it.";
    setTimeout(() => (copied.textContent = ""), 3000);
  });
  return h("span", { class: "dp-copy" }, button, copied);
}

/**
 * Asks for confirmation in a modal <dialog> (not window.confirm: it stays inside the page,
 * styled and keyboard-usable). Resolves to true when the person confirmed.
 */
export function confirmDialog(opts: { title: string; body: string; confirm: string; danger?: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = uid("dialog-title");
    const ok = h("button", { type: "button", class: opts.danger ? "danger" : "", "data-testid": "dialog-confirm" }, opts.confirm);
    const cancel = h("button", { type: "button", class: "secondary", "data-testid": "dialog-cancel" }, "Cancel");
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": titleId, "data-testid": "dialog" },
      h("h2", { id: titleId }, opts.title),
      h("p", {}, opts.body),
      h("div", { class: "actions" }, ok, cancel),
    );
    const done = (value: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    ok.addEventListener("click", () => done(true));
    cancel.addEventListener("click", () => done(false));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      done(false);
    });
    // Into the focused embed's shadow root (where its styles apply), else the page's body.
    (document.activeElement?.shadowRoot ?? document.body).append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
