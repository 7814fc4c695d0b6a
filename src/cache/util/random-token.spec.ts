import { randomToken } from './random-token';

describe('randomToken', () => {
  it('never repeats a token, across refills of its pool', () => {
    const tokens = Array.from({ length: 2000 }, () => randomToken(8));
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens.every((token) => /^[A-Za-z0-9_-]{11}$/.test(token))).toBe(true);
  });

  it('answers as many random bytes as asked, more than its pool too', () => {
    expect(Buffer.from(randomToken(16), 'base64url')).toHaveLength(16);
    expect(Buffer.from(randomToken(5000), 'base64url')).toHaveLength(5000);
  });
});
