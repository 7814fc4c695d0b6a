import { BadRequestException } from '@nestjs/common';
import { ParseIdPipe } from './parse-id.pipe';

describe('ParseIdPipe', () => {
  const pipe = new ParseIdPipe();
  const param = { type: 'param' as const, data: 'id' };

  it('passes a UUID through, in lower case', () => {
    expect(pipe.transform('0B9A3C4E-1111-4000-8000-00000000ABCD', param)).toBe('0b9a3c4e-1111-4000-8000-00000000abcd');
  });

  it.each(['', 'abc', '1 OR 1=1', '0b9a3c4e-1111-4000-8000-00000000abcdX', '../etc/passwd'])(
    'refuses %j with a 400 naming the parameter',
    (value) => {
      expect(() => pipe.transform(value, param)).toThrow(BadRequestException);
      expect(() => pipe.transform(value, param)).toThrow(/^id must be a UUID/);
    },
  );
});
