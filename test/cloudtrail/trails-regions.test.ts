// Trails seen from another region: multi-region trails appear there as shadow trails, a trail ARN reaches any trail
// of the account, and a trail changes only in its home region.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ACCOUNT, startTrailsUnderTest, type TrailsUnderTest } from './trails-support.js'

describe('trails across regions', () => {
  let t: TrailsUnderTest
  const arnOf = (name: string) => `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${name}`
  beforeEach(async () => {
    t = await startTrailsUnderTest()
    t.bucket.create('trail-bucket')
    await t.api.CreateTrail({ Name: 'everywhere', S3BucketName: 'trail-bucket', IsMultiRegionTrail: true }, t.ctx())
    await t.api.CreateTrail({ Name: 'local', S3BucketName: 'trail-bucket' }, t.ctx())
  })
  afterEach(() => t.close())

  const described = async (input: { trailNameList?: string[]; includeShadowTrails?: boolean }) =>
    (await t.api.DescribeTrails(input, t.ctx(ACCOUNT, 'eu-west-1'))).trailList!.map((trail) => trail.Name)

  it('shows multi-region trails in other regions unless shadow trails are left out', async () => {
    expect(await described({})).toEqual(['everywhere'])
    expect(await described({ includeShadowTrails: false })).toEqual([])
    expect((await t.api.DescribeTrails({}, t.ctx())).trailList!.map((trail) => trail.Name)).toEqual(['everywhere', 'local'])
  })

  it('finds another region trail by ARN, not by name', async () => {
    expect(await described({ trailNameList: ['local'] })).toEqual([])
    expect(await described({ trailNameList: [arnOf('local')] })).toEqual(['local'])
    expect((await t.api.GetTrail({ Name: arnOf('local') }, t.ctx(ACCOUNT, 'eu-west-1'))).Trail!.HomeRegion).toBe('us-east-1')
    await expect(t.api.GetTrail({ Name: 'local' }, t.ctx(ACCOUNT, 'eu-west-1'))).rejects.toMatchObject({ code: 'TrailNotFoundException' })
  })

  it('changes a trail only from its home region', async () => {
    await expect(t.api.UpdateTrail({ Name: arnOf('everywhere'), EnableLogFileValidation: true }, t.ctx(ACCOUNT, 'eu-west-1')))
      .rejects.toMatchObject({ code: 'InvalidHomeRegionException' })
    await expect(t.api.StartLogging({ Name: arnOf('everywhere') }, t.ctx(ACCOUNT, 'eu-west-1'))).rejects.toMatchObject({ code: 'InvalidHomeRegionException' })
    await expect(t.api.DeleteTrail({ Name: arnOf('everywhere') }, t.ctx(ACCOUNT, 'eu-west-1'))).rejects.toMatchObject({ code: 'InvalidHomeRegionException' })
  })

  it('lists every trail of the account with its home region, and none of another account', async () => {
    expect((await t.api.ListTrails({}, t.ctx(ACCOUNT, 'eu-west-1'))).Trails).toEqual([
      { TrailARN: arnOf('everywhere'), Name: 'everywhere', HomeRegion: 'us-east-1' },
      { TrailARN: arnOf('local'), Name: 'local', HomeRegion: 'us-east-1' },
    ])
    expect((await t.api.ListTrails({}, t.ctx('999999999999'))).Trails).toEqual([])
    await expect(t.api.GetTrail({ Name: arnOf('local') }, t.ctx('999999999999'))).rejects.toMatchObject({ code: 'TrailNotFoundException' })
  })
})
