import { ifNoneMatchMatches } from './if-none-match';

describe('If-None-Match', () => {
  const etag = '"abc_-1"';

  it('matches the same tag, weak or strong, alone or in a list', () => {
    expect(ifNoneMatchMatches('"abc_-1"', etag)).toBe(true);
    expect(ifNoneMatchMatches('W/"abc_-1"', etag)).toBe(true);
    expect(ifNoneMatchMatches('"x", "y" ,W/"abc_-1"', etag)).toBe(true);
    expect(ifNoneMatchMatches(['"x"', '"abc_-1"'], etag)).toBe(true);
    expect(ifNoneMatchMatches('*', etag)).toBe(true);
  });

  it('does not match another tag, a tag without quotes, or no header', () => {
    expect(ifNoneMatchMatches('"abc_-2"', etag)).toBe(false);
    expect(ifNoneMatchMatches('abc_-1', etag)).toBe(false);
    expect(ifNoneMatchMatches('"abc_-1 "', etag)).toBe(false);
    expect(ifNoneMatchMatches('', etag)).toBe(false);
    expect(ifNoneMatchMatches(undefined, etag)).toBe(false);
  });
});
