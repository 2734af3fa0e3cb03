/** How often the inbox and an open conversation ask for news (new messages show within 3 s). */
export const POLL_MS = 1_500;

/**
 * Runs `tick` every `ms` while `el` is on the page: the next run is scheduled when the last one has
 * finished (no overlapping requests on a slow network), a hidden tab skips its turn, and leaving the
 * page (the element detached) ends the loop. A failing tick is retried at the next turn.
 */
export function whileShown(el: Element, tick: () => Promise<void>, ms = POLL_MS): void {
  const next = () =>
    setTimeout(async () => {
      if (!el.isConnected) return;
      if (!document.hidden) await tick().catch(() => undefined);
      next();
    }, ms);
  next();
}
