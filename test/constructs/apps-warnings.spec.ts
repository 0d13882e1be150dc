import '../support/shared-templates';
import { LISTED_WARNINGS_PER_RULE, summarizedWarnings } from '../../lib/cli/synth';

describe("the synth's warnings", () => {
  test('the first three of each rule in full, then one line counting the rest of that rule', () => {
    const many = Array.from(
      { length: 1000 },
      (_, i) => `[default] vs-destination-absent VirtualService app-${i}/app-${i} ...`,
    );
    const lines = summarizedWarnings(
      ['[dev] placeholder-value Ingress ...', ...many, 'drop-invalid-headers Ingress x'],
      'out',
    );
    expect(lines).toEqual([
      '[dev] placeholder-value Ingress ...',
      ...many.slice(0, LISTED_WARNINGS_PER_RULE),
      'drop-invalid-headers Ingress x',
      '997 more vs-destination-absent warnings (npm run check -- out lists them all)',
    ]);
  });

  test('three or fewer of a rule are all shown, with no count line', () => {
    const few = ['a-rule x', 'a-rule y', 'a-rule z'];
    expect(summarizedWarnings(few, 'dist')).toEqual(few);
  });
});
