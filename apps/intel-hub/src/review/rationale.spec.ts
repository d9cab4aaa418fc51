import { rationaleProblem } from './rationale';

describe('rationaleProblem', () => {
  it('takes a rationale in words', () => {
    expect(rationaleProblem('Same custody photograph and address history')).toBeUndefined();
  });

  it.each([
    ['nothing', '', /required/],
    ['one letter repeated', 'aaaaaaaaaaaa', /words/],
    ['one word repeated', 'blame blame blame blame', /repeated/],
    ['more than 2000 characters', 'Same man, see notes. '.repeat(100), /at most 2000/],
    ['a bidi override', 'Same man \u202e reversed text', /bidirectional|control/i],
  ])('refuses %s', (_label, text, problem) => {
    expect(rationaleProblem(text)).toMatch(problem);
  });
});
