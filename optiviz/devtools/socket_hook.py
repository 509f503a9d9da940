"""The one WebSocket hook of the tests and benchmarks, and the rerun waits built on it.

A page is given ``SOCKET_HOOK_JS`` as an init script; ``WATCH_STATE_JS`` then logs the
app's script state, and ``RERUN_DONE_JS`` (polled once per animation frame by
``page.wait_for_function``) says when a rerun has ended, even one React never showed.
"""

from __future__ import annotations

SOCKET_HOOK_JS = """(() => {
  if (window.__optivizHooked) return;
  window.__optivizHooked = true;
  const Native = window.WebSocket;
  const scriptFinished = bytes => {
    let i = 0;
    const varint = () => {
      let value = 0, scale = 1;
      for (;;) {
        if (i >= bytes.length) return value;
        const byte = bytes[i++];
        value += (byte & 127) * scale;
        if (byte < 128) return value;
        scale *= 128;
      }
    };
    while (i < bytes.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag % 8;
      if (field === 6) return true;
      if (wire === 0) varint();
      else if (wire === 2) {
        const length = varint();
        i += length;
      }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return false;
    }
    return false;
  };
  window.__optivizSends = 0;
  window.__optivizFinished = 0;
  window.__optivizMessages = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        window.__optivizMessages.push(performance.now());
        if (e.data instanceof ArrayBuffer && scriptFinished(new Uint8Array(e.data))) {
          window.__optivizFinished += 1;
        }
      });
    }
    send(...args) {
      window.__optivizSends += 1;
      return super.send(...args);
    }
  };
})()"""
"""Init script, the one WebSocket hook: the page's sockets count every message they send
(``window.__optivizSends``), note the page-clock time each message arrives
(``window.__optivizMessages``, ms) and count the server's ``script_finished`` messages
(ForwardMsg field 6, ``window.__optivizFinished``). Installing it twice installs it once.
"""

WATCH_STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__optivizStates = [];
  window.__optivizFinishedAt = window.__optivizFinished || 0;
  window.__optivizQuiet = 0;
  if (window.__optivizObserver) window.__optivizObserver.disconnect();
  window.__optivizObserver = new MutationObserver(() => window.__optivizStates.push(
    [performance.now(), app.getAttribute('data-test-script-state')]));
  window.__optivizObserver.observe(app, {attributes: true,
    attributeFilter: ['data-test-script-state']});
  return performance.now();
}"""
"""Start logging (time ms, script state) of every change; returns the page's clock now."""

RERUN_DONE_JS = """() => {
  const log = window.__optivizStates;
  if (log.some(([, s]) => s === 'running')) return log[log.length - 1][1] === 'notRunning';
  const app = document.querySelector('[data-testid="stApp"]');
  if ((window.__optivizFinished || 0) <= window.__optivizFinishedAt
      || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  window.__optivizQuiet += 1;
  if (window.__optivizQuiet < 2) return false;
  log.push([performance.now(), 'notRunning']);
  return true;
}"""
"""True once a rerun has started and the script state is back to ``notRunning``.

A page too busy to render between the run's first and last messages lets React batch
``running`` and ``notRunning`` into one update, and the state never visibly changes. With
``SOCKET_HOOK_JS`` installed, such a run counts as done on the second animation frame
after its ``script_finished`` message arrived (this predicate is polled once per frame), and
that time is logged as its end."""

RERUN_END_JS = "() => window.__optivizStates[window.__optivizStates.length - 1][0]"
"""The page-clock time (ms) of the last script state change."""
