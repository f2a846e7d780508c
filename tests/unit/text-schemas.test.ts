import fc from 'fast-check';
import { text, textPattern } from '../../domain/schemas/common';

/** What the OpenAPI document promises for a string field: its pattern and its length in characters. */
const documentAccepts = (multiline: boolean, blank: boolean, max: number) => (value: string) =>
  new RegExp(textPattern(multiline, blank), 'u').test(value) && [...value].length <= max;

// Characters near every boundary the rules draw: controls, whitespace, surrogates, astral planes.
const tricky = fc.constantFrom('\u0000', '\u0007', '\t', '\n', '\r', '\u000b', '\u001f', ' ', '\u007f', '\u00a0', '\u3000', '\ufeff', '\u2028', 'a', '长', '𠀀', '\ud800', '\udc00');
const strings = fc.array(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 8 }).map((parts) => parts.join(''));

describe('the document states exactly the string rules the server applies', () => {
  test.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('when any string is checked (multiline %s, blank %s), then the pattern and the validator agree', (multiline, blank) => {
    const max = 6;
    const schema = text(max, { multiline, blank });
    const promised = documentAccepts(multiline, blank, max);
    fc.assert(
      fc.property(strings, (value) => {
        // A lone surrogate cannot travel in a document's pattern; the server refuses it on its own.
        const wellFormed = !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
        expect(schema.safeParse(value).success).toBe(wellFormed && promised(value));
      }),
      { numRuns: 2000 },
    );
  });

  test('when a value is accepted, then it is stored trimmed', () => {
    expect(text(10).parse('  标题 \u3000')).toBe('标题');
  });
});
