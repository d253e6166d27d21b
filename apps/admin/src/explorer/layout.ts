import { html, type SafeHtml } from './html.js';

export type Section = 'events' | 'failed';

/** The page around every explorer view: navigation, then the view. */
export function layout(title: string, section: Section | undefined, body: SafeHtml): string {
  const link = (href: string, label: string, name?: Section) =>
    html`<a href="${href}" class="${name !== undefined && name === section ? 'active' : ''}">${label}</a>`;
  return String(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Hookline</title>
<link rel="stylesheet" href="/ui/assets/explorer.css">
<script src="/ui/assets/explorer.js" defer></script>
</head>
<body>
<header><strong>Hookline</strong>${link('/ui/events', 'Events', 'events')}${link('/ui/failed', 'Failed', 'failed')}${link('/queues', 'Bull Board')}${link('/docs', 'API')}</header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`);
}

/** How a stored instant is shown: UTC, to the second, sortable. */
export function when(iso: string | null): string {
  return iso === null ? '—' : `${iso.slice(0, 19).replace('T', ' ')}Z`;
}

export function eventHref(source: string, eventId: string): string {
  return `/ui/events/${encodeURIComponent(source)}/${encodeURIComponent(eventId)}`;
}

export function entityHref(source: string, entityId: string): string {
  return `/ui/entities/${encodeURIComponent(source)}/${encodeURIComponent(entityId)}`;
}

/** What a transition did to the entity, as the explorer colours it. */
export function transitionClass(transition: string | null): 'moved' | 'stale' | 'terminal' | 'pending' | 'same' {
  switch (transition) {
    case 'applied':
    case 'reopened':
    case 'override':
      return 'moved';
    case 'terminal':
      return 'terminal';
    case 'stale':
      return 'stale';
    case null:
      return 'pending';
    default:
      return 'same';
  }
}

export function transitionBadge(transition: string | null): SafeHtml {
  return html`<span class="badge ${transitionClass(transition)}">${transition ?? 'not processed'}</span>`;
}

/** Where processing stands, from the summary's columns (the search's `outcome`). */
export function processingBadge(event: { processedAt: string | null; lastError: string | null }): SafeHtml {
  if (event.processedAt !== null) return html`<span class="badge">processed</span>`;
  if (event.lastError !== null) return html`<span class="badge failing" title="${event.lastError}">failing</span>`;
  return html`<span class="badge pending">pending</span>`;
}
