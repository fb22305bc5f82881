/**
 * A check that remembers its answer for each input: the same expressions and
 * patterns (the defaults) are validated once per environment, and parsing or
 * compiling them is a visible share of loading values. Only for pure checks.
 */
export function remembered(check: (input: string) => string | undefined): (input: string) => string | undefined {
  const answers = new Map<string, string | undefined>();
  return (input) => {
    if (answers.has(input)) return answers.get(input);
    const answer = check(input);
    answers.set(input, answer);
    return answer;
  };
}
