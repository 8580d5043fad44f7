// The arithmetic behind the Capacity panel, kept free of the DOM so it can be unit-tested:
// where a partition's hash range sits in the key space, how full a burst bucket is, the
// per-second consumption window a chart draws, its scale, and the text of figures.
// The constants mirror the engine's model (docs/capacity.md, src/engine/throughput.rs).

/** Unused units a bucket keeps: 300 seconds of its rate (burst capacity). */
export const BURST_SECONDS = 300;
/** What one partition can serve per second, whatever the table's units. */
export const PARTITION_CEILING = { read: 3000, write: 1000 } as const;

const KEY_SPACE = 1n << 64n;
/** Fractions are computed in millionths of the key space, exact enough for any drawing. */
const PRECISION = 1_000_000n;

/** Where a hash range [start, end] (16 hex digits each) lies, as fractions of the key space. */
export function rangeFraction(startHex: string, endHex: string): { start: number; width: number } {
  const start = BigInt(`0x${startHex}`);
  const end = BigInt(`0x${endHex}`);
  const toFraction = (value: bigint) => Number((value * PRECISION) / KEY_SPACE) / Number(PRECISION);
  return { start: toFraction(start), width: toFraction(end - start + 1n) };
}

/** How full a bucket is, 0 to 1; a bucket in debt (charged past empty) shows as empty. */
export function fillFraction(available: number, capacity: number): number {
  if (!(capacity > 0)) return 0;
  return Math.min(1, Math.max(0, available / capacity));
}

/** The burst capacity of a provisioned pool or of one partition's even share of it. */
export function burstCapacity(unitsPerSecond: number, partitions = 1): number {
  return (unitsPerSecond / Math.max(1, partitions)) * BURST_SECONDS;
}

export interface SecondUnits {
  second: number;
  read: number;
  write: number;
}

/**
 * The last `windowSeconds` seconds up to `nowSecond`, oldest first, one entry per second:
 * the engine lists only seconds with traffic, so the gaps are filled with zeros.
 */
export function consumptionWindow(consumed: readonly (readonly number[])[], nowSecond: number, windowSeconds: number): SecondUnits[] {
  const first = nowSecond - windowSeconds + 1;
  const window: SecondUnits[] = Array.from({ length: windowSeconds }, (_, i) => ({ second: first + i, read: 0, write: 0 }));
  for (const [second = NaN, read = 0, write = 0] of consumed) {
    const slot = window[second - first];
    if (slot) {
      slot.read = read;
      slot.write = write;
    }
  }
  return window;
}

/** Per second, the sum of several windows of the same seconds (a table's partitions). */
export function sumWindows(windows: readonly (readonly SecondUnits[])[]): SecondUnits[] {
  const [first, ...rest] = windows;
  if (!first) return [];
  return first.map((slot, i) => rest.reduce((sum, w) => ({ second: sum.second, read: sum.read + (w[i]?.read ?? 0), write: sum.write + (w[i]?.write ?? 0) }), { ...slot }));
}

/**
 * The provisioned units in force in each second of WINDOW, from SAMPLES (what each poll saw,
 * oldest first): the latest sample at or before the second, or the oldest one for seconds
 * before any sample (the units were what they are now, as far as the page knows).
 */
export function provisionedSeries(samples: readonly SecondUnits[], window: readonly SecondUnits[]): SecondUnits[] {
  let next = 0;
  let current = samples[0];
  return window.map(({ second }) => {
    while (next < samples.length && samples[next]!.second <= second) current = samples[next++];
    return { second, read: current?.read ?? 0, write: current?.write ?? 0 };
  });
}

/** The smallest 1, 2 or 5 times a power of ten that is at least `value` (at least 1). */
export function niceCeiling(value: number): number {
  if (!(value > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** A chart's top: room for the traffic and for every reference line it must show. */
export function chartMax(window: readonly SecondUnits[], lines: readonly number[]): number {
  const peak = Math.max(0, ...window.map((s) => Math.max(s.read, s.write)), ...lines);
  return niceCeiling(peak * 1.1);
}

/** A value's height in a chart `height` pixels tall whose top is `max` (SVG y grows down). */
export function yFor(value: number, max: number, height: number): number {
  return height - (Math.min(Math.max(value, 0), max) / max) * height;
}

/** The SVG polyline points of one series across a chart `width` pixels wide. */
export function polylinePoints(values: readonly number[], max: number, width: number, height: number): string {
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values.map((v, i) => `${round(i * step)},${round(yFor(v, max, height))}`).join(" ");
}

const round = (n: number) => Math.round(n * 10) / 10;

/** "12.5 KB": bytes in 1,024 steps, one decimal past the first step. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Units with at most one decimal and thousands separators ("1,234.5"); debt keeps its sign. */
export function formatUnits(units: number): string {
  // `|| 0` turns a debt that rounds away (-0.04) into "0", not "-0".
  return (Math.round(units * 10) / 10 || 0).toLocaleString("en-US", { maximumFractionDigits: 1 });
}

/** Units short enough for a gauge: "950.5", "12.3K", "1.2M". */
export function formatCompactUnits(units: number): string {
  if (Math.abs(units) < 10_000) return formatUnits(units);
  return units.toLocaleString("en-US", { notation: "compact", maximumFractionDigits: 1 });
}

/** "1 partition", "3 partitions". */
export function counted(count: number, noun: string): string {
  return `${count.toLocaleString("en-US")} ${noun}${count === 1 ? "" : "s"}`;
}

/** "37.5%" of a fraction, with more digits for the sliver of a heavily split key space. */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  return `${percent.toLocaleString("en-US", { maximumFractionDigits: percent < 1 ? 3 : 1 })}%`;
}

/** What each throttle limit means, for the event list. */
export const LIMIT_TEXT: Record<string, string> = {
  PARTITION: "the partition served its ceiling of 3,000 RCU / 1,000 WCU in this second.",
  PARTITION_SHARE: "the partition spent its even share of the table's units and its burst; adaptive capacity is off, so it cannot borrow the table's unused units.",
  PROVISIONED: "the table (or index) spent its provisioned units and its 300 s of burst capacity.",
  ON_DEMAND: "the on-demand table went past twice its previous peak (or its quota); it adapts within seconds.",
};

/** The simulated clock as a time of day, and how far it runs ahead of (or, paused, behind) real time. */
export function clockText(nowMillis: number, realMillis: number): string {
  const time = new Date(nowMillis).toISOString().slice(11, 19);
  const ahead = Math.round((nowMillis - realMillis) / 1000);
  if (Math.abs(ahead) < 2) return `${time} UTC`;
  return `${time} UTC (${formatDuration(Math.abs(ahead))} ${ahead > 0 ? "ahead of" : "behind"} real time)`;
}

/** "1 h 5 min", "3 min 20 s", "42 s". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.round(totalSeconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  if (hours) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes) return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
  return `${seconds} s`;
}

/**
 * How many requests a load generator sends on a tick: `perSecond` spread over ticks of
 * `tickMillis`, carrying the fraction over so that 3 per second at 10 ticks a second
 * sends 3, not 0 or 10.
 */
export function requestsThisTick(perSecond: number, tickMillis: number, carried: number): { count: number; carry: number } {
  const due = carried + (perSecond * tickMillis) / 1000;
  // The epsilon keeps ten ticks of 0.3 at 3 requests despite the sum being 2.9999999999999996.
  const count = Math.floor(due + 1e-9);
  return { count, carry: Math.max(0, due - count) };
}
