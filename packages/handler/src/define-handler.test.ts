import { describe, expect, it } from 'vitest';
import { defineHandler, isHandler } from './define-handler.js';
import { isPermanentError, PermanentError } from './permanent-error.js';

describe('defineHandler', () => {
  it('makes a frozen handler that isHandler recognises', () => {
    const handler = defineHandler({ eventTypes: ['order.*'], handle: () => {} });
    expect(isHandler(handler)).toBe(true);
    expect(Object.isFrozen(handler)).toBe(true);
    expect(handler.eventTypes).toEqual(['order.*']);
  });

  it('keeps `this` bound to the definition inside handle', async () => {
    const seen: unknown[] = [];
    const handler = defineHandler({
      label: 'mine',
      handle(this: { label: string }) {
        seen.push(this.label);
      },
    } as Parameters<typeof defineHandler>[0]);
    await handler.handle({} as never, {} as never);
    expect(seen).toEqual(['mine']);
  });

  it('refuses a definition without a handle function or with bad event types', () => {
    expect(() => defineHandler({} as never)).toThrowError(TypeError);
    expect(() => defineHandler({ eventTypes: [''], handle: () => {} })).toThrowError(/eventTypes/);
  });

  it('does not mistake plain objects for handlers', () => {
    expect(isHandler({ handle: () => {} })).toBe(false);
    expect(isHandler(undefined)).toBe(false);
  });
});

describe('PermanentError', () => {
  it('is recognised by its brand, and other errors are not', () => {
    expect(isPermanentError(new PermanentError('bad order'))).toBe(true);
    expect(new PermanentError('bad order').name).toBe('PermanentError');
    expect(isPermanentError(new Error('bad order'))).toBe(false);
    expect(isPermanentError('bad order')).toBe(false);
  });
});
