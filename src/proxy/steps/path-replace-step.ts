import type { PathRewrite } from '../../routing/policy-types.ts';
import type { PathReplacement } from '../../routing/gateway/route-data.ts';
import { replacePath } from '../../routing/gateway/request-rewrites.ts';
import { CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';

/**
 * Gateway API URLRewrite path (HTTPPathModifier): ReplaceFullPath, or ReplacePrefixMatch of the route's
 * matched prefix; the query is kept. Upstream: conformance/tests/httproute-rewrite-path.go.
 */
export class PathReplaceStep implements RequestStep {
  readonly name = 'rewrite';
  readonly replacement: PathReplacement;

  constructor(rewrite: PathRewrite & { readonly replace: NonNullable<PathRewrite['replace']> }) {
    const replace = rewrite.replace;
    this.replacement =
      replace.kind === 'full'
        ? { kind: 'full', value: rewrite.target }
        : { kind: 'prefix', value: rewrite.target, matched: replace.matched };
  }

  apply(exchange: StepExchange): StepOutcome {
    exchange.setUpstreamPath(replacePath(exchange.path, this.replacement) + exchange.query);
    return CONTINUE;
  }
}
