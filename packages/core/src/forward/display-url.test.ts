import { describe, expect, it } from 'vitest';
import { displayUrl } from './display-url.js';

describe('displayUrl', () => {
  it('drops the user name, password and fragment, and redacts every query value', () => {
    expect(displayUrl('https://hook:s3cret@orders.internal:8443/in?token=abc&token=def&v=2#frag')).toBe(
      'https://orders.internal:8443/in?token=redacted&v=redacted',
    );
  });

  it('leaves a URL without credentials as it is', () => {
    expect(displayUrl('http://audit.internal/in')).toBe('http://audit.internal/in');
  });

  it('shows nothing of a value that is not a URL', () => {
    expect(displayUrl('not a url with a secret')).toBe('(not a URL)');
  });
});
