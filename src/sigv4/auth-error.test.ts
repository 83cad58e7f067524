// authError: the failures only the pipeline detects, in each protocol family's codes and texts.
import { describe, expect, it } from 'vitest'
import { authError, type AuthErrorFamily, type AuthFailure } from './auth-error.js'

// The failures only the pipeline can see (it owns the key and token stores), in each family's words.
const cases: { name: string; failure: AuthFailure; family: AuthErrorFamily; expected: Record<string, unknown> }[] = [
  {
    name: 'an unknown key to IAM',
    failure: { kind: 'UnknownAccessKey', accessKeyId: 'AKIAXXXXXXXXXXXXXXXX' },
    family: 'query',
    expected: { code: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' },
  },
  {
    name: 'an unknown key to KMS',
    failure: { kind: 'UnknownAccessKey', accessKeyId: 'AKIAXXXXXXXXXXXXXXXX' },
    family: 'json',
    expected: { code: 'UnrecognizedClientException', jsonCode: 'UnrecognizedClientException', status: 400, message: 'The security token included in the request is invalid.' },
  },
  {
    name: 'an unknown key to S3',
    failure: { kind: 'UnknownAccessKey', accessKeyId: 'AKIAXXXXXXXXXXXXXXXX' },
    family: 's3',
    expected: {
      code: 'InvalidAccessKeyId',
      status: 403,
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      fields: { AWSAccessKeyId: 'AKIAXXXXXXXXXXXXXXXX' },
    },
  },
  {
    name: 'an unknown key to EC2',
    failure: { kind: 'UnknownAccessKey', accessKeyId: 'AKIAXXXXXXXXXXXXXXXX' },
    family: 'ec2',
    expected: { code: 'AuthFailure', status: 401, message: 'AWS was not able to validate the provided access credentials' },
  },
  {
    name: 'an expired session token to STS',
    failure: { kind: 'ExpiredSessionToken' },
    family: 'query',
    expected: { code: 'ExpiredToken', jsonCode: 'ExpiredTokenException', message: 'The security token included in the request is expired' },
  },
  { name: 'an expired session token to S3', failure: { kind: 'ExpiredSessionToken' }, family: 's3', expected: { code: 'ExpiredToken', message: 'The provided token has expired.' } },
  {
    name: 'an unknown session token to S3',
    failure: { kind: 'InvalidSessionToken' },
    family: 's3',
    expected: { code: 'InvalidToken', status: 400, message: 'The provided token is malformed or otherwise invalid.' },
  },
  {
    name: 'no signature to IAM',
    failure: { kind: 'MissingAuthentication' },
    family: 'query',
    expected: { code: 'MissingAuthenticationToken', status: 403, message: 'Request is missing Authentication Token' },
  },
  {
    name: 'no signature to KMS',
    failure: { kind: 'MissingAuthentication' },
    family: 'json',
    expected: { jsonCode: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
  },
  { name: 'no signature where S3 allows no anonymous access', failure: { kind: 'MissingAuthentication' }, family: 's3', expected: { code: 'AccessDenied', message: 'Access Denied' } },
]

describe('authError', () => {
  it.each(cases)('answers $name', ({ failure, family, expected }) => {
    expect(authError(failure, family)).toMatchObject(expected)
  })
})
