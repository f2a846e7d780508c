export interface FieldProblem {
  path: string;
  message: string;
  in?: 'body' | 'query' | 'params' | 'header';
}

/** Input that is well-formed but refers to things that do not exist or may not be used; the API answers 400. */
export class InvalidInput extends Error {
  constructor(
    message: string,
    readonly errors: FieldProblem[],
  ) {
    super(message);
  }
}
