// The one error type of the persistence layer. Its message always says what to do next, because
// the person reading it is deciding whether a database holding their crash seeds is safe.

export class StoreError extends Error {
  override readonly name = 'StoreError';
}
