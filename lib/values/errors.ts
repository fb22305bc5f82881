/** A values error: always names the source (file or --set), the key path and what was expected. */
export class ValuesError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ValuesError';
  }
}
