// Event selectors: which events each kind of selector selects, and the selectors PutEventSelectors refuses.
import { describe, expect, it } from 'vitest'
import type { AdvancedEventSelector, EventSelector } from '../../src/generated/cloudtrail/types.js'
import { compileSelectors, selectsDataEvents } from '../../src/services/cloudtrail/selectors.js'
import { checkAdvancedEventSelectors, checkEventSelectors } from '../../src/services/cloudtrail/selectors-validate.js'
import { managementEvent, s3ObjectEvent } from './trails-support.js'

const createUser = managementEvent('CreateUser', { readOnly: false })
const getUser = managementEvent('GetUser', { readOnly: true })
const encrypt = managementEvent('Encrypt', { eventSource: 'kms.amazonaws.com', readOnly: true })
const putObject = s3ObjectEvent('PutObject', 'data', 'logs/a.txt', { readOnly: false })
const getObject = s3ObjectEvent('GetObject', 'data', 'logs/a.txt', { readOnly: true })
const otherBucket = s3ObjectEvent('PutObject', 'other', 'logs/a.txt', { readOnly: false })
const events = { createUser, getUser, encrypt, putObject, getObject, otherBucket }

const selected = (selectors: { eventSelectors?: EventSelector[]; advancedEventSelectors?: AdvancedEventSelector[] }) => {
  const selects = compileSelectors(selectors)
  return Object.entries(events).filter(([, event]) => selects(event)).map(([name]) => name)
}

describe('compileSelectors', () => {
  it.each([
    { name: 'no selectors: every management event', selectors: {}, expected: ['createUser', 'getUser', 'encrypt'] },
    { name: 'write-only management events', selectors: { eventSelectors: [{ ReadWriteType: 'WriteOnly' as const }] }, expected: ['createUser'] },
    {
      name: 'management events without KMS',
      selectors: { eventSelectors: [{ ExcludeManagementEventSources: ['kms.amazonaws.com'] }] },
      expected: ['createUser', 'getUser'],
    },
    {
      name: 'S3 data events of every bucket, no management events',
      selectors: { eventSelectors: [{ IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] },
      expected: ['putObject', 'getObject', 'otherBucket'],
    },
    {
      name: 'S3 data events under one bucket prefix',
      selectors: { eventSelectors: [{ IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data/logs/'] }] }] },
      expected: ['putObject', 'getObject'],
    },
    {
      name: 'advanced: management reads',
      selectors: { advancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['true'] }] }] },
      expected: ['getUser', 'encrypt'],
    },
    {
      name: 'advanced: S3 object writes whose ARN starts with a bucket',
      selectors: { advancedEventSelectors: [{ FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
        { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::data/'] }, { Field: 'eventName', NotEquals: ['GetObject'] },
      ] }] },
      expected: ['putObject'],
    },
    {
      name: 'advanced: two selectors add up',
      selectors: { advancedEventSelectors: [
        { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventSource', NotEquals: ['kms.amazonaws.com', 'iam.amazonaws.com'] }] },
        { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, { Field: 'resources.ARN', EndsWith: ['a.txt'] }, { Field: 'readOnly', Equals: ['true'] }] },
      ] },
      expected: ['getObject'],
    },
  ])('$name', ({ selectors, expected }) => {
    expect(selected(selectors)).toEqual(expected)
  })
})

describe('event selector validation', () => {
  it.each([
    { name: 'no selector', selectors: [] as EventSelector[] },
    { name: 'six selectors', selectors: Array.from({ length: 6 }, (): EventSelector => ({})) },
    { name: 'a bucket resource type', selectors: [{ DataResources: [{ Type: 'AWS::S3::Bucket', Values: ['arn:aws:s3'] }] }] },
    { name: 'an S3 value that is not an object ARN prefix', selectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['data-bucket'] }] }] },
    { name: '251 data resources', selectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: Array.from({ length: 251 }, (_, i) => `arn:aws:s3:::bucket-${i}/`) }] }] },
  ])('refuses $name with InvalidEventSelectorsException', ({ selectors }) => {
    expect(() => checkEventSelectors(selectors)).toThrow(expect.objectContaining({ code: 'InvalidEventSelectorsException' }))
  })

  it.each([
    { name: 'none at all', selectors: [] },
    { name: 'no eventCategory', selectors: [{ FieldSelectors: [{ Field: 'readOnly', Equals: ['true'] }] }] },
    { name: 'an unknown field', selectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'color', Equals: ['red'] }] }] },
    { name: 'eventName on management events', selectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventName', Equals: ['CreateUser'] }] }] },
    { name: 'data events without resources.type', selectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] }] },
    { name: 'readOnly that is not true or false', selectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['yes'] }] }] },
    { name: 'a field without a condition', selectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventSource' }] }] },
  ])('refuses advanced selectors with $name', ({ selectors }) => {
    expect(() => checkAdvancedEventSelectors(selectors)).toThrow(expect.objectContaining({ code: 'InvalidEventSelectorsException' }))
  })

  it('accepts AWS documented forms', () => {
    expect(() => checkEventSelectors([{ ReadWriteType: 'All', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::amzn-s3-demo-bucket/prefix'] }] }])).not.toThrow()
    expect(() => checkAdvancedEventSelectors([{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }])).not.toThrow()
  })
})

describe('selectsDataEvents (whether the recorder builds data events for a trail at all)', () => {
  it.each([
    { name: 'no selectors (management events only)', selectors: {}, data: false },
    { name: 'basic selectors without data resources', selectors: { eventSelectors: [{ ReadWriteType: 'All' as const, IncludeManagementEvents: true, DataResources: [] }] }, data: false },
    { name: 'a basic selector with S3 data resources', selectors: { eventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] }, data: true },
    { name: 'advanced selectors for management events', selectors: { advancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }] }, data: false },
    { name: 'an advanced selector for data events', selectors: { advancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }] }, data: true },
  ])('$name: $data', ({ selectors, data }) => {
    expect(selectsDataEvents(selectors)).toBe(data)
  })
})
