// The polling loop of a panel that shows live engine state (Capacity, Streams): it runs
// `poll` every `millis` while the panel is shown and the browser tab is visible, and
// stops otherwise, so a hidden panel costs nothing.

export interface Poller {
  /** Whether the panel is shown. */
  readonly shown: boolean;
  /** The panel was shown or hidden: polling starts or stops. */
  show(shown: boolean): void;
  /** Ends the running loop and, if the panel is shown, starts a new one at once. */
  restart(): void;
}

export function createPoller(poll: () => Promise<void>, millis: number): Poller {
  let shown = false;
  /** Bumped to end the running loop. */
  let run = 0;

  async function loop(mine: number) {
    while (mine === run) {
      await poll();
      await new Promise((resolve) => setTimeout(resolve, millis));
    }
  }

  function restart() {
    run++;
    if (shown && !document.hidden) void loop(run);
  }

  document.addEventListener("visibilitychange", restart);
  return {
    get shown() {
      return shown;
    },
    show(now: boolean) {
      shown = now;
      restart();
    },
    restart,
  };
}
