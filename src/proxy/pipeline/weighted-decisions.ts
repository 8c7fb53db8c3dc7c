// Gateway API weighted backendRefs: a rule with several backends (weight > 0) picks one per request in
// proportion to its weight; a share whose reference is invalid answers 500 (HTTPRoute spec, BackendRef).

/** Choices with their weights; `pick` maps a uniform random number in [0, 1) to one of them. */
export class WeightedDecisions<D> {
  readonly #choices: readonly D[];
  readonly #bounds: readonly number[];
  readonly #total: number;

  constructor(choices: readonly D[], weights: readonly number[]) {
    this.#choices = choices;
    let sum = 0;
    this.#bounds = weights.map((weight) => (sum += weight));
    this.#total = sum;
  }

  pick(random: number): D {
    const at = random * this.#total;
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length; i++) if (at < bounds[i]) return this.#choices[i];
    return this.#choices[this.#choices.length - 1];
  }
}
