import { describe, expect, it } from 'vitest';
import { html } from './html.js';

describe('html', () => {
  it('escapes interpolated text, quotes included, so it can leave neither an element nor an attribute', () => {
    const id = `"><script>alert('x')</script>&`;
    expect(String(html`<a title="${id}">${id}</a>`)).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a>',
    );
  });

  it('keeps nested templates and lists of them as markup, and leaves out null, undefined and false', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    expect(String(html`<ul>${items}${null}${undefined}${false}</ul>`)).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
  });
});
