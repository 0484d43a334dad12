import { describe, expect, it } from 'vitest';
import { envFlag } from '../src/config.js';

describe('boolean MOCKGATE_* variables', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['no', false],
    ['true', true],
    ['1', true],
    ['YES', true],
  ])('read %j as %s (docker run -e MOCKGATE_STRICT=false must not switch strict mode on)', (value, expected) => {
    expect(envFlag('MOCKGATE_STRICT', value === undefined ? {} : { MOCKGATE_STRICT: value })).toBe(expected);
  });

  it('refuse anything else, naming the variable', () => {
    expect(() => envFlag('MOCKGATE_WATCH', { MOCKGATE_WATCH: 'sometimes' })).toThrow('MOCKGATE_WATCH=sometimes is not a boolean; use true or false');
  });
});
