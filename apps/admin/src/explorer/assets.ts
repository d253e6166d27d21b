/*
 * The explorer's stylesheet and script, served as files of their own (no inline script, so a
 * strict Content-Security-Policy can keep allowing only the admin's own origin). Plain CSS and
 * browser JavaScript: nothing to build.
 */

export const STYLESHEET = `
:root { --fg: #1d2330; --muted: #5d6678; --line: #d9dee7; --bg: #f6f7f9; --accent: #2457c5;
  --moved: #1f8a4c; --stale: #9aa3b2; --terminal: #b4372f; --pending: #b7791f; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 20px; align-items: center; padding: 10px 24px; background: #1d2330; }
header a { color: #c9d3e6; text-decoration: none; } header a.active, header a:hover { color: #fff; }
header strong { color: #fff; margin-right: 12px; }
main { padding: 16px 24px 48px; max-width: 1400px; }
h1 { font-size: 20px; margin: 8px 0 16px; } h2 { font-size: 16px; margin: 24px 0 8px; }
a { color: var(--accent); }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.mono, .mono { font-family: ui-monospace, monospace; font-size: 12.5px; word-break: break-all; }
form.search { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 16px; }
form.search label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
input, select, button { font: inherit; padding: 4px 6px; }
button { cursor: pointer; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; }
pre { background: #fff; border: 1px solid var(--line); padding: 10px; overflow: auto; max-height: 480px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: #fff;
  border: 1px solid var(--line); padding: 10px 14px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; background: #e6e9ef; }
.badge.moved { background: #d6f0df; color: var(--moved); } .badge.stale { color: #5d6678; }
.badge.terminal { background: #f7dcda; color: var(--terminal); } .badge.pending { background: #f8ebd2; color: var(--pending); }
.badge.failing { background: #f7dcda; color: var(--terminal); }
.notice { padding: 8px 12px; background: #fff; border-left: 4px solid var(--accent); margin: 8px 0; }
.notice.error { border-color: var(--terminal); }
.actions { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
ol.timeline { list-style: none; margin: 0; padding: 0 0 0 18px; border-left: 3px solid var(--line); }
ol.timeline li { position: relative; margin: 0 0 12px; padding: 6px 10px; background: #fff; border: 1px solid var(--line); }
ol.timeline li::before { content: ''; position: absolute; left: -28px; top: 10px; width: 14px; height: 14px;
  border-radius: 50%; background: #fff; border: 3px solid var(--stale); }
ol.timeline li.moved::before { background: var(--moved); border-color: var(--moved); }
ol.timeline li.terminal::before { border-color: var(--terminal); }
ol.timeline li.pending::before { border-color: var(--pending); }
ol.timeline li.replay { border-style: dashed; }
ol.timeline .when { color: var(--muted); font-size: 12px; }
svg.chart { background: #fff; border: 1px solid var(--line); max-width: 100%; height: auto; display: block; }
svg.chart text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg.chart .step { fill: none; stroke: var(--moved); stroke-width: 2; }
svg.chart .grid { stroke: var(--line); }
svg.chart .moved { fill: var(--moved); } svg.chart .offered { fill: #fff; stroke: var(--stale); stroke-width: 2; }
svg.chart .refused { fill: #fff; stroke: var(--terminal); stroke-width: 2; }
`;

/**
 * The explorer's buttons call the JSON API (same origin, `Content-Type: application/json`), so
 * a change made here passes exactly the checks and audit trail of a change made with curl.
 */
export const SCRIPT = `
async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error ? answer.error.code + ': ' + answer.error.message : 'HTTP ' + response.status);
  return answer;
}

function report(element, message, failed) {
  element.textContent = message;
  element.classList.toggle('error', failed);
  element.hidden = false;
}

for (const button of document.querySelectorAll('button[data-replay]')) {
  button.addEventListener('click', async () => {
    const status = document.getElementById(button.dataset.status);
    const reason = document.getElementById(button.dataset.reason).value.trim();
    button.disabled = true;
    try {
      const answer = await post(button.dataset.replay, reason === '' ? {} : { reason });
      report(status, 'Replay queued as job ' + answer.jobId + '. Its outcome appears under Replays and on the entity timeline once the worker has run it.', false);
    } catch (error) {
      report(status, 'Replay refused: ' + error.message, true);
    } finally {
      button.disabled = false;
    }
  });
}

for (const button of document.querySelectorAll('button[data-retry-failed]')) {
  button.addEventListener('click', async () => {
    const status = document.getElementById(button.dataset.status);
    button.disabled = true;
    try {
      const answer = await post(button.dataset.retryFailed, {});
      report(status, answer.retried + ' failed job(s) moved back to waiting.', false);
    } catch (error) {
      report(status, 'Retry refused: ' + error.message, true);
    } finally {
      button.disabled = false;
    }
  });
}
`;
