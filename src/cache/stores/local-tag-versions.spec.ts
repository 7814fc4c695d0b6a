import { LocalTagVersions } from './local-tag-versions';

describe('LocalTagVersions', () => {
  it('an entry stamped before any invalidation is fresh', () => {
    const versions = new LocalTagVersions();
    const stamp = versions.stamp();
    expect(versions.isStale(['a', 'b'], stamp)).toBe(false);
    expect(versions.isStale([], stamp)).toBe(false);
  });

  it('invalidating a tag makes entries stamped earlier with that tag stale', () => {
    const versions = new LocalTagVersions();
    const stamp = versions.stamp();
    expect(versions.invalidate(['a'])).toBe(true);
    expect(versions.isStale(['a'], stamp)).toBe(true);
    expect(versions.isStale(['x', 'a'], stamp)).toBe(true);
  });

  it('entries without the invalidated tag stay fresh', () => {
    const versions = new LocalTagVersions();
    const stamp = versions.stamp();
    versions.invalidate(['a']);
    expect(versions.isStale(['b'], stamp)).toBe(false);
    expect(versions.isStale([], stamp)).toBe(false);
  });

  it('a stamp taken after the invalidation is fresh', () => {
    const versions = new LocalTagVersions();
    versions.invalidate(['a']);
    const stamp = versions.stamp();
    expect(versions.isStale(['a'], stamp)).toBe(false);
  });

  it('an invalidation during a load (after its stamp) makes the loaded value stale', () => {
    const versions = new LocalTagVersions();
    versions.invalidate(['a']);
    const loadStart = versions.stamp();
    versions.invalidate(['a']);
    expect(versions.isStale(['a'], loadStart)).toBe(true);
    expect(versions.isStale(['a'], versions.stamp())).toBe(false);
  });

  it('invalidating several tags at once invalidates each of them', () => {
    const versions = new LocalTagVersions();
    const stamp = versions.stamp();
    versions.invalidate(['a', 'b']);
    expect(versions.isStale(['a'], stamp)).toBe(true);
    expect(versions.isStale(['b'], stamp)).toBe(true);
    expect(versions.isStale(['c'], stamp)).toBe(false);
  });

  it('each invalidation moves the stamp forward', () => {
    const versions = new LocalTagVersions();
    const first = versions.stamp();
    versions.invalidate(['a']);
    const second = versions.stamp();
    versions.invalidate(['b']);
    expect(second).toBeGreaterThan(first);
    expect(versions.stamp()).toBeGreaterThan(second);
    expect(versions.isStale(['a'], second)).toBe(false);
    expect(versions.isStale(['b'], second)).toBe(true);
  });

  it('reset makes every older stamp stale, whatever its tags, and new stamps fresh', () => {
    const versions = new LocalTagVersions();
    versions.invalidate(['a']);
    const before = versions.stamp();
    versions.reset();
    expect(versions.isStale(['never-invalidated'], before)).toBe(true);
    expect(versions.isStale([], before)).toBe(true);
    const after = versions.stamp();
    expect(versions.isStale(['a'], after)).toBe(false);
    expect(versions.isStale(['never-invalidated'], after)).toBe(false);
  });

  it('invalidate returns false and forgets everything once more than maxRememberedTags are remembered', () => {
    const versions = new LocalTagVersions(2);
    const before = versions.stamp();
    expect(versions.invalidate(['a', 'b'])).toBe(true);
    const middle = versions.stamp();
    expect(versions.isStale(['c'], middle)).toBe(false);
    expect(versions.invalidate(['c'])).toBe(false);
    // The history is gone, so everything stamped before the overflow must count as stale.
    expect(versions.isStale(['c'], middle)).toBe(true);
    expect(versions.isStale(['unrelated'], before)).toBe(true);
    const after = versions.stamp();
    expect(versions.isStale(['a'], after)).toBe(false);
    expect(versions.isStale(['c'], after)).toBe(false);
  });

  it('re-invalidating a remembered tag does not count towards the limit', () => {
    const versions = new LocalTagVersions(2);
    expect(versions.invalidate(['a', 'b'])).toBe(true);
    expect(versions.invalidate(['a'])).toBe(true);
    expect(versions.invalidate(['b', 'a'])).toBe(true);
    const stamp = versions.stamp();
    expect(versions.isStale(['a', 'b'], stamp)).toBe(false);
  });
});
