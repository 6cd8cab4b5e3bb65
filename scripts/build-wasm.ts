/**
 * Compiles crypto/simd/mime-text.wat into crypto/simd/mime-text.wasm.ts (the module's bytes as
 * base64, so the domain code loads it without reading files). Run after editing the .wat:
 * `npm run build:wasm`. tests/unit/crypto/mime-text-simd.test.ts fails when the two disagree.
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { compileMimeTextWat, mimeTextWasmModulePath, renderWasmModule } from './wasm-source.ts'

const bytes = await compileMimeTextWat()
writeFileSync(fileURLToPath(mimeTextWasmModulePath), renderWasmModule(bytes))
console.log(`wrote ${fileURLToPath(mimeTextWasmModulePath)} (${bytes.length} bytes of WebAssembly)`)
