// Key policies: the default one, the lockout safety check, and GetKeyPolicy / PutKeyPolicy / ListKeyPolicies.
import type { Caller } from '../../core/caller.js'
import { MalformedPolicyDocumentException, NotFoundException } from '../../generated/kms/errors.js'
import type { KmsApi } from '../../generated/kms/api.js'
import { compilePolicy, evaluate, PolicySyntaxError, type CompiledPolicy, type RequestPrincipal } from '../../policy/index.js'
import { kmsStore } from './store.js'
import { keyChangesApplied, notifyKeyChange } from './key-index.js'
import { requireKey, requireNotPendingDeletion } from './key-lookup.js'
import type { KmsDeps } from './kms-deps.js'

/**
 * The key policy KMS gives a key created through the API without one: the account may use IAM policies for every
 * KMS operation on the key (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html), in the
 * layout GetKeyPolicy returns it.
 */
export function defaultKeyPolicy(partition: string, accountId: string): string {
  return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:${partition}:iam::${accountId}:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`
}

/**
 * Parses a key policy and, unless bypassed, checks that it lets the caller (directly, or through its account and
 * so its IAM policies) call PutKeyPolicy later: the policy lockout safety check
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-bypass-policy-lockout-safety-check).
 */
export function checkKeyPolicy(text: string, caller: Caller, keyArn: string, bypass: boolean | undefined): CompiledPolicy {
  let policy: CompiledPolicy
  try {
    policy = compilePolicy(`${keyArn}/policy/default`, 'resource', text)
  } catch (error) {
    if (error instanceof PolicySyntaxError) throw new MalformedPolicyDocumentException(error.message)
    throw error
  }
  if (bypass) return policy
  // The account's IAM policies are assumed to allow: what the check protects against is a key policy that no
  // longer lets the caller in at all.
  const iamAllows = compilePolicy('lockout-check', 'identity', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] })
  const decision = evaluate(
    { principal: requestPrincipal(caller), action: 'kms:PutKeyPolicy', resource: keyArn },
    { resource: [policy], identity: [iamAllows], resourceMustAllow: true },
  )
  if (decision.effect !== 'Allow') {
    throw new MalformedPolicyDocumentException('The new key policy will not allow you to update the key policy in the future.')
  }
  return policy
}

export function requestPrincipal(caller: Caller): RequestPrincipal {
  const role = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(caller.arn)
  return {
    type: caller.type === 'AWSAccount' ? 'Root' : caller.type,
    arn: caller.arn,
    accountId: caller.accountId,
    userId: caller.userId,
    ...(role && { issuerArn: `arn:${role[1]}:iam::${role[2]}:role/${role[3]}` }),
  }
}

export function keyPolicyOperations({ database, keys }: KmsDeps) {
  return {
    async GetKeyPolicy(input, ctx) {
      const key = requireKey(keys, input.KeyId, ctx)
      checkPolicyName(input.PolicyName)
      return { Policy: key.policy, PolicyName: 'default' }
    },

    async ListKeyPolicies(input, ctx) {
      requireKey(keys, input.KeyId, ctx)
      return { PolicyNames: ['default'], Truncated: false }
    },

    async PutKeyPolicy(input, ctx) {
      const key = requireKey(keys, input.KeyId, ctx)
      requireNotPendingDeletion(key)
      checkPolicyName(input.PolicyName)
      checkKeyPolicy(input.Policy, ctx.caller, key.arn, input.BypassPolicyLockoutSafetyCheck)
      await database.transaction(async (tx) => {
        await kmsStore(tx).updateKey(key.accountId, key.keyId, { policy: input.Policy })
        await notifyKeyChange(database, key.accountId, key.keyId)
      })
      await keyChangesApplied(keys)
    },
  } satisfies Partial<KmsApi>
}

// "The only valid name is default" (https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html).
function checkPolicyName(name: string | undefined): void {
  if (name !== undefined && name !== 'default') throw new NotFoundException(`No such policy exists: ${name}`)
}
