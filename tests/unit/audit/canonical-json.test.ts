import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../../audit/canonical-json.ts'

// RFC 8785 §3.2.2 and §3.2.3 examples, and number vectors of its Appendix B.
describe('RFC 8785 canonical JSON', () => {
  it('serializes the §3.2.2 example exactly', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    )
  })

  it('sorts members by UTF-16 code units as in §3.2.3', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}',
    ) as Record<string, string>
    const values = Object.values(JSON.parse(canonicalJson(input)) as Record<string, string>)
    // Integer-like keys come first in JS object order, so compare the serialized order instead.
    const text = canonicalJson(input)
    const order = [
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ].map((v) => text.indexOf(v))
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(values).toHaveLength(7)
  })

  it.each([
    [0, '0'],
    [-0, '0'],
    [1e21, '1e+21'],
    [9007199254740992, '9007199254740992'],
    [5e-324, '5e-324'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [-1.7976931348623157e308, '-1.7976931348623157e+308'],
    [295147905179352830000, '295147905179352830000'],
  ])('serializes the number %s as %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected)
  })

  it('nests objects, drops undefined members and keeps array order', () => {
    expect(canonicalJson({ b: [3, { d: 1, c: undefined, a: 'x' }], a: true })).toBe(
      '{"a":true,"b":[3,{"a":"x","d":1}]}',
    )
  })

  it('refuses values JSON cannot carry: non-finite numbers and lone surrogates', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'ERR_AUDIT_CANONICAL_JSON' }) as Error,
    )
    expect(() => canonicalJson({ n: Infinity })).toThrow()
    expect(() => canonicalJson('\ud800')).toThrow()
    expect(() => canonicalJson({ f: () => 1 })).toThrow()
  })
})
