// Entry of a verification thread (parallel-verify.ts): a worker thread does not inherit the
// loader hooks of the thread that started it, so it registers tsx itself, like bin/brucke.js.
import { register } from 'tsx/esm/api'

register()
await import('./verify-range-thread.ts')
