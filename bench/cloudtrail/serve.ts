// A Palisade server for the recording benchmark: `palisade serve` flags; CloudTrail recording off when
// BENCH_CLOUDTRAIL=off (the baseline), on otherwise.
import { startPalisade } from '../../src/app/start-palisade.js'
import { readConfig } from '../../src/config/config.js'

const palisade = await startPalisade(readConfig(process.argv.slice(2), process.env), { cloudTrail: process.env['BENCH_CLOUDTRAIL'] !== 'off' })
process.once('SIGTERM', () => void palisade.close().then(() => process.exit(0)))
