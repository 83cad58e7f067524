// Shared by the CloudTrail recording and lookup tests: clients for a started Palisade and LookupEvents helpers.
import { CloudTrailClient, LookupEventsCommand, type LookupAttribute } from '@aws-sdk/client-cloudtrail'
import { IAMClient } from '@aws-sdk/client-iam'
import { KMSClient } from '@aws-sdk/client-kms'
import { STSClient } from '@aws-sdk/client-sts'
import type { TestPalisade } from '../support/palisade.js'

export interface Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

export function clients(palisade: TestPalisade, credentials: Credentials = palisade.root, region = 'us-east-1') {
  const config = { endpoint: palisade.url, region, credentials, maxAttempts: 1 }
  return { iam: new IAMClient(config), sts: new STSClient(config), kms: new KMSClient(config), cloudtrail: new CloudTrailClient(config) }
}

/** A record as LookupEvents returns it in CloudTrailEvent, parsed. */
export type ParsedRecord = Record<string, any>

/** Every event LookupEvents returns for `attribute` (all pages), newest first, with its CloudTrailEvent parsed. */
export async function lookupAll(client: CloudTrailClient, attribute?: LookupAttribute): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = []
  let token: string | undefined
  do {
    const page = await client.send(new LookupEventsCommand({ LookupAttributes: attribute ? [attribute] : undefined, NextToken: token }))
    for (const event of page.Events ?? []) out.push(JSON.parse(event.CloudTrailEvent!))
    token = page.NextToken
  } while (token)
  return out
}

export async function eventsNamed(client: CloudTrailClient, name: string): Promise<ParsedRecord[]> {
  return lookupAll(client, { AttributeKey: 'EventName', AttributeValue: name })
}
