#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so no build step stands between a clone and `npm start`.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../gateway/main.ts')
await main()
