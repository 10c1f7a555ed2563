// A token <-> id table. Ids need not be contiguous (RoBERTa's vocab.json skips 50261..50263), so the size
// a model's embedding needs is 1 + the largest id, not the number of entries.

export class Vocab {
  private constructor(
    private readonly ids: ReadonlyMap<string, number>,
    private readonly tokens: ReadonlyArray<string | undefined>,
  ) {}

  /** Token i gets id i. A repeated token keeps its last id for tokenToId, as Hugging Face's loaders do. */
  static fromTokens(tokens: readonly string[]): Vocab {
    const ids = new Map<string, number>();
    tokens.forEach((token, id) => ids.set(token, id));
    return new Vocab(ids, [...tokens]);
  }

  /** Two tokens with one id (a malformed vocab.json): tokenToId knows both, idToToken gives the first. */
  static fromEntries(entries: Iterable<readonly [string, number]>): Vocab {
    const ids = new Map<string, number>();
    const tokens: Array<string | undefined> = [];
    for (const [token, id] of entries) {
      ids.set(token, id);
      if (tokens[id] === undefined) tokens[id] = token;
    }
    return new Vocab(ids, tokens);
  }

  /** 1 + the largest id. */
  get size(): number {
    return this.tokens.length;
  }

  id(token: string): number | undefined {
    return this.ids.get(token);
  }

  token(id: number): string | undefined {
    return this.tokens[id];
  }
}
