#!/usr/bin/env node
// Runs the benchmarks through tsx's loader, like bin/brucke.js, so no build step is needed.
import { register } from 'tsx/esm/api'

register()
await import('../bench/run.ts')
