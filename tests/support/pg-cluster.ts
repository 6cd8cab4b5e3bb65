import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import pg from 'pg'
import { freePort } from './cli.ts'

const run = promisify(execFile)

/**
 * A PostgreSQL cluster of the test's own (Debian's pg_createcluster), on a free port with trust
 * authentication for loopback, so a test may stop and restart it. The shared cluster on 5432
 * is never touched.
 */
export interface TestCluster {
  name: string
  port: number
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url(database: string): string
  restart(): Promise<void>
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops and removes the cluster with its data. */
  drop(): Promise<void>
}

const version = '15'

export async function createTestCluster(): Promise<TestCluster> {
  const name = `brucke_${randomBytes(4).toString('hex')}`
  const port = await freePort()
  await run('pg_createcluster', [
    version,
    name,
    '-p',
    String(port),
    // A throwaway cluster: nothing to keep across a power loss, so no fsync.
    '-o',
    'fsync=off',
    '--',
    '--auth=trust',
  ])
  const ctl = (action: string, ...extra: string[]) =>
    run('pg_ctlcluster', [version, name, action, ...extra]).then(() => undefined)
  const cluster: TestCluster = {
    name,
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    restart: () => ctl('restart', '-m', 'fast'),
    stop: () => ctl('stop', '-m', 'fast'),
    start: () => ctl('start'),
    drop: () => run('pg_dropcluster', ['--stop', version, name]).then(() => undefined),
  }
  try {
    await cluster.start()
  } catch (error) {
    await cluster.drop().catch(() => undefined)
    throw error
  }
  return cluster
}

/** Creates a database on the cluster. */
export async function createClusterDatabase(cluster: TestCluster, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: cluster.url('postgres') })
  await admin.connect()
  try {
    await admin.query(`create database ${database}`)
  } finally {
    await admin.end()
  }
}
