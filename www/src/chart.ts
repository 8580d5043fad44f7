// A small per-second consumption chart, drawn as SVG with DOM calls (createElementNS,
// attributes, textContent: no markup strings, no chart library). For a partition it shows
// read and write units per second over a window, the partition's share of the table's
// units and the 3,000 RCU / 1,000 WCU ceiling as lines, and throttles as marks; for the
// whole table, consumption next to the provisioned units in force each second.
import { chartMax, polylinePoints, type SecondUnits, yFor } from "./capacitymath";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 300;
const HEIGHT = 80;

type Attrs = Record<string, string | number>;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

export interface ChartData {
  window: readonly SecondUnits[];
  /** Units per second of the partition's share, by access (absent for on-demand). */
  share: { read: number; write: number } | null;
  /** Whether the scale stretches to show the 3,000 / 1,000 ceilings. */
  showCeilings: boolean;
  ceiling: { read: number; write: number };
  /** The seconds in which this partition (or its whole table) was throttled. */
  throttledSeconds: readonly { second: number; access: "READ" | "WRITE" }[];
  /** Provisioned units per second, one per second of the window (the table chart). */
  provisioned?: readonly SecondUnits[] | null;
  /** What a screen reader hears for the whole chart. */
  label: string;
}

export class ConsumptionChart {
  readonly element: SVGSVGElement;
  private readonly title = svg("title");
  private readonly reference = svg("g", { class: "dp-chart-lines" });
  private readonly read = svg("polyline", { class: "dp-chart-read" });
  private readonly write = svg("polyline", { class: "dp-chart-write" });
  private readonly provisionedRead = svg("polyline", { class: "dp-chart-prov-read" });
  private readonly provisionedWrite = svg("polyline", { class: "dp-chart-prov-write" });
  private readonly marks = svg("g", { class: "dp-chart-throttles" });
  private readonly top = svg("text", { x: 2, y: 9, class: "dp-chart-label" });
  private readonly since = svg("text", { x: 2, y: HEIGHT - 2, class: "dp-chart-label" });
  private readonly now = svg("text", { x: WIDTH - 2, y: HEIGHT - 2, "text-anchor": "end", class: "dp-chart-label" });

  constructor(testId = "partition-chart") {
    this.element = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", class: "dp-chart", "data-testid": testId });
    this.element.append(this.title, svg("rect", { x: 0, y: 0, width: WIDTH, height: HEIGHT, class: "dp-chart-bg" }), this.reference, this.provisionedRead, this.provisionedWrite, this.read, this.write, this.marks, this.top, this.since, this.now);
    this.now.textContent = "now";
  }

  update(data: ChartData) {
    const lines = this.referenceLines(data);
    const provisioned = data.provisioned ?? [];
    const max = chartMax(data.window, [...lines.map((line) => line.value), ...provisioned.flatMap((s) => [s.read, s.write])]);
    this.title.textContent = data.label;
    this.top.textContent = `${max.toLocaleString("en-US")} units/s`;
    this.since.textContent = `${data.window.length} s ago`;
    this.read.setAttribute("points", polylinePoints(data.window.map((s) => s.read), max, WIDTH, HEIGHT));
    this.write.setAttribute("points", polylinePoints(data.window.map((s) => s.write), max, WIDTH, HEIGHT));
    this.provisionedRead.setAttribute("points", polylinePoints(provisioned.map((s) => s.read), max, WIDTH, HEIGHT));
    this.provisionedWrite.setAttribute("points", polylinePoints(provisioned.map((s) => s.write), max, WIDTH, HEIGHT));
    this.reference.replaceChildren(...lines.map((line) => this.horizontal(line.value, max, line.className)));
    this.marks.replaceChildren(...this.throttleMarks(data));
  }

  private referenceLines(data: ChartData): { value: number; className: string }[] {
    const lines: { value: number; className: string }[] = [];
    if (data.share) lines.push({ value: data.share.read, className: "dp-chart-share-read" }, { value: data.share.write, className: "dp-chart-share-write" });
    if (data.showCeilings) lines.push({ value: data.ceiling.read, className: "dp-chart-ceiling" }, { value: data.ceiling.write, className: "dp-chart-ceiling" });
    return lines;
  }

  private horizontal(value: number, max: number, className: string): SVGLineElement {
    const y = yFor(value, max, HEIGHT);
    return svg("line", { x1: 0, x2: WIDTH, y1: y, y2: y, class: className });
  }

  private throttleMarks(data: ChartData): SVGElement[] {
    const first = data.window[0]?.second ?? 0;
    const step = data.window.length > 1 ? WIDTH / (data.window.length - 1) : 0;
    return data.throttledSeconds
      .filter((t) => t.second >= first && t.second - first < data.window.length)
      .map((t) => {
        const x = (t.second - first) * step;
        return svg("line", { x1: x, x2: x, y1: 0, y2: HEIGHT, class: `dp-chart-throttle dp-chart-throttle-${t.access.toLowerCase()}` });
      });
  }
}
