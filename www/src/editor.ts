// The JSON editors of the page: CodeMirror 6 with JSON highlighting, bracket matching, a
// JSON syntax linter, undo history, search, autocomplete of request parameter and table
// names, and Ctrl/Cmd+Enter to run. Colours come from the page's CSS variables
// (classHighlighter emits tok-* classes), so the editor follows the light/dark theme.
import { autocompletion, closeBrackets, closeBracketsKeymap, type Completion, completionKeymap, type CompletionContext, type CompletionResult, type CompletionSource } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import { bracketMatching, foldGutter, foldKeymap, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { linter, lintKeymap, type LintSource } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { EditorState, type Extension, type Range, StateEffect, StateField } from "@codemirror/state";
import { Decoration, type DecorationSet, drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, placeholder, WidgetType } from "@codemirror/view";
import { classHighlighter } from "@lezer/highlight";

export interface JsonEditorOptions {
  /** The document or shadow root the editor shows in, where its styles are mounted (the
   *  editor is built before it is attached, so CodeMirror cannot find it itself). */
  root: Document | ShadowRoot;
  doc?: string;
  /** The accessible name of the editing area. */
  label: string;
  /** data-testid of the editing area (the element Playwright types into). */
  testId?: string;
  onRun?: () => void;
  onChange?: (text: string) => void;
  /** Words offered by autocomplete inside strings (parameter names, table names), or
   *  completions with a detail (a reserved attribute name's placeholder). */
  words?: () => (string | Completion)[];
  /** Completion in place of `words` (the PartiQL editor completes outside strings). */
  complete?: CompletionSource;
  /** The language in place of JSON and its syntax linter (PartiQL). */
  language?: Extension;
  /** More diagnostics, such as reserved words used as names, with their quick fixes. */
  lint?: LintSource;
  placeholder?: string;
  minLines?: number;
}

/** A range of the text to underline as an error; an empty range is marked by a small widget. */
export interface ErrorMark {
  from: number;
  to: number;
  /** This range's own tooltip, in place of the one given for all. */
  message?: string;
}

export interface JsonEditor {
  view: EditorView;
  /** Underlines RANGES with a wavy line and MESSAGE as their tooltip, until the text changes. */
  markErrors(ranges: ErrorMark[], message: string): void;
  clearErrors(): void;
  get text(): string;
  set text(value: string);
  focus(): void;
}

const setErrorMarks = StateEffect.define<{ ranges: ErrorMark[]; message: string } | null>();

/** The wavy underline where an empty range is (the end of an expression, `<EOF>`). */
class EndMark extends WidgetType {
  constructor(readonly message: string) {
    super();
  }
  override eq(other: EndMark) {
    return other.message === this.message;
  }
  toDOM() {
    const span = document.createElement("span");
    span.className = "dp-expr-error dp-expr-error-end";
    span.title = this.message;
    span.setAttribute("data-testid", "expression-error");
    span.setAttribute("aria-label", `Error here: ${this.message}`);
    span.textContent = "\u2002";
    return span;
  }
}

/** Error underlines set by markErrors; any edit of the text clears them. */
const errorMarks = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    if (tr.docChanged) marks = Decoration.none;
    for (const effect of tr.effects) {
      if (!effect.is(setErrorMarks)) continue;
      if (!effect.value) {
        marks = Decoration.none;
        continue;
      }
      const { ranges, message } = effect.value;
      const length = tr.state.doc.length;
      const decorations: Range<Decoration>[] = ranges
        .filter((r) => r.from >= 0 && r.to <= length && r.from <= r.to)
        .map((r) =>
          r.from === r.to
            ? Decoration.widget({ widget: new EndMark(r.message ?? message), side: 1 }).range(r.from)
            : Decoration.mark({ class: "dp-expr-error", attributes: { title: r.message ?? message, "data-testid": "expression-error" } }).range(r.from, r.to),
        );
      marks = Decoration.set(decorations, true);
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** Types a character over a selection through a transaction instead of the browser.
 *  Chromium's own editing, when typed text replaces a selection across lines, keeps the
 *  removed text's look by writing `style` attributes into the merged lines: a page whose
 *  Content-Security-Policy has no 'unsafe-inline' in style-src blocks and reports each one
 *  (docs/embedding.md). The input handlers (closing brackets, autocomplete) still apply. */
const typeOverSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    const text = event.data;
    if (event.inputType !== "insertText" || !text || view.composing || view.state.selection.ranges.every((range) => range.empty)) return false;
    event.preventDefault();
    const { from, to } = view.state.selection.main;
    const insert = () => view.state.update(view.state.replaceSelection(text), { scrollIntoView: true, userEvent: "input.type" });
    if (!view.state.facet(EditorView.inputHandler).some((handler) => handler(view, from, to, text, insert))) view.dispatch(insert());
    return true;
  },
});

function wordCompletions(words: () => (string | Completion)[]) {
  return (context: CompletionContext): CompletionResult | null => {
    // Complete inside a string: property names and values alike.
    const word = context.matchBefore(/"[A-Za-z0-9_.#:-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return {
      from: word.from + 1,
      options: [...new Set(words())].map((word) => (typeof word === "string" ? { label: word, type: /^[A-Z]/.test(word) ? "property" : "variable" } : word)),
      validFor: /^[A-Za-z0-9_.#:-]*$/,
    };
  };
}

export function createJsonEditor(parent: HTMLElement, options: JsonEditorOptions): JsonEditor {
  const run = options.onRun;
  const extensions = [
    lineNumbers(),
    highlightActiveLineGutter(),
    foldGutter(),
    history(),
    drawSelection(),
    typeOverSelection,
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    syntaxHighlighting(classHighlighter),
    options.language ?? [json(), linter(jsonParseLinter(), { delay: 300 })],
    options.lint ? linter(options.lint, { delay: 400 }) : [],
    EditorView.lineWrapping,
    errorMarks,
    keymap.of([
      ...(run ? [{ key: "Mod-Enter", run: () => (run(), true), preventDefault: true }] : []),
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...searchKeymap,
      ...historyKeymap,
      ...foldKeymap,
      ...completionKeymap,
      ...lintKeymap,
    ]),
    EditorView.contentAttributes.of({
      "aria-label": options.label,
      "aria-multiline": "true",
      ...(options.testId ? { "data-testid": options.testId } : {}),
    }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) options.onChange?.(update.state.doc.toString());
    }),
  ];
  const complete = options.complete ?? (options.words ? wordCompletions(options.words) : null);
  if (complete) extensions.push(autocompletion({ override: [complete], activateOnTyping: true }));
  if (options.placeholder) extensions.push(placeholder(options.placeholder));
  if (options.minLines) {
    extensions.push(EditorView.theme({ ".cm-content, .cm-gutter": { minHeight: `${options.minLines * 1.45}em` } }));
  }
  const view = new EditorView({ parent, root: options.root, state: EditorState.create({ doc: options.doc ?? "", extensions }) });
  return {
    view,
    get text() {
      return view.state.doc.toString();
    },
    set text(value: string) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    },
    focus() {
      view.focus();
    },
    markErrors(ranges, message) {
      const first = ranges[0];
      view.dispatch({
        effects: [setErrorMarks.of({ ranges, message }), ...(first ? [EditorView.scrollIntoView(first.from, { y: "nearest" })] : [])],
      });
    },
    clearErrors() {
      view.dispatch({ effects: setErrorMarks.of(null) });
    },
  };
}
