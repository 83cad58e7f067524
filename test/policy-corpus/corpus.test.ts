// The documented-case corpus: every *.json case here encodes an example or rule from the AWS page in its `doc`.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  type AuthorizationRequest,
  type DecisionEffect,
  type Denial,
  type PolicySourceSet,
  type PolicyType,
  PolicySyntaxError,
  compilePolicySet,
  evaluate,
  parsePolicy,
} from '../../src/policy/index.js'

/** An authorization question and AWS's documented answer. */
interface DecisionCase {
  readonly name: string
  readonly doc: string
  readonly request: AuthorizationRequest
  readonly policies: PolicySourceSet
  readonly expected: { readonly effect: DecisionEffect; readonly denial?: Denial }
}

/**
 * A document and whether AWS accepts it: `parseError` is AWS's MalformedPolicyDocument text (the engine's message
 * must contain it), `true` where the docs say it is rejected without quoting a message, `false` when it is accepted.
 */
interface ParseCase {
  readonly name: string
  readonly doc: string
  readonly parse: { readonly type: PolicyType; readonly document: string | Readonly<Record<string, unknown>> }
  readonly expected: { readonly parseError: string | boolean }
}

type CorpusCase = DecisionCase | ParseCase

/**
 * Cases where the engine currently disagrees with the cited AWS page (file › case name). They run as `it.fails`, so
 * the suite stays green while the disagreement lasts and turns red the moment the engine is fixed: then delete the
 * entry. Never "fix" a case here by changing its expectation.
 */
const engineDisagreements = new Set<string>([])

const corpusDir = import.meta.dirname
const files = readdirSync(corpusDir).filter((file) => file.endsWith('.json')).sort()

describe.each(files)('%s', (file) => {
  const cases = JSON.parse(readFileSync(join(corpusDir, file), 'utf8')) as CorpusCase[]
  const decisionCases = cases.filter((item): item is DecisionCase => 'request' in item)
  const parseCases = cases.filter((item): item is ParseCase => 'parse' in item)

  it('cites an AWS documentation page for every case', () => {
    expect(cases.length).toBeGreaterThan(0)
    for (const item of cases) expect(item.doc, item.name).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//)
  })

  const known = (item: CorpusCase) => engineDisagreements.has(`${file} › ${item.name}`)

  it('lists only engine disagreements that exist', () => {
    const names = new Set(cases.map((item) => `${file} › ${item.name}`))
    for (const entry of engineDisagreements) if (entry.startsWith(`${file} › `)) expect(names, entry).toContain(entry)
  })

  it.each(decisionCases.filter((item) => !known(item)))('$name', (item) => checkDecision(item))
  it.fails.each(decisionCases.filter(known))('$name (engine disagrees with the doc)', (item) => checkDecision(item))
  it.each(parseCases.filter((item) => !known(item)))('$name', (item) => checkParse(item))
  it.fails.each(parseCases.filter(known))('$name (engine disagrees with the doc)', (item) => checkParse(item))
})

function checkDecision({ request, policies, expected }: DecisionCase): void {
  const decision = evaluate(request, compilePolicySet(policies))
  expect(decision.effect).toBe(expected.effect)
  if (expected.denial) expect(decision.denial).toEqual(expected.denial)
  if (expected.effect === 'Allow') expect(decision.denial).toBeUndefined()
}

function checkParse({ parse, expected }: ParseCase): void {
  const attempt = () => parsePolicy(parse.document, parse.type)
  if (expected.parseError === false) {
    expect(attempt).not.toThrow()
    return
  }
  expect(attempt).toThrow(PolicySyntaxError)
  if (typeof expected.parseError === 'string') expect(attempt).toThrow(expected.parseError)
}
