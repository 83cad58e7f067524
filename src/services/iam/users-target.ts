// Which user a call acts on when UserName is optional: the named one, else the calling IAM user, else the root user.
import { AwsError } from '../../core/aws-error.js'
import type { Caller } from '../../core/caller.js'
import type { CallFacts } from '../../core/authorization-target.js'
import { iamArn } from './iam-names.js'

/** The user an operation acts on: `{ userName }` for an IAM user, `{ root: true }` for the account's root user. */
export type UserTarget = { readonly userName: string; readonly root?: undefined } | { readonly root: true; readonly userName?: undefined }

/**
 * "If you do not specify a user name, IAM determines the user name implicitly based on the Amazon Web Services
 * access key ID signing the request" (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html);
 * with the root user's keys that is the root user, and with a role session there is no user at all.
 */
export function userTarget(userName: string | undefined, caller: Caller): UserTarget {
  if (userName !== undefined) return { userName }
  if (caller.type === 'Root') return { root: true }
  const own = callerUserName(caller)
  if (own === undefined) throw new AwsError('ValidationError', 400, 'Must specify userName when calling with non-User credentials')
  return { userName: own }
}

/** The calling IAM user's name (the last segment of its ARN), or undefined for any other kind of caller. */
export function callerUserName(caller: Caller): string | undefined {
  return caller.type === 'IAMUser' ? caller.arn.slice(caller.arn.lastIndexOf('/') + 1) : undefined
}

/**
 * The ARN an operation on a user is authorized against. The path is known only for the caller itself: the
 * authorization stage runs before any lookup, so a named user is taken to be at the root path.
 */
export function userResourceArn(userName: string | undefined, call: CallFacts): string {
  if (userName === undefined) return call.caller.arn
  if (callerUserName(call.caller) === userName && call.caller.accountId === call.accountId) return call.caller.arn
  return iamArn(call.partition, call.accountId, 'user', '/', userName)
}
