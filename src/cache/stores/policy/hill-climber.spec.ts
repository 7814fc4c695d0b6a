import { HillClimber } from './hill-climber';

describe('HillClimber', () => {
  it('first shrinks the window by 6.25% of capacity, then keeps going while the hit rate improves', () => {
    const climber = new HillClimber(1_000);
    expect(climber.adjustment(100, 900)).toBe(-62); // 10% against 0%: a sharp change, a full step
    expect(climber.adjustment(200, 800)).toBe(-62); // improved: the same direction
  });

  it('reverses when the hit rate falls', () => {
    const climber = new HillClimber(1_000);
    climber.adjustment(300, 700);
    expect(climber.adjustment(100, 900)).toBeGreaterThan(0);
  });

  it('takes smaller steps while the hit rate is steady', () => {
    const climber = new HillClimber(1_000);
    climber.adjustment(500, 500);
    const steps = Array.from({ length: 20 }, () => Math.abs(climber.adjustment(500, 500)));
    expect(steps[19]).toBeLessThan(steps[0]);
  });

  it('does not move on an empty period', () => {
    expect(new HillClimber(1_000).adjustment(0, 0)).toBe(0);
  });
});
